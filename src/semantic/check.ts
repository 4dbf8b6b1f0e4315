// Checks run before a program runs (ARCHITECTURE.md: semantic layer). Every problem is
// collected with its span and reported at once:
//   undefined.identifier     a name that is not defined (nor imported, nor in the prelude)
//   import.unknownPackage    `import "nope"`
//   package.unknownMember    `strings.nope`
//   import.duplicate         two imports bound to one name (`import s "strings"` then
//                            `import s "math"`, or the same package twice): the SPEC's
//                            "Assignment and scope" lets an identifier be bound once per block
//   call.unknownArgument     an argument the called function does not declare
//   call.duplicateArgument   `f(a: 1, a: 2)`: arguments are a record of named values, one per name
//   record.duplicateKey      `{a: 1, a: 2}` (also `{r with a: 1, a: 2}`): Flux's interpreter
//                            rejects a record literal naming a key twice ("duplicate key in
//                            object"); `{r with a: 1}` where r has a is an update, not a duplicate
//   call.missingArgument     a required argument left out
//   call.noPipeParameter     `x |> f()` where f has no pipe parameter
//   call.missingPipe         `f()` where f has a pipe parameter but nothing is piped or named
//   function.duplicateParam  `(a, a) => ...`
//   function.multiplePipeParams  `(a=<-, b=<-) => ...`: the SPEC (Function literals) allows
//                            one pipe parameter, the one `|>` fills
//   assign.redeclared        a name assigned twice in one scope
//   return.outsideFunction   `return` at the top level
//   block.noReturn           a function block without `return`
//   block.invalidStatement   an option, testcase or builtin statement in a function body (Flux
//                            SPEC, Function literals: a body holds assignments, expressions and
//                            return; options and testcases belong to the package block)
//   record.missingField      `r.b` where r is bound to a record literal without field b (or to
//                            `{s with ...}` of such a record, or `r.a.b` with `r = {a: {...}}`)
//                            (outside `exists`; at run time a missing field reads as null,
//                            as a missing column does in a row function); and a record
//                            literal (or a name bound to one) passed to a function literal
//                            whose body reads a field of that parameter the record lacks:
//                            `f = (a) => a.b` then `f(a: {c: 1})`. Flux infers the
//                            parameter's type as `{A with b: B}` (SPEC: Member expressions,
//                            Type inference: records), so the call fails to unify with
//                            `{c: int}` ("record is missing label b"). Rows of tables are
//                            not literals, so `r.missing` in map/filter stays null. A field
//                            the body also tests with `exists a.b` is not required. The
//                            result of calling a function literal whose body returns a
//                            record literal is known too: `f = () => ({a: 1})` then
//                            `f().b` (or `g = f()` then `g.b`), as Flux infers the call's
//                            type from the body.
//   type.mismatch            `if c then 1 else "a"`: Flux's type inference gives both
//                            branches one type and the condition the type bool (SPEC:
//                            Conditional expressions); reported where both types are known
//                            without running (literals, names bound to them, operators on
//                            them, calls of builtins declared with such a result type: see
//                            typeOfExpr), otherwise left to the run. Likewise
//                            an operator whose operand types are known and not accepted
//                            (`1 + "a"`, `-"a"`, `not 1`, `true and 1`, `[1] < [2]`,
//                            `[1, "a"]`): the id
//                            and span the run would give (type.mismatch,
//                            type.unsupportedOperator, type.notComparable,
//                            type.notEquatable), before anything runs. The same for a
//                            value of a known type used where it cannot be: interpolated
//                            (`"${r}"` with r a record: interpolation.notStringable), as
//                            the base of `with`, read as a record or indexed (type.mismatch),
//                            called (call.notAFunction).
// In a REPL session, names defined by earlier inputs are known as far as their values tell
// (CheckEnv.predefinedInfo): a function literal's field reads and result, a value's type,
// and the fields of a record this checker knew exactly when that input defined it.
// Calls are checked only when the callee is known statically (a prelude or package
// builtin, or a name bound directly to a function literal); everything else is checked when
// it runs.
import { FluxError } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import type { FunctionSig } from './signature.js';
import { signatureOfFunction } from './signature.js';
import { nameOf } from '../lang/names.js';

/** What a package offers: each member, with its signature when it is a function. */
export interface PackageInfo {
  readonly members: ReadonlyMap<string, FunctionSig | null>;
}

export interface CheckEnv {
  /** The prelude (universe) members. */
  readonly prelude: ReadonlyMap<string, FunctionSig | null>;
  /** A package by import path, or undefined when no such package exists. */
  package(path: string): PackageInfo | undefined;
  /** Names already defined (a REPL session's earlier statements); they may be redefined. */
  readonly predefined?: ReadonlyMap<string, FunctionSig | null>;
  /**
   * What is known of some predefined names: the function literal a name is bound to (a
   * closure defined in an earlier REPL input), or the type of its value.
   */
  readonly predefinedInfo?: ReadonlyMap<string, PredefinedInfo>;
  /**
   * Told, after the check, the fields of each top-level name bound to a record the checker
   * knows exactly (a record literal, a function literal's record result): a REPL session
   * hands them back through predefinedInfo for the value that name was then given.
   */
  onRecordShape?(name: string, shape: RecordShape): void;
}

/** See CheckEnv.predefinedInfo. */
export interface PredefinedInfo {
  readonly fn?: ast.FunctionExpression;
  /** The source `fn` was written in (an earlier REPL input's name), for messages. */
  readonly fnSource?: string;
  readonly type?: StaticType;
  /** The exact fields of the record the name is bound to (see CheckEnv.onRecordShape). */
  readonly shape?: RecordShape;
}

/** The fields of a record known statically, each with its value's shape when that is a known record too. */
export type RecordShape = ReadonlyMap<string, RecordShape | undefined>;

/**
 * A type known before running, named as values/value.ts typeOf names it. Only the outer type
 * constructor is tracked (every array is 'array'), so two values of one StaticType may still
 * differ in type; two of different StaticTypes never agree.
 */
export type StaticType = 'int' | 'uint' | 'float' | 'string' | 'bool' | 'duration' | 'time' | 'regexp' | 'array' | 'record' | 'dict' | 'function';

type Binding =
  | { kind: 'value'; sig: FunctionSig | null; shape?: Shape; fn?: ast.FunctionExpression; ty?: StaticType }
  | { kind: 'package'; path: string; info: PackageInfo };

class CheckScope {
  readonly names = new Map<string, Binding>();
  constructor(readonly parent: CheckScope | undefined) {}
  lookup(name: string): Binding | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: CheckScope | undefined = this;
    while (s) {
      const b = s.names.get(name);
      if (b) return b;
      s = s.parent;
    }
    return undefined;
  }
}

export function checkFile(file: ast.File, env: CheckEnv): FluxError[] {
  const errors: FluxError[] = [];
  const source = file.name;
  const err = (id: string, message: string, span: ast.BaseNode['span'], code: 'invalid' | 'notFound' = 'invalid') =>
    errors.push(new FluxError(code, id, message, { span, source }));

  /** Function literals of earlier inputs, with the input each was written in. */
  const sourceOfFn = new Map<ast.FunctionExpression, string>();
  const prelude = new CheckScope(undefined);
  for (const [k, sig] of env.prelude) prelude.names.set(k, k === 'true' || k === 'false' ? { kind: 'value', sig, ty: 'bool' } : { kind: 'value', sig });
  const session = new CheckScope(prelude);
  for (const [k, sig] of env.predefined ?? []) {
    const info = env.predefinedInfo?.get(k);
    const b: Binding = { kind: 'value', sig };
    if (info?.fn) b.fn = info.fn;
    if (info?.fn && info.fnSource !== undefined && info.fnSource !== source) sourceOfFn.set(info.fn, info.fnSource);
    if (info?.type) b.ty = info.type;
    if (info?.shape) b.shape = info.shape;
    session.names.set(k, b);
  }
  const top = new CheckScope(session);

  for (const imp of file.imports) {
    const path = imp.path.value;
    const alias = imp.as?.name ?? path.split('/').pop()!;
    if (top.names.has(alias)) {
      err('import.duplicate', `${alias} is already imported (an import name can be bound once; use \`import other "${path}"\`)`, imp.as?.span ?? imp.span);
      continue;
    }
    const info = env.package(path);
    if (info === undefined) {
      err('import.unknownPackage', `unknown package ${JSON.stringify(path)}`, imp.path.span, 'notFound');
      top.names.set(alias, { kind: 'value', sig: null });
    } else top.names.set(alias, { kind: 'package', path, info });
  }

  const sigOf = (e: ast.Expression, scope: CheckScope): FunctionSig | null => {
    if (e.type === 'Identifier') {
      const b = scope.lookup(e.name);
      return b?.kind === 'value' ? b.sig : null;
    }
    if (e.type === 'MemberExpression' && e.object.type === 'Identifier') {
      const b = scope.lookup(e.object.name);
      if (b?.kind === 'package') {
        const name = nameOf(e.property);
        return b.info.members.get(name) ?? null;
      }
    }
    if (e.type === 'FunctionExpression') return signatureOfFunction(e);
    if (e.type === 'ParenExpression') return sigOf(e.expression, scope);
    return null;
  };

  // The function literal a callee denotes, when known statically.
  const fnOf = (e: ast.Expression, scope: CheckScope): ast.FunctionExpression | undefined => {
    while (e.type === 'ParenExpression') e = e.expression;
    if (e.type === 'FunctionExpression') return e;
    if (e.type === 'Identifier') {
      const b = scope.lookup(e.name);
      return b?.kind === 'value' ? b.fn : undefined;
    }
    return undefined;
  };

  // The fields of the record an expression denotes, when known statically: a record literal
  // (extended with `with` a record whose fields are known), a name bound to one, or a field of
  // one holding such a record (`r.a` where `r = {a: {b: 1}}`).
  const shapeOf = (e: ast.Expression, scope: CheckScope): Shape | undefined => {
    while (e.type === 'ParenExpression') e = e.expression;
    switch (e.type) {
      case 'Identifier': {
        const b = scope.lookup(e.name);
        return b?.kind === 'value' ? b.shape : undefined;
      }
      case 'RecordExpression': {
        const base = e.with ? shapeOf(e.with, scope) : undefined;
        if (e.with && base === undefined) return undefined;
        const out = new Map<string, Shape | undefined>(base);
        for (const p of e.properties) {
          const k = nameOf(p.key);
          out.set(k, shapeOf(p.value ?? p.key, scope));
        }
        return out;
      }
      case 'MemberExpression': {
        if (e.object.type === 'Identifier' && scope.lookup(e.object.name)?.kind === 'package') return undefined;
        const s = shapeOf(e.object, scope);
        return s?.get(nameOf(e.property));
      }
      case 'CallExpression':
      case 'PipeExpression': {
        // A call of a function literal whose result is a record literal: Flux infers the
        // call's type from the body (`f = () => ({a: 1})` gives `f().b` "record is missing
        // label b"). The literal is read without the call's scope: only its keys, and the
        // keys of record literals nested in it, are known.
        const f = fnOf(e.type === 'CallExpression' ? e.callee : e.call.callee, scope);
        return f === undefined ? undefined : resultShape(f);
      }
      default:
        return undefined;
    }
  };
  // The static type of an expression, when its outer type is known without running it:
  // literals, names bound to them, and operators whose result type follows from their
  // operands' (as values/arith.ts and the interpreter define them). Undefined otherwise.
  // Memoized per node: a node is checked in one scope, and chains ask for their prefixes' types.
  const typeMemo = new Map<ast.Expression, StaticType | undefined>();
  const typeOfExpr = (e: ast.Expression, scope: CheckScope): StaticType | undefined => {
    while (e.type === 'ParenExpression') e = e.expression;
    if (typeMemo.has(e)) return typeMemo.get(e);
    const t = typeOfUncached(e, scope);
    typeMemo.set(e, t);
    return t;
  };
  const typeOfUncached = (e: ast.Expression, scope: CheckScope): StaticType | undefined => {
    switch (e.type) {
      case 'IntegerLiteral':
        return 'int';
      case 'UnsignedIntegerLiteral':
        return 'uint';
      case 'FloatLiteral':
        return 'float';
      case 'StringLiteral':
      case 'StringExpression':
        return 'string';
      case 'DurationLiteral':
        return 'duration';
      case 'DateTimeLiteral':
        return 'time';
      case 'RegexpLiteral':
        return 'regexp';
      case 'ArrayExpression':
        return 'array';
      case 'RecordExpression':
        return 'record';
      case 'DictExpression':
        return 'dict';
      case 'FunctionExpression':
        return 'function';
      case 'LogicalExpression':
        return 'bool';
      case 'Identifier': {
        const b = scope.lookup(e.name);
        return b?.kind === 'value' ? b.ty : undefined;
      }
      case 'UnaryExpression': {
        if (e.operator === 'not' || e.operator === 'exists') return 'bool';
        const t = typeOfExpr(e.argument, scope);
        if (e.operator === '-') return t === 'int' || t === 'float' || t === 'duration' ? t : undefined;
        return t === 'int' || t === 'float' || t === 'uint' || t === 'duration' ? t : undefined;
      }
      case 'BinaryExpression': {
        // A left-deep chain is folded with a loop (a generated chain may have thousands of terms).
        const spine: ast.BinaryExpression[] = [];
        let cur: ast.Expression = e;
        while (cur.type === 'BinaryExpression') {
          spine.push(cur);
          cur = cur.left;
          while (cur.type === 'ParenExpression') cur = cur.expression;
        }
        let t = typeOfExpr(cur, scope);
        for (let i = spine.length - 1; i > 0; i--) {
          const node = spine[i]!;
          if (typeMemo.has(node)) t = typeMemo.get(node);
          else typeMemo.set(node, (t = binaryType(node.operator, t, typeOfExpr(node.right, scope))));
        }
        return binaryType(e.operator, t, typeOfExpr(e.right, scope));
      }
      case 'ConditionalExpression': {
        const a = typeOfExpr(e.consequent, scope);
        return a !== undefined && a === typeOfExpr(e.alternate, scope) ? a : undefined;
      }
      case 'CallExpression':
      case 'PipeExpression': {
        // A builtin's declared result type (`builtin int : (v: A) => int`), when it is not a
        // type variable.
        const sig = sigOf(e.type === 'CallExpression' ? e.callee : e.call.callee, scope);
        return sig?.result === undefined ? undefined : staticTypeOf(sig.result);
      }
      default:
        return undefined;
    }
  };

  const fieldsOf = (e: ast.Expression, scope: CheckScope): ReadonlySet<string> | undefined => {
    const s = shapeOf(e, scope);
    return s === undefined ? undefined : new Set(s.keys());
  };

  /** `line:column` of a span in function `f`, named by its input when `f` came from an earlier one. */
  const where = (f: ast.FunctionExpression, at: { readonly start: { readonly line: number; readonly column: number } }): string => {
    const src = sourceOfFn.get(f);
    return `${src === undefined ? '' : `${src}:`}${at.start.line}:${at.start.column}`;
  };

  // A record argument must have every field the function's body reads from that parameter.
  const checkRecordArgument = (f: ast.FunctionExpression, param: string, arg: ast.Expression, scope: CheckScope, name: string) => {
    const fields = fieldsOf(arg, scope);
    if (fields === undefined) return;
    const reads = fieldReads(f).get(param);
    if (reads === undefined) return;
    for (const [field, at] of reads) {
      if (!fields.has(field)) {
        err(
          'record.missingField',
          `record is missing field ${JSON.stringify(field)}, which ${name} reads from ${param} at ${where(f, at)} (fields: ${[...fields].join(', ') || 'none'})`,
          arg.span,
        );
      }
    }
  };

  const define = (scope: CheckScope, id: ast.Identifier, sig: FunctionSig | null, fn?: ast.FunctionExpression) => {
    if (scope.names.has(id.name) && scope !== top) {
      err('assign.redeclared', `${id.name} is already defined in this scope`, id.span);
    } else if (scope === top && top.names.has(id.name)) {
      err('assign.redeclared', `${id.name} is already defined in this scope`, id.span);
    }
    scope.names.set(id.name, fn === undefined ? { kind: 'value', sig } : { kind: 'value', sig, fn, ty: 'function' });
  };

  const checkCall = (call: ast.CallExpression, scope: CheckScope, piped: boolean, pipeArg?: ast.Expression) => {
    expr(call.callee, scope);
    const calleeType = typeOfExpr(call.callee, scope);
    if (calleeType !== undefined && calleeType !== 'function') err('call.notAFunction', `cannot call a ${calleeType} value`, call.callee.span);
    const props = call.arguments?.properties ?? [];
    for (const p of props) {
      if (p.value) expr(p.value, scope);
      else if (p.key.type === 'Identifier') expr(p.key, scope);
    }
    const name = calleeName(call.callee);
    const named = new Set<string>();
    for (const p of props) {
      const k = nameOf(p.key);
      if (named.has(k)) err('call.duplicateArgument', `argument ${JSON.stringify(k)} is given twice in call to ${name}`, p.key.span);
      named.add(k);
    }
    const sig = sigOf(call.callee, scope);
    if (!sig) return;
    const given = new Set<string>();
    for (const p of props) {
      const k = nameOf(p.key);
      given.add(k);
      if (!sig.params.some((q) => q.name === k)) {
        err('call.unknownArgument', `${name} has no parameter ${JSON.stringify(k)} (parameters: ${sig.params.map((q) => q.name).join(', ') || 'none'})`, p.key.span);
      }
    }
    for (const q of sig.params) {
      if (!q.optional && !q.pipe && !given.has(q.name)) {
        err('call.missingArgument', `missing required argument ${JSON.stringify(q.name)} in call to ${name}`, call.span);
      }
    }
    const pipeParam = sig.params.find((q) => q.pipe);
    if (piped && !pipeParam) {
      err('call.noPipeParameter', `${name} has no pipe parameter, so nothing can be piped into it`, call.span);
    }
    if (!piped && pipeParam && !given.has(pipeParam.name)) {
      err('call.missingPipe', `${name} needs piped input (${pipeParam.name}): use \`... |> ${name}(...)\``, call.span);
    }
    const lit = fnOf(call.callee, scope);
    if (lit) {
      for (const p of props) {
        const k = nameOf(p.key);
        checkRecordArgument(lit, k, p.value ?? p.key, scope, name);
      }
      if (pipeParam && pipeArg && !given.has(pipeParam.name)) checkRecordArgument(lit, pipeParam.name, pipeArg, scope, name);
      // A default record literal left in place must have the fields too.
      for (const q of lit.params) {
        const k = nameOf(q.key);
        if (!given.has(k) && q.value && staticFields(q.value)) checkRecordArgument(lit, k, q.value, scope, name);
      }
    }
  };

  const fn = (f: ast.FunctionExpression, scope: CheckScope) => {
    const inner = new CheckScope(scope);
    const seen = new Set<string>();
    let pipe: string | undefined;
    for (const p of f.params) {
      const k = nameOf(p.key);
      if (seen.has(k)) err('function.duplicateParam', `parameter ${k} is declared twice`, p.key.span);
      seen.add(k);
      if (p.value?.type === 'PipeLiteral') {
        if (pipe !== undefined) err('function.multiplePipeParams', `parameter ${k} is a second pipe parameter (${pipe} is already piped): a function has at most one`, p.key.span);
        else pipe = k;
      }
      inner.names.set(k, { kind: 'value', sig: null });
    }
    for (const p of f.params) if (p.value && p.value.type !== 'PipeLiteral') expr(p.value, inner);
    if (f.body.type === 'Block') block(f.body, inner, true);
    else expr(f.body, inner);
  };

  const block = (b: ast.Block, scope: CheckScope, isFunction: boolean) => {
    const inner = new CheckScope(scope);
    let returned = false;
    for (const st of b.body) {
      if (isFunction && (st.type === 'OptionStatement' || st.type === 'TestCaseStatement' || st.type === 'BuiltinStatement')) {
        err('block.invalidStatement', `${statementKind(st.type)} is not allowed in a function body (only assignments, expressions and return are)`, st.span);
        continue;
      }
      if (st.type === 'ReturnStatement') {
        if (!isFunction) err('return.outsideFunction', 'return is only allowed in a function body', st.span);
        expr(st.argument, inner);
        returned = true;
      } else statement(st, inner);
    }
    if (isFunction && !returned) err('block.noReturn', 'function body has no return statement', b.span);
  };

  const statement = (st: ast.Statement, scope: CheckScope) => {
    switch (st.type) {
      case 'VariableAssignment':
        if (st.init.type === 'FunctionExpression') {
          // Defined before its body is checked, so a function may call itself.
          define(scope, st.id, signatureOfFunction(st.init), st.init);
          expr(st.init, scope);
        } else {
          expr(st.init, scope);
          const sig = sigOf(st.init, scope);
          const ty = typeOfExpr(st.init, scope);
          define(scope, st.id, sig);
          const shape = shapeOf(st.init, scope);
          if (shape) scope.names.set(st.id.name, ty === undefined ? { kind: 'value', sig: null, shape } : { kind: 'value', sig: null, shape, ty });
          else if (ty !== undefined) scope.names.set(st.id.name, { kind: 'value', sig, ty });
        }
        return;
      case 'OptionStatement': {
        const a = st.assignment;
        if (a.type === 'VariableAssignment') {
          if (a.init.type === 'FunctionExpression') scope.names.set(a.id.name, { kind: 'value', sig: signatureOfFunction(a.init) });
          expr(a.init, scope);
          if (!scope.lookup(a.id.name)) scope.names.set(a.id.name, { kind: 'value', sig: sigOf(a.init, scope) });
        } else {
          expr(a.member, scope);
          expr(a.init, scope);
        }
        return;
      }
      case 'ExpressionStatement':
        expr(st.expression, scope);
        return;
      case 'ReturnStatement':
        err('return.outsideFunction', 'return is only allowed in a function body', st.span);
        expr(st.argument, scope);
        return;
      case 'TestCaseStatement':
        block(st.block, scope, false);
        return;
      case 'BuiltinStatement':
        scope.names.set(st.id.name, { kind: 'value', sig: null });
        return;
      case 'BadStatement':
        return;
    }
  };

  const expr = (e: ast.Expression, scope: CheckScope): void => {
    switch (e.type) {
      case 'Identifier':
        if (!scope.lookup(e.name)) err('undefined.identifier', `undefined identifier ${e.name}`, e.span);
        return;
      case 'StringExpression':
        for (const p of e.parts) {
          if (p.type !== 'InterpolatedPart') continue;
          expr(p.expression, scope);
          // Only stringable values interpolate (values/convert.ts stringOf).
          const t = typeOfExpr(p.expression, scope);
          if (t !== undefined && !STRINGABLE.has(t)) {
            err('interpolation.notStringable', `cannot interpolate a ${t} value into a string (convert it first, e.g. with string() or display())`, p.expression.span);
          }
        }
        return;
      case 'ArrayExpression': {
        for (const x of e.elements) expr(x, scope);
        // Flux SPEC, Array literals: the elements have one type.
        let first: StaticType | undefined;
        for (const x of e.elements) {
          const t = typeOfExpr(x, scope);
          if (t === undefined) continue;
          if (first === undefined) first = t;
          else if (t !== first) {
            err('type.mismatch', `array elements must have one type: found ${first} and ${t}`, x.span);
            break;
          }
        }
        return;
      }
      case 'DictExpression': {
        for (const x of e.elements) {
          expr(x.key, scope);
          expr(x.value, scope);
        }
        // Flux SPEC, Dictionary types: keys of one (comparable) type, values of one type; in
        // the order the evaluator checks them (evalDict), the first problem is reported.
        const seen: [StaticType | undefined, StaticType | undefined] = [undefined, undefined];
        entries: for (const x of e.elements) {
          for (const [i, node] of [x.key, x.value].entries()) {
            const t = typeOfExpr(node, scope);
            if (t === undefined) continue;
            if (i === 0 && !DICT_KEYS.has(t)) {
              err('dict.invalidKey', `a dictionary key must be a string, number, bool, time or duration, not ${t}`, node.span);
              break entries;
            }
            const first = seen[i];
            if (first === undefined) seen[i] = t;
            else if (t !== first) {
              err('type.mismatch', `dictionary ${i === 0 ? 'keys' : 'values'} must have one type: found ${first} and ${t}`, node.span);
              break entries;
            }
          }
        }
        return;
      }
      case 'RecordExpression': {
        if (e.with) {
          expr(e.with, scope);
          const t = typeOfExpr(e.with, scope);
          if (t !== undefined && t !== 'record') err('type.mismatch', `with needs a record, got ${t}`, e.with.span);
        }
        const keys = new Set<string>();
        for (const p of e.properties) {
          const k = nameOf(p.key);
          if (keys.has(k)) err('record.duplicateKey', `the record literal has two properties named ${JSON.stringify(k)} (each key may appear once)`, p.key.span);
          keys.add(k);
          if (p.value) expr(p.value, scope);
          else if (p.key.type === 'Identifier') expr(p.key, scope);
        }
        return;
      }
      case 'FunctionExpression':
        fn(e, scope);
        return;
      case 'CallExpression':
        checkCall(e, scope, false);
        return;
      case 'PipeExpression':
        expr(e.argument, scope);
        checkCall(e.call, scope, true, e.argument);
        return;
      case 'MemberExpression': {
        if (e.object.type === 'Identifier') {
          const b = scope.lookup(e.object.name);
          if (b?.kind === 'package') {
            const name = nameOf(e.property);
            if (!b.info.members.has(name)) {
              err('package.unknownMember', `package ${JSON.stringify(b.path)} has no member ${name}`, e.property.span);
            }
            return;
          }
        }
        expr(e.object, scope);
        const objectType = typeOfExpr(e.object, scope);
        if (objectType !== undefined && objectType !== 'record') {
          err('type.mismatch', `cannot read field ${JSON.stringify(nameOf(e.property))} of a ${objectType} value`, e.span);
          return;
        }
        const fields = fieldsOf(e.object, scope);
        const name = nameOf(e.property);
        if (fields && !fields.has(name)) {
          err('record.missingField', `record has no field ${JSON.stringify(name)} (fields: ${[...fields].join(', ') || 'none'})`, e.property.span);
        }
        return;
      }
      case 'IndexExpression': {
        expr(e.array, scope);
        expr(e.index, scope);
        // As the evaluator's index(): an array takes an int, a record a string.
        const a = typeOfExpr(e.array, scope);
        const i = typeOfExpr(e.index, scope);
        if (a === 'array' && i !== undefined && i !== 'int') err('type.mismatch', `array index must be an int, got ${i}`, e.index.span);
        else if (a !== undefined && a !== 'array' && (a !== 'record' || (i !== undefined && i !== 'string'))) {
          err('type.mismatch', `cannot index a ${a} value${a === 'dict' ? ' (use dict.get)' : ''}`, e.span);
        }
        return;
      }
      case 'BinaryExpression':
      case 'LogicalExpression': {
        // Operator chains are left-deep (`a or b or c ...`): walk the left spine in a loop, so
        // a generated chain of thousands of terms does not overflow the stack.
        const rights: ast.Expression[] = [];
        let cur: ast.Expression = e;
        while (cur.type === 'BinaryExpression' || cur.type === 'LogicalExpression') {
          rights.push(cur.right);
          cur = cur.left;
        }
        expr(cur, scope);
        for (let i = rights.length - 1; i >= 0; i--) expr(rights[i]!, scope);
        // An operator applied to operands whose types are known and that it does not accept
        // is the error the run would raise (same id and span), reported before running, as
        // Flux's type inference does. The innermost failing operation is reported; the
        // operations around it have no known type then.
        const ops: (ast.BinaryExpression | ast.LogicalExpression)[] = [];
        for (let n: ast.Expression = e; n.type === 'BinaryExpression' || n.type === 'LogicalExpression'; n = n.left) ops.push(n);
        for (let i = ops.length - 1; i >= 0; i--) {
          const node = ops[i]!;
          if (node.type === 'LogicalExpression') {
            // and/or take bools (the evaluator's bool3): the operand that is not one.
            const bad = [node.left, node.right].find((x) => {
              const t = typeOfExpr(x, scope);
              return t !== undefined && t !== 'bool';
            });
            if (bad) {
              err('type.mismatch', `expected bool, got ${typeOfExpr(bad, scope)}`, bad.span);
              break;
            }
            continue;
          }
          const bad = binaryError(node.operator, typeOfExpr(node.left, scope), typeOfExpr(node.right, scope));
          if (bad) {
            err(bad.id, bad.message, node.span);
            break;
          }
        }
        return;
      }
      case 'UnaryExpression': {
        if (e.operator === 'exists' && e.argument.type === 'MemberExpression') {
          // `exists r.x` asks whether the field is there: never an error.
          expr(e.argument.object, scope);
          return;
        }
        expr(e.argument, scope);
        const t = typeOfExpr(e.argument, scope);
        if (t === undefined || e.operator === 'exists') return;
        if (e.operator === 'not' && t !== 'bool') err('type.mismatch', `not needs a bool, got ${t}`, e.span);
        else if (e.operator === '-' && t !== 'int' && t !== 'float' && t !== 'duration') err('type.unsupportedOperator', `unary - is not defined for ${t}`, e.span);
        else if (e.operator === '+' && t !== 'int' && t !== 'float' && t !== 'uint' && t !== 'duration') err('type.unsupportedOperator', `unary + is not defined for ${t}`, e.span);
        return;
      }
      case 'ConditionalExpression': {
        expr(e.test, scope);
        expr(e.consequent, scope);
        expr(e.alternate, scope);
        // Flux's type inference makes the test a bool and both branches one type (SPEC:
        // Conditional expressions); here where the types are known without running.
        const test = typeOfExpr(e.test, scope);
        if (test !== undefined && test !== 'bool') {
          err('type.mismatch', `the condition of if must be a bool, not ${test}`, e.test.span);
        }
        const a = typeOfExpr(e.consequent, scope);
        const b = a === undefined ? undefined : typeOfExpr(e.alternate, scope);
        if (a !== undefined && b !== undefined && a !== b) {
          err('type.mismatch', `the branches of if have different types: then gives ${a}, else gives ${b}`, e.alternate.span);
        }
        return;
      }
      case 'ParenExpression':
        expr(e.expression, scope);
        return;
      default:
        return;
    }
  };

  for (const st of file.body) statement(st, top);
  if (env.onRecordShape) for (const [name, b] of top.names) if (b.kind === 'value' && b.shape) env.onRecordShape(name, b.shape);
  return errors;
}

const fieldReadsCache = new WeakMap<ast.FunctionExpression, Map<string, Map<string, ast.BaseNode['span']>>>();

/**
 * For each parameter of a function literal, the fields its body reads as `param.field` (or
 * `param["field"]`), with the span of the first read. Reads under a nested function or block
 * that rebinds the name do not count, nor fields the body tests with `exists param.field`.
 */
function fieldReads(f: ast.FunctionExpression): Map<string, Map<string, ast.BaseNode['span']>> {
  const cached = fieldReadsCache.get(f);
  if (cached) return cached;
  const out = new Map<string, Map<string, ast.BaseNode['span']>>();
  for (const p of f.params) {
    const param = nameOf(p.key);
    const reads = new Map<string, ast.BaseNode['span']>();
    const tested = new Set<string>();
    const walk = (n: unknown, underExists: boolean): void => {
      if (Array.isArray(n)) {
        for (const x of n) walk(x, underExists);
        return;
      }
      if (n === null || typeof n !== 'object' || typeof (n as { type?: unknown }).type !== 'string') return;
      const node = n as ast.Expression | ast.Statement | ast.Block | ast.Property;
      if (node.type === 'FunctionExpression') {
        if (node.params.some((q) => nameOf(q.key) === param)) return;
      } else if (node.type === 'Block') {
        if (node.body.some((st) => st.type === 'VariableAssignment' && st.id.name === param)) return;
      } else if (node.type === 'UnaryExpression' && node.operator === 'exists') {
        walk(node.argument, true);
        return;
      } else if (node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === param) {
        const field = nameOf(node.property);
        if (underExists) tested.add(field);
        else if (!reads.has(field)) reads.set(field, node.property.span);
        return;
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'span') walk(v, false);
    };
    walk(f.body, false);
    for (const q of f.params) if (q !== p && q.value && q.value.type !== 'PipeLiteral') walk(q.value, false);
    for (const t of tested) reads.delete(t);
    if (reads.size > 0) out.set(param, reads);
  }
  fieldReadsCache.set(f, out);
  return out;
}

type Shape = RecordShape;

/**
 * The result type of a binary operator on operands of static types `a` and `b` (undefined
 * when either is unknown or the operation is a type error, which the interpreter reports):
 * values/arith.ts and interpreter/operators.ts define the same combinations.
 */
function binaryType(op: ast.BinaryOperator, a: StaticType | undefined, b: StaticType | undefined): StaticType | undefined {
  switch (op) {
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '=~':
    case '!~':
      return 'bool';
  }
  if (a === undefined || b === undefined) return undefined;
  if (a === b && (a === 'int' || a === 'uint' || a === 'float')) return a;
  if (a === 'string' && b === 'string') return op === '+' ? 'string' : undefined;
  if (op === '+' || op === '-') {
    if (a === 'duration' && b === 'duration') return 'duration';
    if (a === 'time' && b === 'duration') return 'time';
    if (op === '+' && a === 'duration' && b === 'time') return 'time';
    if (op === '-' && a === 'time' && b === 'time') return 'duration';
  }
  if (op === '*' && ((a === 'duration' && b === 'int') || (a === 'int' && b === 'duration'))) return 'duration';
  return undefined;
}

/** The StaticType of a declared type, when it names one (not a type variable, a stream, bytes). */
function staticTypeOf(t: ast.MonoType): StaticType | undefined {
  switch (t.type) {
    case 'NamedType': {
      const n = t.name.name;
      return n === 'int' || n === 'uint' || n === 'float' || n === 'string' || n === 'bool' || n === 'time' || n === 'duration' || n === 'regexp' ? n : undefined;
    }
    case 'ArrayType':
      return 'array';
    case 'DictType':
      return 'dict';
    case 'RecordType':
      return 'record';
    case 'FunctionType':
      return 'function';
    default:
      return undefined;
  }
}

/** The types string interpolation accepts (values/convert.ts stringOf). */
const STRINGABLE: ReadonlySet<StaticType> = new Set(['string', 'int', 'uint', 'float', 'bool', 'time', 'duration']);

/** The types a dictionary key may have (values/compare.ts dictKeyOf). */
const DICT_KEYS: ReadonlySet<StaticType> = new Set(['string', 'int', 'uint', 'float', 'bool', 'time', 'duration']);

const isNumber = (t: StaticType): boolean => t === 'int' || t === 'uint' || t === 'float';

/**
 * The error a binary operator raises at run time for every pair of values of static types `a`
 * and `b` (undefined when it accepts them or a type is unknown), with the id the run would
 * give (interpreter/operators.ts, values/arith.ts, values/compare.ts).
 */
function binaryError(op: ast.BinaryOperator, a: StaticType | undefined, b: StaticType | undefined): { id: string; message: string } | undefined {
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '==':
    case '!=':
      if (isNumber(a) && isNumber(b)) return undefined;
      if (a !== b) return { id: 'type.mismatch', message: `cannot compare ${a} with ${b} using ${op}` };
      if (a === 'function') return { id: 'type.notEquatable', message: `values of type function cannot be compared with ${op}` };
      return undefined;
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (isNumber(a) && isNumber(b)) return undefined;
      if (a !== b) return { id: 'type.mismatch', message: `cannot compare ${a} with ${b} using ${op}` };
      if (a === 'string' || a === 'time' || a === 'duration') return undefined;
      return { id: 'type.notComparable', message: `values of type ${a} are not ordered` };
    case '=~':
    case '!~':
      if (a === 'string' && b === 'regexp') return undefined;
      return { id: 'type.mismatch', message: `${op} needs a string on the left and a regexp on the right, got ${a} and ${b}` };
  }
  if (binaryType(op, a, b) !== undefined) return undefined;
  if (a !== b) return { id: 'type.mismatch', message: `cannot apply ${op} to ${a} and ${b} (no implicit conversion between types)` };
  return { id: 'type.unsupportedOperator', message: `operator ${op} is not defined for ${a}` };
}

const resultShapes = new WeakMap<ast.FunctionExpression, Shape | null>();

/** The shape of the record literal a function literal returns, when it returns one. */
function resultShape(f: ast.FunctionExpression): Shape | undefined {
  let s = resultShapes.get(f);
  if (s === undefined) {
    let body: ast.Expression | undefined;
    if (f.body.type === 'Block') {
      const last = f.body.body.at(-1);
      body = last?.type === 'ReturnStatement' ? last.argument : undefined;
    } else body = f.body;
    s = (body && literalShape(body)) ?? null;
    resultShapes.set(f, s);
  }
  return s ?? undefined;
}

/** The keys of a record literal without `with`, and of the record literals nested in it. */
function literalShape(e: ast.Expression): Shape | undefined {
  while (e.type === 'ParenExpression') e = e.expression;
  if (e.type !== 'RecordExpression' || e.with !== null) return undefined;
  const out = new Map<string, Shape | undefined>();
  for (const p of e.properties) out.set(nameOf(p.key), p.value ? literalShape(p.value) : undefined);
  return out;
}

/** The field names of a record literal without `with`, else undefined. */
function staticFields(e: ast.Expression): ReadonlySet<string> | undefined {
  while (e.type === 'ParenExpression') e = e.expression;
  if (e.type !== 'RecordExpression' || e.with !== null) return undefined;
  return new Set(e.properties.map((p) => nameOf(p.key)));
}

/** How a user would name a statement kind in a message. */
export function statementKind(type: ast.Statement['type']): string {
  switch (type) {
    case 'OptionStatement':
      return 'an option statement';
    case 'TestCaseStatement':
      return 'a testcase';
    case 'BuiltinStatement':
      return 'a builtin declaration';
    default:
      return 'this statement';
  }
}

function calleeName(e: ast.Expression): string {
  if (e.type === 'Identifier') return e.name;
  if (e.type === 'MemberExpression' && e.object.type === 'Identifier') {
    return `${e.object.name}.${nameOf(e.property)}`;
  }
  return 'the function';
}
