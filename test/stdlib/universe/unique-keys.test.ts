// Functions that change group keys keep them unique (Flux SPEC "Tables"): tables whose keys
// differ only in _start/_stop can be cut (range) or shifted by months (timeShift) to the
// same bounds; fill() can give a null key value the value of another table's key; drop and
// rename can turn one table's key into another's when their key columns differ. (window()
// has its own such tests in window.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectTables, groupKeyId, isTableStream } from '../../../src/table/index.js';
import { Time } from '../../../src/values/value.js';
import { runtime } from '../../interpreter/flux.js';

const SEC = 1_000_000_000n;
const T0 = 1_893_456_000n * SEC; // 2030-01-01T00:00:00Z

describe('range() over tables that already have bounds', () => {
  test('two tables cut to the same bounds become one table', async () => {
    const r = await runtime().run(
      `import "array"
data = array.from(rows: [{_time: 2030-01-01T00:00:10Z, _value: 1}, {_time: 2030-01-01T00:00:20Z, _value: 2}])
union(tables: [
  data |> range(start: 2030-01-01T00:00:00Z, stop: 2030-01-01T00:01:00Z),
  data |> range(start: 2030-01-01T00:00:00Z, stop: 2030-01-01T00:02:00Z) |> map(fn: (r) => ({r with _value: r._value * 10})),
]) |> range(start: 2030-01-01T00:00:00Z, stop: 2030-01-01T00:00:30Z)`,
      { name: 'range.flux' },
    );
    const v = r.results.at(-1)!.value;
    assert.ok(isTableStream(v));
    const ts = await collectTables(v);
    assert.equal(new Set(ts.map((t) => groupKeyId(t.key))).size, ts.length, 'one table per group key');
    assert.equal(ts.length, 1);
    const t = ts[0]!;
    assert.deepEqual(
      t.key.values.map((x) => (x as Time).ns),
      [T0, T0 + 30n * SEC],
    );
    assert.deepEqual(
      Array.from({ length: t.length }, (_, i) => t.record(i).get('_value')),
      [1n, 2n, 10n, 20n],
    );
  });
});

describe('timeShift() by months', () => {
  test('tables whose bounds land on the same day of a shorter month become one table', async () => {
    const r = await runtime().run(
      `import "array"
data = array.from(rows: [{_time: 2030-01-31T12:00:00Z, _value: 1}])
union(tables: [
  data |> range(start: 2030-01-30T00:00:00Z, stop: 2030-02-01T00:00:00Z),
  data |> range(start: 2030-01-31T00:00:00Z, stop: 2030-02-01T00:00:00Z) |> map(fn: (r) => ({r with _value: 2})),
]) |> timeShift(duration: 1mo)`,
      { name: 'timeshift.flux' },
    );
    const v = r.results.at(-1)!.value;
    assert.ok(isTableStream(v));
    const ts = await collectTables(v);
    assert.equal(ts.length, 1, 'one table per group key');
    const t = ts[0]!;
    // 2030-02-28T00:00:00Z and 2030-03-01T00:00:00Z.
    assert.deepEqual(
      t.key.values.map((x) => (x as Time).ns),
      [T0 + 58n * 86_400n * SEC, T0 + 59n * 86_400n * SEC],
    );
    assert.deepEqual(
      Array.from({ length: t.length }, (_, i) => t.record(i).get('_value')),
      [1n, 2n],
    );
  });
});

describe('fill() of a group-key column', () => {
  test('a null key value filled with a value becomes that value, and tables with the new key merge', async () => {
    const csv = [
      '#datatype,string,long,string,long',
      '#group,false,false,true,false',
      '#default,_result,,,',
      ',result,table,host,_value',
      ',,0,,1',
      ',,0,,2',
      ',,1,x,3',
      ',,2,y,4',
      '',
    ].join('\n');
    const r = await runtime().run(`import "csv"\ncsv.from(csv: ${JSON.stringify(csv)}) |> fill(column: "host", value: "x")`, { name: 'fill.flux' });
    const v = r.results.at(-1)!.value;
    assert.ok(isTableStream(v));
    const ts = await collectTables(v);
    const byKey = ts.map((t) => ({
      key: t.key.values,
      rows: Array.from({ length: t.length }, (_, i) => `${String(t.record(i).get('host'))}/${String(t.record(i).get('_value'))}`),
    }));
    byKey.sort((a, b) => String(a.key[0]).localeCompare(String(b.key[0])));
    assert.deepEqual(byKey, [
      { key: ['x'], rows: ['x/1', 'x/2', 'x/3'] },
      { key: ['y'], rows: ['y/4'] },
    ]);
  });
});

describe('drop() and rename() over tables with different key columns', () => {
  async function keys(pipe: string): Promise<string[]> {
    const r = await runtime().run(
      `import "array"
a = array.from(rows: [{instance: "x", region: "r", _value: 1}])
b = array.from(rows: [{instance: "x", _value: 2}])
c = array.from(rows: [{host: "x", _value: 3}])
${pipe}`,
      { name: 'keys.flux' },
    );
    const v = r.results.at(-1)!.value;
    assert.ok(isTableStream(v));
    const ts = await collectTables(v);
    return ts.map((t) => `${t.key.columns.map((k, i) => `${k.name}=${String(t.key.values[i])}`).join(',')}: ${Array.from({ length: t.length }, (_, i) => String(t.record(i).get('_value'))).join(' ')}`);
  }

  test('a table that lost a key column merges with a table that already had the smaller key', async () => {
    assert.deepEqual(await keys('union(tables: [a |> group(columns: ["instance", "region"]), b |> group(columns: ["instance"])]) |> drop(columns: ["region"])'), ['instance=x: 1 2']);
  });

  test('a renamed key column merges with a table that already had that key', async () => {
    assert.deepEqual(
      await keys('union(tables: [b |> group(columns: ["instance"]), c |> group(columns: ["host"])]) |> rename(fn: (column) => if column == "instance" then "host" else column)'),
      ['host=x: 2 3'],
    );
  });
});
