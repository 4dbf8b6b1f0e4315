// AST construction helpers for the nearley grammar's postprocessors (src/lang/flux.ne).
//
// Design: nearley postprocessors are plain functions of the matched symbols, so per-parse
// facts they need (the source text, which offsets start a line, doc comments) live in the
// module-level `parseContext`, set by the parser driver (parser.ts) before each parse. Parsing
// is synchronous, so one context at a time is enough. `tokenFeed` is the nearley lexer
// interface over the pre-tokenized array.
import type { Position, Span } from '../errors/index.js';
import type * as ast from './ast.js';
import type { DateTimeValue, DurationValue, Token } from './lexer.js';

export interface ParseContext {
  source: string;
  comments: Map<number, string[]>;
}

export const parseContext: ParseContext = { source: '', comments: new Map() };

// ---------------------------------------------------------------------------
// nearley lexer interface over an array of tokens

/** Feeds `tokens[index..to)` to nearley (the driver sets the range before each `feed('')`). */
export const tokenFeed = {
  tokens: [] as Token[],
  index: 0,
  to: 0,
  reset(_chunk: string, _state?: unknown): void {},
  next(): Token | undefined {
    if (this.index >= this.to) return undefined;
    return this.tokens[this.index++];
  },
  save(): undefined {
    return undefined;
  },
  formatError(token: Token): string {
    return `unexpected ${JSON.stringify(token.text)}`;
  },
  /** Token classes (`anyBinaryOp`, ...) are matchers defined in flux.ne, not token types. */
  has(name: string): boolean {
    return !name.startsWith('any');
  },
};

// ---------------------------------------------------------------------------
// spans

type Spanned = Token | { span: Span };

function startOf(x: Spanned): Position {
  return 'span' in x ? x.span.start : x.start;
}
function endOf(x: Spanned): Position {
  return 'span' in x ? x.span.end : x.end;
}
export function span(first: Spanned, last: Spanned = first): Span {
  return { start: startOf(first), end: endOf(last) };
}

/** The statement's doc comments, when `//` lines sit directly above its first token. */
function withComments<T extends ast.Statement>(node: T): T {
  const c = parseContext.comments.get(node.span.start.offset);
  return c === undefined ? node : { ...node, comments: c };
}

// ---------------------------------------------------------------------------
// rejections that keep the grammar unambiguous (see grammar.md)

/** A function body starting with `{` is a block, never a record expression. */
export function startsWithBrace(e: ast.Expression): boolean {
  return parseContext.source[e.span.start.offset] === '{';
}

// ---------------------------------------------------------------------------
// node builders

export function ident(t: Token): ast.Identifier {
  return { type: 'Identifier', span: span(t), name: t.text };
}

export function packageClause(kw: Token, name: ast.Identifier): ast.PackageClause {
  return withPlainComments({ type: 'PackageClause', span: span(kw, name), name });
}

export function importDecl(kw: Token, as: ast.Identifier | null, path: ast.StringLiteral): ast.ImportDeclaration {
  return withPlainComments({ type: 'ImportDeclaration', span: span(kw, path), as, path });
}

function withPlainComments<T extends { span: Span }>(node: T): T {
  const c = parseContext.comments.get(node.span.start.offset);
  return c === undefined ? node : { ...node, comments: c };
}

export function optionStmt(kw: Token, assignment: ast.VariableAssignment | ast.MemberAssignment): ast.OptionStatement {
  return withComments({ type: 'OptionStatement', span: span(kw, assignment), assignment });
}

export function varAssign(id: ast.Identifier, init: ast.Expression): ast.VariableAssignment {
  return { type: 'VariableAssignment', span: span(id, init), id, init };
}

export function assignmentStmt(a: ast.VariableAssignment): ast.VariableAssignment {
  return withComments(a);
}

export function memberAssign(obj: ast.Identifier, prop: ast.Identifier, init: ast.Expression): ast.MemberAssignment {
  const member: ast.MemberExpression = { type: 'MemberExpression', span: span(obj, prop), object: obj, property: prop };
  return { type: 'MemberAssignment', span: span(obj, init), member, init };
}

export function builtinStmt(kw: Token, id: ast.Identifier, ty: ast.TypeExpression): ast.BuiltinStatement {
  return withComments({ type: 'BuiltinStatement', span: span(kw, ty), id, ty });
}

export function testcaseStmt(
  kw: Token,
  id: ast.Identifier,
  ext: ast.StringLiteral | null,
  block: ast.Block,
): ast.TestCaseStatement {
  return withComments({ type: 'TestCaseStatement', span: span(kw, block), id, extends: ext, block });
}

export function exprStmt(expression: ast.Expression): ast.ExpressionStatement {
  return withComments({ type: 'ExpressionStatement', span: expression.span, expression });
}

export function returnStmt(kw: Token, argument: ast.Expression): ast.ReturnStatement {
  return withComments({ type: 'ReturnStatement', span: span(kw, argument), argument });
}

export function block(open: Token, body: ast.Statement[], close: Token): ast.Block {
  return { type: 'Block', span: span(open, close), body };
}

// --- literals

export function intLit(t: Token): ast.IntegerLiteral {
  return { type: 'IntegerLiteral', span: span(t), value: t.value as bigint };
}
export function floatLit(t: Token): ast.FloatLiteral {
  return { type: 'FloatLiteral', span: span(t), value: t.value as number };
}
export function durationLit(t: Token): ast.DurationLiteral {
  return { type: 'DurationLiteral', span: span(t), values: t.value as DurationValue[] };
}
export function dateTimeLit(t: Token): ast.DateTimeLiteral {
  const v = t.value as DateTimeValue;
  return { type: 'DateTimeLiteral', span: span(t), value: v.value, nanos: v.nanos };
}
export function regexLit(t: Token): ast.RegexpLiteral {
  return { type: 'RegexpLiteral', span: span(t), value: t.value as string };
}
export function pipeLit(t: Token): ast.PipeLiteral {
  return { type: 'PipeLiteral', span: span(t) };
}

/** `"text"` with no interpolation. */
export function plainString(open: Token, text: Token | null, close: Token): ast.StringLiteral {
  return { type: 'StringLiteral', span: span(open, close), value: text ? (text.value as string) : '' };
}

interface InterpPart {
  kind: 'interp';
  open: Token;
  expression: ast.Expression;
  close: Token;
}
type RawPart = Token | InterpPart;
const isInterp = (p: RawPart): p is InterpPart => 'kind' in p;

export function interpPart(open: Token, expression: ast.Expression, close: Token): RawPart {
  return { kind: 'interp', open, expression, close };
}

/** A string literal, or a StringExpression when it has `${}` parts. */
export function string(open: Token, raw: RawPart[], close: Token): ast.StringLiteral | ast.StringExpression {
  const sp = span(open, close);
  if (!raw.some(isInterp)) {
    const t = raw[0] as Token | undefined;
    return { type: 'StringLiteral', span: sp, value: t ? (t.value as string) : '' };
  }
  const parts = raw.map((p): ast.TextPart | ast.InterpolatedPart =>
    isInterp(p)
      ? { type: 'InterpolatedPart', span: span(p.open, p.close), expression: p.expression }
      : { type: 'TextPart', span: span(p), value: p.value as string },
  );
  return { type: 'StringExpression', span: sp, parts };
}

// --- composite expressions

export function array(open: Token, elements: ast.Expression[], close: Token): ast.ArrayExpression {
  return { type: 'ArrayExpression', span: span(open, close), elements };
}

export interface DictItem {
  readonly key: ast.Expression;
  readonly value: ast.Expression;
  readonly span: Span;
}
export function dictItem(key: ast.Expression, value: ast.Expression): DictItem {
  return { key, value, span: span(key, value) };
}
export function dict(open: Token, elements: DictItem[], close: Token): ast.DictExpression {
  return { type: 'DictExpression', span: span(open, close), elements };
}

export function property(key: ast.Identifier | ast.StringLiteral, value: ast.Expression | null): ast.Property {
  return { type: 'Property', span: span(key, value ?? key), key, value };
}

export function record(
  open: Token,
  withId: ast.Identifier | null,
  properties: ast.Property[],
  close: Token,
): ast.RecordExpression {
  return { type: 'RecordExpression', span: span(open, close), with: withId, properties };
}

export function func(open: Token, params: ast.Property[], body: ast.Expression | ast.Block): ast.FunctionExpression {
  return { type: 'FunctionExpression', span: span(open, body), params, body };
}

export function call(callee: ast.Expression, open: Token, props: ast.Property[] | null, close: Token): ast.CallExpression {
  const args: ast.RecordExpression | null =
    props === null || props.length === 0
      ? null
      : { type: 'RecordExpression', span: span(props[0]!, props[props.length - 1]!), with: null, properties: props };
  return { type: 'CallExpression', span: span(callee, close), callee, arguments: args };
}

export function pipe(argument: ast.Expression, c: ast.CallExpression): ast.PipeExpression {
  return { type: 'PipeExpression', span: span(argument, c), argument, call: c };
}

export function member(object: ast.Expression, property: ast.Identifier): ast.MemberExpression {
  return { type: 'MemberExpression', span: span(object, property), object, property };
}

/** `a[expr]`: a MemberExpression when the index is a plain string literal, else an IndexExpression. */
export function index(
  object: ast.Expression,
  idx: ast.Expression,
  close: Token,
): ast.MemberExpression | ast.IndexExpression {
  if (idx.type === 'StringLiteral') {
    return { type: 'MemberExpression', span: span(object, close), object, property: idx };
  }
  return { type: 'IndexExpression', span: span(object, close), array: object, index: idx };
}

export function binary(left: ast.Expression, op: Token, right: ast.Expression): ast.BinaryExpression {
  return { type: 'BinaryExpression', span: span(left, right), operator: op.text as ast.BinaryOperator, left, right };
}

export function logical(left: ast.Expression, op: Token, right: ast.Expression): ast.LogicalExpression {
  return { type: 'LogicalExpression', span: span(left, right), operator: op.text as 'and' | 'or', left, right };
}

export function unary(op: Token, argument: ast.Expression): ast.UnaryExpression {
  return { type: 'UnaryExpression', span: span(op, argument), operator: op.text as ast.UnaryOperator, argument };
}

export function conditional(
  kw: Token,
  test: ast.Expression,
  consequent: ast.Expression,
  alternate: ast.Expression,
): ast.ConditionalExpression {
  return { type: 'ConditionalExpression', span: span(kw, alternate), test, consequent, alternate };
}

export function paren(open: Token, expression: ast.Expression, close: Token): ast.ParenExpression {
  return { type: 'ParenExpression', span: span(open, close), expression };
}

// --- types

export function typeExpr(ty: ast.MonoType, constraints: ast.TypeConstraint[]): ast.TypeExpression {
  const last = constraints.length > 0 ? constraints[constraints.length - 1]! : ty;
  return { type: 'TypeExpression', span: span(ty, last), ty, constraints };
}

export function constraint(tvar: ast.Identifier, kinds: ast.Identifier[]): ast.TypeConstraint {
  return { type: 'TypeConstraint', span: span(tvar, kinds[kinds.length - 1]!), tvar, kinds };
}

/** A capitalised identifier is a type variable (`A`, `T`); anything else a named basic type. */
export function namedOrTvar(id: ast.Identifier): ast.NamedType | ast.TvarType {
  const c = id.name.charCodeAt(0);
  return c >= 65 && c <= 90
    ? { type: 'TvarType', span: id.span, name: id }
    : { type: 'NamedType', span: id.span, name: id };
}

export function arrayType(open: Token, element: ast.MonoType, close: Token): ast.ArrayType {
  return { type: 'ArrayType', span: span(open, close), element };
}
export function dictType(open: Token, key: ast.MonoType, value: ast.MonoType, close: Token): ast.DictType {
  return { type: 'DictType', span: span(open, close), key, value };
}
export function streamType(kw: Token, element: ast.MonoType, close: Token): ast.StreamType {
  return { type: 'StreamType', span: span(kw, close), element };
}
export function vectorType(kw: Token, element: ast.MonoType, close: Token): ast.VectorType {
  return { type: 'VectorType', span: span(kw, close), element };
}
export function recordType(
  open: Token,
  tvar: ast.Identifier | null,
  properties: ast.PropertyType[],
  close: Token,
): ast.RecordType {
  return { type: 'RecordType', span: span(open, close), tvar, properties };
}
export function propertyType(name: ast.Identifier | ast.StringLiteral, ty: ast.MonoType): ast.PropertyType {
  return { type: 'PropertyType', span: span(name, ty), name, ty };
}
export function functionType(open: Token, parameters: ast.ParameterType[], result: ast.MonoType): ast.FunctionType {
  return { type: 'FunctionType', span: span(open, result), parameters, result };
}
export function parameterType(
  first: Spanned,
  kind: ast.ParameterType['kind'],
  name: ast.Identifier | null,
  ty: ast.MonoType,
): ast.ParameterType {
  return { type: 'ParameterType', span: span(first, ty), kind, name, ty };
}

// --- lists: cons cells built in O(1) per element (Earley may extend one list in several
// ways, so nothing is mutated), turned into an array once by the enclosing rule.

export interface Cons<T> {
  readonly tail: Cons<T> | null;
  readonly head: T;
}

export function cons<T>(tail: Cons<T> | null, head: T): Cons<T> {
  return { tail, head };
}

export function arr<T>(list: Cons<T> | null): T[] {
  const out: T[] = [];
  for (let c = list; c !== null; c = c.tail) out.push(c.head);
  return out.reverse();
}

/** What the grammar's start rule produces (see Main in flux.ne). */
export interface FileParts {
  readonly pkg: ast.PackageClause | null;
  readonly imports: ast.ImportDeclaration[];
  readonly stmts: Cons<ast.Statement> | null;
}

// ---------------------------------------------------------------------------
// operator chains: `a + b * c and not d == e` parsed flat, arranged by precedence here.
// Binding powers (Flux SPEC "Operator precedence", highest binds tightest):
//   or 1, and 2, not/exists (prefix) 3, == != < <= > >= =~ !~ 4, + - 5, * / % 6, ^ 7, |> 8.
// (Unary - and + are applied inside an operand, so they bind tighter than all of these.)
// All binary operators are left-associative.

/** An operand with its prefix `not` / `exists` operators, outermost first. */
export interface Operand {
  readonly prefixes: readonly Token[];
  readonly expr: ast.Expression;
}

/**
 * A pending operator: `left op _` (or a prefix `op _` when left is null) waiting for its right
 * side. Binary frames on the stack have strictly rising binding powers, so the stack holds at
 * most one per precedence level, plus any prefix frames.
 */
interface Frame {
  readonly left: ast.Expression | null;
  readonly op: Token;
  readonly bp: number;
  readonly prev: Frame | null;
}

/**
 * A chain parsed so far, kept reduced as far as the operators seen allow (shunting-yard over an
 * immutable stack: Earley may extend one chain in several ways, so nothing is mutated). Each
 * step and the final tree cost O(precedence levels), not O(chain length).
 */
export interface Chain {
  readonly frames: Frame | null;
  readonly right: ast.Expression;
}

const BINDING: Record<string, number> = {
  kw_or: 1,
  kw_and: 2,
  eq: 4,
  neq: 4,
  lt: 4,
  lte: 4,
  gt: 4,
  gte: 4,
  regexEq: 4,
  regexNeq: 4,
  plus: 5,
  minus: 5,
  star: 6,
  slash: 6,
  percent: 6,
  caret: 7,
  pipeForward: 8,
};
const PREFIX_BINDING = 3;

export function operand(expr: ast.Expression): Operand {
  return { prefixes: [], expr };
}
export function prefixOperand(op: Token, inner: Operand): Operand {
  return { prefixes: [op, ...inner.prefixes], expr: inner.expr };
}

function pushPrefixes(frames: Frame | null, o: Operand): Frame | null {
  for (const op of o.prefixes) frames = { left: null, op, bp: PREFIX_BINDING, prev: frames };
  return frames;
}

function reduce(f: Frame, right: ast.Expression): ast.Expression {
  if (f.left === null) return unary(f.op, right);
  switch (f.op.type) {
    case 'pipeForward':
      return pipe(f.left, right as ast.CallExpression);
    case 'kw_and':
    case 'kw_or':
      return logical(f.left, f.op, right);
    default:
      return binary(f.left, f.op, right);
  }
}

export function chainStart(o: Operand): Chain {
  return { frames: pushPrefixes(null, o), right: o.expr };
}

export function chainNext(chain: Chain, op: Token, o: Operand): Chain {
  const bp = BINDING[op.type]!;
  let frames = chain.frames;
  let right = chain.right;
  // Left-associative: finish every pending operator that binds at least as tightly.
  while (frames !== null && frames.bp >= bp) {
    right = reduce(frames, right);
    frames = frames.prev;
  }
  frames = { left: right, op, bp, prev: frames };
  return { frames: pushPrefixes(frames, o), right: o.expr };
}

/** The expression tree of a chain: finish every pending operator. */
export function operatorChain(chain: Chain): ast.Expression {
  let right = chain.right;
  for (let f = chain.frames; f !== null; f = f.prev) right = reduce(f, right);
  return right;
}

// ---------------------------------------------------------------------------
// token classes (see the matchers at the top of flux.ne)

const BINARY_OPS = new Set(Object.keys(BINDING).filter((k) => k !== 'pipeForward'));
export const isBinaryOp = (t: Token): boolean => BINARY_OPS.has(t.type);
export const isUnaryOp = (t: Token): boolean =>
  t.type === 'minus' || t.type === 'nlMinus' || t.type === 'plus' || t.type === 'nlPlus';
export const isLiteral = (t: Token): boolean =>
  t.type === 'int' || t.type === 'float' || t.type === 'duration' || t.type === 'datetime' || t.type === 'regex';
export const isLparen = (t: Token): boolean => t.type === 'lparen' || t.type === 'nlLparen';
export const isLogicalPrefix = (t: Token): boolean => t.type === 'kw_not' || t.type === 'kw_exists';
export const isLineUnaryOp = (t: Token): boolean => t.type === 'nlMinus' || t.type === 'nlPlus';
export const isLbracket = (t: Token): boolean => t.type === 'lbracket' || t.type === 'nlLbracket';

/** int, float, duration, date-time or regex literal. */
export function literal(t: Token): ast.Expression {
  switch (t.type) {
    case 'int':
      return intLit(t);
    case 'float':
      return floatLit(t);
    case 'duration':
      return durationLit(t);
    case 'datetime':
      return dateTimeLit(t);
    default:
      return regexLit(t);
  }
}

export function brackets(
  open: Token,
  rest: { kind: 'array'; items: ast.Expression[]; close: Token } | { kind: 'dict'; items: DictItem[]; close: Token },
): ast.ArrayExpression | ast.DictExpression {
  return rest.kind === 'array' ? array(open, rest.items, rest.close) : dict(open, rest.items, rest.close);
}
