// `bucket delete` in one process while another process writes to that bucket (serve writing,
// a user deleting): a write to a missing bucket creates it, so a write that meets the
// deletion halfway is written into the new bucket, not failed with a file-system error
// (ENOENT on a segment, the LOCK or the MANIFEST of the directory renamed away); every write
// begun after the last deletion is readable, whole.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

function run(fixture: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/store/fixtures', fixture), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

test('a bucket deleted again and again while another process writes to it: no write fails, none begun after the last deletion is lost', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-delete-race-'));
  dirs.push(dir);
  const writing = run('timed-writer.ts', [dir, 'b', '300']);
  // Start deleting once the writer has created the bucket.
  const store = openStore({ dir, fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false });
  while ((await store.buckets()).length === 0) await new Promise((r) => setTimeout(r, 5));
  const deleting = run('deleter.ts', [dir, 'b', '10']);
  const [w, d] = await Promise.all([writing, deleting]);
  assert.equal(d.code, 0, d.err);
  assert.equal(w.code, 0, w.out + w.err);
  const deletions = d.out.split('\n').filter((l) => l.startsWith('deleted ')).map((l) => Number(l.split(' ')[1]));
  assert.ok(deletions.length > 0, 'no deletion happened');
  const lastDeletion = Math.max(...deletions);
  const acks = w.out.split('\n').filter((l) => l.startsWith('ack ')).map((l) => l.split(' ').map(Number) as [number, number, number]);
  assert.equal(acks.length, 300);
  const counts = new Map<number, number>();
  for await (const s of store.read('b')) for (const v of s.values as BigInt64Array) counts.set(Number(v), (counts.get(Number(v)) ?? 0) + 1);
  const after = acks.filter(([, , began]) => began > lastDeletion).map(([, i]) => i);
  assert.ok(after.length > 0, 'the writer finished before the deletions did; give it more batches');
  for (const i of after) assert.equal(counts.get(i), 100, `batch ${i}, begun after the last deletion`);
  for (const [i, n] of counts) assert.equal(n, 100, `batch ${i} is partial`);
  await store.close();
});
