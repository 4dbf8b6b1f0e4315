// Evaluation of every construct: `source -> value` (display form) tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FluxError } from '../../src/errors/index.js';
import { errorCases, runtime, spanText, valueCases } from './flux.js';

valueCases('literals', [
  { src: '1', want: '1' },
  { src: '1.5', want: '1.5' },
  { src: '1.0', want: '1.0' },
  { src: '"a\\"b"', want: '"a\\"b"' },
  { src: 'true', want: 'true' },
  { src: '2030-01-02T03:04:05.123456789Z', want: '2030-01-02T03:04:05.123456789Z' },
  { src: '2030-01-02', want: '2030-01-02T00:00:00Z' },
  { src: '2030-01-01T02:00:00+02:00', want: '2030-01-01T00:00:00Z' },
  { src: '1h30m', want: '1h30m' },
  { src: '90m', want: '1h30m' },
  { src: '1y2mo3d', want: '1y2mo3d' },
  { src: '-5m', want: '-5m' },
  { src: '/a.*b/', want: '/a.*b/' },
  { src: '[1, 2, 3]', want: '[1, 2, 3]' },
  { src: '[]', want: '[]' },
  { src: '{a: 1, "b c": "x"}', want: '{a: 1, "b c": "x"}' },
  { src: '["a": 1, "b": 2]', want: '["a": 1, "b": 2]' },
  { src: '[:]', want: '[:]' },
]);

valueCases('int arithmetic', [
  { src: '1 + 2 * 3', want: '7' },
  { src: '(1 + 2) * 3', want: '9' },
  { src: '7 / 2', want: '3' },
  { src: '-7 / 2', want: '-3', name: 'division truncates toward zero' },
  { src: '-7 % 3', want: '-1', name: 'modulo takes the sign of the dividend' },
  { src: '2 ^ 10', want: '1024' },
  { src: '9223372036854775807 + 1', want: '-9223372036854775808', name: 'int64 max + 1 wraps' },
  { src: '-9223372036854775807 - 2', want: '9223372036854775807', name: 'int64 min - 1 wraps' },
  { src: '9223372036854775807 * 2', want: '-2' },
  { src: '9007199254740993 + 0', want: '9007199254740993', name: 'exact above 2^53' },
  { src: '-(-9223372036854775807 - 1)', want: '-9223372036854775808', name: 'negating int64 min wraps' },
]);

valueCases('uint arithmetic', [
  { src: 'uint(v: 0) - uint(v: 1)', want: '18446744073709551615', name: 'uint 0 - 1 wraps' },
  { src: 'uint(v: "18446744073709551615") + uint(v: 2)', want: '1' },
  { src: 'uint(v: 7) / uint(v: 2)', want: '3' },
  { src: 'uint(v: -1)', want: '18446744073709551615', name: 'int -1 reinterpreted' },
  { src: 'int(v: uint(v: "18446744073709551615"))', want: '-1' },
]);

valueCases('float arithmetic', [
  { src: '0.1 + 0.2', want: '0.30000000000000004' },
  { src: '1.0 / 0.0', want: '+Inf' },
  { src: '-1.0 / 0.0', want: '-Inf' },
  { src: '0.0 / 0.0', want: 'NaN' },
  { src: 'x = 0.0 / 0.0\nx == x', want: 'false', name: 'NaN is not equal to itself' },
  { src: 'x = 0.0 / 0.0\nx < 1.0', want: 'false' },
  { src: '7.5 % 2.0', want: '1.5' },
  { src: '2.0 ^ 0.5', want: '1.4142135623730951' },
  { src: '1000000000000000000000.0 * 10.0', want: '10000000000000000000000.0', name: 'large floats print without an exponent' },
]);

valueCases('strings, comparison, logic', [
  { src: '"ab" + "cd"', want: '"abcd"' },
  { src: '"a" < "b"', want: 'true' },
  { src: '1 == 1', want: 'true' },
  { src: '1 != 2', want: 'true' },
  { src: '[1, 2] == [1, 2]', want: 'true' },
  { src: '{a: 1} == {a: 1}', want: 'true' },
  { src: '{a: 1} == {a: 2}', want: 'false' },
  { src: '2030-01-01T00:00:00Z < 2030-01-02T00:00:00Z', want: 'true' },
  { src: '1h < 2h', want: 'true' },
  { src: '1mo > 27d', want: 'true' },
  { src: 'true and false', want: 'false' },
  { src: 'false or true', want: 'true' },
  { src: 'not true', want: 'false' },
  { src: 'false and die(msg: "not evaluated")', want: 'false', name: 'and short-circuits' },
  { src: 'true or die(msg: "not evaluated")', want: 'true', name: 'or short-circuits' },
  { src: 'if 1 < 2 then "yes" else "no"', want: '"yes"' },
  { src: 'if false then die(msg: "x") else 2', want: '2' },
  { src: '"abc" =~ /b/', want: 'true' },
  { src: '"abc" !~ /^b/', want: 'true' },
  { src: '"ABC" =~ /(?i)abc/', want: 'true' },
  { src: '"日本語ZZ" =~ /^\\xe6\\x97\\xa5\\xe6\\x9c\\xac\\xe8\\xaa\\x9e(ZZ)?$/', want: 'true', name: 'regex \\x bytes spell UTF-8 (SPEC example)' },
  { src: '"é" =~ /^\\xe9$/', want: 'true', name: 'regex \\x byte that is not UTF-8 keeps its RE2 meaning' },
]);

// Flux's runtime (values/binary.go) compares int, uint and float with each other: int with
// uint exactly, anything with a float as float64. So `r._value > 50` works on float data.
valueCases('numbers of different types compare by value', [
  { src: '1.5 > 1', want: 'true' },
  { src: '1 == 1.0', want: 'true' },
  { src: '2 != 2.0', want: 'false' },
  { src: 'uint(v: 3) < 4', want: 'true' },
  { src: '-1 < uint(v: 0)', want: 'true', name: 'a negative int is below every uint' },
  { src: 'uint(v: "18446744073709551615") > 9223372036854775807', want: 'true', name: 'int and uint exactly, beyond float precision' },
  { src: '9007199254740993 == uint(v: 9007199254740992)', want: 'false', name: 'int and uint exactly (these are equal as floats)' },
  { src: '9007199254740993 == 9007199254740992.0', want: 'true', name: 'with a float: as float64, as Go converts' },
  { src: 'float(v: "NaN") >= 0', want: 'false' },
  { src: 'float(v: "NaN") != 0', want: 'true' },
  { src: 'uint(v: 2) >= 2.5', want: 'false' },
]);

valueCases('time and duration arithmetic', [
  { src: '2030-01-01T00:00:00Z + 1h', want: '2030-01-01T01:00:00Z' },
  { src: '2030-01-01T00:00:00Z - 1d', want: '2029-12-31T00:00:00Z' },
  { src: '2030-01-31T00:00:00Z + 1mo', want: '2030-02-28T00:00:00Z', name: 'months clamp to the end of a shorter month' },
  { src: '2028-01-31T00:00:00Z + 1mo', want: '2028-02-29T00:00:00Z', name: 'leap year' },
  { src: '2030-03-31T00:00:00Z - 1mo', want: '2030-02-28T00:00:00Z' },
  { src: '2030-01-15T10:00:00Z + 1y2mo', want: '2031-03-15T10:00:00Z' },
  { src: '2030-01-01T00:00:00Z + 1mo1d', want: '2030-02-02T00:00:00Z' },
  { src: '1h + 30m', want: '1h30m' },
  { src: '1mo + 2mo', want: '3mo' },
  { src: '1h - 2h', want: '-1h' },
  { src: '2030-01-02T00:00:00Z - 2030-01-01T00:00:00Z', want: '1d' },
  { src: '1h * 3', want: '3h' },
  { src: '-1h', want: '-1h' },
]);

valueCases('string interpolation of every stringable type', [
  { src: '"${"s"}"', want: '"s"' },
  { src: '"${-12}"', want: '"-12"' },
  { src: '"${uint(v: 3)}"', want: '"3"' },
  { src: '"${1.5}"', want: '"1.5"' },
  { src: '"${1.0}"', want: '"1"' },
  { src: '"${0.0 / 0.0}"', want: '"NaN"' },
  { src: '"${true}"', want: '"true"' },
  { src: '"${2030-01-01T00:00:00.5Z}"', want: '"2030-01-01T00:00:00.5Z"' },
  { src: '"${1mo1h}"', want: '"1mo1h"' },
  { src: 'x = 2\n"a${x + 1}b${"c"}"', want: '"a3bc"' },
  { src: '"${display(v: [1, 2])}"', want: '"[1, 2]"' },
]);

errorCases('interpolation of non-stringable types', [
  { src: '"${[1]}"', id: 'interpolation.notStringable', span: '1:4-1:7' },
  { src: '"${{a: 1}}"', id: 'interpolation.notStringable', span: '1:4-1:10' },
  { src: '"${["k": 1]}"', id: 'interpolation.notStringable' },
  { src: '"${/re/}"', id: 'interpolation.notStringable' },
  { src: '"${bytes(v: "x")}"', id: 'interpolation.notStringable' },
  { src: '"${(x) => x}"', id: 'interpolation.notStringable' },
]);

valueCases('records, members, index, with, exists', [
  { src: 'r = {a: 1, b: "x"}\nr.b', want: '"x"' },
  { src: 'r = {a: 1, b: "x"}\nr["a"]', want: '1' },
  { src: 'r = {a: 1, b: 2}\n{r with b: 3, c: 4}', want: '{a: 1, b: 3, c: 4}' },
  { src: 'a = 1\n{a}', want: '{a: 1}', name: 'shorthand property' },
  { src: '[10, 20, 30][1]', want: '20' },
  { src: 'arr = [[1, 2], [3]]\narr[0][1]', want: '2' },
  { src: 'r = {a: 1}\nexists r.a', want: 'true' },
  { src: 'r = {a: 1}\nexists r.zzz', want: 'false' },
  { src: 'f = () => ({a: 1})\nexists f().missing', want: 'false' },
  {
    src: 'import "array"\nf = (r) => r.missing\narray.from(rows: [{c: 1}]) |> map(fn: (r) => ({c: r.c, y: exists f(r: r), z: exists r.missing})) |> findRecord(fn: (key) => true, idx: 0)',
    want: '{c: 1, y: false, z: false}',
    name: 'a row passed to a function reading a column the row lacks: null, not a check error (rows are not literals)',
  },
  { src: '{a: {b: {c: 5}}}.a.b.c', want: '5' },
]);

// Flux infers the type of a call from the function's body: `f().missing` on a function
// returning `{a: 1}` is "record is missing label missing" before the run (it read as null).
errorCases('fields of a function result', [
  { src: 'f = () => ({a: 1})\nx = f().missing', id: 'record.missingField', span: '2:9-2:16' },
  { src: 'f = (v) => {\n  y = v * 2\n  return {a: y, b: {c: v}}\n}\nx = f(v: 1).b.d', id: 'record.missingField', span: '5:15-5:16', name: 'a block body, a nested record' },
  { src: 'f = (t=<-) => ({t: t})\nx = (1 |> f()).u', id: 'record.missingField', span: '2:16-2:17', name: 'a piped call' },
  { src: 'f = () => ({a: 1})\ng = f()\nx = g.b', id: 'record.missingField', span: '3:7-3:8', name: 'a name bound to the result' },
  { src: 'f = () => ({a: 1})\ng = f()\ns = {g with b: 2}\nx = s.c', id: 'record.missingField', span: '4:7-4:8', name: 'the result extended with `with`' },
]);
valueCases('fields of a function result', [
  { src: 'f = () => ({a: 1})\nf().a', want: '1' },
  { src: 'f = (r) => ({r with b: 2})\nf(r: {a: 1}).a', want: '1', name: 'a result built with `with` is not checked' },
  { src: 'f = (x) => x\nf(x: {a: 1}).a', want: '1', name: 'a result that is not a record literal is not checked' },
]);

valueCases('functions, closures, defaults, pipes, blocks', [
  { src: 'f = (a, b=10) => a + b\nf(a: 1)', want: '11' },
  { src: 'f = (a, b=10) => a + b\nf(b: 1, a: 2)', want: '3', name: 'named arguments in any order' },
  { src: 'f = (a, b=a * 2) => a + b\nf(a: 3)', want: '9', name: 'a default refers to an earlier parameter' },
  { src: 'add = (x) => (y) => x + y\nadd5 = add(x: 5)\nadd5(y: 2)', want: '7', name: 'closure captures its scope' },
  { src: 'x = 1\nf = () => x\ng = () => {\n  x = 2\n  return f()\n}\ng()', want: '1', name: 'lexical, not dynamic, scope' },
  { src: 'inc = (n=<-) => n + 1\n1 |> inc() |> inc()', want: '3', name: 'pipe parameter' },
  { src: 'f = (t=<-, k) => t * k\n5 |> f(k: 2)', want: '10' },
  { src: 'f = (x) => {\n  y = x * 2\n  z = y + 1\n  return z\n}\nf(x: 4)', want: '9' },
  { src: 'fact = (n) => if n <= 1 then 1 else n * fact(n: n - 1)\nfact(n: 20)', want: '2432902008176640000', name: 'recursion' },
  { src: 'mk = (i) => () => i\nfs = [mk(i: 1), mk(i: 2), mk(i: 3)]\nfs[0]() + fs[1]() + fs[2]()', want: '6', name: 'closures made in a loop of calls keep their own values' },
  { src: 'import "array"\nfs = [1, 2, 3] |> array.map(fn: (x) => () => x * 10)\nfs[2]()', want: '30', name: 'closures created by array.map' },
  { src: 'apply = (f, v) => f(x: v)\napply(f: (x) => x * x, v: 7)', want: '49', name: 'functions as arguments' },
  { src: '(() => 42)()', want: '42' },
]);

valueCases('options', [
  { src: 'option now = () => 2031-05-06T07:08:09Z\nnow()', want: '2031-05-06T07:08:09Z' },
  { src: 'now()', want: '2030-01-01T00:00:00Z', name: 'now() comes from the clock, fixed per run' },
  { src: 'option x = 5\nx + 1', want: '6', name: 'a program option behaves as a variable' },
  { src: 'import "date"\noption location = {zone: "Asia/Tokyo", offset: 0h}\ndate.hour(t: 2030-01-01T00:00:00Z)', want: '9', name: 'option location drives date functions' },
  { src: 'import "math"\noption math.pi = 3.0\nmath.pi', want: '3.0', name: 'package option' },
]);

valueCases('imports', [
  { src: 'import "strings"\nstrings.toUpper(v: "x")', want: '"X"' },
  { src: 'import s "strings"\ns.toUpper(v: "x")', want: '"X"', name: 'import with an alias' },
  { src: 'import "math"\nmath.maxint', want: '9223372036854775807' },
]);

valueCases('dictionaries', [
  { src: 'import "dict"\nd = ["a": 1, "b": 2]\ndict.get(dict: d, key: "b", default: 0)', want: '2' },
  { src: '[1: "one", 2: "two"]', want: '[1: "one", 2: "two"]' },
  { src: '["a": 1] == ["a": 1]', want: 'true' },
]);

// A generated filter or sum may chain thousands of terms; operator chains are left-deep trees,
// and checking or evaluating one must not overflow the stack (it was an internal error).
const manyTerms = 20000;
valueCases('long operator chains', [
  { src: `x = ${Array.from({ length: manyTerms }, () => '1').join(' + ')}\nx`, want: String(manyTerms), name: `${manyTerms} additions` },
  {
    src: `r = {host: "h${manyTerms - 1}"}\nx = ${Array.from({ length: manyTerms }, (_, i) => `r.host == "h${i}"`).join(' or ')}\nx`,
    want: 'true',
    name: `${manyTerms} alternatives joined by or`,
  },
  { src: `x = false and die(msg: "no") and die(msg: "no") or true\nx`, want: 'true', name: 'a mixed chain still short-circuits' },
  { src: `x = 10 - 2 - 3 * 2 - 1\nx`, want: '1', name: 'a mixed chain keeps precedence and left associativity' },
]);
errorCases('long operator chains', [
  { src: `x = ${Array.from({ length: manyTerms }, () => '1').join(' + ')} + "a"`, id: 'type.mismatch', span: `1:5-1:${5 + manyTerms * 4 + 3}`, name: 'an error at the end of a long chain has the whole chain as span' },
  { src: `x = 1 + 2 + "a" + 4`, id: 'type.mismatch', span: '1:5-1:16', name: 'an error in the middle of a chain points at that operation' },
]);

// Flux SPEC, "Missing values (null)": and/or/not are three-valued, a null operand being an
// unknown bool (`null and false` is false, `null and true` null, `null or true` true, `null or
// false` null, `not null` null). `u` is null: a column the row lacks.
const nullPrelude = 'import "array"\nu = (array.from(rows: [{a: 1}]) |> findRecord(fn: (key) => true, idx: 0)).nope\n';
valueCases(
  'three-valued logic',
  [
    { src: 'exists u', want: 'false', name: 'u is null' },
    { src: '[true and u, u and true, u and u]', want: '[null, null, null]', name: 'and: true and null is null (either order)' },
    { src: '[false and u, u and false]', want: '[false, false]', name: 'and: false and null is false (either order)' },
    { src: '[true or u, u or true]', want: '[true, true]', name: 'or: true or null is true (either order)' },
    { src: '[false or u, u or false, u or u]', want: '[null, null, null]', name: 'or: false or null is null (either order)' },
    { src: '[not u, not (true and u), not (false and u)]', want: '[null, null, true]', name: 'not of an unknown is unknown' },
    { src: 'if true and u then 1 else 2', want: '2', name: 'a null condition counts as false' },
    { src: 'x = u or false or true\nx', want: 'true', name: 'a chain' },
  ],
  nullPrelude,
);
errorCases('three-valued logic', [
  { src: `${nullPrelude}x = u and die(msg: "evaluated")`, id: 'die', name: 'a null left operand does not decide: the right one is evaluated' },
  { src: `${nullPrelude}x = u or 1`, id: 'type.mismatch', span: '3:10-3:11', name: 'the right operand must be a bool' },
]);

// Flux SPEC, Types (Equatable constraint): functions are not Equatable, so == and != on
// them are type errors (a function compared with itself used to be true, with another false).
errorCases('equality of functions', [
  { src: 'f = (x) => x\nx = f == f', id: 'type.notEquatable', span: '2:5-2:11' },
  { src: 'f = (x) => x\ng = (x) => x\nx = f != g', id: 'type.notEquatable', span: '3:5-3:11' },
]);

// Flux SPEC, Types (Comparable constraint): int, uint, float, string, duration and time are
// ordered; bool is not (true < false was answered as if false < true).
errorCases('ordering of booleans', [
  { src: 'x = true < false', id: 'type.notComparable', span: '1:5-1:17' },
  { src: 'x = false >= false', id: 'type.notComparable', span: '1:5-1:19' },
]);

// A record literal naming a key twice is rejected before running (semantic check), and by the
// evaluator where a program runs unchecked, such as reading a task's options.
test('a record literal with a key twice fails when evaluated unchecked (readOptions)', async () => {
  await assert.rejects(runtime().readOptions('option task = {name: "a", every: 1h, name: "b"}', 't.flux'), (e: unknown) => {
    assert.ok(e instanceof FluxError);
    assert.equal(e.id, 'record.duplicateKey');
    assert.equal(spanText(e), '1:38-1:42');
    return true;
  });
});
