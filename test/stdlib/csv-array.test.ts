import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import type { Runtime } from '../../src/index.js';
import { FluxError } from '../../src/errors/index.js';
import { collectTables, isTableStream } from '../../src/table/index.js';
import type { Table } from '../../src/table/index.js';
import { Time } from '../../src/values/value.js';

const CSV = '#datatype,string,long,dateTime:RFC3339,double,string\r\n#group,false,false,false,false,true\r\n#default,_result,,,,\r\n,result,table,_time,_value,host\r\n,,0,2030-01-01T00:00:00.000000001Z,1.5,a\r\n,,1,2030-01-01T00:00:01Z,,b\r\n\r\n';

describe('csv.from and array.from', () => {
  let dir: string;
  let rt: Runtime;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promflux-csv-'));
    await writeFile(join(dir, 'data.csv'), CSV);
    rt = createRuntime({ dataDir: join(dir, 'data') });
  });
  after(async () => {
    await rt.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function tables(src: string): Promise<Table[]> {
    const r = await rt.run(src);
    const v = r.results[0]!.value;
    assert.ok(isTableStream(v));
    return collectTables(v);
  }

  it('csv.from(file:) reads a file with exact nanoseconds and group keys', async () => {
    const ts = await tables(`import "csv"\ncsv.from(file: ${JSON.stringify(join(dir, 'data.csv'))})`);
    assert.equal(ts.length, 2);
    assert.deepEqual(ts[0]!.record(0).get('_time'), new Time(1_893_456_000_000_000_001n));
    assert.deepEqual(ts.map((t) => t.key.values), [['a'], ['b']]);
    assert.equal(ts[1]!.record(0).get('_value'), null);
  });

  it('csv.from(file:) of a missing file is csv.fileNotFound at the call', async () => {
    await assert.rejects(rt.run(`import "csv"\ncsv.from(file: ${JSON.stringify(join(dir, 'missing.csv'))})`), (e: unknown) => {
      assert.ok(e instanceof FluxError);
      assert.equal(e.id, 'csv.fileNotFound');
      assert.equal(e.span?.start.line, 2);
      return true;
    });
  });

  it('csv.from rejects a bad mode and a malformed CSV with ids', async () => {
    await assert.rejects(rt.run('import "csv"\ncsv.from(csv: "a", mode: "fancy")'), (e: unknown) => e instanceof FluxError && e.id === 'csv.mode');
    await assert.rejects(rt.run('import "csv"\ncsv.from(csv: "#datatype,string,long,double\\n#group,false,false,false\\n#default,_result,,\\n,result,table,v\\n,,0,x\\n")'), (e: unknown) => e instanceof FluxError && e.id === 'csv.badValue' && /line 5/.test(e.message));
  });

  it('array.from builds one table with an empty key and typed columns', async () => {
    const [t] = await tables('import "array"\narray.from(rows: [{a: 1, b: "x", c: 1.5, d: 2030-01-01T00:00:00Z}, {a: 2, b: "y", c: 2.5, d: 2030-01-01T00:00:01Z}])');
    assert.deepEqual(t!.columns, [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'string' },
      { name: 'c', type: 'float' },
      { name: 'd', type: 'time' },
    ]);
    assert.equal(t!.key.columns.length, 0);
    assert.equal(t!.length, 2);
    assert.equal(t!.record(1).get('a'), 2n);
  });

  it('array.from rejects mismatched rows with ids', async () => {
    await assert.rejects(rt.run('import "array"\narray.from(rows: [{a: 1}, {b: 1}])'), (e: unknown) => e instanceof FluxError && e.id === 'array.keys');
    await assert.rejects(rt.run('import "array"\narray.from(rows: [{a: 1}, {a: 1.0}])'), (e: unknown) => e instanceof FluxError && e.id === 'array.valueType');
    await assert.rejects(rt.run('import "array"\narray.from(rows: [{a: [1]}])'), (e: unknown) => e instanceof FluxError && e.id === 'array.valueType');
  });
});
