// Conversions between the store's series and src/table tables, in the shape InfluxDB's
// from() returns: columns `_start, _stop` (after range), `_time, _value, _field,
// _measurement`, then the tag columns sorted by key; one table per series, grouped by
// `_start, _stop, _field, _measurement` and every tag.
import { tableFromColumns } from '../table/index.js';
import type { ColumnData } from '../table/index.js';
import type { ColumnMeta, ColumnType, Table } from '../table/types.js';
import { Time, UInt } from '../values/value.js';
import type { Value } from '../values/value.js';
import { FluxError } from '../errors/index.js';
import type { FieldType, SeriesBatch, SeriesData } from './types.js';

function valueData(type: FieldType, values: SeriesData['values']): { type: ColumnType; data: ColumnData } {
  switch (type) {
    case 'float':
      return { type, data: { floats: values as Float64Array } };
    case 'int':
      return { type, data: { ints: values as BigInt64Array } };
    case 'uint':
      return { type, data: { uints: values as BigUint64Array } };
    case 'bool':
      return { type, data: { bools: values as Uint8Array } };
    case 'string': {
      const strs = values as readonly string[];
      const dict = new Map<string, number>();
      const codes = new Int32Array(strs.length);
      for (let i = 0; i < strs.length; i++) {
        let c = dict.get(strs[i]!);
        if (c === undefined) dict.set(strs[i]!, (c = dict.size));
        codes[i] = c;
      }
      return { type, data: { strings: { codes, dictionary: [...dict.keys()] } } };
    }
  }
}

/** One series as a table; `bounds` adds the `_start`/`_stop` columns (as range() does). */
export function seriesToTable(s: SeriesData, bounds?: { start: bigint; stop: bigint }): Table {
  const n = s.times.length;
  const columns: ColumnMeta[] = [];
  const data: ColumnData[] = [];
  const key: string[] = [];
  const keyValues: Value[] = [];
  const zeros = new Int32Array(n);
  const constString = (name: string, v: string, inKey: boolean) => {
    columns.push({ name, type: 'string' });
    data.push({ strings: { codes: zeros, dictionary: [v] } });
    if (inKey) {
      key.push(name);
      keyValues.push(v);
    }
  };
  if (bounds) {
    for (const [name, t] of [
      ['_start', bounds.start],
      ['_stop', bounds.stop],
    ] as const) {
      columns.push({ name, type: 'time' });
      data.push({ ints: new BigInt64Array(n).fill(t) });
      key.push(name);
      keyValues.push(new Time(t));
    }
  }
  columns.push({ name: '_time', type: 'time' });
  data.push({ ints: s.times });
  const v = valueData(s.type, s.values);
  columns.push({ name: '_value', type: v.type });
  data.push(v.data);
  constString('_field', s.field, true);
  constString('_measurement', s.measurement, true);
  for (const [k, tv] of s.tags) constString(k, tv, true);
  return tableFromColumns(columns, key, data, keyValues);
}

function cellString(t: Table, col: number, row: number): string | null {
  const c = t.column(col);
  if (c.isNull(row)) return null;
  if (c.strings) return c.strings.dictionary[c.strings.codes[row]!]!;
  return String(c.get(row));
}

/**
 * Tables in InfluxDB's shape (`_measurement`, `_field`, `_value`, `_time`, every other
 * string column not starting with `_` a tag) as series batches. Rows with a null time or
 * value are skipped; a null tag is left out of the row's tag set (as InfluxDB does).
 */
export function tablesToSeries(tables: Iterable<Table>): SeriesBatch[] {
  const out: SeriesBatch[] = [];
  for (const t of tables) {
    const need = (name: string) => {
      const i = t.columnIndex(name);
      if (i < 0) throw new FluxError('invalid', 'store.missingColumn', `table has no "${name}" column`);
      return i;
    };
    const mi = need('_measurement');
    const fi = need('_field');
    const vi = need('_value');
    const ti = need('_time');
    const tagCols = t.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.type === 'string' && !c.name.startsWith('_'));
    const vc = t.column(vi);
    const tc = t.column(ti);
    const type: FieldType | undefined = vc.type === 'time' ? undefined : (vc.type as FieldType);
    if (!type) throw new FluxError('invalid', 'store.fieldType', 'column "_value" has type time, which the store cannot keep as a field');
    // Group rows by series (usually the whole table is one series).
    const groups = new Map<string, { m: string; f: string; tags: [string, string][]; rows: number[] }>();
    for (let r = 0; r < t.length; r++) {
      if (vc.isNull(r) || tc.isNull(r)) continue;
      const m = cellString(t, mi, r);
      const f = cellString(t, fi, r);
      if (m === null || f === null) continue;
      const tags: [string, string][] = [];
      for (const { c, i } of tagCols) {
        const v = cellString(t, i, r);
        if (v !== null && v !== '') tags.push([c.name, v]);
      }
      const k = JSON.stringify([m, f, tags]);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { m, f, tags, rows: [] }));
      g.rows.push(r);
    }
    for (const g of groups.values()) {
      const times = BigInt64Array.from(g.rows, (r) => tc.ints![r]!);
      let values: SeriesBatch['values'];
      switch (type) {
        case 'float':
          values = Float64Array.from(g.rows, (r) => vc.floats![r]!);
          break;
        case 'int':
          values = BigInt64Array.from(g.rows, (r) => vc.ints![r]!);
          break;
        case 'uint':
          values = BigUint64Array.from(g.rows, (r) => vc.uints ? vc.uints[r]! : (vc.get(r) as UInt).value);
          break;
        case 'bool':
          values = Uint8Array.from(g.rows, (r) => (vc.get(r) === true ? 1 : 0));
          break;
        case 'string':
          values = g.rows.map((r) => cellString(t, vi, r)!);
          break;
      }
      out.push({ measurement: g.m, field: g.f, tags: g.tags, type, times, values });
    }
  }
  return out;
}
