// filter's per-table path: a predicate that reads only group-key columns is evaluated once per
// table. Every case below runs the same predicate twice, once as written (the per-table path)
// and once behind a helper call (`keep(r: r)`, which reads `r` as a whole and so takes the
// row-by-row path), and the annotated CSV of both must be identical.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { FluxError, errorList } from '../../../src/errors/index.js';
import { collectTables, encodeCsv, isTableStream } from '../../../src/table/index.js';
import { isFunction } from '../../../src/values/value.js';
import { readColumns } from '../../../src/stdlib/universe/row-compiler.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-filterkey-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// Four tables (by _field and host), host null in one of them.
const data = `import "csv"
data = csv.from(csv: "
#datatype,string,long,dateTime:RFC3339,string,string,double,string
#group,false,false,false,true,true,false,false
#default,_result,,,,,,
,result,table,_time,_field,host,_value,code
,,0,2021-01-01T00:00:00Z,up,a,1.0,200
,,0,2021-01-01T00:00:10Z,up,a,0.0,500
,,1,2021-01-01T00:00:00Z,up,b,1.0,200
,,2,2021-01-01T00:00:00Z,temp,a,21.5,200
,,3,2021-01-01T00:00:00Z,temp,,19.0,404
,,3,2021-01-01T00:00:10Z,temp,,18.0,200
")
`;

async function csvOf(line: string): Promise<string> {
  const r = await runtime.run(`${data}${line}\n`, { name: 'case.flux' });
  const last = r.results[r.results.length - 1]!.value;
  assert.ok(isTableStream(last));
  return encodeCsv([{ name: '_result', tables: await collectTables(last) }]);
}

async function errorOf(line: string): Promise<FluxError> {
  try {
    await csvOf(line);
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    return errorList(e)[0]!;
  }
  assert.fail('expected an error');
}

/** The predicate per table and row by row give the same tables. */
async function same(pred: string, onEmpty?: string): Promise<string> {
  const opt = onEmpty === undefined ? '' : `, onEmpty: "${onEmpty}"`;
  const fast = await csvOf(`data |> filter(fn: ${pred}${opt})`);
  const slow = await csvOf(`pred = ${pred}\nkeep = (r) => pred(r: r)\ndata |> filter(fn: (r) => keep(r: r)${opt})`);
  assert.equal(fast, slow, pred);
  return fast;
}

describe('filter on group-key columns', () => {
  test('keeps and drops whole tables as the row path does', async () => {
    const out = await same('(r) => r._field == "up"');
    assert.match(out, /,up,a,/);
    assert.doesNotMatch(out, /temp/);
    await same('(r) => r._field == "up" and r.host != "b"');
    await same('(r) => r.host =~ /^a/');
    await same('(r) => r["_field"] == "temp" or r.host == "b"');
    await same('(r) => not exists r.host');
    await same('(r) => r._field == "nothing"');
  });

  test('null key values and null results', async () => {
    // host is null in one table: `==` on null gives null, which drops the table
    const out = await same('(r) => r.host == "a" or r._field == "temp"');
    assert.match(out, /temp/);
    await same('(r) => r.host == r.host');
  });

  test('a column the tables lack reads as null everywhere', async () => {
    await same('(r) => exists r.region');
  });

  test('onEmpty: "keep" keeps the dropped tables, empty, with their keys', async () => {
    const out = await same('(r) => r._field == "up"', 'keep');
    assert.match(out, /temp/);
  });

  test('a predicate that also reads other columns still filters row by row', async () => {
    const out = await same('(r) => r._field == "up" and r._value > 0.5');
    assert.doesNotMatch(out, /,0,500/);
  });

  test('a predicate that does not return a bool is the same error', async () => {
    const fast = await errorOf('data |> filter(fn: (r) => r._field)');
    const slow = await errorOf('pred = (r) => r._field\ndata |> filter(fn: (r) => pred(r: r))');
    assert.equal(fast.id, slow.id);
  });
});

describe('readColumns', () => {
  async function reads(fnSrc: string): Promise<string[] | undefined> {
    const r = await runtime.run(`g = (r) => true\nf = ${fnSrc}\nf`);
    const v = r.results[r.results.length - 1]!.value;
    assert.ok(isFunction(v));
    const cols = readColumns(v);
    return cols === undefined ? undefined : [...cols].sort();
  }

  test('member reads of the parameter', async () => {
    assert.deepEqual(await reads('(r) => r._field == "x" and r["a b"] =~ /y/'), ['_field', 'a b']);
    assert.deepEqual(await reads('(r) => { return exists r.host }'), ['host']);
    assert.deepEqual(await reads('(r) => "${r.host}" == "a"'), ['host']);
    assert.deepEqual(await reads('(r) => ({r: 1}).r == 1'), []);
  });

  test('the parameter used as a whole, or a nested function, gives undefined', async () => {
    assert.equal(await reads('(r) => g(r: r)'), undefined);
    assert.equal(await reads('(r) => g(r: {r with a: 1})'), undefined);
    assert.equal(await reads('(r) => ({r with x: 1}).x == 1'), undefined);
    assert.equal(await reads('(r) => ((r) => r.a)(r: {a: 1}) == 1'), undefined);
    assert.equal(await reads('(r, x) => r.a == x'), undefined);
  });
});
