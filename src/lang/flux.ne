# The Flux grammar (Flux SPEC, docs.influxdata.com/flux/v0/spec), over the tokens of
# src/lang/lexer.ts. Compiled by `npm run build:grammar` to flux-grammar.generated.ts.
#
# Contract: every input has at most one parse (tests assert exactly one over every fixture and
# every stdlib/**/*.flux file). The places where Flux's newline-insensitive syntax would be
# ambiguous are settled as follows (details in grammar.md):
#   - `(`, `[`, `-`, `+` at the start of a line (or after `{`) have the lexer types nlLparen,
#     nlLbracket, nlMinus, nlPlus, which only start an expression: never a call, an index or a
#     binary operator; and an expression statement may not begin with the same-line variants
#     (b.startsMidLine rejects it);
#   - a function body starting with `{` is a block, never a record (b.startsWithBrace);
#   - function literals and conditionals sit at the lowest precedence level, so their trailing
#     expression extends as far as possible.
# Precedence, lowest first: `=>` functions and if/then/else; or; and; not, exists;
# == != < <= > >= =~ !~; + -; * / %; ^; |>; unary + -; postfix calls, members, indexes.
# The binary levels from `or` to `^` are arranged by b.operatorChain, not by grammar rules.

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
%}

@lexer lexer

Main -> PackageClause:? ImportDecl:* Statement:*  {% ([p, i, s]) => b.file(p, i, s) %}

PackageClause -> %kw_package Ident  {% ([k, id]) => b.packageClause(k, id) %}

ImportDecl ->
    %kw_import PlainString        {% ([k, p]) => b.importDecl(k, null, p) %}
  | %kw_import Ident PlainString  {% ([k, a, p]) => b.importDecl(k, a, p) %}

Statement ->
    %kw_option Ident %assign Expression
      {% ([k, id, , e]) => b.optionStmt(k, b.varAssign(id, e)) %}
  | %kw_option Ident %dot Ident %assign Expression
      {% ([k, o, , p, , e]) => b.optionStmt(k, b.memberAssign(o, p, e)) %}
  | %kw_builtin Ident %colon TypeExpr
      {% ([k, id, , t]) => b.builtinStmt(k, id, t) %}
  | %kw_testcase Ident Block
      {% ([k, id, bl]) => b.testcaseStmt(k, id, null, bl) %}
  | %kw_testcase Ident "extends" PlainString Block
      {% ([k, id, , ext, bl]) => b.testcaseStmt(k, id, ext, bl) %}
  | Ident %assign Expression
      {% ([id, , e]) => b.assignmentStmt(b.varAssign(id, e)) %}
  | %kw_return Expression
      {% ([k, e]) => b.returnStmt(k, e) %}
  | Expression
      {% ([e], _l, reject) => (b.startsMidLine(e) ? reject : b.exprStmt(e)) %}

Block -> %lbrace Statement:* %rbrace  {% ([o, s, c]) => b.block(o, s, c) %}

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
  | Param (%comma Param):* %comma:?     {% ([f, r]) => b.list(f, r) %}

Param ->
    Ident                           {% ([k]) => b.property(k, null) %}
  | Ident %assign Expression        {% ([k, , v]) => b.property(k, v) %}
  | Ident %assign %pipeReceive      {% ([k, , p]) => b.property(k, b.pipeLit(p)) %}

FunctionBody ->
    Expression  {% ([e], _l, reject) => (b.startsWithBrace(e) ? reject : e) %}
  | Block       {% id %}

# Binary and logical operators are parsed as a flat chain and arranged by precedence in
# b.operatorChain (precedence climbing): far fewer Earley states than one rule per level.
OperatorChain ->
    Operand                              {% ([o]) => b.chainStart(o) %}
  | OperatorChain %anyBinaryOp Operand   {% ([l, op, o]) => b.chainNext(l, op, o) %}

Operand ->
    PipeExpr                  {% ([e]) => b.operand(e) %}
  | %anyLogicalPrefix Operand {% ([k, o]) => b.prefixOperand(k, o) %}

PipeExpr -> PipeExpr %pipeForward Call  {% ([a, , c]) => b.pipe(a, c) %} | Unary {% id %}

Unary -> %anyUnaryOp Unary  {% ([o, a]) => b.unary(o, a) %} | Postfix {% id %}

Postfix ->
    Primary                                 {% id %}
  | Call                                    {% id %}
  | Postfix %dot Ident                      {% ([o, , p]) => b.member(o, p) %}
  | Postfix %lbracket Expression %rbracket  {% ([o, , i, c]) => b.index(o, i, c) %}

Call -> Postfix %lparen Args %rparen  {% ([f, o, a, c]) => b.call(f, o, a, c) %}

Args ->
    null                                      {% () => null %}
  | Property (%comma Property):* %comma:?     {% ([f, r]) => b.list(f, r) %}

Primary ->
    %ident     {% ([t]) => b.ident(t) %}
  | %anyLiteral  {% ([t]) => b.literal(t) %}
  | String     {% id %}
  | Brackets   {% id %}
  | Record     {% id %}
  | %anyLparen Expression %rparen  {% ([o, e, c]) => b.paren(o, e, c) %}

String -> %strStart StringPart:* %strEnd  {% ([o, p, c]) => b.string(o, p, c) %}

StringPart ->
    %strText                             {% id %}
  | %interpStart Expression %interpEnd   {% ([o, e, c]) => b.interpPart(o, e, c) %}

PlainString -> %strStart %strText:? %strEnd  {% ([o, t, c]) => b.plainString(o, t, c) %}

# `[...]`: an array, or a dictionary (`["a": 1]`, `[:]`). Factored after the bracket so an
# operand start predicts one state here, not four.
Brackets -> %anyLbracket BracketsRest  {% ([o, r]) => b.brackets(o, r) %}

BracketsRest ->
    %rbracket  {% ([c]) => ({ kind: 'array', items: [], close: c }) %}
  | %colon %rbracket  {% ([, c]) => ({ kind: 'dict', items: [], close: c }) %}
  | Expression (%comma Expression):* %comma:? %rbracket
      {% ([f, r, , c]) => ({ kind: 'array', items: b.list(f, r), close: c }) %}
  | DictItem (%comma DictItem):* %comma:? %rbracket
      {% ([f, r, , c]) => ({ kind: 'dict', items: b.list(f, r), close: c }) %}

DictItem -> Expression %colon Expression  {% ([k, , v]) => b.dictItem(k, v) %}

Record -> %lbrace RecordRest  {% ([o, r]) => b.record(o, r.with, r.props, r.close) %}

RecordRest ->
    %rbrace  {% ([c]) => ({ with: null, props: [], close: c }) %}
  | Property (%comma Property):* %comma:? %rbrace
      {% ([f, r, , c]) => ({ with: null, props: b.list(f, r), close: c }) %}
  | Ident %kw_with Property (%comma Property):* %comma:? %rbrace
      {% ([w, , f, r, , c]) => ({ with: w, props: b.list(f, r), close: c }) %}

Property ->
    Ident                             {% ([k]) => b.property(k, null) %}
  | PropertyKey %colon Expression     {% ([k, , v]) => b.property(k, v) %}

PropertyKey -> Ident {% id %} | PlainString {% id %}

# ---------------------------------------------------------------------------
# Type expressions (builtin statements), Flux SPEC "Types"

TypeExpr ->
    MonoType  {% ([t]) => b.typeExpr(t, []) %}
  | MonoType "where" Constraint (%comma Constraint):*  {% ([t, , f, r]) => b.typeExpr(t, b.list(f, r)) %}

Constraint -> Ident %colon Ident (%plus Ident):*  {% ([tv, , f, r]) => b.constraint(tv, b.list(f, r)) %}

MonoType ->
    Ident  {% ([i]) => b.namedOrTvar(i) %}
  | %anyLbracket MonoType %rbracket  {% ([o, t, c]) => b.arrayType(o, t, c) %}
  | %anyLbracket MonoType %colon MonoType %rbracket  {% ([o, k, , v, c]) => b.dictType(o, k, v, c) %}
  | "stream" %lbracket MonoType %rbracket  {% ([k, , t, c]) => b.streamType(k, t, c) %}
  | "vector" %lbracket MonoType %rbracket  {% ([k, , t, c]) => b.vectorType(k, t, c) %}
  | %lbrace %rbrace  {% ([o, c]) => b.recordType(o, null, [], c) %}
  | %lbrace PropertyType (%comma PropertyType):* %comma:? %rbrace
      {% ([o, f, r, , c]) => b.recordType(o, null, b.list(f, r), c) %}
  | %lbrace Ident %kw_with PropertyType (%comma PropertyType):* %comma:? %rbrace
      {% ([o, tv, , f, r, , c]) => b.recordType(o, tv, b.list(f, r), c) %}
  | %anyLparen ParameterTypes %rparen %arrow MonoType  {% ([o, ps, , , t]) => b.functionType(o, ps, t) %}

PropertyType -> PropertyKey %colon MonoType  {% ([k, , t]) => b.propertyType(k, t) %}

ParameterTypes ->
    null  {% () => [] %}
  | ParameterType (%comma ParameterType):* %comma:?  {% ([f, r]) => b.list(f, r) %}

ParameterType ->
    Ident %colon MonoType                       {% ([n, , t]) => b.parameterType(n, 'required', n, t) %}
  | %question Ident %colon MonoType             {% ([q, n, , t]) => b.parameterType(q, 'optional', n, t) %}
  | %pipeReceive Ident:? %colon MonoType        {% ([p, n, , t]) => b.parameterType(p, 'pipe', n, t) %}
