// Both parsers reuse the metric name and leading labels of the previous sample line when the
// bytes are the same (src/scrape/prefix.ts). Whatever the line order, and whether the prefix
// path or the general label scanner reads a line, the tables must be the same; and a line
// the general scanner rejects is rejected after any previous line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCsv } from '../../src/table/index.js';
import { generateExposition, toOpenMetrics } from '../../scripts/bench/scrape/generate.js';
import { parseError, rowsOf, tablesOf } from './helpers.js';

function shuffled<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const csv = (text: string) => encodeCsv([{ name: '_result', tables: tablesOf(text) }]);

test('same tables whatever the line order and whichever path parses a line', () => {
  const text = generateExposition(3000, 7);
  const lines = text.split('\n').filter((l) => l !== '');
  const meta = lines.filter((l) => l.startsWith('#'));
  const samples = lines.filter((l) => !l.startsWith('#'));
  const want = csv(text);
  assert.ok(want.length > 100_000);
  // Shuffled: little shared prefix between neighbours.
  assert.equal(csv([...meta, ...shuffled(samples, 1)].join('\n') + '\n'), want);
  // Sorted as strings: maximal shared prefixes, in another order.
  assert.equal(csv([...meta, ...[...samples].sort()].join('\n') + '\n'), want);
  // Spaces inside the braces: every label set goes through the general scanner.
  const spaced = samples.map((l) => l.replace(/\{/, '{ ').replace(/",/g, '" ,'));
  assert.equal(csv([...meta, ...spaced].join('\n') + '\n'), want);
});

test('a line that shares a prefix ending inside a token is parsed afresh', () => {
  const rows = (t: string) =>
    tablesOf(t).map((tb) => `${tb.column(2).get(0)} ${tb.columns.slice(5).map((c, i) => `${c.name}=${tb.column(5 + i).get(0)}`).join(',')}`);
  assert.deepEqual(rows('foo{a="1"} 1\nfoo_bar{a="1"} 2\nfoo{a="12"} 3\nfoo{ab="1"} 4\nfoo{a="1",b="2"} 5\nfoo{a="1"} 6 1000\n'), [
    'foo a=1',
    'foo a=1,b=2',
    'foo a=12',
    'foo ab=1',
    'foo_bar a=1',
  ]);
});

const omCsv = (text: string) => encodeCsv([{ name: '_result', tables: tablesOf(text, 'openmetrics') }]);

test('OpenMetrics: the same tables whether labels come in one order or the reverse', () => {
  const text = toOpenMetrics(generateExposition(4000, 11)); // 4000: ends with a whole histogram
  // Reversing each label set changes which prefixes neighbouring lines share, not the series.
  const reversed = text
    .split('\n')
    .map((l) => l.replace(/^([^#{ ]+)\{([^}]*)\}/, (_m, name: string, body: string) => `${name}{${body.split(',').reverse().join(',')}}`))
    .join('\n');
  assert.notEqual(reversed, text);
  const want = omCsv(text);
  assert.ok(want.length > 100_000);
  assert.equal(omCsv(reversed), want);
});

test('OpenMetrics: what the general scanner rejects is rejected after a line with the same prefix', () => {
  const om = (lines: string[]) => lines.join('\n') + '\n# EOF\n';
  const cases: [string, RegExp][] = [
    ['a{x="1",} 2', /trailing "," in label set/],
    ['a{x="1",,y="2"} 2', /unexpected ","|label name/],
    ['a{x="1", y="2"} 2', /label name/],
    ['a{x="1",x="2"} 2', /label name "x" is repeated/],
    ['a{x="1"}  2', /value/],
    ['a{x="1"y="2"} 2', /expected "," or "}"/],
  ];
  for (const [line, want] of cases) {
    const e = parseError(om(['# TYPE a gauge', 'a{x="1"} 1', line]), 'openmetrics');
    assert.equal(e.at.split(':')[0], '3', `${line}: ${e.error.message}`);
    assert.match(e.error.message, want, line);
  }
});

test('OpenMetrics: escapes and UTF-8 after reused labels take the general scanner', () => {
  assert.deepEqual(rowsOf('# TYPE a gauge\na{x="1"} 1\na{x="1",y="q\\"uote"} 2\na{x="1",y="\u00e9t\u00e9"} 3\n# EOF\n', 'openmetrics'), [
    'a{x="1"} 1',
    'a{x="1",y="q\\"uote"} 2',
    'a{x="1",y="\u00e9t\u00e9"} 3',
  ]);
});
