// Random streams of tables for property tests of the table layer and the table functions:
// seeded (the same seed gives the same tables), with every Flux column type, nulls, sorted
// or shuffled times with duplicates, and sizes that cross the builders' and kernels' fixed
// boundaries (16 / 64 / 1,024 / 4,096 rows). The rows stay plain JavaScript values so that a
// test can compute the expected result with obviously-correct code, and `toAnnotatedCsv`
// turns the stream into the text `csv.from(csv:)` reads.
//
// Cell values: float -> number, int / uint / time -> bigint (time in ns since the epoch),
// bool -> boolean, string -> string, null -> null.
import assert from 'node:assert/strict';
import type { Table } from '../../src/table/index.js';
import { Time, UInt } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';
import { rng } from './rng.js';

export type GenType = 'float' | 'int' | 'uint' | 'bool' | 'string' | 'time';
export type Cell = null | number | bigint | boolean | string;

export interface GenColumn {
  readonly name: string;
  readonly type: GenType;
}

export interface GenTable {
  readonly columns: readonly GenColumn[];
  /** Names of the group-key columns (their values are the same on every row). */
  readonly key: readonly string[];
  /** Key values in the order of `key` (needed for a table without rows). */
  readonly keyValues: readonly Cell[];
  readonly rows: Cell[][];
}

/** Row counts just below, at and above the fixed sizes a table engine tends to use. */
export const BOUNDARY_SIZES = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 4095, 4096, 4097];

/** 2030-01-01T00:00:00Z in ns. */
export const T0 = 1_893_456_000_000_000_000n;
export const SECOND = 1_000_000_000n;

export interface StreamOptions {
  /** Row count of each table (one table per entry). */
  readonly sizes: readonly number[];
  /** Type of `_value`. */
  readonly valueType: GenType;
  /** Probability that a `_value` (and `x`) cell is null. */
  readonly nullRate: number;
  /** Times in increasing order (with duplicates), or shuffled. */
  readonly sortedTimes: boolean;
  /** Number of distinct strings `_value` / `tag` draw from (dictionary size). */
  readonly distinctStrings: number;
}

export interface Gen {
  readonly seed: number;
  readonly next: () => number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
}

export function gen(seed: number): Gen {
  const next = rng(seed);
  return {
    seed,
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** A random value of a type; floats are multiples of 1/8 (sums are exact in any order). */
export function randomCell(g: Gen, type: GenType, distinctStrings: number): Cell {
  switch (type) {
    case 'float':
      return g.int(-8000, 8000) / 8;
    case 'int':
      return BigInt(g.int(-1000, 1000));
    case 'uint':
      return BigInt(g.int(0, 2000));
    case 'bool':
      return g.next() < 0.5;
    case 'string':
      return 's' + g.int(0, Math.max(0, distinctStrings - 1)).toString(36);
    case 'time':
      return T0 + BigInt(g.int(0, 100_000)) * SECOND + BigInt(g.int(0, 999));
  }
}

/**
 * A stream: each table has key columns _start, _stop (time), _measurement, _field, host
 * (string, host unique per table) and columns _time, _value (`valueType`), tag (string) and
 * x (float, nullable). Start / stop bound every `_time`.
 */
export function randomStream(g: Gen, o: StreamOptions): GenTable[] {
  const columns: GenColumn[] = [
    { name: '_start', type: 'time' },
    { name: '_stop', type: 'time' },
    { name: '_time', type: 'time' },
    { name: '_value', type: o.valueType },
    { name: '_field', type: 'string' },
    { name: '_measurement', type: 'string' },
    { name: 'host', type: 'string' },
    { name: 'tag', type: 'string' },
    { name: 'x', type: 'float' },
  ];
  const key = ['_start', '_stop', '_field', '_measurement', 'host'];
  const start = T0;
  return o.sizes.map((n, ti) => {
    const times: bigint[] = [];
    let t = start + BigInt(g.int(0, 5)) * SECOND;
    for (let i = 0; i < n; i++) {
      times.push(t);
      // Steps of 0 (duplicate times), sub-second, seconds and longer gaps.
      const r = g.next();
      t += r < 0.1 ? 0n : r < 0.3 ? BigInt(g.int(1, 999_999_999)) : r < 0.95 ? BigInt(g.int(1, 20)) * SECOND : BigInt(g.int(1, 600)) * SECOND;
    }
    if (!o.sortedTimes) {
      for (let i = times.length - 1; i > 0; i--) {
        const j = g.int(0, i);
        [times[i], times[j]] = [times[j]!, times[i]!];
      }
    }
    const stop = t + SECOND;
    const field = ti % 3 === 0 ? 'f0' : 'f1';
    const meas = 'm';
    const host = 'h' + ti.toString().padStart(3, '0');
    const rows: Cell[][] = times.map((tm) => [
      start,
      stop,
      tm,
      g.next() < o.nullRate ? null : randomCell(g, o.valueType, o.distinctStrings),
      field,
      meas,
      host,
      't' + g.int(0, Math.max(0, Math.min(o.distinctStrings, 40) - 1)),
      g.next() < o.nullRate ? null : g.int(-100, 100) / 4,
    ]);
    return { columns, key, keyValues: [start, stop, field, meas, host], rows };
  });
}

const DATATYPE: Record<GenType, string> = {
  float: 'double',
  int: 'long',
  uint: 'unsignedLong',
  bool: 'boolean',
  string: 'string',
  time: 'dateTime:RFC3339Nano',
};

/** RFC 3339 with nine fraction digits, computed with BigInt only. */
export function rfc3339(ns: bigint): string {
  let s = ns / SECOND;
  let f = ns % SECOND;
  if (f < 0n) {
    f += SECOND;
    s -= 1n;
  }
  const iso = new Date(Number(s) * 1000).toISOString();
  return `${iso.slice(0, 19)}.${f.toString().padStart(9, '0')}Z`;
}

export function csvCell(type: GenType, v: Cell): string {
  if (v === null) return '';
  if (type === 'time') return rfc3339(v as bigint);
  return String(v);
}

/**
 * Annotated CSV (one block per table) of a stream; strings must not need quoting. Group-key
 * values are written once, in the #default annotation (rows leave those cells empty), which
 * keeps the text small; the decoder fills them in.
 */
export function toAnnotatedCsv(tables: readonly GenTable[]): string {
  const out: string[] = [];
  tables.forEach((t, id) => {
    const row = (cells: string[]): string => cells.join(',');
    const inKey = t.columns.map((c) => t.key.includes(c.name));
    out.push(row(['#datatype', 'string', 'long', ...t.columns.map((c) => DATATYPE[c.type])]));
    out.push(row(['#group', 'false', 'false', ...inKey.map(String)]));
    out.push(row(['#default', '_result', '', ...t.columns.map((c, j) => (inKey[j] ? csvCell(c.type, t.keyValues[t.key.indexOf(c.name)]!) : ''))]));
    out.push(row(['', 'result', 'table', ...t.columns.map((c) => c.name)]));
    const prefix = `,,${id}`;
    for (const r of t.rows) {
      let line = prefix;
      for (let j = 0; j < r.length; j++) line += ',' + (inKey[j] ? '' : csvCell(t.columns[j]!.type, r[j]!));
      out.push(line);
    }
    out.push('');
  });
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// Canonical text of tables (key, columns sorted by name, rows in order), so that a
// difference shows as a readable diff.

function cellText(type: GenType, v: Cell): string {
  if (v === null) return 'null';
  if (type === 'float') return Object.is(v, -0) ? '-0' : String(v);
  return String(v);
}

function valueCell(v: Value): Cell {
  if (v instanceof Time) return v.ns;
  if (v instanceof UInt) return v.value;
  return v as Cell;
}

/** Columns sorted by name (tables are compared whatever their column order). */
function columnOrder(t: GenTable): { c: GenColumn; j: number }[] {
  return t.columns.map((c, j) => ({ c, j })).sort((a, b) => (a.c.name < b.c.name ? -1 : 1));
}

function header(t: GenTable): string {
  const keyNames = [...t.key].sort();
  const keyText = keyNames.map((k) => {
    const c = t.columns.find((x) => x.name === k);
    return `${k}=${c === undefined ? '?' : cellText(c.type, t.keyValues[t.key.indexOf(k)]!)}`;
  });
  return `key {${keyText.join(', ')}} columns [${columnOrder(t).map(({ c }) => `${c.name}:${c.type}`).join(', ')}] rows ${t.rows.length}`;
}

function rowText(t: GenTable, order: { c: GenColumn; j: number }[], r: number): string {
  const row = t.rows[r];
  return row === undefined ? '(no row)' : order.map(({ c, j }) => cellText(c.type, row[j]!)).join(',');
}

/** The text of a table: its header line, then one line per row (columns sorted by name). */
export function canonical(t: GenTable): string {
  const order = columnOrder(t);
  return [header(t), ...t.rows.map((_, r) => rowText(t, order, r))].join('\n');
}

/** Equal cells (floats by Object.is: NaN equals NaN, 0 differs from -0). */
const sameCell = (a: Cell, b: Cell): boolean => (typeof a === 'number' ? Object.is(a, b) : a === b);

/** The rows of a table as plain cells (read from the typed arrays of the contract). */
export function fromTable(t: Table): GenTable {
  const columns: GenColumn[] = t.columns.map((c) => ({ name: c.name, type: c.type }));
  const n = t.length;
  const rows: Cell[][] = Array.from({ length: n }, () => new Array<Cell>(columns.length));
  columns.forEach((_, j) => {
    const c = t.column(j);
    const cell: (i: number) => Cell =
      c.type === 'float'
        ? (i) => c.floats![i]!
        : c.type === 'int' || c.type === 'time'
          ? (i) => c.ints![i]!
          : c.type === 'uint'
            ? (i) => c.uints![i]!
            : c.type === 'bool'
              ? (i) => c.bools![i] === 1
              : (i) => c.strings!.dictionary[c.strings!.codes[i]!]!;
    for (let i = 0; i < n; i++) rows[i]![j] = c.valid !== null && c.valid[i] === 0 ? null : cell(i);
  });
  return { columns, key: t.key.columns.map((c) => c.name), keyValues: t.key.values.map(valueCell), rows };
}

function keyText(t: GenTable): string {
  return header(t).split(' columns ')[0]!;
}

/** Compare output with the reference: same set of keys, and per key the same table. */
export function assertSameTables(actual: readonly GenTable[], want: readonly GenTable[], what: string): void {
  const byKey = (ts: readonly GenTable[]): Map<string, GenTable> => {
    const m = new Map<string, GenTable>();
    for (const t of ts) {
      const k = keyText(t);
      assert.ok(!m.has(k), `${what}: two tables with ${k}`);
      m.set(k, t);
    }
    return m;
  };
  const a = byKey(actual);
  const w = byKey(want);
  assert.deepEqual([...a.keys()].sort(), [...w.keys()].sort(), `${what}: group keys`);
  for (const [k, wt] of w) {
    const at = a.get(k)!;
    const ha = header(at);
    const hw = header(wt);
    if (ha !== hw) assert.fail(`${what}: table ${k} differs:\n  header got  ${ha}\n  header want ${hw}`);
    const oa = columnOrder(at);
    const ow = columnOrder(wt);
    for (let r = 0; r < wt.rows.length; r++) {
      const x = at.rows[r]!;
      const y = wt.rows[r]!;
      if (oa.every(({ j }, m) => sameCell(x[j]!, y[ow[m]!.j]!))) continue;
      assert.fail(`${what}: table ${k} differs at row ${r}:\n  got  ${rowText(at, oa, r)}\n  want ${rowText(wt, ow, r)}\n  header ${hw}`);
    }
  }
}

