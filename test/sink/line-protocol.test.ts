// Line protocol escaping, table-driven against hand-computed line protocol.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeKey,
  escapeMeasurement,
  formatFloatField,
  formatIntField,
  formatStringField,
  formatUIntField,
} from '../../src/sink/line-protocol.js';

describe('escapeMeasurement', () => {
  const cases: { name: string; input: string; v2: string | undefined; v1: string | undefined }[] = [
    { name: 'plain', input: 'cpu_usage', v2: 'cpu_usage', v1: 'cpu_usage' },
    { name: 'comma', input: 'a,b', v2: 'a\\,b', v1: 'a\\,b' },
    { name: 'space', input: 'a b', v2: 'a\\ b', v1: 'a\\ b' },
    { name: 'equals is not special in a measurement', input: 'a=b', v2: 'a=b', v1: 'a=b' },
    { name: 'quote is literal', input: 'a"b', v2: 'a"b', v1: 'a"b' },
    { name: 'backslash', input: 'a\\b', v2: 'a\\\\b', v1: 'a\\b' },
    { name: 'trailing backslash', input: 'a\\', v2: 'a\\\\', v1: undefined },
    { name: 'backslash before comma', input: 'a\\,b', v2: 'a\\\\\\,b', v1: undefined },
    { name: 'newline cannot be written', input: 'a\nb', v2: undefined, v1: undefined },
    { name: 'tab is literal', input: 'a\tb', v2: 'a\tb', v1: 'a\tb' },
    { name: 'unicode', input: 'température', v2: 'température', v1: 'température' },
    // a line starting with # is a comment: the servers answer 204 and drop the point
    { name: 'leading # cannot be written', input: '#cpu', v2: undefined, v1: undefined },
    { name: '# after the start is literal', input: 'cpu#1', v2: 'cpu#1', v1: 'cpu#1' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(escapeMeasurement(c.input, 'v2'), c.v2);
      assert.equal(escapeMeasurement(c.input, 'v1'), c.v1);
    });
  }
});

describe('escapeKey (tag keys, tag values, field keys)', () => {
  const cases: { name: string; input: string; v2: string | undefined; v1: string | undefined }[] = [
    { name: 'plain', input: 'host', v2: 'host', v1: 'host' },
    { name: 'comma', input: 'a,b', v2: 'a\\,b', v1: 'a\\,b' },
    { name: 'space', input: 'a b', v2: 'a\\ b', v1: 'a\\ b' },
    { name: 'equals', input: 'a=b', v2: 'a\\=b', v1: 'a\\=b' },
    { name: 'all three', input: 'x, y=z', v2: 'x\\,\\ y\\=z', v1: 'x\\,\\ y\\=z' },
    { name: 'quotes are literal', input: '"q"', v2: '"q"', v1: '"q"' },
    { name: 'backslash', input: 'C:\\dir', v2: 'C:\\\\dir', v1: 'C:\\dir' },
    { name: 'two backslashes', input: 'a\\\\b', v2: 'a\\\\\\\\b', v1: 'a\\\\b' },
    { name: 'trailing backslash', input: 'x\\', v2: 'x\\\\', v1: undefined },
    { name: 'backslash before equals', input: 'a\\=b', v2: 'a\\\\\\=b', v1: undefined },
    { name: 'backslash before space', input: 'a\\ b', v2: 'a\\\\\\ b', v1: undefined },
    { name: 'newline', input: 'line1\nline2', v2: undefined, v1: undefined },
    { name: 'url label', input: 'http://127.0.0.1:9100/metrics', v2: 'http://127.0.0.1:9100/metrics', v1: 'http://127.0.0.1:9100/metrics' },
    { name: 'empty', input: '', v2: '', v1: '' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(escapeKey(c.input, 'v2'), c.v2);
      assert.equal(escapeKey(c.input, 'v1'), c.v1);
    });
  }
});

describe('field values', () => {
  const strings: [string, string][] = [
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['a\\"b', '"a\\\\\\"b"'],
    ['multi\nline', '"multi\nline"'],
    ['comma, space=equals', '"comma, space=equals"'],
    ['', '""'],
  ];
  for (const [input, want] of strings) {
    it(`string ${JSON.stringify(input)}`, () => assert.equal(formatStringField(input), want));
  }
  const floats: [number, string | undefined][] = [
    [1.5, '1.5'],
    [3, '3'],
    [-0.25, '-0.25'],
    [1e21, '1e+21'],
    [5e-324, '5e-324'],
    [0.1 + 0.2, '0.30000000000000004'],
    [NaN, undefined],
    [Infinity, undefined],
    [-Infinity, undefined],
  ];
  for (const [input, want] of floats) {
    it(`float ${input}`, () => {
      const got = formatFloatField(input);
      assert.equal(got, want);
      if (got !== undefined) assert.equal(Number(got), input);
    });
  }
  it('int and uint', () => {
    assert.equal(formatIntField(-9223372036854775808n), '-9223372036854775808i');
    assert.equal(formatUIntField(18446744073709551615n, 'v2'), '18446744073709551615u');
    assert.equal(formatUIntField(42n, 'v1'), '42i');
    assert.equal(formatUIntField(18446744073709551615n, 'v1'), undefined);
  });
});
