import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderResults, writeResults } from '../../src/cli/render.js';
import { TableBuilder, decodeCsv, streamOf } from '../../src/table/index.js';
import { FluxError } from '../../src/errors/index.js';
import { Duration } from '../../src/values/value.js';

function table() {
  const b = new TableBuilder(
    [
      { name: 'host', type: 'string' },
      { name: '_value', type: 'int' },
    ],
    ['host'],
  );
  b.appendString(0, 'a');
  b.appendInt(1, 3n);
  return b.build();
}

describe('renderResults', () => {
  it('table format: Result line, tables, scalars in Flux syntax', async () => {
    const out = await renderResults(
      [
        { name: '_result', value: streamOf([table()]) },
        { name: '', value: new Duration(0n, 3_600_000_000_000n) },
        { name: '', value: 'x"y' },
      ],
      { format: 'table' },
    );
    assert.equal(out, 'Result: _result\nTable: keys: [host]\nhost:string  _value:int\n-----------  ----------\n          a           3\n\n1h\n\n"x\\"y"\n');
  });

  it('csv format is annotated CSV that decodes back', async () => {
    const out = await renderResults([{ name: 'r', value: streamOf([table()]) }], { format: 'csv' });
    const d = decodeCsv(out);
    assert.equal(d.results[0]!.name, 'r');
    assert.equal(d.results[0]!.tables[0]!.record(0).get('_value'), 3n);
  });

  it('json format', async () => {
    const out = await renderResults([{ name: '_result', value: streamOf([table()]) }, { name: '', value: 2n }], { format: 'json' });
    assert.deepEqual(JSON.parse(out), [
      { result: '_result', tables: [{ key: { host: 'a' }, columns: [{ name: 'host', type: 'string' }, { name: '_value', type: 'int' }], rows: [['a', 3]] }] },
      { result: '', value: 2 },
    ]);
  });

  it('csv: a stream failing after output began ends with the error table, then rethrows', async () => {
    const chunks: string[] = [];
    const failing = streamOf(async function* () {
      yield table();
      throw new FluxError('invalid', 'test.boom', 'boom');
    });
    await assert.rejects(writeResults([{ name: '_result', value: failing }], { format: 'csv' }, (s) => chunks.push(s)), (e: unknown) => e instanceof FluxError && e.id === 'test.boom');
    const d = decodeCsv(chunks.join(''));
    assert.equal(d.error, 'boom');
    assert.equal(d.results[0]!.tables.length, 1);
  });
});

describe('renderResults json with a failing stream', () => {
  it('stays one valid JSON document: the tables so far, then the error of that result', async () => {
    const chunks: string[] = [];
    const failing = streamOf(async function* () {
      yield table();
      throw new FluxError('invalid', 'test.boom', 'boom');
    });
    const ok = streamOf([table()]);
    await assert.rejects(
      writeResults([{ name: 'ok', value: ok }, { name: 'bad', value: failing }], { format: 'json' }, (s) => chunks.push(s)),
      (e: unknown) => e instanceof FluxError && e.id === 'test.boom',
    );
    const text = chunks.join('');
    assert.ok(text.endsWith('\n'));
    const doc = JSON.parse(text) as { result: string; tables: unknown[]; error?: { id: string; message: string } }[];
    assert.deepEqual(doc.map((r) => [r.result, r.tables.length, r.error]), [
      ['ok', 1, undefined],
      ['bad', 1, { id: 'test.boom', message: 'boom' }],
    ]);
  });
});

describe('renderResults width', () => {
  it('cuts long cells at width and shows them whole without it', async () => {
    const b = new TableBuilder([{ name: 's', type: 'string' }], []);
    b.appendString(0, 'y'.repeat(200));
    const t = b.build();
    const cut = await renderResults([{ name: '_result', value: streamOf([t]) }], { format: 'table', width: 20 });
    assert.match(cut, /^y{19}…$/m);
    const whole = await renderResults([{ name: '_result', value: streamOf([b.build()]) }], { format: 'table' });
    assert.match(whole, /^y{200}$/m);
  });
});

describe('renderResultsSettled', () => {
  it('returns the CSV output with the error table and the error', async () => {
    const { renderResultsSettled } = await import('../../src/cli/render.js');
    const failing = streamOf(async function* () {
      yield table();
      throw new FluxError('invalid', 'test.boom', 'boom');
    });
    const r = await renderResultsSettled([{ name: '_result', value: failing }], { format: 'csv' });
    assert.equal(r.error?.id, 'test.boom');
    assert.equal(decodeCsv(r.output).error, 'boom');
    const ok = await renderResultsSettled([{ name: '', value: 1n }], { format: 'table' });
    assert.deepEqual(ok, { output: '1\n' });
  });
});

describe('a stream failing before or after its first table', () => {
  const failsAt = (tables: number) =>
    streamOf(async function* () {
      for (let i = 0; i < tables; i++) yield table();
      throw new FluxError('invalid', 'test.boom', 'boom');
    });
  const cases = [
    { name: 'table: no header (nor the blank line before it) for a result that fails at once', format: 'table' as const, at: 0, want: 'Result: ok\nTable: keys: [host]\nhost:string  _value:int\n-----------  ----------\n          a           3\n' },
    {
      name: 'table: a result that fails after a table keeps its header and that table',
      format: 'table' as const,
      at: 1,
      want: 'Result: ok\nTable: keys: [host]\nhost:string  _value:int\n-----------  ----------\n          a           3\n\nResult: bad\nTable: keys: [host]\nhost:string  _value:int\n-----------  ----------\n          a           3\n',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { renderResultsSettled } = await import('../../src/cli/render.js');
      const r = await renderResultsSettled([{ name: 'ok', value: streamOf([table()]) }, { name: 'bad', value: failsAt(c.at) }], { format: c.format });
      assert.equal(r.error?.id, 'test.boom');
      assert.equal(r.output, c.want);
    });
  }
  for (const at of [0, 1]) {
    it(`json and csv stay valid when the stream fails after ${at} table(s)`, async () => {
      const { renderResultsSettled } = await import('../../src/cli/render.js');
      const json = await renderResultsSettled([{ name: 'ok', value: streamOf([table()]) }, { name: 'bad', value: failsAt(at) }], { format: 'json' });
      const doc = JSON.parse(json.output) as { result: string; tables: unknown[]; error?: { id: string } }[];
      assert.deepEqual(doc.map((r) => [r.result, r.tables.length, r.error?.id]), [
        ['ok', 1, undefined],
        ['bad', at, 'test.boom'],
      ]);
      const csv = await renderResultsSettled([{ name: 'ok', value: streamOf([table()]) }, { name: 'bad', value: failsAt(at) }], { format: 'csv' });
      const d = decodeCsv(csv.output);
      assert.equal(d.error, 'boom');
      assert.deepEqual(d.results.map((r) => [r.name, r.tables.length]), at === 0 ? [['ok', 1]] : [['ok', 1], ['bad', 1]]);
    });
  }
});
