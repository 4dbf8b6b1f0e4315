# The Flux grammar (Flux SPEC, docs.influxdata.com/flux/v0/spec), over the tokens of
# src/lang/lexer.ts. Compiled by `npm run build:grammar` to flux-grammar.generated.ts.
#
# Contract: every input has at most one parse (tests assert exactly one over every fixture and
# every stdlib/**/*.flux file). The places where Flux's newline-insensitive syntax would be
# ambiguous are settled as follows (details in grammar.md):
#   - `(`, `[`, `-`, `+` at the start of a line (or after `{`), at the top level or directly
#     inside `{ }`, have the lexer types nlLparen,
#     nlLbracket, nlMinus, nlPlus, which only start an expression: never a call, an index or a
#     binary operator; and an expression statement may not begin with the same-line variants
#     (StatementExpression);
#   - a function body starting with `{` is a block, never a record (b.startsWithBrace);
#   - function literals and conditionals sit at the lowest precedence level, so their trailing
#     expression extends as far as possible.
# Precedence, lowest first: `=>` functions and if/then/else; or; and; not, exists;
# == != < <= > >= =~ !~; + -; * / %; ^; |>; unary + -; postfix calls, members, indexes.
# The binary levels from `or` to `|>` are arranged by b.operatorChain, not by grammar rules.

@preprocessor typescript

@{%
import * as b from './build.js';
const lexer = b.tokenFeed;
// Token classes: one Earley state per class instead of one per alternative (tokenFeed.has()
// is false for these names, so nearley uses these matchers).
var anyBinaryOp: any = { test: b.isBinaryOp };
var anyUnaryOp: any = { test: b.isUnaryOp };
var anyLiteral: any = { test: b.isLiteral };
var anyLparen: any = { test: b.isLparen };
var anyLbracket: any = { test: b.isLbracket };
var anyLogicalPrefix: any = { test: b.isLogicalPrefix };
var anyLineUnaryOp: any = { test: b.isLineUnaryOp };
%}

@lexer lexer

# Main's postprocessor runs at every point where the program could end, so it only bundles
# its parts; the driver (parser.ts) builds the File once. Lists are cons cells built in
# O(1) per element and turned into arrays once (b.arr), never copied per element.
Main -> PackageClause:? ImportDecl:* Statements  {% ([p, i, s]) => ({ pkg: p, imports: i, stmts: s }) %}

Statements -> null  {% () => null %} | Statements Statement  {% ([l, x]) => b.cons(l, x) %}

PackageClause -> %kw_package Ident  {% ([k, id]) => b.packageClause(k, id) %}

ImportDecl ->
    %kw_import PlainString        {% ([k, p]) => b.importDecl(k, null, p) %}
  | %kw_import Ident PlainString  {% ([k, a, p]) => b.importDecl(k, a, p) %}

Statement ->
    %kw_option OptionRest  {% ([k, a]) => b.optionStmt(k, a) %}
  | %kw_builtin Ident %colon TypeExpr
      {% ([k, id, , t]) => b.builtinStmt(k, id, t) %}
  | %kw_testcase Ident TestcaseRest
      {% ([k, id, r]) => b.testcaseStmt(k, id, r.ext, r.block) %}
  | Ident %assign Expression
      {% ([id, , e]) => b.assignmentStmt(b.varAssign(id, e)) %}
  | %kw_return Expression
      {% ([k, e]) => b.returnStmt(k, e) %}
  | StatementExpression
      {% ([e]) => b.exprStmt(e) %}

OptionRest ->
    Ident %assign Expression              {% ([id, , e]) => b.varAssign(id, e) %}
  | Ident %dot Ident %assign Expression   {% ([o, , p, , e]) => b.memberAssign(o, p, e) %}

TestcaseRest ->
    Block                            {% ([bl]) => ({ ext: null, block: bl }) %}
  | "extends" PlainString Block      {% ([, ext, bl]) => ({ ext, block: bl }) %}

# An expression statement: an Expression whose first token is not a `(`, `[`, `-` or `+` on the
# same line as the code before it (those continue that code as a call, index or operator).
# This copies the left edge of Expression with the line-start token types only; rejecting such
# statements after the fact instead would let every `+ x` in a chain start a tentative
# statement, which makes long chains quadratic.
StatementExpression ->
    %nlLparen Params %rparen %arrow FunctionBody  {% ([o, ps, , , body]) => b.func(o, ps, body) %}
  | StatementChain  {% ([c]) => b.operatorChain(c) %}
  | %kw_if Expression %kw_then Expression %kw_else Expression
      {% ([k, t, , c, , a]) => b.conditional(k, t, c, a) %}

StatementChain ->
    StatementOperand                           {% ([o]) => b.chainStart(o) %}
  | StatementChain %anyBinaryOp Operand        {% ([l, op, o]) => b.chainNext(l, op, o) %}
  | StatementChain %pipeForward Call           {% ([l, op, c]) => b.chainNext(l, op, b.operand(c)) %}

StatementOperand ->
    StatementPostfix           {% ([e]) => b.operand(e) %}
  | %anyLineUnaryOp Unary         {% ([o, a]) => b.operand(b.unary(o, a)) %}
  | %anyLogicalPrefix Operand  {% ([k, o]) => b.prefixOperand(k, o) %}

StatementPostfix ->
    StatementPrimary                                 {% id %}
  | StatementPostfix %lparen Args %rparen            {% ([f, o, a, c]) => b.call(f, o, a, c) %}
  | StatementPostfix %dot Ident                      {% ([o, , p]) => b.member(o, p) %}
  | StatementPostfix %lbracket Expression %rbracket  {% ([o, , i, c]) => b.index(o, i, c) %}

StatementPrimary ->
    %ident        {% ([t]) => b.ident(t) %}
  | %anyLiteral   {% ([t]) => b.literal(t) %}
  | %strStart StringPart:* %strEnd      {% ([o, p, c]) => b.string(o, p, c) %}
  | %nlLbracket BracketsRest            {% ([o, r]) => b.brackets(o, r) %}
  | %lbrace RecordRest                  {% ([o, r]) => b.record(o, r.with, r.props, r.close) %}
  | %nlLparen Expression %rparen        {% ([o, e, c]) => b.paren(o, e, c) %}

Block -> %lbrace Statements %rbrace  {% ([o, s, c]) => b.block(o, b.arr(s), c) %}

Ident -> %ident  {% ([t]) => b.ident(t) %}


# ---------------------------------------------------------------------------
# Expressions

Expression ->
    Function       {% id %}
  | OperatorChain  {% ([c]) => b.operatorChain(c) %}
  | %kw_if Expression %kw_then Expression %kw_else Expression
      {% ([k, t, , c, , a]) => b.conditional(k, t, c, a) %}

Function -> %anyLparen Params %rparen %arrow FunctionBody  {% ([o, ps, , , body]) => b.func(o, ps, body) %}

Params ->
    null                                {% () => [] %}
  | ParamList %comma:?                  {% ([l]) => b.arr(l) %}

ParamList -> Param  {% ([x]) => b.cons(null, x) %} | ParamList %comma Param  {% ([l, , x]) => b.cons(l, x) %}

Param ->
    Ident                           {% ([k]) => b.property(k, null) %}
  | Ident %assign Expression        {% ([k, , v]) => b.property(k, v) %}
  | Ident %assign %pipeReceive      {% ([k, , p]) => b.property(k, b.pipeLit(p)) %}

FunctionBody ->
    Expression  {% ([e], _l, reject) => (b.startsWithBrace(e) ? reject : e) %}
  | Block       {% id %}

# Binary, logical and pipe operators are parsed as a flat chain and arranged by precedence in
# b.operatorChain (precedence climbing): far fewer Earley states than one rule per level.
# The right side of `|>` is a Call by grammar.
OperatorChain ->
    Operand                                 {% ([o]) => b.chainStart(o) %}
  | OperatorChain %anyBinaryOp Operand      {% ([l, op, o]) => b.chainNext(l, op, o) %}
  | OperatorChain %pipeForward Call         {% ([l, op, c]) => b.chainNext(l, op, b.operand(c)) %}

Operand ->
    Postfix                    {% ([e]) => b.operand(e) %}
  | %anyUnaryOp Unary          {% ([o, a]) => b.operand(b.unary(o, a)) %}
  | %anyLogicalPrefix Operand  {% ([k, o]) => b.prefixOperand(k, o) %}

Unary -> %anyUnaryOp Unary  {% ([o, a]) => b.unary(o, a) %} | Postfix {% id %}

Postfix ->
    Primary                                 {% id %}
  | Postfix %lparen Args %rparen            {% ([f, o, a, c]) => b.call(f, o, a, c) %}
  | Postfix %dot Ident                      {% ([o, , p]) => b.member(o, p) %}
  | Postfix %lbracket Expression %rbracket  {% ([o, , i, c]) => b.index(o, i, c) %}

# The right side of `|>` (same shape as the call alternative of Postfix, used only there).
Call -> Postfix %lparen Args %rparen  {% ([f, o, a, c]) => b.call(f, o, a, c) %}

Args ->
    null                                      {% () => null %}
  | PropertyList %comma:?                     {% ([l]) => b.arr(l) %}

PropertyList ->
    Property                        {% ([x]) => b.cons(null, x) %}
  | PropertyList %comma Property    {% ([l, , x]) => b.cons(l, x) %}

# Strings, `[...]` and `{...}` are inlined here (one predicted state each per operand).
Primary ->
    %ident        {% ([t]) => b.ident(t) %}
  | %anyLiteral   {% ([t]) => b.literal(t) %}
  | %strStart StringPart:* %strEnd      {% ([o, p, c]) => b.string(o, p, c) %}
  | %anyLbracket BracketsRest           {% ([o, r]) => b.brackets(o, r) %}
  | %lbrace RecordRest                  {% ([o, r]) => b.record(o, r.with, r.props, r.close) %}
  | %anyLparen Expression %rparen       {% ([o, e, c]) => b.paren(o, e, c) %}

StringPart ->
    %strText                             {% id %}
  | %interpStart Expression %interpEnd   {% ([o, e, c]) => b.interpPart(o, e, c) %}

PlainString -> %strStart %strText:? %strEnd  {% ([o, t, c]) => b.plainString(o, t, c) %}

# After `[`: an array, or a dictionary (`["a": 1]`, `[:]`).
BracketsRest ->
    %rbracket  {% ([c]) => ({ kind: 'array', items: [], close: c }) %}
  | %colon %rbracket  {% ([, c]) => ({ kind: 'dict', items: [], close: c }) %}
  | ExpressionList %comma:? %rbracket
      {% ([l, , c]) => ({ kind: 'array', items: b.arr(l), close: c }) %}
  | DictItemList %comma:? %rbracket
      {% ([l, , c]) => ({ kind: 'dict', items: b.arr(l), close: c }) %}

ExpressionList ->
    Expression                        {% ([x]) => b.cons(null, x) %}
  | ExpressionList %comma Expression  {% ([l, , x]) => b.cons(l, x) %}

DictItemList ->
    DictItem                      {% ([x]) => b.cons(null, x) %}
  | DictItemList %comma DictItem  {% ([l, , x]) => b.cons(l, x) %}

DictItem -> Expression %colon Expression  {% ([k, , v]) => b.dictItem(k, v) %}

RecordRest ->
    %rbrace  {% ([c]) => ({ with: null, props: [], close: c }) %}
  | PropertyList %comma:? %rbrace
      {% ([l, , c]) => ({ with: null, props: b.arr(l), close: c }) %}
  | Ident %kw_with PropertyList %comma:? %rbrace
      {% ([w, , l, , c]) => ({ with: w, props: b.arr(l), close: c }) %}

Property ->
    Ident                             {% ([k]) => b.property(k, null) %}
  | PropertyKey %colon Expression     {% ([k, , v]) => b.property(k, v) %}

PropertyKey -> Ident {% id %} | PlainString {% id %}

# ---------------------------------------------------------------------------
# Type expressions (builtin statements), Flux SPEC "Types"

TypeExpr ->
    MonoType  {% ([t]) => b.typeExpr(t, []) %}
  | MonoType "where" ConstraintList  {% ([t, , l]) => b.typeExpr(t, b.arr(l)) %}

ConstraintList ->
    Constraint                         {% ([x]) => b.cons(null, x) %}
  | ConstraintList %comma Constraint   {% ([l, , x]) => b.cons(l, x) %}

Constraint -> Ident %colon KindList  {% ([tv, , l]) => b.constraint(tv, b.arr(l)) %}

KindList -> Ident  {% ([x]) => b.cons(null, x) %} | KindList %plus Ident  {% ([l, , x]) => b.cons(l, x) %}

MonoType ->
    Ident  {% ([i]) => b.namedOrTvar(i) %}
  | %anyLbracket MonoType %rbracket  {% ([o, t, c]) => b.arrayType(o, t, c) %}
  | %anyLbracket MonoType %colon MonoType %rbracket  {% ([o, k, , v, c]) => b.dictType(o, k, v, c) %}
  | "stream" %lbracket MonoType %rbracket  {% ([k, , t, c]) => b.streamType(k, t, c) %}
  | "vector" %lbracket MonoType %rbracket  {% ([k, , t, c]) => b.vectorType(k, t, c) %}
  | %lbrace %rbrace  {% ([o, c]) => b.recordType(o, null, [], c) %}
  | %lbrace PropertyTypeList %comma:? %rbrace
      {% ([o, l, , c]) => b.recordType(o, null, b.arr(l), c) %}
  | %lbrace Ident %kw_with PropertyTypeList %comma:? %rbrace
      {% ([o, tv, , l, , c]) => b.recordType(o, tv, b.arr(l), c) %}
  | %anyLparen ParameterTypes %rparen %arrow MonoType  {% ([o, ps, , , t]) => b.functionType(o, ps, t) %}

PropertyType -> PropertyKey %colon MonoType  {% ([k, , t]) => b.propertyType(k, t) %}

ParameterTypes ->
    null  {% () => [] %}
  | ParameterTypeList %comma:?  {% ([l]) => b.arr(l) %}

ParameterTypeList ->
    ParameterType                            {% ([x]) => b.cons(null, x) %}
  | ParameterTypeList %comma ParameterType   {% ([l, , x]) => b.cons(l, x) %}

PropertyTypeList ->
    PropertyType                           {% ([x]) => b.cons(null, x) %}
  | PropertyTypeList %comma PropertyType   {% ([l, , x]) => b.cons(l, x) %}

ParameterType ->
    Ident %colon MonoType                       {% ([n, , t]) => b.parameterType(n, 'required', n, t) %}
  | %question Ident %colon MonoType             {% ([q, n, , t]) => b.parameterType(q, 'optional', n, t) %}
  | %pipeReceive Ident:? %colon MonoType        {% ([p, n, , t]) => b.parameterType(p, 'pipe', n, t) %}
