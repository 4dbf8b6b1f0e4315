// group() at scale: the regrouping kernel (src/stdlib/universe/lib/regroup.ts partitionRows)
// numbers groups from the dictionary codes of string key columns; these tests pin down
// cases where that shortcut must not change which rows end up together.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectTables, isTableStream } from '../../../src/table/index.js';
import type { Table } from '../../../src/table/index.js';
import { runtime } from '../../interpreter/flux.js';

async function tables(src: string): Promise<Table[]> {
  const r = await runtime().run(src, { name: 'group.flux' });
  const v = r.results.at(-1)!.value;
  assert.ok(isTableStream(v));
  return collectTables(v);
}

describe('group() by many string columns with large dictionaries', () => {
  test('rows that differ in one key column stay in different tables when the combined codes exceed 2^53', async () => {
    // Six string columns of 700 distinct values each: 701^6 > 2^53, so a combined code of
    // the dictionary codes is not exact. The last 50 rows share a..e and differ in f only.
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const rows: string[] = [];
    for (let i = 0; i < 700; i++) rows.push(`,,0,${i},${names.map((n) => n + i).join(',')}`);
    for (let i = 0; i < 50; i++) rows.push(`,,0,${1000 + i},a699,b699,c699,d699,e699,f${i}`);
    const csv = [
      '#datatype,string,long,long,string,string,string,string,string,string',
      '#group,false,false,false,false,false,false,false,false,false',
      '#default,_result,,,,,,,,',
      ',result,table,_value,a,b,c,d,e,f',
      ...rows,
      '',
    ].join('\n');
    const out = await tables(`import "csv"\ncsv.from(csv: ${JSON.stringify(csv)}) |> group(columns: ["a", "b", "c", "d", "e", "f"])`);
    assert.equal(out.length, 750);
    for (const t of out) {
      assert.equal(t.length, 1, `table ${t.key.values.join(',')} has ${t.length} rows`);
      const r = t.record(0);
      assert.deepEqual(
        t.key.columns.map((c) => c.name),
        names,
      );
      assert.deepEqual(
        t.key.values,
        names.map((n) => r.get(n)),
      );
    }
  });
});
