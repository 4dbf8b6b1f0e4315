// Property tests of the table layer at scale: random tables (test/support/random-tables.ts)
// whose row counts cross the builders' growth points and the CSV encoder's 4,096-row chunks,
// built row by row, encoded and decoded, sliced, gathered, concatenated and converted to
// Arrow (in several record batches), each compared with the same rows in plain JavaScript.
// A failure names its seed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { TableBuilder, concatColumns, decodeCsv, encodeCsv, sliceRows, takeRows } from '../../src/table/index.js';
import type { Table } from '../../src/table/index.js';
import { tableFromArrow } from '../../src/table/table.js';
import type { ArrowTable } from '../../src/table/table.js';
import { Time, UInt } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';
import { BOUNDARY_SIZES, assertSameTables, fromTable, gen, randomStream, toAnnotatedCsv } from '../support/random-tables.js';
import type { Cell, GenTable, GenType } from '../support/random-tables.js';

const TYPES: GenType[] = ['float', 'int', 'uint', 'bool', 'string', 'time'];

function fluxValue(type: GenType, v: Cell): Value {
  if (v === null) return null;
  if (type === 'time') return new Time(v as bigint);
  if (type === 'uint') return new UInt(v as bigint);
  return v;
}

function build(t: GenTable): ArrowTable {
  const b = new TableBuilder(t.columns, t.key);
  for (const r of t.rows) r.forEach((v, j) => b.appendValue(j, fluxValue(t.columns[j]!.type, v)));
  return b.build(t.key.map((k, i) => fluxValue(t.columns.find((c) => c.name === k)!.type, t.keyValues[i]!)));
}

/** Streams of every `_value` type, with nulls, sized at the boundaries and beyond 4,096 rows. */
function streams(seed: number): { seed: number; tables: GenTable[] }[] {
  return TYPES.map((valueType, k) => {
    const g = gen(seed + k);
    const sizes = [...BOUNDARY_SIZES.filter((n) => n < 2000), g.pick([4095, 4096, 4097]), 8193];
    return { seed: seed + k, tables: randomStream(g, { sizes, valueType, nullRate: g.pick([0.02, 0.3]), sortedTimes: g.next() < 0.5, distinctStrings: g.pick([5, 5000]) }) };
  });
}

const INPUTS = streams(7100);

describe('the table layer on large random tables (seeded; a failure names its seed)', () => {
  test('TableBuilder keeps every row', () => {
    for (const { seed, tables } of INPUTS) assertSameTables(tables.map(build).map(fromTable), tables, `build, seed ${seed}`);
  });

  test('decodeCsv of annotated CSV keeps every row', () => {
    for (const { seed, tables } of INPUTS) {
      const d = decodeCsv(toAnnotatedCsv(tables));
      assertSameTables(d.results.flatMap((r) => r.tables).map(fromTable), tables, `decodeCsv, seed ${seed}`);
    }
  });

  test('encodeCsv then decodeCsv gives the same tables (beyond the 4,096-row chunks)', () => {
    for (const { seed, tables } of INPUTS) {
      const text = encodeCsv([{ name: '_result', tables: tables.map(build) }]);
      const d = decodeCsv(text);
      assertSameTables(d.results.flatMap((r) => r.tables).map(fromTable), tables, `encodeCsv, seed ${seed}`);
    }
  });

  test('takeRows and sliceRows select the right rows', () => {
    for (const { seed, tables } of INPUTS) {
      const g = gen(seed);
      const built = tables.map(build);
      const idx = tables.map((t) => Array.from({ length: g.int(0, t.rows.length * 2) }, () => g.int(0, Math.max(0, t.rows.length - 1))).filter(() => t.rows.length > 0));
      assertSameTables(
        built.map((t, i) => fromTable(takeRows(t, Int32Array.from(idx[i]!)))),
        tables.map((t, i) => ({ ...t, rows: idx[i]!.map((r) => t.rows[r]!) })),
        `takeRows, seed ${seed}`,
      );
      const cuts = tables.map((t) => [g.int(0, t.rows.length), g.int(0, t.rows.length)].sort((a, b) => a - b) as [number, number]);
      assertSameTables(
        built.map((t, i) => fromTable(sliceRows(t, cuts[i]![0], cuts[i]![1]))),
        tables.map((t, i) => ({ ...t, rows: t.rows.slice(cuts[i]![0], cuts[i]![1]) })),
        `sliceRows, seed ${seed}`,
      );
    }
  });

  test('concatColumns of columns from many tables (each with its own dictionary)', () => {
    for (const { seed, tables } of INPUTS) {
      const built = tables.map(build);
      const first = tables[0]!;
      const cols = first.columns.map((c, j) => concatColumns(c.type, built.map((t) => t.column(j))));
      const rows = tables.flatMap((t) => t.rows);
      for (let j = 0; j < cols.length; j++) {
        const col = cols[j]!;
        assert.equal(col.length, rows.length, `seed ${seed}, column ${first.columns[j]!.name}: length`);
        for (let i = 0; i < rows.length; i++) {
          const want = fluxValue(first.columns[j]!.type, rows[i]![j]!);
          const got = col.get(i);
          if (want instanceof Time || want instanceof UInt) assert.deepEqual(got, want, `seed ${seed}, column ${first.columns[j]!.name}, row ${i}`);
          else assert.equal(got, want, `seed ${seed}, column ${first.columns[j]!.name}, row ${i}`);
        }
      }
    }
  });

  test('an Arrow table (one record batch per input table) converts back with every row', () => {
    for (const { seed, tables } of INPUTS) {
      // Tables with one key each: regroup all rows into one Arrow table of several batches.
      const built = tables.map(build);
      const parts = built.map((t) => t.toArrow());
      const schema = parts[0]!.schema;
      const at = new arrow.Table(schema, parts.flatMap((p) => p.batches.map((b) => new arrow.RecordBatch(schema, b.data))));
      assert.equal(at.batches.length, tables.length);
      const back: Table = tableFromArrow(at, []);
      const rows = tables.flatMap((t) => t.rows);
      assertSameTables([fromTable(back)], [{ columns: tables[0]!.columns, key: [], keyValues: [], rows }], `tableFromArrow, seed ${seed}`);
      // A slice of an Arrow vector starts at a bit offset inside the validity and bool bitmaps.
      const s = 13;
      const sliced = at.slice(s, at.numRows - 3);
      assertSameTables([fromTable(tableFromArrow(sliced, []))], [{ columns: tables[0]!.columns, key: [], keyValues: [], rows: rows.slice(s, rows.length - 3) }], `tableFromArrow of a slice, seed ${seed}`);
    }
  });
});
