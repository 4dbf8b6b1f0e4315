import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOpenMetricsFloat, normalizedBound, numberOk, parseFloatBytes, parseMillisTimestamp, parseSecondsTimestamp } from '../../src/scrape/numbers.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const float = (s: string) => {
  const v = parseFloatBytes(b(s), 0, s.length);
  return numberOk ? v : 'invalid';
};

test('sample values: what Go ParseFloat (without hex and _) accepts', () => {
  const cases: [string, number][] = [
    ['1', 1],
    ['-1', -1],
    ['+1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1.', 1],
    ['0.1', 0.1],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['2.478268416e+09', 2478268416],
    ['0000000000000000000000000000000000000000001.2e-1', 0.12],
    ['9223372036854775808', 9223372036854775808],
    ['0.013300656000000001', 0.013300656000000001],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['1e-400', 0],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['inf', Infinity],
    ['INF', Infinity],
    ['+infinity', Infinity],
    ['-Infinity', -Infinity],
  ];
  for (const [s, want] of cases) assert.equal(float(s), want, s);
  for (const s of ['NaN', 'nan', 'NAN']) assert.ok(Number.isNaN(float(s) as number), s);
  assert.ok(Object.is(float('-0'), -0));
});

test('sample values: decimal text of many doubles reads back as the same double', () => {
  // Shortest round-trip text (what Go and JavaScript print: up to 17 significant digits),
  // fixed 15/16/17-digit precisions, and mantissas at the edge of 2^53.
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const texts: string[] = ['9007199254740992', '9007199254740993', '900719925474099.3', '0.9007199254740993', '90071992547409921e-5'];
  for (let i = 0; i < 4000; i++) {
    const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    texts.push(String(x), x.toPrecision(15), x.toPrecision(16), x.toPrecision(17), (x * 1e6).toFixed(3));
  }
  for (const t of texts) assert.ok(Object.is(float(t), Number(t)), `${t}: ${float(t)} != ${Number(t)}`);
});

test('sample values: what JavaScript accepts and Prometheus rejects', () => {
  for (const s of ['', ' 1', '1 ', '0x10', '0x1p-3', '0X1', '0b1', '0o1', '1_000', '1abc', '+', '-', '.', 'e5', '1e', '1e+', 'infin', '+NaN', '-nan', 'Infinityx', '1.2.3', '1e400', '-1e400', '١']) {
    assert.equal(float(s), 'invalid', JSON.stringify(s));
  }
});

test('0.0.4 timestamps: int64 milliseconds', () => {
  const ms = (s: string) => parseMillisTimestamp(b(s), 0, s.length);
  assert.equal(ms('1395066363000'), 1395066363000_000000n);
  assert.equal(ms('-3982045'), -3982045_000000n);
  assert.equal(ms('+5'), 5_000000n);
  for (const s of ['', '1.5', '1e3', 'NaN', '0x10', '1_0', '9223372036854775808', '-']) assert.equal(ms(s), undefined, s);
});

test('OpenMetrics timestamps: seconds, exact to the nanosecond', () => {
  const sec = (s: string) => parseSecondsTimestamp(b(s), 0, s.length);
  assert.equal(sec('1'), 1_000_000_000n);
  assert.equal(sec('000'), 0n);
  assert.equal(sec('1.1'), 1_100_000_000n);
  assert.equal(sec('1.5e3'), 1_500_000_000_000n);
  assert.equal(sec('-1.1'), -1_100_000_000n);
  assert.equal(sec('0.0000000001'), 0n);
  assert.equal(sec('0.000000001'), 1n);
  assert.equal(sec('1520430000.123456789'), 1520430000123456789n);
  for (const s of ['', 'NaN', 'Inf', '-Inf', '0x1p-3', '1_2', '1.1.1', 'z', '1z', '.']) assert.equal(sec(s), undefined, s);
});

test('formatOpenMetricsFloat: Go shortest "g" format, ".0" on whole numbers (Prometheus 3 le/quantile)', () => {
  const cases: [number, string][] = [
    [0, '0.0'],
    [-0, '0.0'],
    [1, '1.0'],
    [-1, '-1.0'],
    [0.5, '0.5'],
    [1000, '1000.0'],
    [123456.7, '123456.7'],
    [999999, '999999.0'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [NaN, 'NaN'],
  ];
  for (const [v, want] of cases) assert.equal(formatOpenMetricsFloat(v), want, String(v));
  assert.equal(normalizedBound('1'), '1.0');
  assert.equal(normalizedBound('+inf'), '+Inf');
  assert.equal(normalizedBound('0.50'), '0.5');
  assert.equal(normalizedBound('1e3'), '1000.0');
  assert.equal(normalizedBound('abc'), 'abc');
});
