// Property tests of the table functions at scale: random streams (test/support/random-tables.ts)
// with row counts that cross the fixed sizes of builders and kernels (16, 64, 1,024, 4,096),
// up to hundreds of tables, nulls and every column type, run through the real runtime
// (`csv.from(csv:)` |> function) and compared with a plain JavaScript computation on the same
// rows. A failure prints the seed; the same seed reproduces the same input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectTables, isTableStream } from '../../../src/table/index.js';
import { runtime } from '../../interpreter/flux.js';
import { BOUNDARY_SIZES, SECOND, assertSameTables, fromTable, gen, randomStream, toAnnotatedCsv } from '../../support/random-tables.js';
import type { Cell, Gen, GenColumn, GenTable, GenType, StreamOptions } from '../../support/random-tables.js';

async function run(csv: string, pipe: string): Promise<GenTable[]> {
  const src = `import "csv"\nimport "experimental"\ndata = csv.from(csv: ${JSON.stringify(csv)})\n${pipe}`;
  const r = await runtime().run(src, { name: 'scale.flux' });
  const v = r.results.at(-1)!.value;
  assert.ok(isTableStream(v), 'the pipeline gives a stream');
  return (await collectTables(v)).map(fromTable);
}

// ---------------------------------------------------------------------------------------
// Reference helpers.

const indexCache = new WeakMap<readonly GenColumn[], Map<string, number>>();
/** Index of a column by name (cached per column list: references call it per row). */
const ci = (t: GenTable, name: string): number => {
  let m = indexCache.get(t.columns);
  if (m === undefined) indexCache.set(t.columns, (m = new Map(t.columns.map((c, j) => [c.name, j]))));
  return m.get(name) ?? -1;
};
const withRows = (t: GenTable, rows: Cell[][]): GenTable => ({ ...t, rows });

/** Key columns (in table order) plus one column `name` of `type` holding `values`. */
function keyed(t: GenTable, name: string, type: GenType, values: Cell[]): GenTable {
  const keyCols = t.columns.filter((c) => t.key.includes(c.name) && c.name !== name);
  const kv = keyCols.map((c) => t.keyValues[t.key.indexOf(c.name)]!);
  return { columns: [...keyCols, { name, type }], key: t.key, keyValues: t.keyValues, rows: values.map((v) => [...kv, v]) };
}

const num = (v: Cell): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const cmp = (a: Cell, b: Cell): number => {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  return a < b ? -1 : a > b ? 1 : 0;
};
const wrap = (type: GenType, v: bigint): bigint => (type === 'uint' ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v));

function sumOf(type: GenType, vs: Cell[]): Cell {
  const xs = vs.filter((v) => v !== null);
  if (xs.length === 0) return null;
  if (type === 'float') return (xs as number[]).reduce((a, b) => a + b, 0);
  return wrap(type, (xs as bigint[]).reduce((a, b) => a + b, 0n));
}

function stableSort(t: GenTable, cols: string[], desc: boolean): Cell[][] {
  const idx = cols.map((c) => ci(t, c));
  return t.rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      for (const j of idx) {
        const c = cmp(a.r[j]!, b.r[j]!);
        if (c !== 0) return desc ? -c : c;
      }
      return a.i - b.i;
    })
    .map((x) => x.r);
}

/** Rows of all tables regrouped by the values of `cols`, in input order. */
function regroup(ts: readonly GenTable[], cols: string[]): GenTable[] {
  const out = new Map<string, GenTable>();
  for (const t of ts) {
    const idx = cols.map((c) => ci(t, c));
    for (const r of t.rows) {
      const kv = idx.map((j) => r[j]!);
      const id = kv.map((v) => (v === null ? 'null' : typeof v + String(v))).join('\u0000');
      let g = out.get(id);
      if (g === undefined) {
        g = { columns: t.columns, key: cols, keyValues: kv, rows: [] };
        out.set(id, g);
      }
      g.rows.push(r);
    }
  }
  return [...out.values()];
}

const KEY = ['_start', '_stop', '_field', '_measurement', 'host'];

/** regroup, plus an empty table for each table without rows whose key no other table has. */
function regroupKeepingEmpty(ts: readonly GenTable[], cols: string[]): GenTable[] {
  const out = regroup(ts, cols);
  const id = (kv: readonly Cell[]): string => kv.map((v) => (v === null ? 'null' : typeof v + String(v))).join('\u0000');
  const seen = new Set(out.map((t) => id(t.keyValues)));
  for (const t of ts) {
    if (t.rows.length > 0) continue;
    const kv = cols.map((c) => t.keyValues[t.key.indexOf(c)]!);
    if (seen.has(id(kv))) continue;
    seen.add(id(kv));
    out.push({ columns: t.columns, key: cols, keyValues: kv, rows: [] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Inputs.

const NUMERIC: GenType[] = ['float', 'int', 'uint'];
const ALL: GenType[] = ['float', 'int', 'uint', 'bool', 'string', 'time'];

interface Input {
  readonly seed: number;
  readonly opts: StreamOptions;
  readonly tables: GenTable[];
  readonly csv: string;
}

const SHAPES: ((g: Gen) => number[])[] = [
  () => BOUNDARY_SIZES.filter((n) => n < 100 || n === 1024 || n === 1025),
  (g) => [g.pick([4096, 4097])],
  (g) => Array.from({ length: g.int(100, 180) }, () => g.int(0, 10)),
];

/** Inputs are generated once per (shape, value type, variant) and shared by the cases. */
const pool = new Map<string, Input>();

function pooled(shape: number, valueType: GenType, variant: number): Input {
  const id = `${shape}:${valueType}:${variant}`;
  let input = pool.get(id);
  if (input === undefined) {
    const seed = 1000 + shape * 100 + ALL.indexOf(valueType) * 10 + variant;
    const g = gen(seed);
    const opts: StreamOptions = {
      sizes: SHAPES[shape]!(g),
      valueType,
      nullRate: [0, 0.05, 0.5][(variant + shape) % 3]!,
      sortedTimes: variant !== 1,
      distinctStrings: [3, 40, 3000][(variant + ALL.indexOf(valueType)) % 3]!,
    };
    const tables = randomStream(g, opts);
    input = { seed, opts, tables, csv: toAnnotatedCsv(tables) };
    pool.set(id, input);
  }
  return input;
}

/** Three streams per case: boundary sizes, one table of 4,096 or 4,097 rows, many small tables. */
function inputs(caseSeed: number, types: readonly GenType[]): Input[] {
  const g = gen(caseSeed);
  return SHAPES.map((_, shape) => pooled(shape, g.pick(types), g.int(0, 2)));
}

interface Case {
  readonly name: string;
  readonly types: readonly GenType[];
  readonly flux: (input: Input) => string;
  readonly want: (tables: GenTable[], input: Input) => GenTable[];
}

const perTable = (f: (t: GenTable) => GenTable | null) => (ts: GenTable[]) =>
  ts.flatMap((t) => {
    const o = f(t);
    return o === null ? [] : [o];
  });

const cases: Case[] = [
  {
    name: 'sum',
    types: NUMERIC,
    flux: () => 'data |> sum()',
    want: perTable((t) => keyed(t, '_value', t.columns[ci(t, '_value')]!.type, [sumOf(t.columns[ci(t, '_value')]!.type, t.rows.map((r) => r[ci(t, '_value')]!))])),
  },
  {
    name: 'count',
    types: ALL,
    flux: () => 'data |> count()',
    want: perTable((t) => keyed(t, '_value', 'int', [BigInt(t.rows.filter((r) => r[ci(t, '_value')] !== null).length)])),
  },
  {
    name: 'mean',
    types: NUMERIC,
    flux: () => 'data |> mean()',
    want: perTable((t) => {
      const xs = t.rows.map((r) => r[ci(t, '_value')]!).filter((v) => v !== null);
      return keyed(t, '_value', 'float', [xs.length === 0 ? null : xs.reduce((a: number, v) => a + num(v), 0) / xs.length]);
    }),
  },
  ...(['min', 'max'] as const).map(
    (fn): Case => ({
      name: fn,
      types: NUMERIC,
      flux: () => `data |> ${fn}()`,
      want: perTable((t) => {
        const j = ci(t, '_value');
        let best = -1;
        t.rows.forEach((r, i) => {
          if (r[j] === null) return;
          if (best < 0 || (fn === 'min' ? cmp(r[j]!, t.rows[best]![j]!) < 0 : cmp(r[j]!, t.rows[best]![j]!) > 0)) best = i;
        });
        return withRows(t, best < 0 ? [] : [t.rows[best]!]);
      }),
    }),
  ),
  ...(['first', 'last'] as const).map(
    (fn): Case => ({
      name: fn,
      types: ALL,
      flux: () => `data |> ${fn}()`,
      want: perTable((t) => {
        const j = ci(t, '_value');
        const rows = t.rows.filter((r) => r[j] !== null);
        const r = fn === 'first' ? rows[0] : rows.at(-1);
        return withRows(t, r === undefined ? [] : [r]);
      }),
    }),
  ),
  {
    name: 'sort by _value',
    types: ALL,
    flux: () => 'data |> sort()',
    want: perTable((t) => withRows(t, stableSort(t, ['_value'], false))),
  },
  {
    name: 'sort desc by _value',
    types: ALL,
    flux: () => 'data |> sort(desc: true)',
    want: perTable((t) => withRows(t, stableSort(t, ['_value'], true))),
  },
  {
    name: 'sort by tag, _time',
    types: ALL,
    flux: () => 'data |> sort(columns: ["tag", "_time"])',
    want: perTable((t) => withRows(t, stableSort(t, ['tag', '_time'], false))),
  },
  {
    name: 'sort by x (float with nulls)',
    types: ALL,
    flux: () => 'data |> sort(columns: ["x"])',
    want: perTable((t) => withRows(t, stableSort(t, ['x'], false))),
  },
  {
    name: 'limit and tail',
    types: ALL,
    flux: () => 'data |> limit(n: 1030, offset: 3) |> tail(n: 1000, offset: 10)',
    want: perTable((t) => {
      const a = t.rows.slice(3, 1033);
      return withRows(t, a.slice(Math.max(0, a.length - 1010), Math.max(0, a.length - 10)));
    }),
  },
  {
    name: 'top',
    types: NUMERIC,
    flux: () => 'data |> top(n: 100)',
    want: perTable((t) => withRows(t, stableSort(t, ['_value'], true).slice(0, 100))),
  },
  {
    name: 'bottom',
    types: NUMERIC,
    flux: () => 'data |> bottom(n: 70)',
    want: perTable((t) => withRows(t, stableSort(t, ['_value'], false).slice(0, 70))),
  },
  {
    name: 'filter on x',
    types: ALL,
    flux: () => 'data |> filter(fn: (r) => r.x > 3.0)',
    // onEmpty: "drop" (the default) drops the tables left without rows.
    want: (ts) => ts.map((t) => withRows(t, t.rows.filter((r) => r[ci(t, 'x')] !== null && (r[ci(t, 'x')] as number) > 3))).filter((t) => t.rows.length > 0),
  },
  {
    name: 'map adds a column',
    types: ALL,
    flux: () => 'data |> map(fn: (r) => ({r with y: r.x * 2.0}))',
    // map drops a table without rows, as Flux's does.
    want: perTable((t) => t.rows.length === 0 ? null : ({
      ...t,
      columns: [...t.columns, { name: 'y', type: 'float' }],
      rows: t.rows.map((r) => [...r, r[ci(t, 'x')] === null ? null : (r[ci(t, 'x')] as number) * 2]),
    })),
  },
  {
    name: 'group by tag',
    types: ALL,
    flux: () => 'data |> group(columns: ["tag"])',
    want: (ts) => regroup(ts, ['tag']),
  },
  {
    name: 'group by _value',
    types: ALL,
    flux: () => 'data |> group(columns: ["_value"])',
    want: (ts) => regroup(ts, ['_value']),
  },
  {
    name: 'group()',
    types: ALL,
    flux: () => 'data |> group()',
    want: (ts) => regroup(ts, []),
  },
  {
    name: 'group by tag |> sum',
    types: NUMERIC,
    flux: () => 'data |> group(columns: ["tag"]) |> sum()',
    want: (ts) => regroup(ts, ['tag']).map((t) => keyed(t, '_value', t.columns[ci(t, '_value')]!.type, [sumOf(t.columns[ci(t, '_value')]!.type, t.rows.map((r) => r[ci(t, '_value')]!))])),
  },
  {
    name: 'group() |> count',
    types: ALL,
    flux: () => 'data |> group() |> count()',
    want: (ts) => regroup(ts, []).map((t) => keyed(t, '_value', 'int', [BigInt(t.rows.filter((r) => r[ci(t, '_value')] !== null).length)])),
  },
  // One input table regrouped: the aggregate reduces the groups by dictionary code (one
  // string key column without nulls) or by group number per row (other keys).
  ...(
    [
      ['sum', ['tag']],
      ['mean', ['tag']],
      ['count', ['tag']],
      ['sum', ['tag', '_field']],
      ['mean', ['x']],
      ['count', ['_value']],
    ] as const
  ).map(
    ([fn, by]): Case => ({
      name: `group() |> group(columns: ${JSON.stringify(by)}) |> ${fn}()`,
      types: fn === 'count' ? ALL : NUMERIC,
      flux: () => `data |> group() |> group(columns: ${JSON.stringify(by)}) |> ${fn}()`,
      want: (ts) =>
        regroup(regroup(ts, []), [...by]).map((t) => {
          const j = ci(t, '_value');
          const type = t.columns[j]!.type;
          const vs = t.rows.map((r) => r[j]!);
          const xs = vs.filter((v) => v !== null);
          const v: Cell = fn === 'sum' ? sumOf(type, vs) : fn === 'count' ? BigInt(xs.length) : xs.length === 0 ? null : xs.reduce((a: number, x) => a + num(x), 0) / xs.length;
          const keyCols = by.map((name) => t.columns[ci(t, name)]!).filter((c) => c.name !== '_value');
          return {
            columns: [...keyCols, { name: '_value', type: fn === 'sum' ? type : fn === 'count' ? 'int' : 'float' }],
            key: t.key,
            keyValues: t.keyValues,
            rows: [[...keyCols.map((c) => t.keyValues[t.key.indexOf(c.name)]!), v]],
          };
        }),
    }),
  ),
  // Functions that change key values merge the tables whose keys become equal; a table
  // without rows keeps its (changed) key and stays an empty table unless another has it.
  {
    name: 'map sets a key column from a column',
    types: ALL,
    flux: () => 'data |> map(fn: (r) => ({r with host: r.tag}))',
    want: (ts) => regroup(ts.map((t) => withRows(t, t.rows.map((r) => r.map((v, k) => (k === ci(t, 'host') ? r[ci(t, 'tag')]! : v))))), KEY),
  },
  {
    name: 'set a key column to one value',
    types: ALL,
    flux: () => 'data |> set(key: "host", value: "all")',
    want: (ts) =>
      regroupKeepingEmpty(
        ts.map((t) => ({ ...t, keyValues: t.keyValues.map((v, i) => (t.key[i] === 'host' ? 'all' : v)), rows: t.rows.map((r) => r.map((v, k) => (k === ci(t, 'host') ? 'all' : v))) })),
        KEY,
      ),
  },
  {
    name: 'drop a key column',
    types: ALL,
    flux: () => 'data |> drop(columns: ["host", "_stop"])',
    want: (ts) =>
      regroupKeepingEmpty(
        ts.map((t) => {
          const idx = t.columns.map((c, j) => ({ c, j })).filter(({ c }) => c.name !== 'host' && c.name !== '_stop');
          const key = t.key.filter((k) => k !== 'host' && k !== '_stop');
          return { columns: idx.map(({ c }) => c), key, keyValues: key.map((k) => t.keyValues[t.key.indexOf(k)]!), rows: t.rows.map((r) => idx.map(({ j }) => r[j]!)) };
        }),
        ['_start', '_field', '_measurement'],
      ),
  },
  {
    name: 'distinct',
    types: ALL,
    flux: () => 'data |> distinct(column: "_value")',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const seen = new Set<string>();
      const vs: Cell[] = [];
      for (const r of t.rows) {
        const k = String(r[j]);
        if (!seen.has(k)) {
          seen.add(k);
          vs.push(r[j]!);
        }
      }
      return keyed(t, '_value', t.columns[j]!.type, vs);
    }),
  },
  {
    name: 'unique',
    types: ALL,
    flux: () => 'data |> unique(column: "tag")',
    want: perTable((t) => {
      const j = ci(t, 'tag');
      const seen = new Set<Cell>();
      return withRows(
        t,
        t.rows.filter((r) => !seen.has(r[j]!) && (seen.add(r[j]!), true)),
      );
    }),
  },
  {
    name: 'keep, drop, rename',
    types: ALL,
    flux: () => 'data |> drop(columns: ["x"]) |> rename(columns: {tag: "label"}) |> keep(columns: ["_time", "_value", "label", "host", "_start", "_stop", "_field", "_measurement"])',
    want: perTable((t) => {
      const cols = t.columns.filter((c) => c.name !== 'x');
      const idx = cols.map((c) => ci(t, c.name));
      return { ...t, columns: cols.map((c) => (c.name === 'tag' ? { ...c, name: 'label' } : c)), rows: t.rows.map((r) => idx.map((j) => r[j]!)) };
    }),
  },
  {
    name: 'fill with the previous value',
    types: ALL,
    flux: () => 'data |> fill(usePrevious: true)',
    want: perTable((t) => {
      const j = ci(t, '_value');
      let prev: Cell = null;
      return withRows(
        t,
        t.rows.map((r) => {
          if (r[j] !== null) prev = r[j]!;
          const o = [...r];
          o[j] = prev;
          return o;
        }),
      );
    }),
  },
  {
    name: 'fill with a value',
    types: ALL,
    flux: () => 'data |> fill(column: "x", value: -1.5)',
    want: perTable((t) => withRows(t, t.rows.map((r) => r.map((v, j) => (j === ci(t, 'x') && v === null ? -1.5 : v))))),
  },
  {
    name: 'cumulativeSum',
    types: NUMERIC,
    flux: () => 'data |> cumulativeSum()',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const type = t.columns[j]!.type;
      let s: number | bigint = type === 'float' ? 0 : 0n;
      return withRows(
        t,
        t.rows.map((r) => {
          const o = [...r];
          if (r[j] !== null) o[j] = s = type === 'float' ? (s as number) + (r[j] as number) : wrap(type, (s as bigint) + (r[j] as bigint));
          return o;
        }),
      );
    }),
  },
  {
    name: 'difference',
    types: NUMERIC,
    flux: () => 'data |> difference()',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const type = t.columns[j]!.type;
      let prev: Cell = null;
      const rows = t.rows.map((r) => {
        const o = [...r];
        const v = r[j]!;
        o[j] = v === null || prev === null ? null : type === 'float' ? (v as number) - (prev as number) : BigInt.asIntN(64, (v as bigint) - (prev as bigint));
        if (v !== null) prev = v;
        return o;
      });
      return { ...t, columns: t.columns.map((c, k) => (k === j && type === 'uint' ? { ...c, type: 'int' } : c)), rows: rows.slice(1) };
    }),
  },
  {
    name: 'elapsed',
    types: ALL,
    flux: () => 'data |> elapsed(unit: 1ms)',
    want: perTable((t) => {
      const j = ci(t, '_time');
      return {
        ...t,
        columns: [...t.columns, { name: 'elapsed', type: 'int' }],
        rows: t.rows.slice(1).map((r, i) => [...r, ((r[j] as bigint) - (t.rows[i]![j] as bigint)) / 1_000_000n]),
      };
    }),
  },
  {
    name: 'movingAverage',
    types: NUMERIC,
    flux: () => 'data |> movingAverage(n: 5)',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const mean = (rs: Cell[][]): Cell => {
        const xs = rs.map((r) => r[j]!).filter((v) => v !== null);
        return xs.length === 0 ? null : xs.reduce((a: number, v) => a + num(v), 0) / xs.length;
      };
      const columns = t.columns.map((c, k) => (k === j ? { ...c, type: 'float' as const } : c));
      const at = (i: number, v: Cell): Cell[] => t.rows[i]!.map((x, k) => (k === j ? v : x));
      if (t.rows.length < 5) return { ...t, columns, rows: t.rows.length === 0 ? [] : [at(t.rows.length - 1, mean(t.rows))] };
      return { ...t, columns, rows: t.rows.slice(4).map((_, i) => at(i + 4, mean(t.rows.slice(i, i + 5)))) };
    }),
  },
  {
    name: 'union of two streams',
    types: ALL,
    flux: () => 'union(tables: [data, data |> filter(fn: (r) => r.x > 0.0, onEmpty: "keep") |> map(fn: (r) => ({r with x: r.x + 1.0}))])',
    want: (ts) =>
      ts.map((t) => {
        const j = ci(t, 'x');
        const more = t.rows.filter((r) => r[j] !== null && (r[j] as number) > 0).map((r) => r.map((v, k) => (k === j ? (v as number) + 1 : v)));
        return withRows(t, [...t.rows, ...more]);
      }),
  },
  {
    name: 'union of the tables of one key from many streams (dictionaries differ)',
    types: ['string'],
    flux: () => 'union(tables: [data |> group(), data |> group() |> limit(n: 3000), data |> group() |> tail(n: 1500)])',
    want: (ts) => {
      const [g] = regroup(ts, []);
      if (g === undefined) return [];
      return [withRows(g, [...g.rows, ...g.rows.slice(0, 3000), ...g.rows.slice(Math.max(0, g.rows.length - 1500))])];
    },
  },
  {
    name: 'pivot tag into columns by _time',
    types: ALL,
    flux: () => 'data |> pivot(rowKey: ["_time"], columnKey: ["tag"], valueColumn: "_value")',
    want: perTable((t) => pivotRef(t, '_time', 'tag', '_value')),
  },
  {
    // A string row key with thousands of distinct values (and nulls) sorts through its
    // dictionary ranks.
    name: 'pivot tag into columns by _value',
    types: ALL,
    flux: () => 'data |> pivot(rowKey: ["_value"], columnKey: ["tag"], valueColumn: "x")',
    want: perTable((t) => pivotRef(t, '_value', 'tag', 'x')),
  },
  {
    name: 'join on _time and host',
    types: ALL,
    flux: () => 'join(tables: {a: data, b: data |> filter(fn: (r) => r.x > 10.0, onEmpty: "keep")}, on: ["_time", "host"])',
    want: (ts) =>
      ts.flatMap((t) => {
        const jt = ci(t, '_time');
        const jx = ci(t, 'x');
        const bRows = t.rows.filter((r) => r[jx] !== null && (r[jx] as number) > 10);
        const rows: Cell[][] = [];
        for (const ra of t.rows) for (const rb of bRows) if (ra[jt] === rb[jt]) rows.push([...ra, ...rb]);
        if (rows.length === 0) return [];
        const side = (s: string) => (c: GenColumn) => (c.name === '_time' || c.name === 'host' ? c : { ...c, name: `${c.name}_${s}` });
        const columns = [...t.columns.map(side('a')), ...t.columns.map(side('b'))];
        const keep = columns.map((c, k) => ({ c, k })).filter(({ c, k }) => k < t.columns.length || (c.name !== '_time' && c.name !== 'host'));
        const key = [...t.key.map((k) => (k === 'host' ? k : `${k}_a`)), ...t.key.filter((k) => k !== 'host').map((k) => `${k}_b`)];
        const keyValues = [...t.keyValues, ...t.keyValues.filter((_, i) => t.key[i] !== 'host')];
        return [{ columns: keep.map(({ c }) => c), key, keyValues, rows: rows.map((r) => keep.map(({ k }) => r[k]!)) }];
      }),
  },
  {
    name: 'join on _time and _field across tables',
    types: ALL,
    flux: () => 'join(tables: {a: data, b: data |> filter(fn: (r) => r.x > 15.0)}, on: ["_time", "_field"])',
    want: (ts) => {
      const on = ['_time', '_field'];
      const bs = ts.map((t) => withRows(t, t.rows.filter((r) => r[ci(t, 'x')] !== null && (r[ci(t, 'x')] as number) > 15))).filter((t) => t.rows.length > 0);
      const out: GenTable[] = [];
      for (const ta of ts) {
        const pairs = new Map<GenTable, Cell[][]>();
        for (const ra of ta.rows) {
          for (const tb of bs) {
            if (tb.keyValues[tb.key.indexOf('_field')] !== ta.keyValues[ta.key.indexOf('_field')]) continue;
            for (const rb of tb.rows) {
              if (rb[ci(tb, '_time')] !== ra[ci(ta, '_time')]) continue;
              if (!pairs.has(tb)) pairs.set(tb, []);
              pairs.get(tb)!.push([...ra, ...rb]);
            }
          }
        }
        for (const [tb, rows] of pairs) {
          const side = (s: string) => (c: GenColumn) => (on.includes(c.name) ? c : { ...c, name: `${c.name}_${s}` });
          const columns = [...ta.columns.map(side('a')), ...tb.columns.map(side('b'))];
          const keep = columns.map((c, k) => ({ c, k })).filter(({ c, k }) => k < ta.columns.length || !on.includes(c.name));
          const key = [...ta.key.map((k) => (on.includes(k) ? k : `${k}_a`)), ...tb.key.filter((k) => !on.includes(k)).map((k) => `${k}_b`)];
          const keyValues = [...ta.keyValues, ...tb.keyValues.filter((_, i) => !on.includes(tb.key[i]!))];
          out.push({ columns: keep.map(({ c }) => c), key, keyValues, rows: rows.map((r) => keep.map(({ k }) => r[k]!)) });
        }
      }
      return out;
    },
  },
  {
    name: 'experimental.group extend',
    types: ALL,
    flux: () => 'data |> experimental.group(columns: ["tag"], mode: "extend")',
    want: (ts) =>
      ts.flatMap((t) =>
        regroup([t], ['tag']).map((g) => ({ ...g, key: [...t.key, 'tag'], keyValues: [...t.keyValues, g.keyValues[0]!] })),
      ),
  },
  {
    name: 'experimental.set',
    types: ALL,
    flux: () => 'data |> experimental.set(o: {tag: "same", extra: 7})',
    want: perTable((t) => ({
      ...t,
      columns: [...t.columns, { name: 'extra', type: 'int' }],
      rows: t.rows.map((r) => [...r.map((v, k) => (k === ci(t, 'tag') ? 'same' : v)), 7n]),
    })),
  },
  ...(
    [
      ['sum', '10s', NUMERIC],
      ['count', '1m', ALL],
      ['mean', '7s', NUMERIC],
      ['max', '10s', NUMERIC],
      ['first', '3s', ALL],
      ['last', '30s', ALL],
    ] as const
  ).flatMap(([fn, every, types]) =>
    [true, false].map(
      (createEmpty): Case => ({
        name: `aggregateWindow(every: ${every}, fn: ${fn}, createEmpty: ${createEmpty})`,
        types,
        flux: () => `data |> aggregateWindow(every: ${every}, fn: ${fn}, createEmpty: ${createEmpty})`,
        want: perTable((t) => aggregateWindowRef(t, durationNs(every), fn, createEmpty)),
      }),
    ),
  ),
  {
    name: 'aggregateWindow(every: 1m, offset: 7s, fn: count, timeSrc: "_start")',
    types: ALL,
    flux: () => 'data |> aggregateWindow(every: 1m, offset: 7s, fn: count, timeSrc: "_start")',
    want: perTable((t) => aggregateWindowRef(t, 60n * SECOND, 'count', true, 7n * SECOND, 'start')),
  },
  {
    name: 'aggregateWindow(every: 10s, offset: -3s, fn: last, timeSrc: "_start", createEmpty: false)',
    types: ALL,
    flux: () => 'data |> aggregateWindow(every: 10s, offset: -3s, fn: last, timeSrc: "_start", createEmpty: false)',
    want: perTable((t) => aggregateWindowRef(t, 10n * SECOND, 'last', false, -3n * SECOND, 'start')),
  },
  // A closure is not a native aggregate: aggregateWindow runs it on real window tables.
  // (filter() drops the tables without rows first: its onEmpty defaults to "drop".)
  ...[true, false].map(
    (createEmpty): Case => ({
      name: `aggregateWindow(every: 10s, fn: a closure over sum, createEmpty: ${createEmpty})`,
      types: NUMERIC,
      flux: () => `data |> filter(fn: (r) => true) |> aggregateWindow(every: 10s, fn: (column, tables=<-) => tables |> sum(column: column), createEmpty: ${createEmpty})`,
      want: perTable((t) => (t.rows.length > 0 ? aggregateWindowRef(t, 10n * SECOND, 'sum', createEmpty) : null)),
    }),
  ),
  {
    name: 'window(every: 20s) |> sum()',
    types: NUMERIC,
    flux: () => 'data |> window(every: 20s) |> sum()',
    want: (ts) =>
      ts.flatMap((t) =>
        windowsOf(t, 20n * SECOND, false).map((w) => {
          const wt = { ...t, keyValues: t.keyValues.map((v, i) => (t.key[i] === '_start' ? w.start : t.key[i] === '_stop' ? w.stop : v)) };
          const j = ci(t, '_value');
          return keyed(wt, '_value', t.columns[j]!.type, [sumOf(t.columns[j]!.type, w.rows.map((r) => r[j]!))]);
        }),
      ),
  },
  {
    name: 'spread',
    types: NUMERIC,
    flux: () => 'data |> spread()',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const type = t.columns[j]!.type;
      const xs = t.rows.map((r) => r[j]!).filter((v) => v !== null) as (number | bigint)[];
      if (xs.length === 0) return keyed(t, '_value', type, [null]);
      const lo = xs.reduce((a, b) => (b < a ? b : a));
      const hi = xs.reduce((a, b) => (b > a ? b : a));
      return keyed(t, '_value', type, [type === 'float' ? (hi as number) - (lo as number) : (hi as bigint) - (lo as bigint)]);
    }),
  },
  {
    name: 'quantile exact_mean and exact_selector',
    types: NUMERIC,
    flux: () =>
      'union(tables: [data |> quantile(q: 0.5, method: "exact_mean") |> set(key: "q", value: "mean"), data |> quantile(q: 0.9, method: "exact_selector") |> keep(columns: ["_value", "_start", "_stop", "_field", "_measurement", "host"]) |> map(fn: (r) => ({r with _value: float(v: r._value)})) |> set(key: "q", value: "selector")]) |> group(columns: ["host", "q"])',
    want: (ts) =>
      ts.flatMap((t) => {
        const j = ci(t, '_value');
        const type = t.columns[j]!.type;
        const xs = (t.rows.map((r) => r[j]!).filter((v) => v !== null) as (number | bigint)[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const ys = xs.map(num);
        const pos = 0.5 * (ys.length - 1);
        const lo = Math.floor(pos);
        const hi = Math.ceil(pos);
        const mean: Cell = ys.length === 0 ? null : lo === hi ? ys[lo]! : ys[lo]! + (pos - lo) * (ys[hi]! - ys[lo]!);
        const keyCols = t.columns.filter((c) => t.key.includes(c.name));
        const kv = keyCols.map((c) => t.keyValues[t.key.indexOf(c.name)]!);
        const host = t.keyValues[t.key.indexOf('host')]!;
        const one = (q: string, vt: GenType, v: Cell[]): GenTable => ({
          columns: [...keyCols, { name: '_value', type: vt }, { name: 'q', type: 'string' }],
          key: ['host', 'q'],
          keyValues: [host, q],
          rows: v.map((x) => [...kv, x, q]),
        });
        const sel = xs.length === 0 ? [] : [num(xs[Math.max(0, Math.ceil(0.9 * xs.length) - 1)]!)];
        return [one('mean', 'float', [mean]), ...(sel.length === 0 ? [] : [one('selector', 'float', sel)])];
      }),
  },
  {
    name: 'integral',
    types: NUMERIC,
    flux: () => 'data |> integral(unit: 10s)',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const jt = ci(t, '_time');
      let area = 0;
      let prev: Cell[] | undefined;
      for (const r of t.rows) {
        if (r[j] === null) continue;
        if (prev !== undefined) area += ((num(r[j]!) + num(prev[j]!)) / 2) * (Number((r[jt] as bigint) - (prev[jt] as bigint)) / 1e10);
        prev = r;
      }
      return keyed(t, '_value', 'float', [area]);
    }),
  },
  {
    name: 'derivative',
    types: NUMERIC,
    flux: () => 'data |> derivative(unit: 1s, nonNegative: false)',
    want: perTable((t) => {
      const j = ci(t, '_value');
      const jt = ci(t, '_time');
      const rows: Cell[][] = [];
      let prevRowT: bigint | undefined;
      let prev: Cell[] | undefined;
      for (const r of t.rows) {
        const tm = r[jt] as bigint;
        if (prevRowT === undefined) {
          prevRowT = tm;
          if (r[j] !== null) prev = r;
          continue;
        }
        if (tm === prevRowT) continue;
        prevRowT = tm;
        let v: Cell = null;
        if (r[j] !== null) {
          if (prev !== undefined) v = (num(r[j]!) - num(prev[j]!)) / (Number(tm - (prev[jt] as bigint)) / 1e9);
          prev = r;
        }
        rows.push(r.map((x, k) => (k === j ? v : x)));
      }
      return { ...t, columns: t.columns.map((c, k) => (k === j ? { ...c, type: 'float' as const } : c)), rows };
    }),
  },
  {
    name: 'stateCount',
    types: ALL,
    flux: () => 'data |> stateCount(fn: (r) => r.x > -5.0)',
    want: perTable((t) => {
      const j = ci(t, 'x');
      let run = 0n;
      return {
        ...t,
        columns: [...t.columns, { name: 'stateCount', type: 'int' }],
        rows: t.rows.map((r) => [...r, r[j] !== null && (r[j] as number) > -5 ? ++run : ((run = 0n), -1n)]),
      };
    }),
  },
  {
    name: 'sample and duplicate',
    types: ALL,
    flux: () => 'data |> sample(n: 7, pos: 3) |> duplicate(column: "tag", as: "tag2")',
    want: perTable((t) => ({
      ...t,
      columns: [...t.columns, { name: 'tag2', type: 'string' }],
      rows: t.rows.filter((_, i) => i % 7 === 3).map((r) => [...r, r[ci(t, 'tag')]!]),
    })),
  },
  {
    name: 'window(every: 1m, period: 3m) |> count()',
    types: ALL,
    flux: () => 'data |> window(every: 1m, period: 3m) |> count()',
    want: (ts) =>
      ts.flatMap((t) => {
        const lo = t.keyValues[t.key.indexOf('_start')] as bigint;
        const hi = t.keyValues[t.key.indexOf('_stop')] as bigint;
        const M = 60n * SECOND;
        const jt = ci(t, '_time');
        const j = ci(t, '_value');
        // Windows [s, s + 3m) for s on the minute, clipped to [_start, _stop), that hold a row.
        const byStart = new Map<bigint, Cell[][]>();
        for (const r of t.rows) {
          const tm = r[jt] as bigint;
          const top = tm - (tm % M);
          for (let s = top - 2n * M; s <= top; s += M) {
            if (s + 3n * M <= lo || s >= hi) continue;
            if (!byStart.has(s)) byStart.set(s, []);
            byStart.get(s)!.push(r);
          }
        }
        // Windows whose clipped bounds coincide are one table (keys are unique in a stream).
        const byBounds = new Map<string, { start: bigint; stop: bigint; rows: Cell[][] }>();
        for (const [s, rows] of byStart) {
          const start = s < lo ? lo : s;
          const stop = s + 3n * M > hi ? hi : s + 3n * M;
          const w = byBounds.get(`${start}-${stop}`);
          if (w === undefined) byBounds.set(`${start}-${stop}`, { start, stop, rows: [...rows] });
          else w.rows.push(...rows);
        }
        return [...byBounds.values()].map(({ start, stop, rows }) => {
          const wt = { ...t, keyValues: t.keyValues.map((v, i) => (t.key[i] === '_start' ? start : t.key[i] === '_stop' ? stop : v)) };
          return keyed(wt, '_value', 'int', [BigInt(rows.filter((r) => r[j] !== null).length)]);
        });
      }),
  },
  {
    name: 'aggregateWindow without _start/_stop',
    types: NUMERIC,
    flux: () => 'data |> drop(columns: ["_start", "_stop"]) |> aggregateWindow(every: 10s, fn: sum)',
    want: perTable((t) => {
      const jt = ci(t, '_time');
      const j = ci(t, '_value');
      const type = t.columns[j]!.type;
      const E = 10n * SECOND;
      const cols = t.columns.filter((c) => c.name !== '_start' && c.name !== '_stop');
      const key = t.key.filter((k) => k !== '_start' && k !== '_stop');
      const keyValues = t.keyValues.filter((_, i) => t.key[i] !== '_start' && t.key[i] !== '_stop');
      const base: GenTable = { columns: cols, key, keyValues, rows: [] };
      const k = keyed(base, '_value', type, []);
      const withTime = { ...k, columns: [...k.columns, { name: '_time', type: 'time' as const }] };
      // No row and no bounds: no window, so no table (Flux's window() emits none).
      if (t.rows.length === 0) return null;
      const times = t.rows.map((r) => r[jt] as bigint);
      const first = times.reduce((a, b) => (b < a ? b : a));
      const last = times.reduce((a, b) => (b > a ? b : a));
      const sums = new Map<bigint, Cell[]>();
      for (const r of t.rows) {
        const tm = r[jt] as bigint;
        const s = tm - (tm % E);
        if (!sums.has(s)) sums.set(s, []);
        sums.get(s)!.push(r[j]!);
      }
      const rows: Cell[][] = [];
      const kv = k.columns.slice(0, -1).map((c) => keyValues[key.indexOf(c.name)]!);
      for (let s = first - (first % E); s <= last; s += E) rows.push([...kv, sumOf(type, sums.get(s) ?? []), s + E]);
      return { ...withTime, rows };
    }),
  },
];

/** pivot with one row-key column and one column-key column (of strings), on one table. */
function pivotRef(t: GenTable, rowKey: string, columnKey: string, valueColumn: string): GenTable {
  const jr = ci(t, rowKey);
  const jv = ci(t, valueColumn);
  const jc = ci(t, columnKey);
  const rowOf = new Map<Cell, number>();
  const keys: Cell[] = [];
  const names: string[] = [];
  const cells = new Map<string, Map<number, Cell>>();
  for (const r of t.rows) {
    const k = r[jr]!;
    if (!rowOf.has(k)) {
      rowOf.set(k, keys.length);
      keys.push(k);
    }
    const name = r[jc] as string;
    if (!cells.has(name)) {
      cells.set(name, new Map());
      names.push(name);
    }
    cells.get(name)!.set(rowOf.get(k)!, r[jv]!);
  }
  const order = keys.map((_, i) => i).sort((a, b) => cmp(keys[a]!, keys[b]!) || a - b);
  const keyCols = t.columns.filter((c) => t.key.includes(c.name));
  const kv = keyCols.map((c) => t.keyValues[t.key.indexOf(c.name)]!);
  const vt = t.columns[jv]!.type;
  return {
    columns: [...keyCols, t.columns[jr]!, ...names.map((name) => ({ name, type: vt }))],
    key: t.key,
    keyValues: t.keyValues,
    rows: order.map((r) => [...kv, keys[r]!, ...names.map((name) => cells.get(name)!.get(r) ?? null)]),
  };
}

function durationNs(d: string): bigint {
  const n = BigInt(parseInt(d, 10));
  return d.endsWith('m') ? n * 60n * SECOND : n * SECOND;
}

/** The windows of a table bounded by its _start/_stop key values, rows in input order. */
function windowsOf(t: GenTable, every: bigint, createEmpty: boolean, offset = 0n): { start: bigint; stop: bigint; rows: Cell[][] }[] {
  const lo = t.keyValues[t.key.indexOf('_start')] as bigint;
  const hi = t.keyValues[t.key.indexOf('_stop')] as bigint;
  const jt = ci(t, '_time');
  const out: { start: bigint; stop: bigint; rows: Cell[][] }[] = [];
  const align = (x: bigint): bigint => x - ((((x - offset) % every) + every) % every);
  const byStart = new Map<bigint, Cell[][]>();
  for (const r of t.rows) {
    const tm = r[jt] as bigint;
    if (tm < lo || tm >= hi) continue;
    const s = align(tm);
    const g = byStart.get(s);
    if (g === undefined) byStart.set(s, [r]);
    else g.push(r);
  }
  for (let s = align(lo); s < hi; s += every) {
    const rows = byStart.get(s) ?? [];
    if (rows.length > 0 || createEmpty) out.push({ start: s < lo ? lo : s, stop: s + every > hi ? hi : s + every, rows });
  }
  return out;
}

/**
 * aggregateWindow of one table, or null when the table has no window (no row and, with
 * createEmpty, no bounds): Flux's window() then emits no table, so fn gets none.
 */
function aggregateWindowRef(t: GenTable, every: bigint, fn: string, createEmpty: boolean, offset = 0n, timeSrc: 'start' | 'stop' = 'stop'): GenTable | null {
  const j = ci(t, '_value');
  const type = t.columns[j]!.type;
  const jt = ci(t, '_time');
  const ws = windowsOf(t, every, createEmpty, offset).map((w) => (timeSrc === 'start' ? { ...w, stop: w.start } : w));
  if (ws.length === 0) return null;
  if (fn === 'sum' || fn === 'count' || fn === 'mean') {
    const outType: GenType = fn === 'sum' ? type : fn === 'count' ? 'int' : 'float';
    const base = keyed(t, '_value', outType, []);
    const rows = ws.map((w) => {
      const vs = w.rows.map((r) => r[j]!).filter((v) => v !== null);
      const v: Cell =
        fn === 'sum' ? sumOf(type, vs) : fn === 'count' ? BigInt(vs.length) : vs.length === 0 ? null : vs.reduce((a: number, x) => a + num(x), 0) / vs.length;
      return [...base.columns.slice(0, -1).map((c) => t.keyValues[t.key.indexOf(c.name)]!), v, w.stop];
    });
    return { ...base, columns: [...base.columns, { name: '_time', type: 'time' }], rows };
  }
  const rows: Cell[][] = [];
  for (const w of ws) {
    const cand = w.rows.filter((r) => r[j] !== null);
    let r: Cell[] | undefined;
    if (fn === 'first') r = cand[0];
    else if (fn === 'last') r = cand.at(-1);
    else for (const c of cand) if (r === undefined || cmp(c[j]!, r[j]!) > 0) r = c;
    if (r !== undefined) rows.push(r.map((v, k) => (k === jt ? w.stop : v)));
    else if (createEmpty) rows.push(t.columns.map((c, k) => (k === jt ? w.stop : t.key.includes(c.name) ? t.keyValues[t.key.indexOf(c.name)]! : null)));
  }
  return withRows(t, rows);
}

describe('table functions on large and many random tables (seeded; a failure names its seed)', () => {
  cases.forEach((c, k) => {
    test(c.name, async () => {
      for (const input of inputs(1000 + k, c.types)) {
        const what = `${c.name}, seed ${input.seed} (${input.opts.valueType}, ${input.opts.sizes.length} tables, nullRate ${input.opts.nullRate}, sorted ${input.opts.sortedTimes})`;
        const got = await run(input.csv, c.flux(input));
        assertSameTables(got, c.want(input.tables, input), what);
      }
    });
  });
});
