// The lazy, pushdown-capable source behind from() (local store and remote InfluxDB), and the
// translation of filter row functions into StorePredicates. See src/store/pushdown.ts.
import type { NativeContext } from '../../../runtime/builtin-api.js';
import { FluxError } from '../../../errors/index.js';
import type { Expression, FunctionExpression } from '../../../lang/ast.js';
import type { Span } from '../../../errors/index.js';
import { INT64_MIN, Regexp, UInt } from '../../../values/value.js';
import type { FunctionValue, Value } from '../../../values/value.js';
import { compileRegexp } from '../../../values/regexp.js';
import type { PushdownSource, StorePredicate } from '../../../store/index.js';
import type { Table } from '../../../table/types.js';
import { nameOf } from '../../../lang/names.js';

export function err(ctx: NativeContext, code: 'invalid' | 'notFound', id: string, msg: string): FluxError {
  return new FluxError(code, id, msg, { span: ctx.span, source: ctx.source });
}

// ---- translating a filter row function into a StorePredicate ----

interface ClosureLike extends FunctionValue {
  readonly node?: FunctionExpression;
  readonly scope?: { readonly source?: string };
  lookup?(name: string): Value | undefined;
}

class NotPushable extends Error {}

const flip: Record<string, '==' | '!=' | '<' | '<=' | '>' | '>='> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * The StorePredicate equivalent to a row function `(r) => <expr>`, or undefined when the
 * function does more than compare `r._measurement`, `r._field`, `r.<tag>` or `r._value` with
 * literals (or names bound to literals) combined with and/or/not.
 */
export function predicateOf(fn: FunctionValue): StorePredicate | undefined {
  const c = fn as ClosureLike;
  const node = c.node;
  if (!node || node.type !== 'FunctionExpression' || node.params.length !== 1) return undefined;
  const p0 = node.params[0]!;
  const param = nameOf(p0.key);
  let body: Expression | undefined;
  if (node.body.type === 'Block') {
    const stmts = node.body.body;
    if (stmts.length === 1 && stmts[0]!.type === 'ReturnStatement') body = stmts[0].argument;
  } else body = node.body;
  if (!body) return undefined;

  const column = (e: Expression): string | undefined => {
    if (e.type !== 'MemberExpression' || e.object.type !== 'Identifier' || e.object.name !== param) return undefined;
    return nameOf(e.property);
  };
  const literal = (e: Expression): Value => {
    switch (e.type) {
      case 'StringLiteral':
        return e.value;
      case 'IntegerLiteral':
        return e.value;
      case 'FloatLiteral':
        return e.value;
      case 'RegexpLiteral':
        return compileRegexp(e.value);
      case 'ParenExpression':
        return literal(e.expression);
      case 'UnaryExpression': {
        // A negative number (`r._value > -1.5`); -(int64 min) overflows: left to the evaluator.
        const v = e.operator === '-' ? literal(e.argument) : undefined;
        if (typeof v === 'number') return -v;
        if (typeof v === 'bigint' && v !== INT64_MIN) return -v;
        throw new NotPushable();
      }
      case 'Identifier': {
        if (e.name === param) throw new NotPushable();
        const v = c.lookup?.(e.name);
        if (v === undefined) throw new NotPushable();
        return v;
      }
      default:
        throw new NotPushable();
    }
  };
  const walk = (e: Expression): StorePredicate => {
    switch (e.type) {
      case 'ParenExpression':
        return walk(e.expression);
      case 'LogicalExpression':
        return { kind: e.operator, operands: [walk(e.left), walk(e.right)] };
      case 'UnaryExpression':
        if (e.operator !== 'not') throw new NotPushable();
        return { kind: 'not', operand: walk(e.argument) };
      case 'BinaryExpression': {
        let col = column(e.left);
        let other = e.right;
        let op = e.operator as string;
        if (col === undefined) {
          col = column(e.right);
          other = e.left;
          if (col === undefined || op === '=~' || op === '!~') throw new NotPushable();
          op = flip[op] ?? '?';
        }
        const v = literal(other);
        if (col === '_value') {
          if (!['==', '!=', '<', '<=', '>', '>='].includes(op)) throw new NotPushable();
          const value =
            typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean'
              ? v
              : v instanceof UInt
                ? { uint: v.value }
                : undefined;
          if (value === undefined) throw new NotPushable();
          return { kind: 'value', op: op as '==', value };
        }
        if (col === '_time' || col === '_start' || col === '_stop') throw new NotPushable();
        if ((op === '==' || op === '!=') && typeof v === 'string') return { kind: 'tag', key: col, op, value: v };
        if ((op === '=~' || op === '!~') && v instanceof Regexp) {
          return { kind: 'tag', key: col, op, value: new RegExp(v.re.source, v.re.flags.replace(/[gy]/g, '')), source: v.source };
        }
        throw new NotPushable();
      }
      default:
        throw new NotPushable();
    }
  };
  try {
    return walk(body);
  } catch (e) {
    if (e instanceof NotPushable) return undefined;
    throw e;
  }
}

// ---- the store source ----

/**
 * The predicate of two successive filters: `all`, not `and`, because a row the first filter
 * drops for a null result never reaches the second (Flux's `and` would evaluate it).
 */
function and(a: StorePredicate | undefined, b: StorePredicate): StorePredicate {
  return a === undefined ? b : { kind: 'all', operands: [a, b] };
}

/** Where a pushed filter function was written (its errors point there, not at from()). */
interface FilterSite {
  readonly span: Span;
  readonly source: string | undefined;
}

/** Shared by the local and the remote source: read-once bookkeeping and range/filter pushdown. */
export abstract class SourceBase implements PushdownSource {
  readonly kind = 'stream' as const;
  readonly pushdown = 'store' as const;
  /** The last pushed filter function, if any. */
  private filterSite: FilterSite | undefined;
  constructor(
    protected readonly ctx: NativeContext,
    protected readonly bucket: string,
    readonly range: { start: bigint; stop: bigint } | undefined,
    readonly predicate: StorePredicate | undefined,
  ) {}
  get bounded(): boolean {
    return this.range !== undefined;
  }
  protected abstract with(range: { start: bigint; stop: bigint } | undefined, predicate: StorePredicate | undefined): SourceBase;
  protected abstract tables(range: { start: bigint; stop: bigint }): AsyncIterable<Table>;
  private derive(range: { start: bigint; stop: bigint } | undefined, predicate: StorePredicate | undefined, site = this.filterSite): SourceBase {
    const s = this.with(range, predicate);
    s.filterSite = site;
    return s;
  }
  pushRange(start: bigint, stop: bigint): PushdownSource {
    // range after range: the intersection (as range() narrows _start/_stop).
    const lo = this.range && this.range.start > start ? this.range.start : start;
    const hi = this.range && this.range.stop < stop ? this.range.stop : stop;
    return this.derive({ start: lo, stop: hi < lo ? lo : hi }, this.predicate);
  }
  pushFilter(fn: FunctionValue): PushdownSource | undefined {
    const p = predicateOf(fn);
    if (p === undefined) return undefined;
    const c = fn as ClosureLike;
    const site = c.node ? { span: c.node.span, source: c.scope?.source } : this.filterSite;
    return this.derive(this.range, and(this.predicate, p), site);
  }
  pushPredicate(predicate: StorePredicate): PushdownSource {
    return this.derive(this.range, and(this.predicate, predicate));
  }
  [Symbol.asyncIterator](): AsyncIterator<Table> {
    const range = this.range;
    if (!range) {
      throw err(this.ctx, 'invalid', 'store.unboundedRead', `cannot submit unbounded read to "${this.bucket}"; try bounding 'from' with a call to 'range'`);
    }
    return this.located(this.tables(range))[Symbol.asyncIterator]();
  }
  /**
   * A comparison the store could not evaluate (`type.*`: a `_value` of another kind) is the
   * filter's error: it points at the filter function, as the evaluated filter's does.
   */
  private async *located(tables: AsyncIterable<Table>): AsyncIterable<Table> {
    try {
      yield* tables;
    } catch (e) {
      const site = this.filterSite;
      if (!(e instanceof FluxError) || e.span !== undefined) throw e;
      if (e.id.startsWith('type.') && site) throw e.withSpan(site.span, site.source);
      throw e.withSpan(this.ctx.span, this.ctx.source);
    }
  }
}
