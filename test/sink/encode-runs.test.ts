// to() into the embedded store hands the rows of a table to the store as one run when they
// are one series with nothing to skip (PointSink.addSeries). Property: over random tables
// (every value type, nulls, NaN and infinities, empty and null names, tags that vary or
// not, sub-ranges of rows), the store gets exactly the points, in the order, with the skip
// counts, that point-by-point adds give; and the run path is taken exactly when it may be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TableBuilder } from '../../src/table/index.js';
import type { ColumnMeta, ColumnType, Table } from '../../src/table/index.js';
import { DEFAULT_MAPPING, LineEncoder } from '../../src/sink/encode.js';
import type { PointSink } from '../../src/sink/encode.js';
import { BatchBuilder } from '../../src/store/index.js';
import type { SeriesBatch } from '../../src/store/index.js';
import { Time, UInt } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';
import { gen, type Gen } from '../support/random-tables.js';

const T0 = 1_893_456_000_000_000_000n;
const VALUE_TYPES: ColumnType[] = ['float', 'int', 'uint', 'bool', 'string'];

interface Case {
  readonly table: Table;
  readonly start: number;
  readonly end: number;
  /** Whether rows [start, end) are one series with nothing to skip (computed from the rows). */
  readonly oneRun: boolean;
}

/** A string column's cells: one value for all rows (sometimes '' or null), or varying. */
function stringCells(g: Gen, n: number, pool: readonly string[], vary: number): (string | null)[] {
  const one = g.next() < 0.1 ? null : g.next() < 0.1 ? '' : g.pick(pool);
  return Array.from({ length: n }, () => (g.next() < vary ? (g.next() < 0.05 ? null : g.pick(pool)) : one));
}

function valueCell(g: Gen, type: ColumnType): Value {
  if (g.next() < 0.03) return null;
  switch (type) {
    case 'float': {
      const r = g.next();
      return r < 0.03 ? NaN : r < 0.05 ? Infinity : r < 0.07 ? -Infinity : g.int(-800, 800) / 8;
    }
    case 'int':
      return BigInt(g.int(-1000, 1000));
    case 'uint':
      return new UInt(BigInt(g.int(0, 1000)));
    case 'bool':
      return g.next() < 0.5;
    default:
      return 's' + g.int(0, 5);
  }
}

function randomCase(g: Gen): Case {
  const n = g.pick([1, 1, 1, 2, 3, 5, 17, 40]);
  const vtype = g.pick(VALUE_TYPES);
  const columns: ColumnMeta[] = [
    { name: '_time', type: 'time' },
    { name: '_measurement', type: 'string' },
    { name: '_field', type: 'string' },
    { name: '_value', type: vtype },
    { name: 'host', type: 'string' },
    { name: 'tag', type: 'string' },
    { name: 'url', type: 'string' },
    { name: 'x', type: 'int' }, // not a string: never a tag
  ];
  const clean = g.next() < 0.5; // half the tables have nothing that may vary or be skipped
  const times = Array.from({ length: n }, (_, i): Value => (!clean && g.next() < 0.05 ? null : new Time(T0 + BigInt(g.int(0, 3) + i) * 1_000_000_000n)));
  const meas = clean ? Array<string | null>(n).fill('m') : stringCells(g, n, ['m', 'n'], 0.1);
  const field = clean ? Array<string | null>(n).fill('f') : stringCells(g, n, ['f', 'g'], 0.1);
  const host = stringCells(g, n, ['h1', 'h2', 'h3'], clean ? 0 : 0.1);
  const tag = stringCells(g, n, ['t1', 't2'], clean ? 0 : 0.3);
  const url = stringCells(g, n, ['http://a/metrics'], 0);
  const values = Array.from({ length: n }, () => {
    const v = valueCell(g, vtype);
    return clean && (v === null || (typeof v === 'number' && !Number.isFinite(v))) ? (vtype === 'float' ? 1.25 : valueCell(g, vtype) ?? valueCell(g, vtype)) : v;
  });
  const b = new TableBuilder(columns, []);
  for (let i = 0; i < n; i++) {
    const row: Value[] = [times[i]!, meas[i]!, field[i]!, values[i]!, host[i]!, tag[i]!, url[i]!, BigInt(i)];
    row.forEach((v, c) => b.appendValue(c, v));
  }
  const table = b.build();
  const start = g.next() < 0.7 ? 0 : g.int(0, n - 1);
  const end = g.next() < 0.7 ? n : g.int(start + 1, n);
  const range = (xs: readonly Value[]) => xs.slice(start, end);
  const same = (xs: readonly Value[]) => range(xs).every((x) => x === xs[start]);
  const oneRun =
    range(times).every((t) => t !== null) &&
    range(values).every((v) => v !== null && (typeof v !== 'number' || Number.isFinite(v))) &&
    same(meas) && meas[start] !== null && meas[start] !== '' &&
    same(field) && field[start] !== null &&
    same(host) && same(tag) && same(url);
  return { table, start, end, oneRun };
}

function shown(series: readonly SeriesBatch[]): string {
  return JSON.stringify(
    series.map((s) => [s.measurement, s.tags, s.field, s.type, [...s.times], [...(s.values as Iterable<unknown>)]]),
    (_, v) => (typeof v === 'bigint' ? `${v}n` : v),
  );
}

test('runs given to the store are the points, order and skip counts of point-by-point adds', () => {
  let runs = 0;
  let expectedRuns = 0;
  let fallbacks = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const g = gen(seed);
    const cases = Array.from({ length: 40 }, () => randomCase(g));
    const byRun = new BatchBuilder();
    const byPoint = new BatchBuilder();
    const runSink: PointSink = {
      add: (m, tags, f, t, v) => byRun.add(m, tags, f, t, v),
      addSeries: (m, tags, f, type, times, values) => {
        runs++;
        byRun.addSeries(m, tags, f, type, times, values);
      },
    };
    const pointSink: PointSink = { add: (m, tags, f, t, v) => byPoint.add(m, tags, f, t, v) };
    const encRun = new LineEncoder(DEFAULT_MAPPING);
    const encPoint = new LineEncoder(DEFAULT_MAPPING);
    for (const c of cases) {
      const before = runs;
      assert.equal(encRun.encodePoints(c.table, runSink, c.start, c.end), undefined);
      assert.equal(encPoint.encodePoints(c.table, pointSink, c.start, c.end), undefined);
      assert.equal(runs - before, c.oneRun ? 1 : 0, `seed ${seed}: rows ${c.start}-${c.end} ${c.oneRun ? 'are' : 'are not'} one clean series`);
      if (c.oneRun) expectedRuns++;
      else fallbacks++;
    }
    assert.equal(byRun.size, byPoint.size, `seed ${seed}: points`);
    assert.equal(shown(byRun.build()), shown(byPoint.build()), `seed ${seed}: series`);
    assert.deepEqual(encRun.counts, encPoint.counts, `seed ${seed}: skip counts`);
  }
  assert.equal(runs, expectedRuns);
  assert.ok(runs > 500 && fallbacks > 500, `both paths exercised (${runs} runs, ${fallbacks} point by point)`);
});
