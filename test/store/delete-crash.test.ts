// `bucket delete` killed with SIGKILL midway: the bucket is gone at once (its directory was
// renamed away first), and the files the killed process did not get to remove are removed by
// a later deletion or maintenance, in any process, once nothing has touched them for 10
// minutes; a deletion still in progress (fresh files) is left alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { REPO_ROOT } from '../support/env.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const point = (v: bigint) => [{ measurement: 'm', tags: [], field: 'v', type: 'int' as const, times: BigInt64Array.of(systemClock.nowNanos()), values: BigInt64Array.of(v) }];

test('a bucket deletion killed midway leaves the bucket deleted; its leftover files go at the next deletion or maintenance', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-delete-crash-'));
  dirs.push(dir);
  const store = openStore({ dir, fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false });
  await store.write('big', point(1n));
  await store.write('keep', point(2n));
  await store.write('other', point(3n));
  // Many files, so that removing them takes long enough to be killed in the middle.
  const bigDir = join(dir, 'buckets', 'big');
  for (let i = 0; i < 4000; i++) writeFileSync(join(bigDir, `${i}-L0-x.seg`), '');
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/store/fixtures/deleter.ts'), dir, 'big'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  // Kill it as soon as the bucket's directory was renamed away (its removal has begun).
  let trash: string | undefined;
  while (trash === undefined && child.exitCode === null) {
    trash = readdirSync(dir).find((f) => f.startsWith('.trash-'));
    if (trash === undefined) await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGKILL');
  await exited;
  assert.equal(child.signalCode, 'SIGKILL', 'the deletion finished before it could be killed; make the bucket bigger');
  assert.ok(trash !== undefined);
  // The bucket is gone, the others are intact.
  assert.deepEqual((await store.buckets()).map((b) => b.name), ['keep', 'other']);
  assert.ok(readdirSync(join(dir, trash)).length > 0, 'the killed deletion left files');
  // Recently touched: it may be a deletion still running in another process; left alone.
  await store.maintain();
  assert.ok(readdirSync(dir).includes(trash));
  // Untouched for 11 minutes: the next deletion (here of another bucket) removes it...
  const old = new Date(Date.now() - 11 * 60_000);
  utimesSync(join(dir, trash), old, old);
  await store.deleteBucket('other');
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.trash-')), []);
  // ...and so does maintenance (as serve runs it after writes) after another interrupted deletion.
  const leftover = join(dir, '.trash-1-leftover');
  mkdirSync(leftover);
  writeFileSync(join(leftover, 'MANIFEST'), '{}');
  utimesSync(leftover, old, old);
  await store.maintain();
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.trash-')), []);
  // Nothing else was touched.
  const values: bigint[] = [];
  for await (const s of store.read('keep')) values.push(...(s.values as BigInt64Array));
  assert.deepEqual(values, [2n]);
  await store.close();
});
