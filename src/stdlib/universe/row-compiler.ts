// Row-function compilation: turns simple Flux function literals such as
// `(r) => r._value > 0.5 and r.host == "a"` or `(r) => ({r with _value: r._value * 2.0})`
// into JavaScript loops over a table's typed arrays. Evaluating a function literal row by
// row through the tree-walking interpreter allocates a record per row and is two orders of
// magnitude slower; this compiler is the fast path, and `callRow` (the interpreter's own
// `call`) is the correct path for everything it does not accept.
//
// Contract:
// - The compiled code computes exactly what the interpreter computes (src/values/arith.ts,
//   compare.ts): int and uint wrap at 64 bits, `/` and `%` on integers truncate, any
//   operation with a null operand yields null, mixed numeric types are not compiled (the
//   interpreter reports the type error). Anything the compiler is unsure of makes
//   compilation fail (undefined), and callers use the slow path.
// - When compiled code meets a case it does not handle at run time (integer division by
//   zero, a float that is not a valid int), it throws and the caller re-runs the whole
//   table through the slow path, so user-visible errors always come from the interpreter.
// - Compiled code is generated per (function, column schema): column types and whether a
//   column has nulls are constants of the generated loop. Generated source only embeds
//   column indices and operator text; every literal and captured value is passed in as a
//   bound argument, never spliced into source.
//
// Closures from the interpreter expose their AST (`node`) and a `lookup(name)` into their
// defining scope; native functions do not and are never compiled.

import type * as ast from '../../lang/ast.js';
import { isPromise, Regexp, RecordValue, Time, UInt, isFunction } from '../../values/value.js';
import type { FunctionValue, Value } from '../../values/value.js';
import type { ColumnType } from '../../table/types.js';
import type { ColData } from './lib/columns.js';
import { cellValue } from './lib/columns.js';
import { compileRegexp } from '../../values/regexp.js';
import { compareStrings } from '../../values/compare.js';
import { nameOf } from '../../lang/names.js';

/** A closure from the interpreter (the fields the compiler needs). */
export interface CompilableFunction extends FunctionValue {
  readonly node?: ast.FunctionExpression;
  lookup?(name: string): Value | undefined;
}

/** What the compiler needs of a table: column names and data. */
export interface RowSource {
  readonly names: readonly string[];
  readonly cols: readonly ColData[];
  readonly length: number;
}

type Ty = ColumnType | 'null' | 'regexp';

interface Expr {
  /** JavaScript expression text (may reference temporaries declared in `pre`). */
  readonly v: string;
  readonly ty: Ty;
  readonly nullable: boolean;
}

class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

/** Thrown by compiled code when the slow path must take over. */
const FALLBACK = new Error('row-compiler fallback');

interface ColRef {
  readonly k: number;
  readonly col: ColData;
}

/** Code generation state for one function body over one schema. */
class Gen {
  readonly pre: string[] = [];
  readonly consts: unknown[] = [];
  readonly usedCols = new Map<number, ColRef>();
  private tmp = 0;

  constructor(
    readonly param: string,
    readonly src: RowSource,
    readonly lookup: (name: string) => Value | undefined,
  ) {}

  temp(code: string): string {
    const name = `t${this.tmp++}`;
    this.pre.push(`const ${name} = ${code};`);
    return name;
  }

  constant(v: unknown): string {
    this.consts.push(v);
    return `K${this.consts.length - 1}`;
  }

  column(name: string): Expr {
    const k = this.src.names.indexOf(name);
    if (k < 0) return { v: 'null', ty: 'null', nullable: true };
    const col = this.src.cols[k]!;
    this.usedCols.set(k, { k, col });
    const nullable = col.valid !== null;
    let v: string;
    switch (col.type) {
      case 'float':
      case 'int':
      case 'time':
      case 'uint':
        v = `A${k}[i]`;
        break;
      case 'bool':
        v = `(A${k}[i] === 1)`;
        break;
      case 'string':
        v = `D${k}[A${k}[i]]`;
        break;
    }
    if (nullable) v = this.temp(`V${k}[i] === 0 ? null : ${v}`);
    return { v, ty: col.type, nullable };
  }
}

function literalOf(g: Gen, v: Value): Expr {
  if (v === null) return { v: 'null', ty: 'null', nullable: true };
  switch (typeof v) {
    case 'number':
      return { v: g.constant(v), ty: 'float', nullable: false };
    case 'bigint':
      return { v: g.constant(v), ty: 'int', nullable: false };
    case 'string':
      return { v: g.constant(v), ty: 'string', nullable: false };
    case 'boolean':
      return { v: v ? 'true' : 'false', ty: 'bool', nullable: false };
  }
  if (v instanceof Time) return { v: g.constant(v.ns), ty: 'time', nullable: false };
  if (v instanceof UInt) return { v: g.constant(v.value), ty: 'uint', nullable: false };
  if (v instanceof Regexp) {
    const flags = v.re.flags.replace(/[gy]/g, '');
    return { v: g.constant(new RegExp(v.re.source, flags)), ty: 'regexp', nullable: false };
  }
  return unsupported();
}

/** Combine operands: when any is nullable, guard the result with a null check. */
function guarded(g: Gen, parts: readonly Expr[], ty: Ty, body: (vs: string[]) => string): Expr {
  if (parts.some((p) => p.ty === 'null')) return { v: 'null', ty, nullable: true };
  const nullable = parts.some((p) => p.nullable);
  if (!nullable) return { v: `(${body(parts.map((p) => p.v))})`, ty, nullable: false };
  const vs = parts.map((p) => (p.nullable && !/^t\d+$/.test(p.v) ? g.temp(p.v) : p.v));
  const checks = parts.map((p, i) => (p.nullable ? `${vs[i]} === null` : null)).filter((c) => c !== null);
  return { v: g.temp(`${checks.join(' || ')} ? null : (${body(vs)})`), ty, nullable: true };
}

function compileExpr(g: Gen, e: ast.Expression): Expr {
  switch (e.type) {
    case 'ParenExpression':
      return compileExpr(g, e.expression);
    case 'FloatLiteral':
      return literalOf(g, e.value);
    case 'IntegerLiteral':
      return literalOf(g, e.value);
    case 'StringLiteral':
      return literalOf(g, e.value);
    case 'DateTimeLiteral':
      return literalOf(g, new Time(e.nanos));
    case 'RegexpLiteral': {
      // The pattern is RE2: translated as the interpreter translates it (RE2's `\s` is ASCII,
      // JavaScript's is not). A pattern it rejects goes to the slow path, which reports it.
      let re: Regexp;
      try {
        re = compileRegexp(e.value);
      } catch {
        return unsupported();
      }
      return literalOf(g, re);
    }
    case 'StringExpression': {
      const parts: Expr[] = [];
      for (const p of e.parts) {
        if (p.type === 'TextPart') parts.push(literalOf(g, p.value));
        else {
          const x = compileExpr(g, p.expression);
          if (x.ty !== 'string' || x.nullable) unsupported();
          parts.push(x);
        }
      }
      return { v: `(${parts.map((p) => p.v).join(' + ')})`, ty: 'string', nullable: false };
    }
    case 'Identifier': {
      if (e.name === g.param) return unsupported();
      const v = g.lookup(e.name);
      if (v === undefined) return unsupported();
      return literalOf(g, v);
    }
    case 'MemberExpression': {
      if (e.object.type !== 'Identifier' || e.object.name !== g.param) return unsupported();
      const name = nameOf(e.property);
      return g.column(name);
    }
    case 'UnaryExpression': {
      const x = compileExpr(g, e.argument);
      switch (e.operator) {
        case 'exists':
          return x.nullable ? { v: `(${x.v} !== null)`, ty: 'bool', nullable: false } : { v: 'true', ty: 'bool', nullable: false };
        case 'not':
          if (x.ty !== 'bool' && x.ty !== 'null') unsupported();
          return guarded(g, [x], 'bool', ([a]) => `!${a}`);
        case '-':
          if (x.ty === 'float') return guarded(g, [x], 'float', ([a]) => `-${a}`);
          if (x.ty === 'int') return guarded(g, [x], 'int', ([a]) => `BigInt.asIntN(64, -${a})`);
          return unsupported();
        case '+':
          if (x.ty === 'float' || x.ty === 'int' || x.ty === 'uint') return x;
          return unsupported();
      }
      return unsupported();
    }
    case 'LogicalExpression': {
      const a = compileExpr(g, e.left);
      const b = compileExpr(g, e.right);
      if ((a.ty !== 'bool' && a.ty !== 'null') || (b.ty !== 'bool' && b.ty !== 'null')) unsupported();
      // As the interpreter: three-valued logic (Flux SPEC, "Missing values (null)"), where
      // a null operand is an unknown bool: `null and false` is false, `null and true` null.
      // Both operands are computed (they are pure; a fallback they raise re-runs the table
      // through the interpreter, which short-circuits).
      const and = e.operator === 'and';
      if (!a.nullable && !b.nullable) return { v: `(${a.v} ${and ? '&&' : '||'} ${b.v})`, ty: 'bool', nullable: false };
      const x = a.nullable && !/^t\d+$/.test(a.v) ? g.temp(a.v) : a.v;
      const y = b.nullable && !/^t\d+$/.test(b.v) ? g.temp(b.v) : b.v;
      const decides = and ? 'false' : 'true';
      return { v: g.temp(`${x} === ${decides} || ${y} === ${decides} ? ${decides} : ${x} === null || ${y} === null ? null : ${and ? 'true' : 'false'}`), ty: 'bool', nullable: true };
    }
    case 'ConditionalExpression': {
      const t = compileExpr(g, e.test);
      const a = compileExpr(g, e.consequent);
      const b = compileExpr(g, e.alternate);
      if (t.ty !== 'bool' && t.ty !== 'null') unsupported();
      let ty: Ty;
      if (a.ty === b.ty) ty = a.ty;
      else if (a.ty === 'null') ty = b.ty;
      else if (b.ty === 'null') ty = a.ty;
      else return unsupported();
      if (ty === 'regexp') unsupported();
      const code = `${t.v} === true ? ${a.v} : ${b.v}`;
      return { v: g.temp(code), ty, nullable: a.nullable || b.nullable };
    }
    case 'BinaryExpression':
      return compileBinary(g, e);
    case 'CallExpression':
      return compileCall(g, e);
    default:
      return unsupported();
  }
}

const CMP: Record<string, string> = { '==': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function compileBinary(g: Gen, e: ast.BinaryExpression): Expr {
  const a = compileExpr(g, e.left);
  const b = compileExpr(g, e.right);
  const op = e.operator;
  if (op === '=~' || op === '!~') {
    if (b.ty !== 'regexp' || (a.ty !== 'string' && a.ty !== 'null')) unsupported();
    return guarded(g, [a], 'bool', ([s]) => `${op === '!~' ? '!' : ''}${b.v}.test(${s})`);
  }
  const ty = a.ty === 'null' ? b.ty : a.ty;
  if (a.ty !== b.ty && a.ty !== 'null' && b.ty !== 'null') return unsupported();
  if (ty === 'regexp' || ty === 'null') return unsupported();
  if (op in CMP) {
    if (ty === 'bool' && op !== '==' && op !== '!=') unsupported();
    if (ty === 'string' && op !== '==' && op !== '!=') {
      // Strings order by UTF-8 bytes as in Flux, not by JavaScript's UTF-16 units.
      const cmp = g.constant(compareStrings);
      return guarded(g, [a, b], 'bool', ([x, y]) => `${cmp}(${x}, ${y}) ${CMP[op]} 0`);
    }
    return guarded(g, [a, b], 'bool', ([x, y]) => `${x} ${CMP[op]} ${y}`);
  }
  switch (ty) {
    case 'float':
      if (op === '^') return guarded(g, [a, b], 'float', ([x, y]) => `Math.pow(${x}, ${y})`);
      return guarded(g, [a, b], 'float', ([x, y]) => `${x} ${op} ${y}`);
    case 'int':
      if (op === '+' || op === '-' || op === '*') return guarded(g, [a, b], 'int', ([x, y]) => `BigInt.asIntN(64, ${x} ${op} ${y})`);
      if (op === '/') return guarded(g, [a, b], 'int', ([x, y]) => `(${y} === 0n ? fb() : BigInt.asIntN(64, ${x} / ${y}))`);
      if (op === '%') return guarded(g, [a, b], 'int', ([x, y]) => `(${y} === 0n ? fb() : ${x} % ${y})`);
      return unsupported();
    case 'uint':
      if (op === '+' || op === '-' || op === '*') return guarded(g, [a, b], 'uint', ([x, y]) => `BigInt.asUintN(64, ${x} ${op} ${y})`);
      if (op === '/' || op === '%') return guarded(g, [a, b], 'uint', ([x, y]) => `(${y} === 0n ? fb() : ${x} ${op} ${y})`);
      return unsupported();
    case 'string':
      if (op === '+') return guarded(g, [a, b], 'string', ([x, y]) => `${x} + ${y}`);
      return unsupported();
    default:
      return unsupported();
  }
}

/** The arguments of a call by name (a shorthand `{v}` or a non-literal key is unsupported). */
function callArgs(e: ast.CallExpression): Map<string, ast.Expression> {
  const out = new Map<string, ast.Expression>();
  for (const p of e.arguments?.properties ?? []) {
    const key = nameOf(p.key);
    if (p.value === null) return unsupported();
    out.set(key, p.value);
  }
  return out;
}

/**
 * String predicates of the strings package, called as `strings.hasPrefix(v:, prefix:)` on
 * the package the closure imported (a native function of that exact name).
 */
const STRING_PREDICATES: Record<string, { arg: string; js: (v: string, x: string) => string }> = {
  hasPrefix: { arg: 'prefix', js: (v, x) => `${v}.startsWith(${x})` },
  hasSuffix: { arg: 'suffix', js: (v, x) => `${v}.endsWith(${x})` },
  containsStr: { arg: 'substr', js: (v, x) => `${v}.includes(${x})` },
};

function compileStringsCall(g: Gen, e: ast.CallExpression, callee: ast.MemberExpression): Expr {
  if (callee.object.type !== 'Identifier') return unsupported();
  const pkg = g.lookup(callee.object.name);
  const name = nameOf(callee.property);
  const spec = STRING_PREDICATES[name];
  if (!(pkg instanceof RecordValue) || spec === undefined) return unsupported();
  const f = pkg.get(name);
  if (f === undefined || !isFunction(f) || (f as CompilableFunction).node !== undefined || f.name !== `strings.${name}`) return unsupported();
  const args = callArgs(e);
  const v = args.get('v');
  const x = args.get(spec.arg);
  if (args.size !== 2 || v === undefined || x === undefined) return unsupported();
  const a = compileExpr(g, v);
  const b = compileExpr(g, x);
  if ((a.ty !== 'string' && a.ty !== 'null') || (b.ty !== 'string' && b.ty !== 'null')) return unsupported();
  return guarded(g, [a, b], 'bool', ([p, q]) => spec.js(p!, q!));
}

/** A few pure conversion builtins of universe (`float(v:)`, `int(v:)`, `string(v:)`). */
function compileCall(g: Gen, e: ast.CallExpression): Expr {
  if (e.callee.type === 'MemberExpression') return compileStringsCall(g, e, e.callee);
  if (e.callee.type !== 'Identifier') return unsupported();
  const name = e.callee.name;
  const f = g.lookup(name);
  if (f === undefined || !isFunction(f) || (f as CompilableFunction).node !== undefined || f.name !== name) return unsupported();
  const props = e.arguments?.properties ?? [];
  if (props.length !== 1) return unsupported();
  const p = props[0]!;
  const key = nameOf(p.key);
  if (key !== 'v' || p.value === null) return unsupported();
  const x = compileExpr(g, p.value);
  // A conversion of null is null, of the conversion's type (`float(v: r.nope)` is a float).
  if (x.ty === 'null' && (name === 'float' || name === 'int' || name === 'string')) return { v: 'null', ty: name, nullable: true };
  switch (name) {
    case 'float':
      if (x.ty === 'float') return x;
      if (x.ty === 'int' || x.ty === 'uint') return guarded(g, [x], 'float', ([a]) => `Number(${a})`);
      if (x.ty === 'bool') return guarded(g, [x], 'float', ([a]) => `(${a} ? 1 : 0)`);
      return unsupported();
    case 'int':
      if (x.ty === 'int') return x;
      if (x.ty === 'float') return guarded(g, [x], 'int', ([a]) => `(Number.isFinite(${a}) && Math.abs(${a}) < 9.2e18 ? BigInt(Math.trunc(${a})) : fb())`);
      if (x.ty === 'bool') return guarded(g, [x], 'int', ([a]) => `(${a} ? 1n : 0n)`);
      if (x.ty === 'time') return x.nullable ? { ...x, ty: 'int' } : { v: x.v, ty: 'int', nullable: false };
      return unsupported();
    case 'string':
      if (x.ty === 'string') return x;
      if (x.ty === 'int') return guarded(g, [x], 'string', ([a]) => `${a}.toString()`);
      return unsupported();
    default:
      return unsupported();
  }
}

/** The body expression of `(r) => expr` or `(r) => { return expr }`, and the param name. */
function bodyOf(fn: FunctionValue): { param: string; body: ast.Expression; lookup: (n: string) => Value | undefined } | undefined {
  const cf = fn as CompilableFunction;
  const node = cf.node;
  if (node === undefined || typeof cf.lookup !== 'function') return undefined;
  if (node.params.length !== 1) return undefined;
  const p = node.params[0]!;
  const param = nameOf(p.key);
  let body: ast.Expression | undefined;
  if (node.body.type === 'Block') {
    const stmts = node.body.body;
    if (stmts.length === 1 && stmts[0]!.type === 'ReturnStatement') body = stmts[0]!.argument;
  } else body = node.body;
  if (body === undefined) return undefined;
  const lookup = cf.lookup.bind(cf);
  return { param, body, lookup };
}

const readColumnsCache = new WeakMap<ast.FunctionExpression, ReadonlySet<string> | null>();

/**
 * The columns a one-parameter row function reads, when it reads them only as `r.name` or
 * `r["name"]` (never `r` as a whole, never through a nested function that could shadow it);
 * undefined otherwise. A function whose columns are all group-key columns of a table gives
 * the same result on every row of that table (row functions are pure), so callers may
 * evaluate it once per table.
 */
export function readColumns(fn: FunctionValue): ReadonlySet<string> | undefined {
  const node = (fn as CompilableFunction).node;
  if (node === undefined) return undefined;
  let cols = readColumnsCache.get(node);
  if (cols === undefined) {
    const b = bodyOf(fn);
    const found = new Set<string>();
    cols = b !== undefined && collectReads(b.body, b.param, found) ? found : null;
    readColumnsCache.set(node, cols);
  }
  return cols ?? undefined;
}

/** Adds the columns `node` reads of `param` to `out`; false when it uses `param` otherwise. */
function collectReads(node: unknown, param: string, out: Set<string>): boolean {
  if (node === null || typeof node !== 'object') return true;
  if (Array.isArray(node)) return node.every((c) => collectReads(c, param, out));
  const n = node as { type?: string };
  switch (n.type) {
    case 'Identifier':
      return (n as ast.Identifier).name !== param;
    case 'FunctionExpression':
      return false;
    case 'MemberExpression': {
      const m = n as ast.MemberExpression;
      if (m.object.type === 'Identifier' && m.object.name === param) {
        out.add(nameOf(m.property));
        return true;
      }
      return collectReads(m.object, param, out);
    }
    case 'Property': {
      const p = n as ast.Property;
      if (p.value === null) return p.key.type !== 'Identifier' || p.key.name !== param;
      return collectReads(p.value, param, out);
    }
  }
  for (const [k, v] of Object.entries(n)) {
    if (k === 'span' || k === 'comments' || k === 'type') continue;
    if (!collectReads(v, param, out)) return false;
  }
  return true;
}

function schemaSig(src: RowSource): string {
  return src.names.map((n, i) => `${n}\u0000${src.cols[i]!.type}${src.cols[i]!.valid === null ? '' : '?'}`).join('\u0001');
}

type Kernel = (src: RowSource) => unknown;

/** Bind the used columns and constants of a generated loop and compile it. */
function finish(g: Gen, loop: string): Kernel {
  const colParams: string[] = [];
  const used = [...g.usedCols.values()];
  for (const { k } of used) colParams.push(`A${k}`, `V${k}`, `D${k}`);
  const constParams = g.consts.map((_, i) => `K${i}`);
  const factory = compiled(['n', 'fb', ...colParams, ...constParams], loop);
  const consts = g.consts;
  const fb = (): never => {
    throw FALLBACK;
  };
  return (src: RowSource) => {
    const bound: unknown[] = [src.length, fb];
    for (const { k } of used) {
      const c = src.cols[k]!;
      const arr = c.floats ?? c.ints ?? c.uints ?? c.bools ?? c.codes;
      bound.push(arr, c.valid, c.dictionary);
    }
    return factory(...bound, ...consts);
  };
}

/**
 * Generated code -> compiled function, across runs. Closures are per run (a task's
 * `filter(fn: ...)` is a new function value every run), but the code generated for the same
 * function literal over the same schema is the same text (constants are parameters), and
 * compiling it is the expensive part. Bounded: the oldest entry goes first.
 */
const factories = new Map<string, (...a: unknown[]) => unknown>();
const MAX_FACTORIES = 2048;

function compiled(params: string[], body: string): (...a: unknown[]) => unknown {
  const key = `${params.join(',')}\u0000${body}`;
  let f = factories.get(key);
  if (f === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    f = new Function(...params, body) as (...a: unknown[]) => unknown;
    if (factories.size >= MAX_FACTORIES) factories.delete(factories.keys().next().value!);
    factories.set(key, f);
  }
  return f;
}

const predicateCache = new WeakMap<FunctionValue, Map<string, Kernel | null>>();

/**
 * Compile a predicate `(r) => bool` for a schema. The kernel returns the selected row
 * indices (rows where the predicate is true; null and false drop the row).
 */
export function compilePredicate(fn: FunctionValue, src: RowSource): ((src: RowSource) => Int32Array) | undefined {
  let cache = predicateCache.get(fn);
  if (cache === undefined) predicateCache.set(fn, (cache = new Map()));
  const sig = schemaSig(src);
  let k = cache.get(sig);
  if (k === undefined) {
    k = null;
    const b = bodyOf(fn);
    if (b !== undefined) {
      try {
        const g = new Gen(b.param, src, b.lookup);
        const x = compileExpr(g, b.body);
        if (x.ty === 'bool' || x.ty === 'null') {
          const test = x.nullable ? `${x.v} === true` : x.v;
          k = finish(
            g,
            `const out = new Int32Array(n); let m = 0;
for (let i = 0; i < n; i++) { ${g.pre.join(' ')} if (${test}) out[m++] = i; }
return out.subarray(0, m);`,
          );
        }
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
      }
    }
    cache.set(sig, k);
  }
  return k === null ? undefined : (k as (src: RowSource) => Int32Array);
}

/** One property of a compiled record function. */
export interface CompiledProperty {
  readonly name: string;
  /** Computes the column (throws when the slow path must take over). */
  readonly compute: (src: RowSource) => ColData;
}

export interface CompiledRecordFn {
  /** `{r with ...}`: the input columns are kept, then the properties override or extend them. */
  readonly withBase: boolean;
  readonly props: readonly CompiledProperty[];
}

const recordCache = new WeakMap<FunctionValue, Map<string, CompiledRecordFn | null>>();

function columnLoop(g: Gen, x: Expr): Kernel {
  const pre = g.pre.join(' ');
  const nullStore = x.nullable
    ? `if (v === null) { if (valid === null) valid = new Uint8Array(n).fill(1); valid[i] = 0; } else `
    : '';
  let alloc: string;
  let store: string;
  let ret: string;
  switch (x.ty as ColumnType) {
    case 'float':
      alloc = 'const out = new Float64Array(n);';
      store = 'out[i] = v;';
      ret = `{ type: 'float', length: n, valid, floats: out }`;
      break;
    case 'int':
    case 'time':
      alloc = 'const out = new BigInt64Array(n);';
      store = 'out[i] = v;';
      ret = `{ type: '${x.ty}', length: n, valid, ints: out }`;
      break;
    case 'uint':
      alloc = 'const out = new BigUint64Array(n);';
      store = 'out[i] = v;';
      ret = `{ type: 'uint', length: n, valid, uints: out }`;
      break;
    case 'bool':
      alloc = 'const out = new Uint8Array(n);';
      store = 'out[i] = v ? 1 : 0;';
      ret = `{ type: 'bool', length: n, valid, bools: out }`;
      break;
    case 'string':
      alloc = 'const out = new Int32Array(n); const dict = []; const dm = new Map();';
      store = '{ let c = dm.get(v); if (c === undefined) { c = dict.length; dict.push(v); dm.set(v, c); } out[i] = c; }';
      ret = `{ type: 'string', length: n, valid, codes: out, dictionary: dict }`;
      break;
  }
  return finish(
    g,
    `${alloc} let valid = null;
for (let i = 0; i < n; i++) { ${pre} const v = ${x.v}; ${nullStore}${store} }
return ${ret};`,
  );
}

/** The record expression a function body returns, or undefined. */
/**
 * The parameter and record literal of a record function (`(r) => ({...})`,
 * `(r) => ({r with ...})`, also as a block); with `withParamOnly`, undefined when the record
 * extends anything but the parameter.
 */
function recordFnBody(fn: FunctionValue, withParamOnly: boolean): { b: NonNullable<ReturnType<typeof bodyOf>>; rec: ast.RecordExpression } | undefined {
  const b = bodyOf(fn);
  const rec = b === undefined ? undefined : recordBody(b.body);
  if (b === undefined || rec === undefined) return undefined;
  if (withParamOnly && rec.with !== null && rec.with.name !== b.param) return undefined;
  return { b, rec };
}

function recordBody(body: ast.Expression): ast.RecordExpression | undefined {
  let e = body;
  while (e.type === 'ParenExpression') e = e.expression;
  return e.type === 'RecordExpression' ? e : undefined;
}

/**
 * Compile `(r) => ({r with a: e1, b: e2})` or `(r) => ({a: e1})` for a schema: one column
 * kernel per property. Undefined when any part is not compilable or a property's type is
 * unknown (a property that is always null).
 */
export function compileRecordFn(fn: FunctionValue, src: RowSource): CompiledRecordFn | undefined {
  let cache = recordCache.get(fn);
  if (cache === undefined) recordCache.set(fn, (cache = new Map()));
  const sig = schemaSig(src);
  let c = cache.get(sig);
  if (c === undefined) {
    c = null;
    const f = recordFnBody(fn, true);
    if (f !== undefined) {
      const { b, rec } = f;
      try {
        const props: CompiledProperty[] = [];
        const seen = new Set<string>();
        for (const p of rec.properties) {
          const name = nameOf(p.key);
          if (seen.has(name)) unsupported();
          seen.add(name);
          const valueExpr: ast.Expression = p.value ?? (p.key.type === 'Identifier' ? p.key : unsupported());
          // A plain column reference reuses the column (no copy).
          const inner = unparen(valueExpr);
          if (inner.type === 'MemberExpression' && inner.object.type === 'Identifier' && inner.object.name === b.param) {
            const colName = nameOf(inner.property);
            const k = src.names.indexOf(colName);
            if (k < 0) unsupported();
            props.push({ name, compute: (s) => s.cols[s.names.indexOf(colName)]! });
            continue;
          }
          const g = new Gen(b.param, src, b.lookup);
          const x = compileExpr(g, valueExpr);
          if (x.ty === 'null' || x.ty === 'regexp') unsupported();
          const kernel = columnLoop(g, x);
          props.push({ name, compute: (s) => kernel(s) as ColData });
        }
        c = { withBase: rec.with !== null, props };
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        c = null;
      }
    }
    cache.set(sig, c);
  }
  return c === null ? undefined : c;
}

/**
 * The shape of a record function `(r) => ({r with ...})` or `(r) => ({...})` (also as a
 * block `{ return {...} }`): whether it extends `r`, and for each listed property the column
 * it copies unchanged (its value is plain `r.col` / `r["col"]`) or null (anything else).
 * Undefined for any other body. map() uses it to know, before running fn, which columns fn
 * may change.
 */
export interface RecordShape {
  readonly withBase: boolean;
  readonly props: ReadonlyMap<string, string | null>;
}

const shapeCache = new WeakMap<ast.FunctionExpression, RecordShape | null>();

export function recordShape(fn: FunctionValue): RecordShape | undefined {
  const node = (fn as CompilableFunction).node;
  if (node === undefined) return undefined;
  let shape = shapeCache.get(node);
  if (shape === undefined) {
    shape = null;
    const f = recordFnBody(fn, true);
    if (f !== undefined) {
      const { b, rec } = f;
      const props = new Map<string, string | null>();
      for (const p of rec.properties) {
        const name = nameOf(p.key);
        // `{r with a: 1, a: 2}`: the last one wins, as when the record is evaluated.
        const v = p.value === null ? null : unparen(p.value);
        const copied =
          v !== null && v.type === 'MemberExpression' && v.object.type === 'Identifier' && v.object.name === b.param
            ? v.property.type === 'Identifier'
              ? v.property.name
              : v.property.value
            : null;
        props.set(name, copied);
      }
      shape = { withBase: rec.with !== null, props };
    }
    shapeCache.set(node, shape);
  }
  return shape ?? undefined;
}

/**
 * The static type of property `name` of a record function's body over a schema, as the
 * compiler types it (the type the compiled column would have): a column type; 'null' when
 * the value is null whatever the row (a missing column `r.nope`, a captured null); undefined
 * when the compiler cannot type the expression (or the body is not a record literal, or
 * does not list `name`). The interpreter path uses it for a column that holds only nulls,
 * so that both paths give the column the same type (Flux takes a column's type from the
 * function's inferred return type: flux stdlib/universe/map.go createSchema).
 */
export function propertyType(fn: FunctionValue, src: RowSource, name: string): ColumnType | 'null' | undefined {
  const f = recordFnBody(fn, false);
  if (f === undefined) return undefined;
  const { b, rec } = f;
  let valueExpr: ast.Expression | undefined;
  for (const p of rec.properties) {
    const key = nameOf(p.key);
    if (key === name) valueExpr = p.value ?? (p.key.type === 'Identifier' ? p.key : undefined);
  }
  if (valueExpr === undefined) return undefined;
  try {
    const x = compileExpr(new Gen(b.param, src, b.lookup), valueExpr);
    return x.ty === 'regexp' ? undefined : x.ty;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function unparen(e: ast.Expression): ast.Expression {
  while (e.type === 'ParenExpression') e = e.expression;
  return e;
}

/** True when `e` is the signal that compiled code hands over to the slow path. */
export function isFallback(e: unknown): boolean {
  return e === FALLBACK || e instanceof RangeError || e instanceof TypeError;
}

// ---------------------------------------------------------------------------
// The slow path: the interpreter's own evaluation, one record per row.

/** Row i of a source as a Flux record (columns in table order). */
export function rowRecord(src: RowSource, i: number): RecordValue {
  const m = new Map<string, Value>();
  for (let k = 0; k < src.names.length; k++) m.set(src.names[k]!, cellValue(src.cols[k]!, i));
  return new RecordValue(m);
}

/** Call a one-argument row function (`fn(r: record)`), awaiting only when it is asynchronous. */
export function callRow(fn: FunctionValue, arg: Value, param = 'r'): Value | Promise<Value> {
  const out = fn.call(new Map([[param, arg]]));
  return isPromise(out) ? out : out;
}
