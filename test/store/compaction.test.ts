// Compaction merges segments series by series, streaming its output: the result is the merge a
// read makes (newer write wins a time, the type of the oldest part wins, points older than the
// retention go), memory does not grow with the partition, and a failure (full disk, damaged
// input) leaves the bucket as it was: no partial output, inputs still live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, NS_PER_HOUR } from '../../src/store/index.js';
import type { FieldType, SeriesBatch, SeriesData, Store, StoreOptions } from '../../src/store/index.js';
import type { FileSystem, NewFile } from '../../src/host/fs.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import type { Clock } from '../../src/host/clock.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { FluxError } from '../../src/errors/index.js';
import { rng } from '../support/rng.js';
import { REPO_ROOT } from '../support/env.js';
import { tempDirs } from '../support/temp-dirs.js';
import { manualClock } from '../support/fake-clock.js';

const tempDir = tempDirs('promflux-compact-');

function newStore(dir: string, clock: Clock, extra: Partial<StoreOptions> = {}): Store {
  return openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, autoMaintain: false, graceMs: 0, ...extra });
}

async function readAll(store: Store, bucket: string): Promise<SeriesData[]> {
  const out: SeriesData[] = [];
  for await (const s of store.read(bucket)) out.push(s);
  return out;
}

/** Series as comparable rows, in read order: key, type, then time=value per point. */
function rows(series: readonly SeriesData[]): string[] {
  return series.map((s) => {
    const vals = [...(s.values as Iterable<unknown>)];
    const pts = [...s.times].map((t, i) => `${t}=${typeof vals[i] === 'number' && Object.is(vals[i], -0) ? '-0' : String(vals[i])}`);
    return `${s.measurement}|${s.field}|${JSON.stringify(s.tags)}|${s.type}|${pts.join(',')}`;
  });
}

interface Manifest {
  segments: { file: string; level: number; points: number; bytes: number }[];
  garbage: { file: string }[];
}
const manifestOf = (store: Store, bucket: string): Manifest => JSON.parse(readFileSync(join(store.dir, 'buckets', bucket, 'MANIFEST'), 'utf8')) as Manifest;
const segFiles = (store: Store, bucket: string) => readdirSync(join(store.dir, 'buckets', bucket)).filter((f) => f.endsWith('.seg')).sort();

const TYPES: readonly FieldType[] = ['float', 'int', 'uint', 'bool', 'string'];
const SEC = 1_000_000_000n;

/** The node file system, with `before` called ahead of each write to a file made by createNewFile (a compaction's output). */
function hookedWrites(before: (f: NewFile) => void | Promise<void>): FileSystem {
  return {
    ...nodeFileSystem,
    async createNewFile(path) {
      const f = await nodeFileSystem.createNewFile(path);
      return {
        ...f,
        async write(data) {
          await before(f);
          return f.write(data);
        },
      };
    },
  };
}

/**
 * `groups` writes of `series` float series (tag k = 0, 1, ...) of `points` random points each,
 * write g starting at T0 + g * `step` seconds, one second apart (step < points overlaps them).
 */
async function writeGroups(store: Store, bucket: string, o: { groups: number; series: number; points: number; seed: number; step?: number }): Promise<void> {
  const rand = rng(o.seed);
  for (let g = 0; g < o.groups; g++) {
    const times = BigInt64Array.from({ length: o.points }, (_, i) => 1_700_000_000n * SEC + BigInt(g * (o.step ?? o.points) + i) * SEC);
    await store.write(
      bucket,
      Array.from({ length: o.series }, (_, k) => ({ measurement: 'm', tags: [['k', String(k)]] as [string, string][], field: 'f', type: 'float' as const, times, values: Float64Array.from({ length: o.points }, () => rand()) })),
    );
  }
}

function valuesOf(type: FieldType, vs: readonly number[]): SeriesBatch['values'] {
  switch (type) {
    case 'float':
      return Float64Array.from(vs, (v) => (v % 7 === 0 ? -0 : v / 8));
    case 'int':
      return BigInt64Array.from(vs, (v) => BigInt(v) - 500n);
    case 'uint':
      return BigUint64Array.from(vs, (v) => 2n ** 64n - 1n - BigInt(v));
    case 'bool':
      return Uint8Array.from(vs, (v) => v % 2);
    case 'string':
      return vs.map((v) => `v${v}`);
  }
}

test('twenty segments with overlapping writes, a type conflict and expiring points merge into one segment equal to the merge', async () => {
  const seed = 20261122;
  const rand = rng(seed);
  // Retention 1h: partitions of 1h. Partition H gets the writes; compaction runs when H has
  // ended and its cutoff (now - 1h) lies 15 minutes into H.
  const H = 1_700_000_000n * SEC - ((1_700_000_000n * SEC) % NS_PER_HOUR);
  const clock = manualClock(H + 30n * 60n * SEC);
  const dir = tempDir();
  const store = newStore(dir, clock, { compactionFanIn: 1000 });
  await store.createBucket('b', { retentionNs: NS_PER_HOUR });
  await store.createBucket('x', { retentionNs: NS_PER_HOUR });
  const seriesCount = 60;
  const typeOf = (k: number) => TYPES[k % TYPES.length]!;
  const tagsOf = (k: number): [string, string][] => (k % 4 === 0 ? [] : [['host', `h${k % 3}`], ['k', String(k)]]);
  /** The model: key -> type and time -> value, last write wins. */
  const model = new Map<string, { s: Omit<SeriesBatch, 'times' | 'values'>; points: Map<bigint, number> }>();
  let counter = 0;
  for (let w = 0; w < 20; w++) {
    const batch: SeriesBatch[] = [];
    for (let k = 0; k < seriesCount; k++) {
      if (rand() < 0.3) continue; // not every series in every segment
      // times anywhere in the hour, on a 10 s grid, so writes overlap and repeat times
      const n = 1 + Math.floor(rand() * 40);
      const times = new Set<bigint>();
      while (times.size < n) times.add(H + BigInt(Math.floor(rand() * 360)) * 10n * SEC);
      const ts = [...times].sort((a, b) => (a < b ? -1 : 1));
      const vs = ts.map(() => counter++);
      const base = { measurement: `m${k % 5}`, tags: tagsOf(k), field: k % 2 === 0 ? 'value' : 'count', type: typeOf(k) };
      batch.push({ ...base, times: BigInt64Array.from(ts), values: valuesOf(base.type, vs) });
      const key = JSON.stringify([base.measurement, base.field, base.tags]);
      const entry = model.get(key) ?? model.set(key, { s: base, points: new Map() }).get(key)!;
      ts.forEach((t, i) => entry.points.set(t, vs[i]!));
    }
    await store.write('b', batch);
  }
  // A segment holding series 1 with another type (as two processes writing at once can leave):
  // written to bucket x, then moved into b, in the middle of b's MANIFEST.
  await store.write('x', [{ measurement: 'm1', tags: tagsOf(1), field: 'count', type: 'string', times: BigInt64Array.of(H + 5n * SEC, H + 3000n * SEC), values: ['other', 'type'] }]);
  const mx = manifestOf(store, 'x');
  renameSync(join(dir, 'buckets', 'x', mx.segments[0]!.file), join(dir, 'buckets', 'b', mx.segments[0]!.file));
  const mb = JSON.parse(readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8')) as { segments: unknown[] };
  mb.segments.splice(10, 0, mx.segments[0]);
  writeFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), JSON.stringify(mb));
  const inputs = segFiles(store, 'b');
  assert.equal(inputs.length, 21);

  clock.set(H + 75n * 60n * SEC);
  const cutoff = H + 15n * 60n * SEC;
  const before = rows(await readAll(store, 'b'));
  // The model's merge: the type of the oldest part (string parts of series 1 are dropped), the
  // last written value of each time, nothing before the cutoff; sorted by series key.
  const want: SeriesData[] = [];
  for (const { s, points } of model.values()) {
    const ts = [...points.keys()].filter((t) => t >= cutoff).sort((a, b) => (a < b ? -1 : 1));
    if (ts.length > 0) want.push({ ...s, times: BigInt64Array.from(ts), values: valuesOf(s.type, ts.map((t) => points.get(t)!)) });
  }
  const key = (s: SeriesData) => [s.measurement, s.field, ...s.tags.map(([k, v]) => `${k}\u0001${v}`)].join('\0');
  want.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  assert.deepEqual(before, rows(want), `seed ${seed}: the read path disagrees with the model`);

  await store.maintain('b');
  const m = manifestOf(store, 'b');
  assert.equal(m.segments.length, 1, `seed ${seed}`);
  assert.equal(m.segments[0]!.level, 1);
  const got = await readAll(store, 'b');
  assert.deepEqual(rows(got), rows(want), `seed ${seed}`);
  assert.equal(m.segments[0]!.points, want.reduce((a, s) => a + s.times.length, 0));
  // The inputs are garbage, and gone on the next maintenance (grace 0).
  assert.deepEqual(m.garbage.map((g) => g.file).sort(), inputs);
  await store.maintain('b');
  assert.deepEqual(segFiles(store, 'b'), [m.segments[0]!.file]);
  assert.equal(readFileSync(join(dir, 'buckets', 'b', m.segments[0]!.file)).length, m.segments[0]!.bytes);
  // A fresh process reads the same.
  assert.deepEqual(rows(await readAll(newStore(dir, clock), 'b')), rows(want));
});

/** A FileSystem that records the largest single read and write of segment data. */
function countingFs(): FileSystem & { maxRead: number; maxWrite: number; writes: number } {
  const fs = {
    ...nodeFileSystem,
    maxRead: 0,
    maxWrite: 0,
    writes: 0,
    async openRead(path: string) {
      const h = await nodeFileSystem.openRead(path);
      return {
        size: h.size,
        read: async (offset: number, length: number) => {
          fs.maxRead = Math.max(fs.maxRead, length);
          return h.read(offset, length);
        },
        close: () => h.close(),
      };
    },
    async writeNewFile(path: string, data: Uint8Array) {
      fs.maxWrite = Math.max(fs.maxWrite, data.length);
      fs.writes++;
      return nodeFileSystem.writeNewFile(path, data);
    },
    async createNewFile(path: string): Promise<NewFile> {
      const f = await nodeFileSystem.createNewFile(path);
      return {
        ...f,
        write: async (data: Uint8Array) => {
          fs.maxWrite = Math.max(fs.maxWrite, data.length);
          fs.writes++;
          return f.write(data);
        },
      };
    },
  };
  return fs;
}

test('compaction reads and writes in bounded pieces, however large its inputs and output', async () => {
  const dir = tempDir();
  const clock = manualClock(1_700_000_000n * SEC);
  const writer = newStore(dir, clock);
  await writer.createBucket('big', { retentionNs: 0n });
  // 8 segments of 600 series x 400 points of random floats (about 5 bytes a point on disk).
  await writeGroups(writer, 'big', { groups: 8, series: 600, points: 400, seed: 7 });
  const inputBytes = manifestOf(writer, 'big').segments.reduce((a, s) => a + s.bytes, 0);
  assert.ok(inputBytes > 8 * 1024 * 1024, `inputs of ${inputBytes} bytes`);
  const before = rows(await readAll(writer, 'big'));
  const fs = countingFs();
  const store = openStore({ dir, fs, clock, logger: silentLogger, autoMaintain: false, graceMs: 0, compactionFanIn: 8 });
  await store.maintain('big');
  const m = manifestOf(store, 'big');
  assert.equal(m.segments.length, 1);
  assert.ok(m.segments[0]!.bytes > 8 * 1024 * 1024);
  // No read of a whole input (about 1.2 MB each), no write of the whole output (about 9 MB):
  // pieces of at most the read window (256 KiB) / the write chunk (1 MiB) plus one series'
  // block (about 16 KB here).
  assert.ok(fs.maxRead <= 300 * 1024, `largest read ${fs.maxRead} bytes`);
  assert.ok(fs.maxWrite <= 1100 * 1024, `largest write ${fs.maxWrite} bytes`);
  assert.ok(fs.writes >= 8, `${fs.writes} writes`);
  assert.deepEqual(rows(await readAll(store, 'big')), before);
});

/**
 * A store (its directory) whose bucket "b" (kept forever) holds 8 level-0 segments of the
 * current partition, each 1,000 series x `points` points: 10 targets scraped every second,
 * whose series share timestamps. Compaction (fan-in 8) merges them into one.
 */
async function scrapedPartition(points: number): Promise<string> {
  const dir = tempDir();
  const store = newStore(dir, systemClock);
  await store.createBucket('b', { retentionNs: 0n });
  const t0 = systemClock.nowNanos() - 4n * NS_PER_HOUR;
  for (let g = 0; g < 8; g++) {
    const times = Array.from({ length: 10 }, (_, t) => BigInt64Array.from({ length: points }, (_, i) => t0 + BigInt(g * points + i) * SEC + BigInt(t)));
    await store.write(
      'b',
      Array.from({ length: 1000 }, (_, k) => ({
        measurement: `m${k % 50}`,
        tags: [['k', String(k)], ['target', `t${k % 10}`]] as [string, string][],
        field: 'v',
        type: 'float' as const,
        times: times[k % 10]!,
        values: Float64Array.from({ length: points }, (_, i) => Math.round(Math.sin(k + i + g) * 1000) / 100),
      })),
    );
  }
  await store.close();
  return dir;
}

test('a process compacting a partition too large to merge in memory stays within a small, fixed amount of memory', { timeout: 120_000 }, async () => {
  // 8 segments of 1,000 series x 1,000 points (8 million points, 10 targets whose series share
  // times): merging them in memory raised the resident memory of the compacting process by
  // about 200 MiB at its peak; streaming raises it by about 35 MiB (read windows, one series,
  // one output chunk, garbage not yet collected), whatever the size of the partition.
  const dir = await scrapedPartition(1000);
  const child = join(REPO_ROOT, 'test/store/fixtures/compact-child.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, join(dir), 'b'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 100_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { beforeKiB: number; peakKiB: number; segments: number; points: number };
  assert.deepEqual([got.segments, got.points], [1, 8_000_000]);
  const growthMiB = (got.peakKiB - got.beforeKiB) / 1024;
  assert.ok(growthMiB < 100, `peak resident memory grew by ${growthMiB.toFixed(0)} MiB while compacting`);
});

test('a full disk while writing the output fails the compaction with store.io and leaves the bucket as it was', async () => {
  const dir = tempDir();
  const clock = manualClock(1_700_000_000n * SEC);
  let failAt = 2;
  let writes = 0;
  const fs = hookedWrites(async (f) => {
    if (++writes === failAt) {
      // as nodeFileSystem does on ENOSPC: the partial file goes, then the write rejects
      await f.abort();
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
  });
  const store = openStore({ dir, fs, clock, logger: silentLogger, autoMaintain: false, graceMs: 0, compactionFanIn: 4 });
  await store.createBucket('b', { retentionNs: 0n });
  await writeGroups(store, 'b', { groups: 4, series: 300, points: 300, seed: 11 });
  const files = segFiles(store, 'b');
  const manifest = readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8');
  const before = rows(await readAll(store, 'b'));
  await assert.rejects(store.maintain('b'), (e: unknown) => e instanceof FluxError && e.id === 'store.io' && e.message.includes('no space left on device'));
  assert.deepEqual(segFiles(store, 'b'), files, 'no partial output left');
  assert.equal(readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8'), manifest);
  assert.deepEqual(rows(await readAll(store, 'b')), before);
  // with space again, the same compaction succeeds
  failAt = -1;
  await store.maintain('b');
  assert.equal(manifestOf(store, 'b').segments.length, 1);
  assert.deepEqual(rows(await readAll(store, 'b')), before);
});

test('a damaged input fails the compaction with store.corrupt naming the segment, and leaves the bucket as it was', async () => {
  const dir = tempDir();
  const clock = manualClock(1_700_000_000n * SEC);
  const store = newStore(dir, clock, { compactionFanIn: 3 });
  for (let g = 0; g < 3; g++) {
    await store.write('b', [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(1_700_000_000n * SEC + BigInt(g)), values: Float64Array.of(g) }]);
  }
  const m = manifestOf(store, 'b');
  const damaged = m.segments[1]!.file;
  const path = join(dir, 'buckets', 'b', damaged);
  const bytes = readFileSync(path);
  bytes[10] = bytes[10]! ^ 0xff; // inside the first block, not the index
  writeFileSync(path, bytes);
  const manifest = readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8');
  await assert.rejects(store.maintain('b'), (e: unknown) => e instanceof FluxError && e.id === 'store.corrupt' && e.message.includes(damaged));
  assert.deepEqual(segFiles(store, 'b'), m.segments.map((s) => s.file).sort(), 'no output left');
  assert.equal(readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8'), manifest);
});

test('two processes compacting the same inputs at once: one output is published, the other removed, nothing lost', async () => {
  const dir = tempDir();
  const clock = manualClock(1_700_000_000n * SEC);
  const a = newStore(dir, clock, { compactionFanIn: 4 });
  await writeGroups(a, 'b', { groups: 4, series: 200, points: 200, seed: 5, step: 150 }); // overlapping
  const inputs = segFiles(a, 'b');
  const before = rows(await readAll(a, 'b'));
  // Two other processes' views: each its own index cache and state, the same files.
  let outputs = 0;
  const fs: FileSystem = {
    ...nodeFileSystem,
    async createNewFile(path) {
      outputs++;
      return nodeFileSystem.createNewFile(path);
    },
  };
  const [p, q] = [0, 1].map(() => openStore({ dir, fs, clock, logger: silentLogger, autoMaintain: false, graceMs: 0, compactionFanIn: 4 }));
  await Promise.all([p!.maintain('b'), q!.maintain('b')]);
  assert.equal(outputs, 2, 'both compacted');
  const b = q!;
  const m = manifestOf(a, 'b');
  assert.equal(m.segments.length, 1);
  assert.deepEqual(rows(await readAll(a, 'b')), before);
  assert.deepEqual(rows(await readAll(b, 'b')), before);
  // The loser removed its output: only the inputs (garbage now) and the published output remain.
  assert.deepEqual(segFiles(a, 'b'), [...inputs, m.segments[0]!.file].sort());
  await a.maintain('b');
  assert.deepEqual(segFiles(a, 'b'), [m.segments[0]!.file]);
});

test('kill -9 in the middle of a compaction: the bucket reads as before, and the next maintenance finishes the job', { timeout: 120_000 }, async () => {
  const dir = await scrapedPartition(500);
  const bucketDir = join(dir, 'buckets', 'b');
  const manifest = readFileSync(join(bucketDir, 'MANIFEST'), 'utf8');
  const inputs = readdirSync(bucketDir).filter((f) => f.endsWith('.seg')).sort();
  const reader = newStore(dir, systemClock);
  const before = rows(await readAll(reader, 'b'));
  // Kill the compacting process as soon as its output file appears (its first piece is written).
  const watcher = watch(bucketDir);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/store/fixtures/compact-child.ts'), dir, 'b'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await new Promise<void>((resolve, reject) => {
      watcher.on('change', (_type, name) => {
        if (String(name).includes('-L1-')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error('the compaction finished before its output file was seen')));
    });
  } finally {
    watcher.close();
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
  assert.equal(child.signalCode, 'SIGKILL');
  assert.equal(readFileSync(join(bucketDir, 'MANIFEST'), 'utf8'), manifest, 'the killed compaction published nothing');
  const left = readdirSync(bucketDir).filter((f) => f.endsWith('.seg')).sort();
  assert.equal(left.length, inputs.length + 1, `files: ${left.join(', ')}`); // the inputs and the partial output
  assert.deepEqual(rows(await readAll(newStore(dir, systemClock), 'b')), before);
  // Ten minutes later maintenance removes the partial file and compacts again.
  const later = newStore(dir, manualClock(systemClock.nowNanos() + 11n * 60n * SEC));
  await later.maintain('b');
  await later.maintain('b');
  const m = JSON.parse(readFileSync(join(bucketDir, 'MANIFEST'), 'utf8')) as Manifest;
  assert.equal(m.segments.length, 1);
  assert.deepEqual(readdirSync(bucketDir).filter((f) => f.endsWith('.seg')), [m.segments[0]!.file]);
  assert.deepEqual(rows(await readAll(later, 'b')), before);
});

test('close() stops a compaction in progress: nothing is published, its partial output is removed', async () => {
  const dir = tempDir();
  const clock = manualClock(1_700_000_000n * SEC);
  let closing: Promise<void> | undefined;
  let store: Store | undefined;
  const fs = hookedWrites(() => {
    // The first piece of the output is out: shut the store down (as serve does on SIGTERM).
    closing ??= store!.close();
  });
  const writer = newStore(dir, clock);
  await writeGroups(writer, 'b', { groups: 4, series: 2000, points: 200, seed: 3 });
  const files = segFiles(writer, 'b');
  const manifest = readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8');
  const before = rows(await readAll(writer, 'b'));
  store = openStore({ dir, fs, clock, logger: silentLogger, autoMaintain: false, graceMs: 0, compactionFanIn: 4 });
  await store.maintain('b');
  assert.ok(closing, 'the compaction started writing');
  await closing;
  assert.equal(readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8'), manifest);
  assert.deepEqual(segFiles(writer, 'b'), files);
  assert.deepEqual(rows(await readAll(newStore(dir, clock), 'b')), before);
});

test('a damaged segment in one partition stops neither the compaction of the other partitions nor the maintenance of other buckets', async () => {
  const dir = tempDir();
  const now = 1_700_000_000n * SEC;
  const store = newStore(dir, manualClock(now), { compactionFanIn: 3 });
  const week = 7n * 24n * NS_PER_HOUR; // the partition of a bucket kept forever
  const pt = (t: bigint, v: number): SeriesBatch[] => [{ measurement: 'm', tags: [], field: 'f', type: 'float', times: BigInt64Array.of(t), values: Float64Array.of(v) }];
  await store.createBucket('a', { retentionNs: 0n });
  await store.createBucket('z', { retentionNs: 0n });
  for (let i = 0; i < 3; i++) await store.write('a', pt(now - week + BigInt(i), i)); // an older partition, first in the MANIFEST
  for (let i = 0; i < 3; i++) await store.write('a', pt(now + BigInt(i), 10 + i));
  for (let i = 0; i < 3; i++) await store.write('z', pt(now + BigInt(i), 20 + i));
  const older = manifestOf(store, 'a').segments.slice(0, 3).map((s) => s.file);
  const path = join(dir, 'buckets', 'a', older[1]!);
  const bytes = readFileSync(path);
  bytes[10] = bytes[10]! ^ 0xff;
  writeFileSync(path, bytes);
  await assert.rejects(store.maintain(), (e: unknown) => e instanceof FluxError && e.id === 'store.corrupt' && e.message.includes(older[1]!));
  // bucket a: the damaged partition as it was, the other one compacted; bucket z compacted
  const a = manifestOf(store, 'a').segments;
  assert.deepEqual(a.slice(0, 3).map((s) => s.file), older);
  assert.deepEqual(a.slice(3).map((s) => [s.level, s.points]), [[1, 3]]);
  assert.deepEqual(manifestOf(store, 'z').segments.map((s) => [s.level, s.points]), [[1, 3]]);
  assert.deepEqual((await readAll(store, 'z')).flatMap((s) => [...s.values]), [20, 21, 22]);
});

test('a partition of more than 64 segments merges 64 at a time, oldest first, and the newest value of a time still wins', async () => {
  const dir = tempDir();
  const t0 = 1_700_000_000n * SEC;
  const clock = manualClock(t0);
  const store = newStore(dir, clock, { compactionFanIn: 1000 });
  await store.createBucket('b', { retentionNs: 0n });
  const pt = (t: bigint, v: number): SeriesBatch[] => [{ measurement: 'm', tags: [], field: 'f', type: 'int', times: BigInt64Array.of(t), values: BigInt64Array.of(BigInt(v)) }];
  await store.write('b', pt(t0, 0)); // time t0: written first...
  for (let i = 1; i < 69; i++) await store.write('b', pt(t0 + BigInt(i), i));
  await store.write('b', pt(t0, 69)); // ...and overwritten by the 70th segment
  const want = [69n, ...Array.from({ length: 68 }, (_, i) => BigInt(i + 1))];
  const values = async () => (await readAll(store, 'b')).flatMap((s) => [...(s.values as BigInt64Array)]);
  assert.deepEqual(await values(), want);
  const inputs = manifestOf(store, 'b').segments.map((s) => s.file);
  assert.equal(inputs.length, 70);
  // The week-long partition has ended and nothing was written to it for 10 minutes.
  clock.set(t0 + 8n * 24n * NS_PER_HOUR);
  await store.maintain('b');
  let m = manifestOf(store, 'b');
  assert.equal(m.segments.length, 1 + 6);
  assert.deepEqual(m.segments.slice(1).map((s) => s.file), inputs.slice(64));
  assert.deepEqual([m.segments[0]!.points], [64]);
  assert.deepEqual(await values(), want);
  clock.set(t0 + 8n * 24n * NS_PER_HOUR + 11n * 60n * SEC);
  await store.maintain('b');
  m = manifestOf(store, 'b');
  assert.deepEqual(m.segments.map((s) => s.points), [69]);
  assert.deepEqual(await values(), want);
});

test('a compaction that merges large integer values with a small decimal keeps every value exact', async () => {
  // Each input block alone is plain decimals (scale 0, then scale 1); merged, the scale of
  // the output block is 1, at which 2^49 and 1e15 no longer fit: they must be exceptions, not
  // decimals read back wrong.
  const dir = tempDir();
  const store = newStore(dir, manualClock(1_700_000_000n * SEC), { compactionFanIn: 3 });
  const series = (t: bigint, values: number[]): SeriesBatch => ({
    measurement: 'm',
    tags: [],
    field: 'f',
    type: 'float',
    times: BigInt64Array.from(values, (_, i) => 1_700_000_000n * SEC + t + BigInt(i)),
    values: Float64Array.from(values),
  });
  const big = [2 ** 49, 2 ** 49 + 1, 1e15, 1e15 + 2, 12, 13, 14, 15];
  await store.write('b', [series(0n, big)]);
  await store.write('b', [series(100n, [0.5, 1.5, 2.5, 3.5])]);
  await store.write('b', [series(200n, [7, 8, 9, 10])]);
  await store.maintain('b');
  assert.equal(manifestOf(store, 'b').segments.length, 1, 'compacted');
  const got = await readAll(newStore(dir, manualClock(1_700_000_000n * SEC)), 'b');
  assert.deepEqual([...(got[0]!.values as Float64Array)], [...big, 0.5, 1.5, 2.5, 3.5, 7, 8, 9, 10]);
});
