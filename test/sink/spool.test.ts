// The write spool shared by processes side by side (`promflux serve` and `promflux run` on one
// data directory): each process has its own Spool over the same directory, and sees what the
// other appended, delivered or dropped only on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from '../../src/sink/spool.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { systemClock } from '../../src/host/clock.js';
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

test('the temporary file of an append killed midway is removed by the next process that lists the spool', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'promflux-spool-')), 'spool', 'dest');
  dirs.push(join(dir, '..', '..'));
  const first = new Spool(nodeFileSystem, dir, 10_000, recordingLogger(), META, systemClock);
  assert.equal(await first.append(batch(100), 1), 0);
  // What kill -9 in the middle of the next append left (FileSystem.writeFileDurable's temporary
  // file), 11 minutes ago; and one of an append that may still be running in another process.
  const old = join(dir, '.tmp-4242-9-00000000000000000002-4242-1.lp');
  const recent = join(dir, '.tmp-4243-1-00000000000000000003-4243-1.lp');
  writeFileSync(old, 'm f=1 1\nm f=');
  writeFileSync(recent, 'm f=');
  const then = new Date(Date.now() - 11 * 60_000);
  utimesSync(old, then, then);
  const next = new Spool(nodeFileSystem, dir, 10_000, recordingLogger(), META, systemClock);
  assert.deepEqual((await next.segments()).map((s) => s.points), [1]);
  assert.deepEqual(readdirSync(dir).sort(), ['.tmp-4243-1-00000000000000000003-4243-1.lp', '00000000000000000001-' + String(process.pid) + '-1.lp', 'meta.json'].sort());
});

test('appends of two processes alternating are drained in the order they were made, and none replaces another', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'promflux-spool-')), 'spool', 'dest');
  dirs.push(join(dir, '..', '..'));
  // (in one test process both have the same pid, as two containers' pid 1 on one volume do)
  const serve = new Spool(nodeFileSystem, dir, 1 << 20, recordingLogger(), META);
  const run = new Spool(nodeFileSystem, dir, 1 << 20, recordingLogger(), META);
  const line = (v: number) => new TextEncoder().encode(`m f=${v} 1\n`);
  await serve.append(line(1), 1);
  await run.append(line(2), 1);
  await serve.append(line(3), 1);
  await run.append(line(4), 1);
  await serve.append(line(5), 1);
  const drained: string[] = [];
  for (const seg of await run.segments()) drained.push(new TextDecoder().decode(await run.read(seg)).trim());
  // InfluxDB keeps the last write of a point (same series, field and time): f=5 must be last.
  assert.deepEqual(drained, ['m f=1 1', 'm f=2 1', 'm f=3 1', 'm f=4 1', 'm f=5 1']);
});
