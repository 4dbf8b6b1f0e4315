// Design: a tree-walking evaluator over src/lang/ast.ts. It is synchronous: every eval
// function returns a Value directly, and only when a native builtin returns a Promise does
// the affected expression continue asynchronously (MaybePromise). Row functions called per
// row by filter/map therefore run without allocating promises.
//
// One Interpreter serves one run (or one REPL session): it owns the recursion-depth
// counter and the hooks into the runtime (imports, options, results). Errors are FluxErrors
// with the span of the expression that caused them; errors escaping a call gain a Flux-level
// stack frame, and errors raised by a native builtin are prefixed
// `error calling function "name" @l:c-l:c:` (ARCHITECTURE.md habit 2).
import { FluxError, formatSpan, toFluxError } from '../errors/index.js';
import type { Span } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import { negate, unaryPlus } from '../values/arith.js';
import { dictKeyOf } from '../values/compare.js';
import { stringOf } from '../values/convert.js';
import { compileRegexp } from '../values/regexp.js';
import { statementKind } from '../semantic/index.js';
import { makeDuration } from '../values/arith.js';
import {
  ArrayValue,
  DictValue,
  Duration,
  RecordValue,
  Time,
  UInt,
  isFunction,
  isPromise,
  typeOf,
} from '../values/value.js';
import type { CallSite, FunctionValue, MaybePromise, Value } from '../values/value.js';
import { CallFrame, withFrames } from './call-frame.js';
import type { AddFrame } from './call-frame.js';
import { Closure } from './closure.js';
import { binaryOp } from './operators.js';
import { Scope } from './scope.js';
import { nameOf } from '../lang/names.js';

/** How the interpreter reaches the runtime. */
export interface EvalHooks {
  /** The package imported as `path` (its members as a record), or undefined when no such package exists. */
  importPackage(path: string, span: Span, source: string): RecordValue | undefined;
  /**
   * `option name = value` (pkg undefined) or `option pkg.name = value` (pkg is the import
   * path). Returns true when the runtime stored it (a package option); false to bind it in
   * the file's scope like a variable.
   */
  setOption(pkg: string | undefined, name: string, value: Value, span: Span): boolean;
  /** Called every 1024 function calls: throws (e.g. `run.canceled`) to stop a runaway program. */
  checkCancel?(): void;
  /** The value of a top-level expression statement (yielded streams, printed scalars). */
  onExpression?(value: Value, node: ast.ExpressionStatement): MaybePromise<void>;
}

export interface InterpreterOptions {
  /** Maximum depth of nested Flux function calls (default 400; the JS stack must hold them). */
  maxCallDepth?: number;
}

const NS: Record<ast.DurationUnit, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  mo: 0n,
  y: 0n,
};

const durationCache = new WeakMap<ast.DurationLiteral, Duration>();

export function durationOfLiteral(n: ast.DurationLiteral): Duration {
  let d = durationCache.get(n);
  if (d === undefined) {
    let months = 0n;
    let nanos = 0n;
    for (const { magnitude, unit } of n.values) {
      if (unit === 'mo') months += magnitude;
      else if (unit === 'y') months += 12n * magnitude;
      else nanos += magnitude * NS[unit];
    }
    d = makeDuration(months, nanos);
    durationCache.set(n, d);
  }
  return d;
}

/** Frames kept in an error's Flux-level stack (the innermost ones). */
const MAX_STACK_FRAMES = 16;

/** Marks errors that already carry the frame/prefix of a given call node. */
const wrappedAt = new WeakMap<FluxError, ast.Node>();

function then<T, U>(v: MaybePromise<T>, f: (x: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(v) ? v.then(f) : f(v);
}

export class Interpreter {
  private depth = 0;
  private calls = 0;
  readonly maxCallDepth: number;

  constructor(
    readonly hooks: EvalHooks,
    options: InterpreterOptions = {},
  ) {
    this.maxCallDepth = options.maxCallDepth ?? 400;
  }

  // -------------------------------------------------------------------------
  // Files and statements

  /**
   * Run a file's imports and statements in `scope`. `imports` records the aliases bound
   * (alias -> path), which `option alias.x = ...` needs.
   */
  runFile(file: ast.File, scope: Scope, imports: Map<string, string> = new Map()): MaybePromise<void> {
    for (const imp of file.imports) {
      const path = imp.path.value;
      const alias = imp.as?.name ?? path.split('/').pop()!;
      const pkg = this.hooks.importPackage(path, imp.path.span, scope.source);
      if (pkg === undefined) {
        throw new FluxError('notFound', 'import.unknownPackage', `unknown package ${JSON.stringify(path)}`, { span: imp.path.span, source: scope.source });
      }
      scope.set(alias, pkg);
      imports.set(alias, path);
    }
    return this.runStatements(file.body, scope, imports, 0);
  }

  runStatements(body: readonly ast.Statement[], scope: Scope, imports: Map<string, string>, from: number): MaybePromise<void> {
    for (let i = from; i < body.length; i++) {
      const r = this.runStatement(body[i]!, scope, imports);
      if (isPromise(r)) return r.then(() => this.runStatements(body, scope, imports, i + 1));
    }
  }

  runStatement(st: ast.Statement, scope: Scope, imports: Map<string, string>): MaybePromise<void> {
    switch (st.type) {
      case 'VariableAssignment':
        return then(this.evalAssigned(st.id.name, st.init, scope), (v) => {
          if (scope.hasOwn(st.id.name)) {
            throw new FluxError('invalid', 'assign.redeclared', `${st.id.name} is already defined in this scope`, { span: st.id.span, source: scope.source });
          }
          scope.set(st.id.name, v);
        });
      case 'OptionStatement': {
        const a = st.assignment;
        if (a.type === 'VariableAssignment') {
          return then(this.evalAssigned(a.id.name, a.init, scope), (v) => {
            if (!this.hooks.setOption(undefined, a.id.name, v, a.span)) scope.vars.set(a.id.name, v);
          });
        }
        const obj = a.member.object;
        const prop = a.member.property;
        const name = prop.type === 'Identifier' ? prop.name : prop.value;
        if (obj.type !== 'Identifier' || !imports.has(obj.name)) {
          throw new FluxError('invalid', 'option.notAPackage', 'an option on a member must name an imported package: option pkg.name = value', { span: obj.span, source: scope.source });
        }
        const path = imports.get(obj.name)!;
        return then(this.evalAssigned(name, a.init, scope), (v) => {
          if (!this.hooks.setOption(path, name, v, a.span)) {
            throw new FluxError('notFound', 'option.unknown', `package ${JSON.stringify(path)} has no option ${name}`, { span: a.member.span, source: scope.source });
          }
        });
      }
      case 'ExpressionStatement':
        return then(this.eval(st.expression, scope), (v) => (this.hooks.onExpression ? this.hooks.onExpression(v, st) : undefined));
      case 'ReturnStatement':
        throw new FluxError('invalid', 'return.outsideFunction', 'return is only allowed in a function body', { span: st.span, source: scope.source });
      case 'BuiltinStatement':
        throw new FluxError('invalid', 'builtin.notAllowed', `builtin ${st.id.name} may only be declared in the standard library`, { span: st.span, source: scope.source });
      case 'TestCaseStatement':
        return; // run by `promflux test`, not by a plain run
      case 'BadStatement':
        throw new FluxError('invalid', 'syntax.badStatement', `cannot run invalid statement ${JSON.stringify(st.text)}`, { span: st.span, source: scope.source });
    }
  }

  private evalAssigned(name: string, init: ast.Expression, scope: Scope): MaybePromise<Value> {
    if (init.type === 'FunctionExpression') return new Closure(init, scope, this, name);
    return this.eval(init, scope);
  }

  /** Evaluate a function body (called by Closure.call with the bound parameter scope). */
  callBody(fn: Closure, scope: Scope, site: CallSite | undefined): MaybePromise<Value> {
    if (this.depth >= this.maxCallDepth) {
      throw new FluxError('resourceExhausted', 'eval.recursionLimit', `function calls nested deeper than ${this.maxCallDepth} (runaway recursion?)`, { span: site?.span, source: site?.source });
    }
    if ((++this.calls & 1023) === 0) this.hooks.checkCancel?.();
    this.depth++;
    let sync = true;
    try {
      const body = fn.node.body;
      const r = body.type === 'Block' ? this.runBlock(body, scope, 0) : this.eval(body, scope);
      if (isPromise(r)) {
        sync = false;
        return r.finally(() => {
          this.depth--;
        });
      }
      return r;
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        throw new FluxError('resourceExhausted', 'eval.recursionLimit', 'function calls nested too deeply (runaway recursion?)', { span: site?.span, source: site?.source });
      }
      throw e;
    } finally {
      if (sync) this.depth--;
    }
  }

  private runBlock(block: ast.Block, scope: Scope, from: number): MaybePromise<Value> {
    const body = block.body;
    for (let i = from; i < body.length; i++) {
      const st = body[i]!;
      if (st.type === 'ReturnStatement') return this.eval(st.argument, scope);
      let r: MaybePromise<void>;
      if (st.type === 'ExpressionStatement') {
        r = then(this.eval(st.expression, scope), () => undefined);
      } else if (st.type === 'VariableAssignment') {
        r = this.runStatement(st, scope, new Map());
      } else {
        throw new FluxError('invalid', 'block.invalidStatement', `${statementKind(st.type)} is not allowed in a function body (only assignments, expressions and return are)`, { span: st.span, source: scope.source });
      }
      if (isPromise(r)) return r.then(() => this.runBlock(block, scope, i + 1));
    }
    throw new FluxError('invalid', 'block.noReturn', 'function body has no return statement', { span: block.span, source: scope.source });
  }

  // -------------------------------------------------------------------------
  // Expressions

  /** Evaluate where only a synchronous value is acceptable (parameter defaults). */
  evalSync(e: ast.Expression, scope: Scope, what: string): Value {
    const v = this.eval(e, scope);
    if (isPromise(v)) {
      throw new FluxError('invalid', 'eval.asyncNotAllowed', `${what} must not wait for data`, { span: e.span, source: scope.source });
    }
    return v;
  }

  eval(e: ast.Expression, scope: Scope): MaybePromise<Value> {
    // Only dispatch here: a small frame keeps deep recursion of Flux functions cheap.
    switch (e.type) {
      case 'Identifier':
        return this.identifier(e, scope);
      case 'IntegerLiteral':
      case 'FloatLiteral':
      case 'StringLiteral':
        return e.value;
      case 'UnsignedIntegerLiteral':
        return new UInt(e.value);
      case 'DateTimeLiteral':
        return new Time(e.nanos);
      case 'DurationLiteral':
        return this.durationLiteral(e, scope);
      case 'RegexpLiteral':
        return this.regexpLiteral(e, scope);
      case 'StringExpression':
        return this.evalInterpolation(e, scope, 0, '');
      case 'ParenExpression':
        return this.eval(e.expression, scope);
      case 'ArrayExpression':
        return this.evalArray(e, scope);
      case 'DictExpression':
        return this.evalDict(e, scope);
      case 'RecordExpression':
        return this.evalRecord(e, scope);
      case 'FunctionExpression':
        return new Closure(e, scope, this);
      case 'CallExpression':
        return this.evalCall(e, scope, undefined);
      case 'PipeExpression':
        return this.evalPipe(e, scope);
      case 'MemberExpression':
        return this.evalMember(e, scope);
      case 'IndexExpression':
        return then(this.eval(e.array, scope), (arr) => then(this.eval(e.index, scope), (idx) => this.index(arr, idx, e, scope)));
      case 'BinaryExpression':
        return this.evalBinary(e, scope);
      case 'UnaryExpression':
        return this.evalUnary(e, scope);
      case 'LogicalExpression':
        return this.evalLogical(e, scope);
      case 'ConditionalExpression':
        return this.evalConditional(e, scope);
      case 'PipeLiteral':
        throw new FluxError('invalid', 'syntax.pipeLiteral', '<- is only allowed as a parameter default', { span: e.span, source: scope.source });
      case 'BadExpression':
        throw new FluxError('invalid', 'syntax.badExpression', `cannot evaluate invalid expression ${JSON.stringify(e.text)}`, { span: e.span, source: scope.source });
    }
  }

  private identifier(e: ast.Identifier, scope: Scope): Value {
    const v = scope.lookup(e.name);
    if (v === undefined) {
      throw new FluxError('invalid', 'undefined.identifier', `undefined identifier ${e.name}`, { span: e.span, source: scope.source });
    }
    return v;
  }

  private durationLiteral(e: ast.DurationLiteral, scope: Scope): Value {
    try {
      return durationOfLiteral(e);
    } catch (err) {
      throw this.located(err, e, scope);
    }
  }

  private regexpLiteral(e: ast.RegexpLiteral, scope: Scope): Value {
    try {
      return compileRegexp(e.value);
    } catch (err) {
      throw this.located(err, e, scope);
    }
  }

  private evalArray(e: ast.ArrayExpression, scope: Scope): MaybePromise<Value> {
    return then(this.evalList(e.elements, scope), (vs) => {
      this.checkHomogeneous(vs, e, scope);
      return new ArrayValue(vs);
    });
  }

  private evalPipe(e: ast.PipeExpression, scope: Scope): MaybePromise<Value> {
    const piped = this.eval(e.argument, scope);
    return isPromise(piped) ? piped.then((p) => this.evalCall(e.call, scope, p)) : this.evalCall(e.call, scope, piped);
  }

  private evalMember(e: ast.MemberExpression, scope: Scope): MaybePromise<Value> {
    const obj = this.eval(e.object, scope);
    return isPromise(obj) ? obj.then((o) => this.member(o, e, scope)) : this.member(obj, e, scope);
  }

  private evalBinary(e: ast.BinaryExpression, scope: Scope): MaybePromise<Value> {
    if (e.left.type === 'BinaryExpression') return this.evalBinaryChain(e, scope);
    const l = this.eval(e.left, scope);
    if (isPromise(l)) return l.then((lv) => then(this.eval(e.right, scope), (rv) => this.binary(e, lv, rv, scope)));
    const r = this.eval(e.right, scope);
    if (isPromise(r)) return r.then((rv) => this.binary(e, l, rv, scope));
    return this.binary(e, l, r, scope);
  }

  // Operator chains (`a + b + c ...`, `x == 1 or x == 2 or ...`) are left-deep trees; a
  // generated one may have thousands of terms. The chain functions below walk the left spine in
  // a loop instead of recursing per operator, so such a chain cannot overflow the stack. Order
  // of evaluation and short-circuiting are the same as the recursive form.
  private evalBinaryChain(e: ast.BinaryExpression, scope: Scope): MaybePromise<Value> {
    const spine: ast.BinaryExpression[] = [];
    let cur: ast.Expression = e;
    while (cur.type === 'BinaryExpression') {
      spine.push(cur);
      cur = cur.left;
    }
    return this.binaryFrom(spine, spine.length - 1, this.eval(cur, scope), scope);
  }

  /** Applies spine[i], spine[i-1], ... spine[0] to the value of spine[i].left. */
  private binaryFrom(spine: readonly ast.BinaryExpression[], i: number, left: MaybePromise<Value>, scope: Scope): MaybePromise<Value> {
    let l = left;
    for (; i >= 0; i--) {
      if (isPromise(l)) {
        const k = i;
        return l.then((lv) => this.binaryFrom(spine, k, lv, scope));
      }
      const node = spine[i]!;
      const r = this.eval(node.right, scope);
      if (isPromise(r)) {
        const k = i;
        const lv = l;
        return r.then((rv) => this.binaryFrom(spine, k - 1, this.binary(node, lv, rv, scope), scope));
      }
      l = this.binary(node, l, r, scope);
    }
    return l;
  }

  private evalLogicalChain(e: ast.LogicalExpression, scope: Scope): MaybePromise<Value> {
    const spine: ast.LogicalExpression[] = [];
    let cur: ast.Expression = e;
    while (cur.type === 'LogicalExpression') {
      spine.push(cur);
      cur = cur.left;
    }
    return this.logicalFrom(spine, spine.length - 1, this.eval(cur, scope), scope);
  }

  private logicalFrom(spine: readonly ast.LogicalExpression[], i: number, left: MaybePromise<Value>, scope: Scope): MaybePromise<Value> {
    let l = left;
    for (; i >= 0; i--) {
      if (isPromise(l)) {
        const k = i;
        return l.then((lv) => this.logicalFrom(spine, k, lv, scope));
      }
      l = this.logicalRest(spine[i]!, l, scope);
    }
    return l;
  }

  private evalLogical(e: ast.LogicalExpression, scope: Scope): MaybePromise<Value> {
    if (e.left.type === 'LogicalExpression') return this.evalLogicalChain(e, scope);
    const l = this.eval(e.left, scope);
    if (isPromise(l)) return l.then((lv) => this.logicalRest(e, lv, scope));
    return this.logicalRest(e, l, scope);
  }

  private evalConditional(e: ast.ConditionalExpression, scope: Scope): MaybePromise<Value> {
    const t = this.eval(e.test, scope);
    if (isPromise(t)) return t.then((tv) => (this.truth(tv, e.test, scope) ? this.eval(e.consequent, scope) : this.eval(e.alternate, scope)));
    return this.truth(t, e.test, scope) ? this.eval(e.consequent, scope) : this.eval(e.alternate, scope);
  }

  // Flux SPEC, "Missing values (null)": and/or follow three-valued (Kleene) logic, reading
  // null as an unknown bool: `null and false` is false, `null and true` is null, `null or
  // true` is true, `null or false` is null (and symmetrically: `true and null` is null).
  // Evaluation is left to right and stops when the left operand decides the result (`false
  // and x`, `true or x`); a null left operand decides nothing, so the right one is
  // evaluated. Where a condition is needed (`if`, a filter predicate), null counts as false.
  private logicalRest(e: ast.LogicalExpression, l: Value, scope: Scope): MaybePromise<Value> {
    const lb = this.bool3(l, e.left, scope);
    const and = e.operator === 'and';
    if (lb === !and) return lb; // false and x, true or x
    const r = this.eval(e.right, scope);
    return isPromise(r) ? r.then((rv) => this.logicalResult(and, lb, this.bool3(rv, e.right, scope))) : this.logicalResult(and, lb, this.bool3(r, e.right, scope));
  }

  /** The Kleene and/or of `l` (which did not decide the result alone) and `r`. */
  private logicalResult(and: boolean, l: boolean | null, r: boolean | null): boolean | null {
    if (r === !and) return r; // x and false, x or true
    return l === null || r === null ? null : r;
  }

  /** An operand of and/or: a bool or null; any other type is a type error. */
  private bool3(v: Value, node: ast.Node, scope: Scope): boolean | null {
    if (typeof v === 'boolean' || v === null) return v;
    throw new FluxError('invalid', 'type.mismatch', `expected bool, got ${typeOf(v)}`, { span: node.span, source: scope.source });
  }

  private located(err: unknown, node: ast.Node, scope: Scope): FluxError {
    return toFluxError(err).withSpan(node.span, scope.source);
  }

  /** A condition value: bool, with null meaning false (Flux treats a null predicate as not true). */
  private truth(v: Value, node: ast.Node, scope: Scope): boolean {
    if (typeof v === 'boolean') return v;
    if (v === null) return false;
    throw new FluxError('invalid', 'type.mismatch', `expected bool, got ${typeOf(v)}`, { span: node.span, source: scope.source });
  }

  private binary(e: ast.BinaryExpression, l: Value, r: Value, scope: Scope): Value {
    try {
      return binaryOp(e.operator, l, r);
    } catch (err) {
      throw this.located(err, e, scope);
    }
  }

  private evalUnary(e: ast.UnaryExpression, scope: Scope): MaybePromise<Value> {
    if (e.operator === 'exists') return this.evalExists(e.argument, scope);
    return then(this.eval(e.argument, scope), (v) => {
      try {
        switch (e.operator) {
          case '-':
            return negate(v);
          case '+':
            return unaryPlus(v);
          case 'not':
            if (v === null) return null;
            if (typeof v !== 'boolean') throw new FluxError('invalid', 'type.mismatch', `not needs a bool, got ${typeOf(v)}`);
            return !v;
        }
      } catch (err) {
        throw this.located(err, e, scope);
      }
      return null;
    });
  }

  /** `exists x`: false for null and for a missing record field (no error), true otherwise. */
  private evalExists(arg: ast.Expression, scope: Scope): MaybePromise<Value> {
    let inner = arg;
    while (inner.type === 'ParenExpression') inner = inner.expression;
    if (inner.type === 'MemberExpression') {
      const m = inner;
      return then(this.eval(m.object, scope), (obj) => {
        if (obj === null) return false;
        if (obj instanceof RecordValue) {
          const key = nameOf(m.property);
          const v = obj.fields.get(key);
          return v !== undefined && v !== null;
        }
        return this.member(obj, m, scope) !== null;
      });
    }
    return then(this.eval(arg, scope), (v) => v !== null);
  }

  private member(obj: Value, e: ast.MemberExpression, scope: Scope): Value {
    const key = nameOf(e.property);
    if (obj instanceof RecordValue) {
      // A row may lack a column: reading it gives null, as in Flux (`exists r.x` tests for
      // it). Statically known records are checked before running (semantic: record.missingField).
      const v = obj.fields.get(key);
      return v === undefined ? null : v;
    }
    if (obj === null) {
      throw new FluxError('invalid', 'record.nullAccess', `cannot read field ${JSON.stringify(key)} of null`, { span: e.span, source: scope.source });
    }
    throw new FluxError('invalid', 'type.mismatch', `cannot read field ${JSON.stringify(key)} of a ${typeOf(obj)} value`, { span: e.span, source: scope.source });
  }

  private index(arr: Value, idx: Value, e: ast.IndexExpression, scope: Scope): Value {
    if (arr instanceof ArrayValue) {
      if (typeof idx !== 'bigint') {
        throw new FluxError('invalid', 'type.mismatch', `array index must be an int, got ${typeOf(idx)}`, { span: e.index.span, source: scope.source });
      }
      if (idx < 0n || idx >= BigInt(arr.elements.length)) {
        throw new FluxError('invalid', 'index.outOfRange', `index ${idx} out of range for an array of length ${arr.elements.length}`, { span: e.index.span, source: scope.source });
      }
      return arr.elements[Number(idx)]!;
    }
    if (arr instanceof RecordValue && typeof idx === 'string') {
      const v = arr.fields.get(idx);
      if (v === undefined) {
        throw new FluxError('invalid', 'record.missingField', `record has no field ${JSON.stringify(idx)}`, { span: e.index.span, source: scope.source });
      }
      return v;
    }
    throw new FluxError('invalid', 'type.mismatch', `cannot index a ${typeOf(arr)} value${arr instanceof DictValue ? ' (use dict.get)' : ''}`, { span: e.span, source: scope.source });
  }

  private evalList(items: readonly ast.Expression[], scope: Scope): MaybePromise<Value[]> {
    const out: Value[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const v = this.eval(items[i]!, scope);
      if (isPromise(v)) return this.evalListAsync(items, scope, out, i, v);
      out[i] = v;
    }
    return out;
  }

  private async evalListAsync(items: readonly ast.Expression[], scope: Scope, out: Value[], at: number, pending: Promise<Value>): Promise<Value[]> {
    out[at] = await pending;
    for (let i = at + 1; i < items.length; i++) out[i] = await this.eval(items[i]!, scope);
    return out;
  }

  private checkHomogeneous(vs: readonly Value[], e: ast.ArrayExpression, scope: Scope): void {
    let t: string | undefined;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i]!;
      if (v === null) continue;
      const tv = typeOf(v);
      if (t === undefined) t = tv;
      else if (tv !== t) {
        throw new FluxError('invalid', 'type.mismatch', `array elements must have one type: found ${t} and ${tv}`, { span: e.elements[i]!.span, source: scope.source });
      }
    }
  }

  private evalDict(e: ast.DictExpression, scope: Scope): MaybePromise<Value> {
    const exprs: ast.Expression[] = [];
    for (const el of e.elements) exprs.push(el.key, el.value);
    return then(this.evalList(exprs, scope), (vs) => {
      const m = new Map<string | number | bigint | boolean, { key: Value; value: Value }>();
      // Flux SPEC, Types (Dictionary types): keys are of one type, values of one type.
      const types: (string | undefined)[] = [undefined, undefined];
      for (let i = 0; i < vs.length; i++) {
        const v = vs[i]!;
        if (v === null) continue;
        if (i % 2 === 0) {
          try {
            dictKeyOf(v); // a key that cannot be one is dict.invalidKey, before any type mismatch
          } catch (err) {
            throw this.located(err, exprs[i]!, scope);
          }
        }
        const t = typeOf(v);
        const seen = types[i % 2];
        if (seen === undefined) types[i % 2] = t;
        else if (t !== seen) {
          throw new FluxError('invalid', 'type.mismatch', `dictionary ${i % 2 === 0 ? 'keys' : 'values'} must have one type: found ${seen} and ${t}`, {
            span: exprs[i]!.span,
            source: scope.source,
          });
        }
      }
      for (let i = 0; i < vs.length; i += 2) {
        let k: string | number | bigint | boolean;
        try {
          k = dictKeyOf(vs[i]!);
        } catch (err) {
          throw this.located(err, exprs[i]!, scope);
        }
        m.set(k, { key: vs[i]!, value: vs[i + 1]! });
      }
      return new DictValue(m);
    });
  }

  private evalRecord(e: ast.RecordExpression, scope: Scope): MaybePromise<Value> {
    const dup = duplicateKey(e);
    if (dup !== undefined) {
      // Checked before running too (semantic: record.duplicateKey); here for code that runs unchecked.
      throw new FluxError('invalid', 'record.duplicateKey', `the record literal has two properties named ${JSON.stringify(nameOf(dup.key))} (each key may appear once)`, { span: dup.key.span, source: scope.source });
    }
    const exprs: ast.Expression[] = e.properties.map((p) => p.value ?? (p.key.type === 'Identifier' ? p.key : { type: 'Identifier', name: p.key.value, span: p.key.span }));
    const base = e.with === null ? undefined : this.eval(e.with, scope);
    const build = (baseV: Value | undefined) =>
      then(this.evalList(exprs, scope), (vs) => {
        let fields: Map<string, Value>;
        if (baseV !== undefined) {
          if (!(baseV instanceof RecordValue)) {
            throw new FluxError('invalid', 'type.mismatch', `with needs a record, got ${typeOf(baseV)}`, { span: e.with!.span, source: scope.source });
          }
          fields = new Map(baseV.fields);
        } else fields = new Map();
        for (let i = 0; i < vs.length; i++) {
          const p = e.properties[i]!;
          const key = nameOf(p.key);
          fields.set(key, vs[i]!);
        }
        return new RecordValue(fields);
      });
    return base === undefined ? build(undefined) : then(base, build);
  }

  private evalInterpolation(e: ast.StringExpression, scope: Scope, from: number, acc: string): MaybePromise<Value> {
    let out = acc;
    for (let i = from; i < e.parts.length; i++) {
      const p = e.parts[i]!;
      if (p.type === 'TextPart') {
        out += p.value;
        continue;
      }
      const v = this.eval(p.expression, scope);
      if (isPromise(v)) {
        return v.then((x) => this.evalInterpolation(e, scope, i + 1, out + this.interpolated(x, p, scope)));
      }
      out += this.interpolated(v, p, scope);
    }
    return out;
  }

  /** Flux interpolates only "stringable" values: string, int, uint, float, bool, time, duration. */
  private interpolated(v: Value, p: ast.InterpolatedPart, scope: Scope): string {
    const s = stringOf(v);
    if (s === undefined) {
      throw new FluxError('invalid', 'interpolation.notStringable', `cannot interpolate a ${typeOf(v)} value into a string (convert it first, e.g. with string() or display())`, { span: p.expression.span, source: scope.source });
    }
    return s;
  }

  // -------------------------------------------------------------------------
  // Calls

  private evalCall(e: ast.CallExpression, scope: Scope, piped: Value | undefined): MaybePromise<Value> {
    const callee = this.eval(e.callee, scope);
    if (isPromise(callee)) return callee.then((c) => this.evalCallWith(e, c, scope, piped));
    return this.evalCallWith(e, callee, scope, piped);
  }

  private evalCallWith(e: ast.CallExpression, callee: Value, scope: Scope, piped: Value | undefined): MaybePromise<Value> {
    if (!isFunction(callee)) {
      throw new FluxError('invalid', 'call.notAFunction', `cannot call a ${typeOf(callee)} value`, { span: e.callee.span, source: scope.source });
    }
    const props = e.arguments?.properties ?? [];
    const args = new Map<string, Value>();
    for (let i = 0; i < props.length; i++) {
      const p = props[i]!;
      const k = nameOf(p.key);
      const v = p.value === null ? this.eval(p.key.type === 'Identifier' ? p.key : { type: 'Identifier', name: p.key.value, span: p.key.span }, scope) : this.eval(p.value, scope);
      if (isPromise(v)) return this.evalCallAsync(e, callee, scope, piped, args, i, v);
      args.set(k, v);
    }
    return this.finishCall(e, callee, scope, piped, args);
  }

  private async evalCallAsync(e: ast.CallExpression, callee: FunctionValue, scope: Scope, piped: Value | undefined, args: Map<string, Value>, at: number, pending: Promise<Value>): Promise<Value> {
    const props = e.arguments?.properties ?? [];
    const keyOf = (p: ast.Property) => nameOf(p.key);
    args.set(keyOf(props[at]!), await pending);
    for (let i = at + 1; i < props.length; i++) {
      const p = props[i]!;
      args.set(keyOf(p), await this.eval(p.value ?? (p.key.type === 'Identifier' ? p.key : { type: 'Identifier', name: p.key.value, span: p.key.span }), scope));
    }
    return this.finishCall(e, callee, scope, piped, args);
  }

  private finishCall(e: ast.CallExpression, callee: FunctionValue, scope: Scope, piped: Value | undefined, args: Map<string, Value>): MaybePromise<Value> {
    {
      {
        if (piped !== undefined) {
          const pp = callee.params.find((p) => p.pipe);
          if (pp === undefined) {
            throw new FluxError('invalid', 'call.noPipeParameter', `function ${callee.name} has no pipe parameter, so nothing can be piped into it`, { span: e.span, source: scope.source });
          }
          if (args.has(pp.name)) {
            throw new FluxError('invalid', 'call.duplicatePipe', `argument ${pp.name} is given both by |> and by name`, { span: e.span, source: scope.source });
          }
          args.set(pp.name, piped);
        }
        return this.call(callee, args, e, scope);
      }
    }
  }

  /** Call a function value with named arguments on behalf of call node `node`. */
  call(fn: FunctionValue, args: ReadonlyMap<string, Value>, node: ast.Node, scope: Scope): MaybePromise<Value> {
    // The site handed to the callee is this call's frame: a Closure records it on its body
    // scope, so calls made in the body know their caller (./call-frame.ts).
    const site = new CallFrame(node.span, scope.source, fn, node, scope.callFrame);
    let r: MaybePromise<Value>;
    try {
      r = fn.call(args, site);
    } catch (err) {
      throw this.callError(err, site);
    }
    if (isPromise(r)) {
      return r.then(
        (v) => withFrames(v, site, this.addFrame),
        (err: unknown) => {
          throw this.callError(err, site);
        },
      );
    }
    // A stream is read after this call has returned: its reader's errors get this call's
    // frames then (./call-frame.ts).
    return withFrames(r, site, this.addFrame);
  }

  private readonly addFrame: AddFrame = (err, frame) => this.callError(err, frame);

  /** `err` as it leaves the call `frame`: with the call's Flux stack frame, and for a native, the `error calling function` prefix. */
  private callError(err: unknown, call: CallFrame): FluxError {
    const { fn, node, source } = call;
    let fe: FluxError;
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      fe = new FluxError('resourceExhausted', 'eval.recursionLimit', 'function calls nested too deeply (runaway recursion?)', { span: node.span, source });
      wrappedAt.set(fe, node);
      return fe;
    }
    fe = toFluxError(err);
    if (wrappedAt.get(fe) === node && fn instanceof Closure) return fe; // recursion: one frame per call site
    if (fe.fluxStack.length >= MAX_STACK_FRAMES) return fe;
    const where = formatSpan(node.span);
    const frame = `function "${fn.name}" ${where}`;
    if (fn instanceof Closure) {
      // Error inside a Flux function: it already points at the failing code; add a frame.
      fe = new FluxError(fe.code, fe.id, fe.message, {
        span: fe.span ?? node.span,
        source: fe.span ? fe.source : source,
        cause: fe.cause,
        stack: [...fe.fluxStack, frame],
      });
    } else {
      // An error from a native builtin: name the function and the call site.
      const spanned = fe.span === undefined ? fe.withSpan(node.span, source) : fe;
      fe = spanned.wrap(`error calling function "${fn.name}" ${where}`, node.span, frame);
    }
    wrappedAt.set(fe, node);
    return fe;
  }
}

const duplicateKeys = new WeakMap<ast.RecordExpression, ast.Property | null>();

/** The first property of a record literal whose key an earlier property already has. */
function duplicateKey(e: ast.RecordExpression): ast.Property | undefined {
  let d = duplicateKeys.get(e);
  if (d === undefined) {
    d = null;
    const seen = new Set<string>();
    for (const p of e.properties) {
      const k = nameOf(p.key);
      if (seen.has(k)) {
        d = p;
        break;
      }
      seen.add(k);
    }
    duplicateKeys.set(e, d);
  }
  return d ?? undefined;
}

export { Scope };
