// Universe scalar builtins: conversions, display, length, contains, die, now, yield.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCases, runtime, valueCases } from '../../interpreter/flux.js';

valueCases('universe conversions', [
  { src: 'string(v: 42)', want: '"42"' },
  { src: 'string(v: 1.25)', want: '"1.25"' },
  { src: 'string(v: 2030-01-01T00:00:00Z)', want: '"2030-01-01T00:00:00Z"' },
  { src: 'string(v: 1h5m)', want: '"1h5m"' },
  { src: 'string(v: bytes(v: "hé"))', want: '"hé"' },
  { src: 'int(v: "-17")', want: '-17' },
  { src: 'int(v: 3.99)', want: '3' },
  { src: 'int(v: 2030-01-01T00:00:00Z)', want: '1893456000000000000' },
  { src: 'int(v: 1s)', want: '1000000000' },
  { src: 'int(v: true)', want: '1' },
  { src: 'uint(v: "42")', want: '42' },
  { src: 'float(v: "1e3")', want: '1000.0' },
  { src: 'float(v: 3)', want: '3.0' },
  { src: 'float(v: "+Inf")', want: '+Inf' },
  { src: 'bool(v: "true")', want: 'true' },
  { src: 'bool(v: 0)', want: 'false' },
  { src: 'time(v: "2030-01-01T01:00:00+01:00")', want: '2030-01-01T00:00:00Z' },
  { src: 'time(v: 0)', want: '1970-01-01T00:00:00Z' },
  { src: 'duration(v: "1h30m")', want: '1h30m' },
  { src: 'duration(v: 60000000000)', want: '1m' },
  { src: 'bytes(v: "hi")', want: '0x6869' },
]);

errorCases('universe conversions', [
  { src: 'x = int(v: "abc")', id: 'convert.invalidSyntax', span: '1:5-1:18' },
  { src: 'x = int(v: "9223372036854775808")', id: 'convert.outOfRange' },
  { src: 'x = int(v: [1])', id: 'convert.unsupported' },
  { src: 'x = uint(v: -1.0)', id: 'convert.outOfRange' },
  { src: 'x = float(v: "1,5")', id: 'convert.invalidSyntax' },
  { src: 'x = bool(v: "maybe")', id: 'convert.invalidSyntax' },
  { src: 'x = time(v: "tomorrow")', id: 'convert.invalidSyntax' },
  { src: 'x = duration(v: "5 minutes")', id: 'convert.invalidSyntax' },
  { src: 'x = string(v: {a: 1})', id: 'convert.unsupported' },
  { src: 'x = bytes(v: 1)', id: 'convert.unsupported' },
  { src: 'x = string()', id: 'call.missingArgument' },
]);

valueCases('universe helpers', [
  { src: 'display(v: {a: [1.0], b: "x"})', want: '"{a: [1.0], b: \\"x\\"}"' },
  { src: 'length(arr: [1, 2, 3])', want: '3' },
  { src: 'length(arr: [])', want: '0' },
  { src: 'contains(value: 2, set: [1, 2, 3])', want: 'true' },
  { src: 'contains(value: "z", set: ["a"])', want: 'false' },
  { src: 'contains(value: {a: 1}, set: [{a: 1}])', want: 'true' },
  { src: 'now()', want: '2030-01-01T00:00:00Z' },
]);

errorCases('universe helpers', [
  { src: 'x = length(arr: "abc")', id: 'call.argumentType', span: '1:5-1:23' },
  { src: 'x = contains(value: 1)', id: 'call.missingArgument' },
  { src: 'x = die(msg: "stop here")', id: 'die', message: 'stop here' },
  { src: 'x = die(msg: 1)', id: 'call.argumentType' },
  { src: 'x = 1 |> yield()', id: 'call.argumentType', name: 'yield needs a stream' },
]);

test('yield records named results in program order; bare streams are _result', async () => {
  const r = await runtime().run('import "array"\narray.from(rows: [{a: 1}]) |> yield(name: "first")\narray.from(rows: [{a: 2}])\n1 + 1');
  assert.deepEqual(r.results.map((x) => x.name), ['first', '_result', '']);
  assert.equal(r.results[2]!.value, 2n);
});

test('--now / RunOptions.now pins now()', async () => {
  const { Time } = await import('../../../src/values/value.js');
  const r = await runtime().run('now()', { now: new Time(5n) });
  assert.deepEqual(r.results[0]!.value, new Time(5n));
});
