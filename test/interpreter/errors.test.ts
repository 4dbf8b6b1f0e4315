// Runtime errors: `source -> error id + span`, the function-call prefix, the Flux-level
// stack, die(), and the recursion limit (a clear error, never a crashed process).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCases, evalErrors, runtime, spanText } from './flux.js';

errorCases('arithmetic', [
  { src: 'x = 1 + 1.0', id: 'type.mismatch', span: '1:5-1:12', name: 'int + float (no implicit conversion)' },
  { src: 'x = "1" == 1', id: 'type.mismatch', span: '1:5-1:13', name: 'a string and a number are not compared' },
  { src: 'x = "1" < 2.0', id: 'type.mismatch', name: 'nor ordered' },
  { src: 'x = "a" + 1', id: 'type.mismatch', span: '1:5-1:12' },
  { src: 'x = 1 / 0', id: 'arith.divisionByZero', span: '1:5-1:10' },
  { src: 'x = 1 % 0', id: 'arith.divisionByZero', span: '1:5-1:10' },
  { src: 'x = uint(v: 1) / uint(v: 0)', id: 'arith.divisionByZero' },
  { src: 'x = "a" * "b"', id: 'type.unsupportedOperator', span: '1:5-1:14' },
  { src: 'x = {a: 1} < {a: 2}', id: 'type.notComparable' },
  { src: 'x = 1mo < 30d', id: 'duration.notComparable', name: 'a month is not comparable with 30 days' },
  { src: 'x = 1mo - 1d', id: 'duration.mixedSign' },
  { src: 'x = -"a"', id: 'type.unsupportedOperator', span: '1:5-1:9' },
  { src: 'x = not 1', id: 'type.mismatch' },
  { src: 'x = 1 =~ /a/', id: 'type.mismatch' },
  { src: 'x = if 1 then 2 else 3', id: 'type.mismatch', span: '1:8-1:9' },
  { src: 'x = [1, "a"]', id: 'type.mismatch', span: '1:9-1:12', name: 'array elements of two types' },
]);

errorCases('member and index access', [
  { src: 'a = [1, 2]\nx = a[2]', id: 'index.outOfRange', span: '2:7-2:8' },
  { src: 'a = [1, 2]\nx = a[-1]', id: 'index.outOfRange', span: '2:7-2:9' },
  { src: 'a = [1, 2]\nx = a["k"]', id: 'type.mismatch' },
  { src: 'r = {a: 1}\nx = r.b', id: 'record.missingField', span: '2:7-2:8', name: 'a known record without the field (checked before running)' },
  { src: 'x = 1\ny = x.a', id: 'type.mismatch', span: '2:5-2:8' },
  { src: 'x = 5\ny = x()', id: 'call.notAFunction', span: '2:5-2:6' },
  { src: 'x = /(?=a)/', id: 'regexp.invalid', span: '1:5-1:12', name: 'lookahead is not RE2' },
  { src: 'x = /a(?i)b/', id: 'regexp.unsupported', name: 'a flag group inside the pattern' },
]);

errorCases('calls', [
  { src: 'f = (a) => a\nx = f(b: 1)', id: 'call.unknownArgument', span: '2:7-2:8' },
  { src: 'f = (a) => a\nx = f()', id: 'call.missingArgument', span: '2:5-2:8' },
  { src: 'f = (a, t=<-) => a\nx = f(a: 1)', id: 'call.missingPipe', span: '2:5-2:12' },
  { src: 'f = (a) => a\nx = 1 |> f(a: 2)', id: 'call.noPipeParameter', span: '2:10-2:17' },
  { src: 'g = (f) => f(q: 1)\nx = g(f: (a) => a)', id: 'call.unknownArgument', name: 'checked at run time when the callee is not known statically' },
]);

test('a failing builtin names the function and the call site', async () => {
  const [e] = await evalErrors('import "strings"\n\nf = (s) => strings.substring(v: s, start: 0, end: 10)\nx = f(s: "abc")');
  assert.equal(e!.id, 'strings.outOfRange');
  assert.match(e!.message, /^error calling function "strings\.substring" @3:12-3:54: /);
  assert.equal(spanText(e!), '3:12-3:54');
  assert.deepEqual(e!.fluxStack, ['function "strings.substring" @3:12-3:54', 'function "f" @4:5-4:16']);
});

test('die stops the program with its message', async () => {
  const [e] = await evalErrors('x = 1\ny = die(msg: "custom failure")\nz = 2');
  assert.equal(e!.id, 'die');
  assert.match(e!.message, /custom failure$/);
  assert.equal(spanText(e!), '2:5-2:31');
});

test('runaway recursion is a clear error, not a crash', async () => {
  const [e] = await evalErrors('f = (n) => f(n: n + 1)\nx = f(n: 0)');
  assert.equal(e!.id, 'eval.recursionLimit');
  assert.equal(e!.code, 'resourceExhausted');
  assert.ok(e!.fluxStack.length <= 16, 'the stack is capped');
});

test('deep but bounded recursion works below the limit', async () => {
  const r = await runtime().run('f = (n) => if n == 0 then 0 else 1 + f(n: n - 1)\nf(n: 300)');
  assert.equal(r.results[0]!.value, 300n);
});

test('recursion through a native (array.map) also hits a clear error', async () => {
  const [e] = await evalErrors('import "array"\nf = (n) => [n] |> array.map(fn: (x) => f(n: x + 1))\nx = f(n: 0)');
  assert.equal(e!.id, 'eval.recursionLimit');
});

test('the error of a Flux function points into its body', async () => {
  const [e] = await evalErrors('f = (x) => x + "s"\ny = f(x: 1)');
  assert.equal(e!.id, 'type.mismatch');
  assert.equal(spanText(e!), '1:12-1:19');
  assert.deepEqual(e!.fluxStack, ['function "f" @2:5-2:12']);
});
