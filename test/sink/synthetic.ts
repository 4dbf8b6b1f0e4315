// Synthetic to()-shaped tables for tests and benchmarks: one series per table (a key of
// _measurement, _field and two tags), `rows` points each, times 1 ms apart.
import { tableFromColumns } from '../../src/table/index.js';
import type { ColumnMeta, Table } from '../../src/table/index.js';

export interface SyntheticOptions {
  measurement: string;
  tables: number;
  rows: number;
  startNs: bigint;
}

const COLUMNS: ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_measurement', type: 'string' },
  { name: '_field', type: 'string' },
  { name: '_value', type: 'float' },
  { name: 'host', type: 'string' },
  { name: 'series', type: 'string' },
];

export function* syntheticTables(o: SyntheticOptions): Generator<Table> {
  for (let t = 0; t < o.tables; t++) {
    const times = new BigInt64Array(o.rows);
    const values = new Float64Array(o.rows);
    for (let i = 0; i < o.rows; i++) {
      times[i] = o.startNs + BigInt(i) * 1_000_000n;
      values[i] = t * 1000 + i + 0.5;
    }
    const zeros = new Int32Array(o.rows);
    const str = (s: string) => ({ strings: { codes: zeros, dictionary: [s] } });
    yield tableFromColumns(
      COLUMNS,
      ['_measurement', '_field', 'host', 'series'],
      [{ ints: times }, str(o.measurement), str('value'), { floats: values }, str('host-1'), str(`s${t}`)],
    );
  }
}
