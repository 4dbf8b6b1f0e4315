// Durability and concurrency with real processes: a writer killed with SIGKILL mid-batch loses
// no acknowledged point and leaves nothing corrupt; a reader in another process sees each
// acknowledged write at once while the writer keeps writing (and compacting).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { REPO_ROOT } from '../support/env.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SERIES = 20;

function startWriter(dir: string, batches: number, perSeries: number): { child: ChildProcess; acks: AsyncIterable<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/store/fixtures/writer.ts'), dir, 'b', String(batches), String(perSeries)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return { child, acks: createInterface({ input: child.stdout! }) };
}

/** Batch number -> how many points of it are readable; also proves every segment decodes. */
async function census(store: Store): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for await (const s of store.read('b')) {
    for (const v of s.values as BigInt64Array) counts.set(Number(v), (counts.get(Number(v)) ?? 0) + 1);
  }
  return counts;
}

test('kill -9 mid-batch: every acknowledged point is readable and nothing is corrupt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-crash-'));
  dirs.push(dir);
  const perSeries = 2000;
  const { child, acks } = startWriter(dir, 10_000, perSeries);
  const acked: number[] = [];
  const exited = new Promise((r) => child.once('exit', r));
  for await (const line of acks) {
    const m = /^ack (\d+)$/.exec(line);
    if (m) acked.push(Number(m[1]));
    if (acked.length === 12) {
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  assert.equal(child.signalCode, 'SIGKILL');
  const store = openStore({ dir, fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false });
  const counts = await census(store);
  for (const i of acked) assert.equal(counts.get(i), SERIES * perSeries, `acknowledged batch ${i}`);
  // A batch is all or nothing: unacknowledged batches are either complete or absent.
  for (const [i, n] of counts) assert.equal(n, SERIES * perSeries, `batch ${i} is partial`);
  // The store stays writable, and maintenance cleans up after the crash.
  await store.write('b', [{ measurement: 'after', tags: [], field: 'v', type: 'int', times: BigInt64Array.of(1n), values: BigInt64Array.of(-1n) }]);
  await store.maintain('b');
  const again = await census(store);
  for (const i of acked) assert.equal(again.get(i), SERIES * perSeries);
  assert.equal(again.get(-1), 1);
  await store.close();
});

test('a reader process sees each acknowledged write at once while the writer keeps writing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-concurrent-'));
  dirs.push(dir);
  const perSeries = 50;
  const batches = 40;
  const { child, acks } = startWriter(dir, batches, perSeries);
  const reader = openStore({ dir, fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false });
  const acked = new Set<number>();
  let reads = 0;
  for await (const line of acks) {
    if (line === 'done') break;
    const m = /^ack (\d+)$/.exec(line);
    if (!m) continue;
    acked.add(Number(m[1]));
    // Read right after the ack (the writer is already writing the next batches).
    const started = performance.now();
    const counts = await census(reader);
    reads++;
    for (const i of acked) assert.equal(counts.get(i), SERIES * perSeries, `batch ${i} acknowledged but not visible`);
    for (const [i, n] of counts) assert.equal(n, SERIES * perSeries, `batch ${i} seen partially`);
    assert.ok(performance.now() - started < 1000, 'a read took over a second');
  }
  assert.equal(acked.size, batches);
  assert.ok(reads >= batches);
  await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
  assert.equal(child.exitCode, 0);
});

test('a writer whose disk stalls while it holds the bucket lock keeps it: another process waits instead of breaking it, and no acknowledged write is lost', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-stall-'));
  dirs.push(dir);
  // Locks go stale after 300 ms without a refresh; the stalled writer holds its lock 1.5 s.
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/store/fixtures/stalled-writer.ts'), dir, 'b', '1500', '300'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const exited = new Promise((r) => child.once('exit', r));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, 'stalled');
  const other = openStore({ dir, fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false, lockStaleMs: 300 });
  await other.write('b', [{ measurement: 'm', tags: [['writer', 'other']], field: 'v', type: 'int', times: BigInt64Array.of(systemClock.nowNanos()), values: BigInt64Array.of(2n) }]);
  assert.equal((await lines.next()).value, 'ack 1');
  await exited;
  assert.equal(child.exitCode, 0);
  const values: bigint[] = [];
  for await (const s of other.read('b')) values.push(...(s.values as BigInt64Array));
  assert.deepEqual(values.sort(), [0n, 1n, 2n]);
  await other.close();
});
