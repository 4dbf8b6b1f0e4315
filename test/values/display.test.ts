// Display form (Flux syntax) and scalar text forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayValue } from '../../src/values/display.js';
import { formatDuration, formatFloat, formatTime } from '../../src/values/format.js';
import { ArrayValue, DictValue, Duration, RecordValue, Time, UInt } from '../../src/values/value.js';
import type { FunctionValue, StreamValue, Value } from '../../src/values/value.js';
import { compileRegexp } from '../../src/values/regexp.js';

const fn: FunctionValue = { kind: 'function', name: 'f', params: [{ name: 'a', optional: false, pipe: false }, { name: 'b', optional: true, pipe: false }, { name: 'tables', optional: false, pipe: true }], call: () => null };
const stream: StreamValue = { kind: 'stream' };

const cases: [Value, string][] = [
  [null, 'null'],
  [true, 'true'],
  [-42n, '-42'],
  [new UInt(18446744073709551615n), '18446744073709551615'],
  [1, '1.0'],
  [0.5, '0.5'],
  [NaN, 'NaN'],
  [Infinity, '+Inf'],
  [-Infinity, '-Inf'],
  [1e21, '1000000000000000000000.0'],
  [1e-7, '0.0000001'],
  ['a"b\\c\n${x}', '"a\\"b\\\\c\\n\\${x}"'],
  [new Time(0n), '1970-01-01T00:00:00Z'],
  [new Time(-1n), '1969-12-31T23:59:59.999999999Z'],
  [new Duration(14n, 90_000_000_000n), '1y2mo1m30s'],
  [new Duration(0n, 0n), '0ns'],
  [new Duration(0n, 1_500n, true), '-1us500ns'],
  [compileRegexp('a/b'), '/a\\/b/'],
  [new Uint8Array([104, 105]), '0x6869'],
  [new ArrayValue([1n, null]), '[1, null]'],
  [new RecordValue(new Map<string, Value>([['a', 1n], ['b c', 'x']])), '{a: 1, "b c": "x"}'],
  [new DictValue(new Map()), '[:]'],
  [new DictValue(new Map([['sa', { key: 'a', value: 1n }]])), '["a": 1]'],
  [fn, '(a, ?b, <-tables) => ...'],
  [stream, '<stream>'],
];

for (const [v, want] of cases) {
  test(`displayValue ${want}`, () => assert.equal(displayValue(v), want));
}

test('formatFloat matches Go FormatFloat(f, f, -1)', () => {
  assert.equal(formatFloat(1), '1');
  assert.equal(formatFloat(123456789012345680000), '123456789012345680000');
  assert.equal(formatFloat(1.5e-10), '0.00000000015');
  assert.equal(formatFloat(-0), '-0');
});

test('formatTime and formatDuration edge cases', () => {
  assert.equal(formatTime(new Time(1_000_000_000_123_000_000n)), '2001-09-09T01:46:40.123Z');
  assert.equal(formatDuration(new Duration(0n, 8n * 86_400_000_000_000n)), '1w1d');
});
