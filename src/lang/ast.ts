// The Flux abstract syntax tree, as the parser produces it and the interpreter consumes it.
// Node and field names follow the Flux SPEC (docs.influxdata.com/flux/v0/spec) and Flux's
// own AST where it has one. Every node carries the span of the source text it came from.
//
// This file is a contract between src/lang (which builds these nodes) and
// src/semantic + src/interpreter (which read them): change it in one place for both.

import type { Span } from '../errors/index.js';

export interface BaseNode {
  readonly type: string;
  readonly span: Span;
  /** `//` comment lines directly above the node (text after `//`, untrimmed), for statements only. */
  readonly comments?: readonly string[];
}

// ---------------------------------------------------------------------------
// Files and statements

export interface File extends BaseNode {
  readonly type: 'File';
  /** File name for diagnostics (`<stdin>`, `<repl>`, a path). */
  readonly name: string;
  readonly package: PackageClause | null;
  readonly imports: readonly ImportDeclaration[];
  readonly body: readonly Statement[];
}

export interface PackageClause extends BaseNode {
  readonly type: 'PackageClause';
  readonly name: Identifier;
}

export interface ImportDeclaration extends BaseNode {
  readonly type: 'ImportDeclaration';
  /** `import alias "path"`; null when no alias is given. */
  readonly as: Identifier | null;
  readonly path: StringLiteral;
}

export type Statement =
  | OptionStatement
  | BuiltinStatement
  | TestCaseStatement
  | VariableAssignment
  | ExpressionStatement
  | ReturnStatement
  | BadStatement;

/** `option x = e` or `option pkg.x = e`. */
export interface OptionStatement extends BaseNode {
  readonly type: 'OptionStatement';
  readonly assignment: VariableAssignment | MemberAssignment;
}

/** `builtin name : type`. The doc comment is in `comments`. */
export interface BuiltinStatement extends BaseNode {
  readonly type: 'BuiltinStatement';
  readonly id: Identifier;
  readonly ty: TypeExpression;
}

/** `testcase name { ... }` or `testcase name extends "pkg" { ... }`. */
export interface TestCaseStatement extends BaseNode {
  readonly type: 'TestCaseStatement';
  readonly id: Identifier;
  readonly extends: StringLiteral | null;
  readonly block: Block;
}

/** `name = expr`. */
export interface VariableAssignment extends BaseNode {
  readonly type: 'VariableAssignment';
  readonly id: Identifier;
  readonly init: Expression;
}

/** `pkg.name = expr` (only inside `option`). */
export interface MemberAssignment extends BaseNode {
  readonly type: 'MemberAssignment';
  readonly member: MemberExpression;
  readonly init: Expression;
}

export interface ExpressionStatement extends BaseNode {
  readonly type: 'ExpressionStatement';
  readonly expression: Expression;
}

export interface ReturnStatement extends BaseNode {
  readonly type: 'ReturnStatement';
  readonly argument: Expression;
}

/** Produced only by error recovery; a File with a BadStatement always has diagnostics. */
export interface BadStatement extends BaseNode {
  readonly type: 'BadStatement';
  readonly text: string;
}

/** `{ statement* }`: a function body or a testcase body. */
export interface Block extends BaseNode {
  readonly type: 'Block';
  readonly body: readonly Statement[];
}

// ---------------------------------------------------------------------------
// Expressions

export type Expression =
  | Identifier
  | IntegerLiteral
  | UnsignedIntegerLiteral
  | FloatLiteral
  | StringLiteral
  | StringExpression
  | RegexpLiteral
  | DurationLiteral
  | DateTimeLiteral
  | PipeLiteral
  | ArrayExpression
  | DictExpression
  | RecordExpression
  | FunctionExpression
  | CallExpression
  | PipeExpression
  | MemberExpression
  | IndexExpression
  | BinaryExpression
  | UnaryExpression
  | LogicalExpression
  | ConditionalExpression
  | ParenExpression
  | BadExpression;

export interface Identifier extends BaseNode {
  readonly type: 'Identifier';
  readonly name: string;
}

/** A decimal integer literal; the value is exact (the lexer rejects values beyond int64). */
export interface IntegerLiteral extends BaseNode {
  readonly type: 'IntegerLiteral';
  readonly value: bigint;
}

/** Not produced by the Flux surface syntax today; kept for completeness of the value model. */
export interface UnsignedIntegerLiteral extends BaseNode {
  readonly type: 'UnsignedIntegerLiteral';
  readonly value: bigint;
}

export interface FloatLiteral extends BaseNode {
  readonly type: 'FloatLiteral';
  readonly value: number;
}

/** A string with no interpolation; escapes already decoded. */
export interface StringLiteral extends BaseNode {
  readonly type: 'StringLiteral';
  readonly value: string;
}

/** A string containing `${expr}` interpolation. */
export interface StringExpression extends BaseNode {
  readonly type: 'StringExpression';
  readonly parts: readonly (TextPart | InterpolatedPart)[];
}

export interface TextPart extends BaseNode {
  readonly type: 'TextPart';
  readonly value: string;
}

export interface InterpolatedPart extends BaseNode {
  readonly type: 'InterpolatedPart';
  readonly expression: Expression;
}

/** `/pattern/`: the pattern text with `\/` unescaped to `/`. */
export interface RegexpLiteral extends BaseNode {
  readonly type: 'RegexpLiteral';
  readonly value: string;
}

export type DurationUnit = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'mo' | 'y';

/** `1h30m`: magnitudes in source order; `µs` is normalised to `us`. Always non-negative (use unary minus). */
export interface DurationLiteral extends BaseNode {
  readonly type: 'DurationLiteral';
  readonly values: readonly { readonly magnitude: bigint; readonly unit: DurationUnit }[];
}

/**
 * A date-time literal (RFC3339 with offset, or a bare `YYYY-MM-DD` meaning midnight UTC).
 * `value` is the source text; `nanos` the exact instant in nanoseconds since the Unix epoch.
 */
export interface DateTimeLiteral extends BaseNode {
  readonly type: 'DateTimeLiteral';
  readonly value: string;
  readonly nanos: bigint;
}

/** `<-` as a parameter default: marks the pipe parameter. */
export interface PipeLiteral extends BaseNode {
  readonly type: 'PipeLiteral';
}

export interface ArrayExpression extends BaseNode {
  readonly type: 'ArrayExpression';
  readonly elements: readonly Expression[];
}

/** `["a": 1, "b": 2]`, or `[:]` (no elements). */
export interface DictExpression extends BaseNode {
  readonly type: 'DictExpression';
  readonly elements: readonly { readonly key: Expression; readonly value: Expression; readonly span: Span }[];
}

/** `{a: 1, b}` or `{r with a: 1}`. */
export interface RecordExpression extends BaseNode {
  readonly type: 'RecordExpression';
  readonly with: Identifier | null;
  readonly properties: readonly Property[];
}

/** `key: value`; `value` is null for shorthand `{a}` (meaning `{a: a}`). Keys may be string literals. */
export interface Property extends BaseNode {
  readonly type: 'Property';
  readonly key: Identifier | StringLiteral;
  readonly value: Expression | null;
}

/** `(a, b=1, tables=<-) => body`. A parameter's `value` is its default (a PipeLiteral for the pipe parameter). */
export interface FunctionExpression extends BaseNode {
  readonly type: 'FunctionExpression';
  readonly params: readonly Property[];
  readonly body: Expression | Block;
}

/** `f(a: 1, b: 2)`. `arguments` is null for `f()`. */
export interface CallExpression extends BaseNode {
  readonly type: 'CallExpression';
  readonly callee: Expression;
  readonly arguments: RecordExpression | null;
}

/** `argument |> call`. */
export interface PipeExpression extends BaseNode {
  readonly type: 'PipeExpression';
  readonly argument: Expression;
  readonly call: CallExpression;
}

/** `a.b` (property Identifier) or `a["b"]` (property StringLiteral). */
export interface MemberExpression extends BaseNode {
  readonly type: 'MemberExpression';
  readonly object: Expression;
  readonly property: Identifier | StringLiteral;
}

/** `a[i]` where the index is not a string literal. */
export interface IndexExpression extends BaseNode {
  readonly type: 'IndexExpression';
  readonly array: Expression;
  readonly index: Expression;
}

export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | '!~';

export interface BinaryExpression extends BaseNode {
  readonly type: 'BinaryExpression';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export type UnaryOperator = '-' | '+' | 'not' | 'exists';

export interface UnaryExpression extends BaseNode {
  readonly type: 'UnaryExpression';
  readonly operator: UnaryOperator;
  readonly argument: Expression;
}

export interface LogicalExpression extends BaseNode {
  readonly type: 'LogicalExpression';
  readonly operator: 'and' | 'or';
  readonly left: Expression;
  readonly right: Expression;
}

export interface ConditionalExpression extends BaseNode {
  readonly type: 'ConditionalExpression';
  readonly test: Expression;
  readonly consequent: Expression;
  readonly alternate: Expression;
}

/** `( expr )`: kept so spans and formatting round-trip; evaluates to its expression. */
export interface ParenExpression extends BaseNode {
  readonly type: 'ParenExpression';
  readonly expression: Expression;
}

/** Produced only by error recovery. */
export interface BadExpression extends BaseNode {
  readonly type: 'BadExpression';
  readonly text: string;
}

// ---------------------------------------------------------------------------
// Type expressions (builtin declarations), Flux SPEC "Types" / "Builtin statements"

/** `A where A: Record, B: Numeric`. */
export interface TypeExpression extends BaseNode {
  readonly type: 'TypeExpression';
  readonly ty: MonoType;
  readonly constraints: readonly TypeConstraint[];
}

export interface TypeConstraint extends BaseNode {
  readonly type: 'TypeConstraint';
  readonly tvar: Identifier;
  readonly kinds: readonly Identifier[];
}

export type MonoType =
  | NamedType
  | TvarType
  | ArrayType
  | DictType
  | StreamType
  | VectorType
  | RecordType
  | FunctionType;

/** A basic type: int, uint, float, string, bool, time, duration, bytes, regexp. */
export interface NamedType extends BaseNode {
  readonly type: 'NamedType';
  readonly name: Identifier;
}

/** A type variable: a single upper-case letter or capitalised identifier (`A`, `T`). */
export interface TvarType extends BaseNode {
  readonly type: 'TvarType';
  readonly name: Identifier;
}

export interface ArrayType extends BaseNode {
  readonly type: 'ArrayType';
  readonly element: MonoType;
}

export interface DictType extends BaseNode {
  readonly type: 'DictType';
  readonly key: MonoType;
  readonly value: MonoType;
}

export interface StreamType extends BaseNode {
  readonly type: 'StreamType';
  readonly element: MonoType;
}

export interface VectorType extends BaseNode {
  readonly type: 'VectorType';
  readonly element: MonoType;
}

/** `{A with a: int, b: string}` or `{a: int}` or `{}`. */
export interface RecordType extends BaseNode {
  readonly type: 'RecordType';
  readonly tvar: Identifier | null;
  readonly properties: readonly PropertyType[];
}

export interface PropertyType extends BaseNode {
  readonly type: 'PropertyType';
  readonly name: Identifier | StringLiteral;
  readonly ty: MonoType;
}

/** `(a: int, ?b: string, <-tables: stream[A]) => stream[B]`. */
export interface FunctionType extends BaseNode {
  readonly type: 'FunctionType';
  readonly parameters: readonly ParameterType[];
  readonly result: MonoType;
}

export interface ParameterType extends BaseNode {
  readonly type: 'ParameterType';
  /** required `a: T`, optional `?a: T`, pipe `<-a: T` (or `<-: T` with name null, meaning `tables`). */
  readonly kind: 'required' | 'optional' | 'pipe';
  readonly name: Identifier | null;
  readonly ty: MonoType;
}

export type Node =
  | File
  | PackageClause
  | ImportDeclaration
  | Statement
  | MemberAssignment
  | Block
  | Expression
  | TextPart
  | InterpolatedPart
  | Property
  | TypeExpression
  | TypeConstraint
  | MonoType
  | PropertyType
  | ParameterType;
