// The text parser reuses the metric name and leading labels of the previous line when the
// bytes are the same (src/scrape/parse-text.ts). Whatever the line order, and whether the
// fast path or the general label scanner reads a line, the tables must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCsv } from '../../src/table/index.js';
import { generateExposition } from '../../scripts/bench/scrape/generate.js';
import { tablesOf } from './helpers.js';

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
