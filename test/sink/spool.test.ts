// The write spool shared by processes side by side (`promflux serve` and `promflux run` on one
// data directory): each process has its own Spool over the same directory, and sees what the
// other appended, delivered or dropped only on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from '../../src/sink/spool.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import type { Logger } from '../../src/host/logger.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
}

const META = { description: 'bucket "b" on http://127.0.0.1:1', dialect: 'v2' };
const batch = (bytes: number) => new Uint8Array(bytes).fill(0x61);

test('a spool drained by another process does not count the delivered segments: nothing is dropped while it has room', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'promflux-spool-')), 'spool', 'dest');
  dirs.push(join(dir, '..', '..'));
  const serveLog = recordingLogger();
  const serve = new Spool(nodeFileSystem, dir, 1000, serveLog, META);
  const run = new Spool(nodeFileSystem, dir, 1000, recordingLogger(), META);
  // serve spools 800 bytes while the destination is down...
  assert.equal(await serve.append(batch(400), 4), 0);
  assert.equal(await serve.append(batch(400), 4), 0);
  // ...then a `promflux run` delivers them (its drain) when the destination is back.
  for (const seg of await run.segments()) await run.remove(seg);
  assert.equal(await run.pendingPoints(), 0);
  // The destination fails again: serve spools 2 x 400 bytes, which fit in the 1000-byte spool.
  assert.equal(await serve.append(batch(400), 4), 0);
  assert.equal(await serve.append(batch(400), 4), 0);
  assert.equal(await run.pendingPoints(), 8);
  assert.deepEqual(serveLog.errors, []);
});

test('a spool another process appended to is kept within its bound once the spool was listed (as every drain does)', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'promflux-spool-')), 'spool', 'dest');
  dirs.push(join(dir, '..', '..'));
  const serve = new Spool(nodeFileSystem, dir, 1000, recordingLogger(), META);
  const run = new Spool(nodeFileSystem, dir, 1000, recordingLogger(), META);
  assert.equal(await serve.append(batch(400), 4), 0);
  assert.equal(await run.append(batch(400), 4), 0);
  // serve's next run drains first: it lists the spool (the destination is still down).
  assert.equal((await serve.segments()).length, 2);
  // 800 bytes on disk: another 400 must drop the oldest segment (4 points), whoever appends.
  assert.equal(await serve.append(batch(400), 4), 4);
  const bytes = (await run.segments()).reduce((a, s) => a + s.bytes, 0);
  assert.ok(bytes <= 1000, `${bytes} bytes in a 1000-byte spool`);
});
