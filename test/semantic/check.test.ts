// Checks before running: every problem reported at once, each with its id and span, and
// nothing evaluated when a check fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtime, spanText } from '../interpreter/flux.js';

interface Case {
  readonly name: string;
  readonly src: string;
  /** Every expected diagnostic as `id@l:c-l:c`, in order. */
  readonly want: readonly string[];
}

const cases: readonly Case[] = [
  { name: 'unknown identifier', src: 'x = y + 1', want: ['undefined.identifier@1:5-1:6'] },
  { name: 'unknown package', src: 'import "nope/nothing"\nx = 1', want: ['import.unknownPackage@1:8-1:22'] },
  { name: 'unknown package member', src: 'import "strings"\nx = strings.nope(v: "a")', want: ['package.unknownMember@2:13-2:17'] },
  { name: 'unknown argument to a builtin', src: 'import "strings"\nx = strings.toUpper(v: "a", w: 1)', want: ['call.unknownArgument@2:29-2:30'] },
  { name: 'missing argument to a builtin', src: 'import "strings"\nx = strings.toUpper()', want: ['call.missingArgument@2:5-2:22'] },
  { name: 'missing argument to a prelude builtin', src: 'x = length()', want: ['call.missingArgument@1:5-1:13'] },
  { name: 'unknown argument to a user function', src: 'f = (a, b=1) => a + b\nx = f(a: 1, c: 2)', want: ['call.unknownArgument@2:13-2:14'] },
  { name: 'missing argument to a user function', src: 'f = (a, b=1) => a + b\nx = f(b: 2)', want: ['call.missingArgument@2:5-2:12'] },
  { name: 'duplicate parameter', src: 'f = (a, b, a) => a', want: ['function.duplicateParam@1:12-1:13'] },
  { name: 'assignment twice in one scope', src: 'x = 1\nx = 2', want: ['assign.redeclared@2:1-2:2'] },
  { name: 'assignment twice in a block', src: 'f = () => {\n  a = 1\n  a = 2\n  return a\n}', want: ['assign.redeclared@3:3-3:4'] },
  { name: 'return outside a function', src: 'return 1', want: ['return.outsideFunction@1:1-1:9'] },
  { name: 'block without return', src: 'f = () => {\n  a = 1\n}', want: ['block.noReturn@1:11-3:2'] },
  { name: 'pipe into a function without a pipe parameter', src: 'f = (a) => a\nx = 1 |> f(a: 1)', want: ['call.noPipeParameter@2:10-2:17'] },
  { name: 'pipe into a builtin without a pipe parameter', src: 'import "strings"\nx = "a" |> strings.toUpper(v: "b")', want: ['call.noPipeParameter@2:12-2:35'] },
  { name: 'a function with a pipe parameter called without input', src: 'f = (t=<-) => t\nx = f()', want: ['call.missingPipe@2:5-2:8'] },
  { name: 'a builtin with a pipe parameter called without input', src: 'import "array"\nx = array.map(fn: (x) => x)', want: ['call.missingPipe@2:5-2:28'] },
  { name: 'missing field of a record literal', src: 'r = {a: 1}\nx = r.b', want: ['record.missingField@2:7-2:8'] },
  { name: 'a record literal argument without a field the function reads', src: 'f = (a) => a.b\nx = f(a: {c: 1})', want: ['record.missingField@2:10-2:16'] },
  { name: 'a name bound to a record literal, without the field', src: 'f = (a) => a.b + 1\nr = {c: 1}\nx = f(a: r)', want: ['record.missingField@3:10-3:11'] },
  { name: 'a piped record literal without the field', src: 'f = (a=<-) => a["b"]\nx = {c: 1} |> f()', want: ['record.missingField@2:5-2:11'] },
  { name: 'a field read in a nested function', src: 'f = (a) => {\n  g = () => a.b.c\n  return g()\n}\nx = f(a: {c: 1})', want: ['record.missingField@5:10-5:16'] },
  { name: 'a default record without the field', src: 'f = (a={c: 1}) => a.b\nx = f()', want: ['record.missingField@1:8-1:14'] },
  { name: 'a function literal called at once', src: 'x = ((a) => a.b)(a: {c: 1})', want: ['record.missingField@1:21-1:27'] },
  { name: 'a missing field of a nested record literal', src: 'r = {a: {b: 1}}\nx = r.a.c', want: ['record.missingField@2:9-2:10'] },
  { name: 'a missing field of a record extended with `with`', src: 'r = {a: 1}\ns = {r with b: 2}\nx = s.c', want: ['record.missingField@3:7-3:8'] },
  { name: 'a nested record literal passed to a function', src: 'f = (a) => a.b\nr = {x: {c: 1}}\ny = f(a: r.x)', want: ['record.missingField@3:10-3:13'] },
  { name: 'the same argument twice', src: 'f = (a) => a\nx = f(a: 1, a: 2)', want: ['call.duplicateArgument@2:13-2:14'] },
  { name: 'the same argument twice to an unknown callee', src: 'g = [(a) => a]\nx = g[0](a: 1, b: 2, a: 3)', want: ['call.duplicateArgument@2:22-2:23'] },
  // Flux's interpreter rejects a record literal naming a key twice ("duplicate key in object").
  { name: 'a record literal with a key twice', src: 'x = {a: 1, b: 2, a: 3}', want: ['record.duplicateKey@1:18-1:19'] },
  { name: 'a record literal with a key twice, quoted once', src: 'x = {a: 1, "a": 2}', want: ['record.duplicateKey@1:12-1:15'] },
  { name: 'a `with` record literal with a key twice', src: 'r = {a: 1}\nx = {r with b: 1, b: 2}', want: ['record.duplicateKey@2:19-2:20'] },
  // Flux's type inference gives both branches of if one type and makes the test a bool.
  { name: 'if with branches of different types', src: 'x = if true then 1 else "a"', want: ['type.mismatch@1:25-1:28'] },
  { name: 'if with an int and a float branch (no implicit conversion)', src: 'n = 1\nx = if n > 0 then n else 2.5', want: ['type.mismatch@2:26-2:29'] },
  { name: 'if with branches computed from literals', src: 'x = if false then 1h + 2h else 2030-01-01T00:00:00Z + 1h', want: ['type.mismatch@1:32-1:57'] },
  { name: 'if inside a function body', src: 'f = (r) => if r.ok then "up" else 0', want: ['type.mismatch@1:35-1:36'] },
  { name: 'if with a condition that is not a bool', src: 'x = if 1 + 1 then 1 else 2', want: ['type.mismatch@1:8-1:13'] },
  // Operators on operands of known types the operator does not accept: the error the run
  // would raise (same id and span), reported before running as Flux's type inference does.
  { name: 'int plus string', src: 'x = 1 + "a"', want: ['type.mismatch@1:5-1:12'] },
  { name: 'string minus string', src: 'x = "a" - "b"', want: ['type.unsupportedOperator@1:5-1:14'] },
  { name: 'the innermost failing operation of an expression', src: 'x = 1 + 2 * "a"', want: ['type.mismatch@1:9-1:16'] },
  { name: 'a name bound to a literal', src: 's = "a"\nx = s * 2', want: ['type.mismatch@2:5-2:10'] },
  { name: 'a duration compared with a time', src: 'x = 1h < 2030-01-01T00:00:00Z', want: ['type.mismatch@1:5-1:30'] },
  { name: 'arrays are not ordered', src: 'x = [1] < [2]', want: ['type.notComparable@1:5-1:14'] },
  { name: 'a regexp match on an int', src: 'x = 1 =~ /a/', want: ['type.mismatch@1:5-1:13'] },
  { name: 'functions are not equatable', src: 'x = ((a) => a) == ((a) => a)', want: ['type.notEquatable@1:5-1:29'] },
  { name: 'unary minus on a string', src: 'x = -"a"', want: ['type.unsupportedOperator@1:5-1:9'] },
  { name: 'not on an int', src: 'x = not 1', want: ['type.mismatch@1:5-1:10'] },
  { name: 'array elements of different types', src: 'x = [1, 2, "a", 3.0]', want: ['type.mismatch@1:12-1:15'] },
  { name: 'interpolating a record', src: 'r = {a: 1}\nx = "v: ${r}"', want: ['interpolation.notStringable@2:11-2:12'] },
  { name: '`with` on an int', src: 'n = 1\nx = {n with a: 2}', want: ['type.mismatch@2:6-2:7'] },
  { name: 'a field of an int', src: 'n = 1\nx = n.a', want: ['type.mismatch@2:5-2:8'] },
  { name: 'an array indexed by a float', src: 'x = [1, 2][1.0]', want: ['type.mismatch@1:12-1:15'] },
  { name: 'a field of an array', src: 'x = [1, 2]["a"]', want: ['type.mismatch@1:5-1:16'] },
  { name: 'a string indexed', src: 'x = "abc"[0]', want: ['type.mismatch@1:5-1:13'] },
  { name: 'a name bound to a function literal, interpolated', src: 'f = (x) => x\ny = "${f}"', want: ['interpolation.notStringable@2:8-2:9'] },
  { name: 'a name bound to a function literal, in arithmetic', src: 'f = (x) => x\ny = f + 1', want: ['type.mismatch@2:5-2:10'] },
  { name: 'a dictionary with keys of two types', src: 'x = ["a": 1, 2: 2]', want: ['type.mismatch@1:14-1:15'] },
  { name: 'a dictionary with values of two types', src: 'x = ["a": 1, "b": "c"]', want: ['type.mismatch@1:19-1:22'] },
  { name: 'a dictionary keyed by records', src: 'x = [{a: 1}: 1]', want: ['dict.invalidKey@1:6-1:12'] },
  { name: 'an int operand of and', src: 'x = true and 1', want: ['type.mismatch@1:14-1:15'] },
  { name: 'a string operand of or, in a chain', src: 'x = 1 < 2 or "a" or false', want: ['type.mismatch@1:14-1:17'] },
  { name: 'the declared result type of a builtin', src: 'x = int(v: "1") + 2.0', want: ['type.mismatch@1:5-1:22'] },
  { name: 'the declared result type of a package builtin', src: 'import "strings"\nx = if true then strings.toUpper(v: "a") else 1', want: ['type.mismatch@2:47-2:48'] },
  { name: 'calling an int', src: 'n = 1\nx = n(a: 1)', want: ['call.notAFunction@2:5-2:6'] },
  { name: 'two pipe parameters', src: 'f = (t=<-, u=<-) => t', want: ['function.multiplePipeParams@1:12-1:13'] },
  { name: 'two imports under one name', src: 'import s "strings"\nimport s "math"\nx = s.toUpper(v: "a")', want: ['import.duplicate@2:8-2:9'] },
  { name: 'the same package imported twice', src: 'import "strings"\nimport "strings"\nx = 1', want: ['import.duplicate@2:1-2:17'] },
  { name: 'an option statement in a function body', src: 'f = () => {\n  option now = () => 2030-01-01T00:00:00Z\n  return now()\n}', want: ['block.invalidStatement@2:3-2:42'] },
  { name: 'a testcase in a function body', src: 'f = () => {\n  testcase t { x = 1 }\n  return 1\n}', want: ['block.invalidStatement@2:3-2:23'] },
  {
    name: 'several problems at once',
    src: 'import "strings"\na = b\nc = strings.toUpper(x: 1)\nreturn 2\nf = (p, p) => p',
    want: ['undefined.identifier@2:5-2:6', 'call.unknownArgument@3:21-3:22', 'call.missingArgument@3:5-3:26', 'return.outsideFunction@4:1-4:9', 'function.duplicateParam@5:9-5:10'],
  },
];

for (const c of cases) {
  test(`check: ${c.name}`, () => {
    const got = runtime().check(c.src, 'test.flux').map((e) => `${e.id}@${spanText(e)}`);
    assert.deepEqual(got, c.want);
  });
}

const clean: readonly string[] = [
  'fib = (n) => if n < 2 then n else fib(n: n - 1) + fib(n: n - 2)\nx = fib(n: 5)',
  'f = (a, b=a) => a + b\nx = f(a: 1)',
  'r = {a: 1}\nx = exists r.b',
  'import s "strings"\nx = s.toUpper(v: "a")',
  'option now = () => 2030-01-01T00:00:00Z\nx = now()',
  'f = (tables=<-) => tables\nx = 1 |> f()',
  'f = (tables=<-) => tables\nx = f(tables: 1)',
  'f = () => {\n  x = 1\n  return x\n}\nx = f()',
  'r = {a: 1}\nx = {r with b: 2}\ny = x.b',
  'f = (a) => a.b\nx = f(a: {b: 1, c: 2})',
  'r = {a: {b: 1}}\nx = r.a.b',
  'r = {a: 1}\ns = {r with b: 2}\nx = s.a + s.b',
  'f = () => ({a: 1})\ng = f()\ns = {g with b: 2}\nx = s.a + s.b',
  'r = {a: 1}\nf = (r) => r.b\nx = f(r: {b: 2})',
  'f = (a) => ((a) => a.b)(a: {b: 1})\nx = f(a: {c: 1})',
  'f = (a) => if exists a.b then a.b else 0\nx = f(a: {c: 1})',
  'f = (a, b) => b.x\nx = f(a: {c: 1}, b: {x: 1})',
  'import "array"\nx = array.from(rows: [{c: 1}]) |> map(fn: (r) => ({r with y: r.missing}))',
  'r = {a: 1}\nx = {r with a: 2}',
  'x = if true then 1 else 2',
  'x = float(v: "1") * 2.0 + float(v: 1)',
  'import "array"\nx = array.from(rows: [{a: 1}]) |> map(fn: (r) => ({r with b: r.a + 1}))',
  'x = ["a": 1, "b": 2]\ny = [1h: 1.0, 2h: 2.0]\nz = [:]',
  'r = {a: 1}\nx = "${r.a} ${1.5} ${1h} ${true} ${2030-01-01T00:00:00Z}"',
  'r = {a: 1}\nx = {r with b: 2}["b"]',
  'x = [[1]][0][0]',
  'f = () => 1\nx = f()',
  'f = (r) => r.a[0] + r["b"]',
  'x = 1 < 2.0 and 1 == 1.0 and 1.5 >= 1',
  'x = 2030-01-01T00:00:00Z - 1h + 2h',
  'x = 1h * 2 + 2 * 1h - 1mo',
  'x = 2030-01-02T00:00:00Z - 2030-01-01T00:00:00Z',
  'x = "a" + "b" + "${1}"',
  'x = [1, 2, -3]',
  'x = 1.0 ^ 2.0 % 3.0',
  'x = -1h + +1h',
  'x = not (1 < 2)',
  'x = "a" =~ /a/ or "b" !~ /c/',
  'x = {a: 1} == {a: 2}',
  'f = (r) => r._value + 1 > 2.0',
  'x = if true then 2 * 3 else -1',
  'f = (r) => if r.ok then r.v else "none"',
  'f = (r) => if r.n > 0 then r.n else 0',
  'x = if 1 < 2 and true then "a" else "b" + "c"',
  'x = if true then [1] else [2, 3]',
  'x = if true then 2030-01-01T00:00:00Z - 1h else 2031-01-01T00:00:00Z',
  'true = 1\nx = if true > 0 then 1 else 2',
  'x = 1\nf = (x) => if true then x else "a"',
  'x = {a: {a: 1}}',
];

for (const src of clean) {
  test(`check passes: ${src.replace(/\n/g, '; ')}`, () => {
    const errs = runtime().check(src, 'test.flux');
    assert.deepEqual(errs.map((e) => `${e.id}: ${e.message}`), []);
  });
}

test('a program with an operator type error does not run at all', async () => {
  // It used to run up to the failing operation: a to() or a yield before it took effect.
  let ran = false;
  await assert.rejects(runtime().run('x = die(msg: "ran")\ny = 1 + "a"', { name: 't.flux' }), (e: Error & { id?: string }) => {
    ran = e.id === 'die';
    return e.id === 'type.mismatch';
  });
  assert.equal(ran, false);
});

test('a program failing its checks does not run at all', async () => {
  let sideEffect = false;
  await assert.rejects(runtime().run('x = die(msg: "ran")\ny = nope', { name: 't.flux' }), (e: Error & { id?: string }) => {
    sideEffect = e.id === 'die';
    return e.id === 'undefined.identifier';
  });
  assert.equal(sideEffect, false);
});
