// to() into the embedded store meets a field type conflict: InfluxDB's partial write
// (influxdata/influxdb#7836; InfluxDB OSS v2 docs, "Troubleshoot rejected points") through
// the real runtime and `promflux run`: the conflicting points are dropped, every other point
// is written, and the run fails with store.fieldTypeConflict.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { createRuntime } from '../../src/index.js';
import { silentLogger } from '../../src/host/logger.js';
import { collectTables } from '../../src/table/index.js';
import type { TableStream } from '../../src/table/types.js';
import { FluxError } from '../../src/errors/index.js';
import { openStore, BatchBuilder } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { systemClock } from '../../src/host/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'promflux-partial-write-'));
const dataDir = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(src: string) {
  const io = memoryIO(src, { PROMFLUX_DATA: dataDir });
  const code = await main(['run', '-'], io);
  return { code, out: io.out, err: io.err };
}

/** Every point of a bucket as `measurement host field type value`, sorted. */
async function points(bucket: string): Promise<string[]> {
  const rt = createRuntime({ dataDir, logger: silentLogger });
  try {
    const r = await rt.run(`from(bucket: "${bucket}") |> range(start: -1d)`);
    const out: string[] = [];
    for (const t of await collectTables(r.results[0]!.value as TableStream)) {
      const type = t.columns[t.columnIndex('_value')]!.type;
      for (let i = 0; i < t.length; i++) {
        const rec = t.record(i);
        out.push(`${String(rec.get('_measurement'))} ${String(rec.get('host'))} ${String(rec.get('_field'))} ${type} ${String(rec.get('_value'))}`);
      }
    }
    return out.sort();
  } finally {
    await rt.close();
  }
}

const row = (m: string, f: string, host: string, v: string) => `{_time: now(), _measurement: "${m}", _field: "${f}", host: "${host}", _value: ${v}}`;
const table = (...rows: string[]) => `array.from(rows: [${rows.join(', ')}]) |> group(columns: ["_measurement", "host"])`;
/** The same rows grouped by measurement only: a table union() can put beside table() of the same series. */
const ungrouped = (...rows: string[]) => `array.from(rows: [${rows.join(', ')}]) |> group(columns: ["_measurement"])`;

test('a conflicting series fails the run with store.fieldTypeConflict; the good series of the same to() are written', async () => {
  const first = await run(`import "array"\n${table(row('cpu', 'usage', 'a', '1.5'), row('cpu', 'usage', 'b', '2.5'))} |> to(bucket: "p")\n`);
  assert.equal(first.code, 0, first.err);

  // cpu,host=a usage is float: a string for it is dropped; host=b (float) and the new mem series are written
  const src = `import "array"
bad = ${table(row('cpu', 'usage', 'a', '"high"'))}
good = ${table(row('cpu', 'usage', 'b', '3.5'), row('cpu', 'usage', 'c', '4.5'))}
mem = ${table(row('mem', 'used', 'a', '42'))}
union(tables: [bad, good, mem]) |> to(bucket: "p")
`;
  const second = await run(src);
  assert.equal(second.code, 1);
  assert.equal(second.out, '');
  const col = src.split('\n')[4]!.indexOf('to(') + 1;
  assert.ok(second.err.startsWith(`<stdin>:5:${col}: to: partial write: field type conflict: `), second.err);
  for (const part of ['field "usage"', 'measurement "cpu"', 'host="a"', 'bucket "p"', 'is float', 'cannot write string values', 'dropped 1 point ', 'the other points were written']) {
    assert.ok(second.err.includes(part), `${part} in ${second.err}`);
  }
  assert.doesNotMatch(second.err, /\n\s+at .*\.(ts|js):\d+/, 'no JavaScript stack trace');

  assert.deepEqual(await points('p'), ['cpu a usage float 1.5', 'cpu b usage float 2.5', 'cpu b usage float 3.5', 'cpu c usage float 4.5', 'mem a used int 42']);

  // through the Runtime: the id, and the span of the to() call
  const rt = createRuntime({ dataDir, logger: silentLogger });
  try {
    await assert.rejects(rt.run(src), (e: unknown) => {
      assert.ok(e instanceof FluxError, String(e));
      assert.equal(e.id, 'store.fieldTypeConflict');
      assert.equal(e.code, 'invalid');
      assert.deepEqual([e.span?.start.line, e.span?.start.column], [5, col]);
      return true;
    });
  } finally {
    await rt.close();
  }
});

test('two series of one to() that disagree: the first type is kept, the rest written, the run fails', async () => {
  const src = `import "array"
union(tables: [${table(row('q', 'v', 'a', '1'))}, ${ungrouped(row('q', 'v', 'a', '"one"'), row('q', 'v', 'b', '"two"'))}]) |> to(bucket: "inwrite")
`;
  const r = await run(src);
  assert.equal(r.code, 1);
  for (const part of ['field "v"', 'measurement "q"', 'has both int and string values in one write', 'bucket "inwrite"', 'dropped 1 point ', 'the other points were written']) {
    assert.ok(r.err.includes(part), `${part} in ${r.err}`);
  }
  assert.deepEqual(await points('inwrite'), ['q a v int 1', 'q b v string two']);
});

test('a to() larger than one store write keeps writing after a conflict and counts every dropped point', async () => {
  // "big" has host=a and host=c as strings; "src" has them as ints, around 50,000 points of a
  // good series host=b, and one good point of host=d. from() yields one table per series,
  // sorted: a (1), b (49,999), c (1), d (1). to() writes 50,000 points per store write: the
  // first write is a + b (a dropped), the second c + d (c dropped, d written).
  const seed = await run(`import "array"\n${table(row('big', 'v', 'a', '"s"'), row('big', 'v', 'c', '"s"'))} |> to(bucket: "big")\n`);
  assert.equal(seed.code, 0, seed.err);
  const store = openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock: systemClock, logger: silentLogger });
  await store.createBucket('src', { retentionNs: 0n });
  const now = BigInt(Date.now()) * 1_000_000n;
  const b = new BatchBuilder();
  const good = 49_999;
  b.add('big', [['host', 'a']], 'v', now - 1n, 1n);
  for (let i = 0; i < good; i++) b.add('big', [['host', 'b']], 'v', now - 1_000_000n + BigInt(i), BigInt(i));
  b.add('big', [['host', 'c']], 'v', now - 1n, 3n);
  b.add('big', [['host', 'd']], 'v', now - 1n, 4n);
  await store.write('src', b.build());
  await store.close();

  const r = await run(`from(bucket: "src") |> range(start: -1h) |> to(bucket: "big")\n`);
  assert.equal(r.code, 1);
  assert.ok(r.err.includes('field "v" of measurement "big" (tags host="a") is string in bucket "big"; cannot write int values'), r.err);
  assert.ok(r.err.includes('dropped 2 points '), r.err);
  const got = await points('big');
  assert.deepEqual(got.filter((p) => !p.startsWith('big b ')), ['big a v string s', 'big c v string s', 'big d v int 4']);
  assert.equal(got.filter((p) => p.startsWith('big b v int ')).length, good);
});
