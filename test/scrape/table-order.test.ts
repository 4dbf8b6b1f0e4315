// The order of a scrape's tables (src/scrape/tables.ts): by _field, then by the series' labels
// taken in name order, each label compared by name, then by value, as strings by their UTF-8
// bytes (as Flux orders strings; not JavaScript's UTF-16 order), except `le`
// and `quantile`, compared as the numbers they stand for (+Inf last); a series whose labels
// are a prefix of another's comes first. Checked here against a plain comparison of
// the tables' own keys, on inputs whose series arrive in many orders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Table } from '../../src/table/index.js';
import { generateExposition } from '../../scripts/bench/scrape/generate.js';
import { tablesOf } from './helpers.js';
import { compareStrings } from '../../src/values/compare.js';

const FIXED = new Set(['_time', '_measurement', '_field', '_value', 'url']);

function labelsOf(t: Table): [string, string][] {
  const out: [string, string][] = [];
  t.key.columns.forEach((c, i) => {
    if (!FIXED.has(c.name)) out.push([c.name, String(t.key.values[i])]);
  });
  return out.sort((a, b) => compareStrings(a[0], b[0]));
}

const cmpStr = compareStrings;
const num = (v: string) => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));
const cmpValue = (name: string, a: string, b: string) =>
  (name === 'le' || name === 'quantile') && !Number.isNaN(num(a)) && !Number.isNaN(num(b)) ? Math.sign(num(a) - num(b)) || cmpStr(a, b) : cmpStr(a, b);

function compareTables(a: Table, b: Table): number {
  const fa = String(a.key.values[a.key.columns.findIndex((c) => c.name === '_field')]);
  const fb = String(b.key.values[b.key.columns.findIndex((c) => c.name === '_field')]);
  if (fa !== fb) return cmpStr(fa, fb);
  const la = labelsOf(a);
  const lb = labelsOf(b);
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const d = cmpStr(la[i]![0], lb[i]![0]) || cmpValue(la[i]![0], la[i]![1], lb[i]![1]);
    if (d !== 0) return d;
  }
  return la.length - lb.length;
}

function assertOrdered(tables: Table[]): void {
  for (let k = 1; k < tables.length; k++) {
    const d = compareTables(tables[k - 1]!, tables[k]!);
    assert.ok(d < 0, `table ${k - 1} must come before table ${k} (${JSON.stringify(labelsOf(tables[k - 1]!))} vs ${JSON.stringify(labelsOf(tables[k]!))})`);
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

test('generated exposition: histograms (le by number), summaries, reversed and shuffled series', () => {
  const text = generateExposition(5000, 3);
  const lines = text.split('\n').filter((l) => l !== '');
  const meta = lines.filter((l) => l.startsWith('#'));
  const samples = lines.filter((l) => !l.startsWith('#'));
  const want = tablesOf(text);
  assertOrdered(want);
  const r = rng(9);
  const shuffled = [...samples].sort(() => r() - 0.5);
  for (const body of [[...samples].reverse(), shuffled]) {
    const got = tablesOf([...meta, ...body].join('\n') + '\n');
    assertOrdered(got);
    assert.equal(got.length, want.length);
  }
});

test('random label sets in one field: ragged names, shared prefixes, repeated series', () => {
  const r = rng(5);
  const names = ['a', 'b', 'c', 'url', 'zz'];
  // Also values whose UTF-8 and UTF-16 orders differ: U+FF01 and U+FFFD before U+1F600.
  const values = ['', '0', '1', '10', '2', 'x', 'xy', '+Inf', '\u{FF01}', '\u{1F600}', 'a\u{FFFD}', 'a\u{1F600}', 'é'];
  const lines: string[] = [];
  const distinct = new Set<string>();
  for (let n = 0; n < 2000; n++) {
    const chosen = names.filter(() => r() < 0.6);
    const pairs = chosen.map((k) => `${k}="${values[Math.floor(r() * values.length)]}"`);
    // Label names in any order on the line.
    pairs.sort(() => r() - 0.5);
    const field = r() < 0.5 ? 'm' : 'n';
    // Distinct timestamps: a repeated series keeps every sample.
    lines.push(`${field}{${pairs.join(',')}} ${n} ${1_000_000 + n}`);
    // An empty label value is the label's absence (as in Prometheus).
    distinct.add(`${field} ${pairs.filter((p) => !p.endsWith('=""')).sort().join(',')}`);
  }
  const tables = tablesOf(lines.join('\n') + '\n');
  assertOrdered(tables);
  assert.equal(tables.length, distinct.size);
  // A repeated series is one table with its samples in exposition order.
  assert.equal(tables.reduce((n, t) => n + t.length, 0), 2000);
  for (const t of tables) {
    const v = t.column(t.columnIndex('_value')).floats!;
    for (let i = 1; i < v.length; i++) assert.ok(v[i - 1]! < v[i]!, 'rows in exposition order');
  }
});
