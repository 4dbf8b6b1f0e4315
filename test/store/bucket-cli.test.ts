// `promflux bucket list|create|delete`, run in-process through the CLI entry point.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { parseRetention, formatRetention } from '../../src/cli/commands/bucket.js';

const dir = mkdtempSync(join(tmpdir(), 'promflux-bucket-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = memoryIO('', { PROMFLUX_DATA: dir });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

test('create, list (with the store path and size) and delete buckets', async () => {
  let r = await cli('bucket', 'list');
  assert.equal(r.code, 0);
  assert.match(r.out, new RegExp(`^store: ${join(dir, 'store').replace(/[/\\.]/g, '\\$&')} \\(`));
  assert.match(r.out, /no buckets/);
  r = await cli('bucket', 'create', 'metrics', '--retention', '7d');
  assert.equal(r.code, 0, r.err);
  r = await cli('bucket', 'create', 'forever', '--retention', 'inf');
  assert.equal(r.code, 0, r.err);
  r = await cli('bucket', 'list');
  assert.match(r.out, /^forever\s+forever\s+0\s+0\s+/m);
  assert.match(r.out, /^metrics\s+7d\s+0\s+0\s+/m);
  r = await cli('bucket', 'list', '--json');
  const json = JSON.parse(r.out) as { path: string; buckets: { name: string; retentionNs: string }[] };
  assert.equal(json.path, join(dir, 'store'));
  assert.deepEqual(json.buckets.map((b) => [b.name, b.retentionNs]), [['forever', '0'], ['metrics', String(7n * 86_400_000_000_000n)]]);
  r = await cli('bucket', 'create', 'metrics');
  assert.equal(r.code, 1);
  assert.match(r.err, /already exists/);
  r = await cli('bucket', 'delete', 'metrics');
  assert.equal(r.code, 0);
  r = await cli('bucket', 'delete', 'metrics');
  assert.equal(r.code, 1);
  assert.match(r.err, /not found/);
  r = await cli('bucket', 'list', '--data', join(dir, 'elsewhere'));
  assert.match(r.out, /no buckets/);
});

test('a bad retention is a usage error (exit 2)', async () => {
  const r = await cli('bucket', 'create', 'x', '--retention', '3 days');
  assert.equal(r.code, 2);
  assert.match(r.err, /invalid --retention/);
});

test('retention parsing and formatting', () => {
  assert.equal(parseRetention('30d'), 30n * 86_400_000_000_000n);
  assert.equal(parseRetention('1h30m'), 5_400_000_000_000n);
  assert.equal(parseRetention('inf'), 0n);
  assert.equal(parseRetention('1mo'), undefined);
  assert.equal(parseRetention(''), undefined);
  // int64 nanoseconds at most: 106751d is about 2^63 - 1 ns, 106752d is beyond
  assert.equal(parseRetention('106751d'), 106_751n * 86_400_000_000_000n);
  assert.equal(parseRetention('106752d'), undefined);
  assert.equal(parseRetention('99999999999d'), undefined);
  assert.equal(formatRetention(5_400_000_000_000n), '1h30m');
  assert.equal(formatRetention(0n), 'forever');
});

test('bucket list shows a damaged bucket beside the others and says how to remove it; buckets() leaves it out', async () => {
  const { writeFileSync } = await import('node:fs');
  const data = mkdtempSync(join(tmpdir(), 'promflux-bucket-damaged-'));
  try {
    const run = async (...args: string[]) => {
      const io = memoryIO('', { PROMFLUX_DATA: data });
      return { code: await main(args, io), out: io.out, err: io.err };
    };
    assert.equal((await run('bucket', 'create', 'good')).code, 0);
    assert.equal((await run('bucket', 'create', 'broken')).code, 0);
    writeFileSync(join(data, 'store', 'buckets', 'broken', 'MANIFEST'), '{not json');
    const r = await run('bucket', 'list');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^broken\s+DAMAGED\s+-\s+-\s+/m);
    assert.match(r.out, /^good\s+\S+\s+0\s+0\s+/m);
    assert.match(r.err, /bucket "broken" is damaged and cannot be read: .*corrupt.* \(promflux bucket delete broken removes it\)/);
    const j = await run('bucket', 'list', '--json');
    const json = JSON.parse(j.out) as { buckets: { name: string; damaged?: string }[] };
    assert.deepEqual(json.buckets.map((b) => [b.name, b.damaged !== undefined]), [['broken', true], ['good', false]]);
    const flux = memoryIO('import "influxdata/influxdb"\ninfluxdb.buckets() |> keep(columns: ["name"])\n', { PROMFLUX_DATA: data });
    assert.equal(await main(['run', '-', '--format', 'csv'], flux), 0, flux.err);
    assert.match(flux.out, /,good\r?\n/);
    assert.doesNotMatch(flux.out, /broken/);
    assert.match(flux.err, /leaving out a damaged bucket/);
    assert.equal((await run('bucket', 'delete', 'broken')).code, 0);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
