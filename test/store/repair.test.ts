// Store.repairBucket and `promflux bucket repair`: damaged segment files (a flipped byte, a
// cut-off file, a missing file) are found by reading every block, taken out of the MANIFEST
// and moved aside; the rest of the bucket is readable and mergeable again, and nothing sound
// is touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, NS_PER_DAY } from '../../src/store/index.js';
import type { SeriesData, Store } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { silentLogger } from '../../src/host/logger.js';
import { systemClock } from '../../src/host/clock.js';
import type { Clock } from '../../src/host/clock.js';
import { FluxError } from '../../src/errors/index.js';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('promflux-repair-');

// Now is day 3 of the test's time line; data of days 0, 1 and 2 (1-day partitions).
const DAY0 = (1_700_000_000_000_000_000n / NS_PER_DAY) * NS_PER_DAY;
const clock: Clock = { ...systemClock, nowNanos: () => DAY0 + 3n * NS_PER_DAY };

function newStore(dataDir: string): Store {
  return openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock, logger: silentLogger, autoMaintain: false });
}

async function readAll(store: Store, bucket: string): Promise<string[]> {
  const out: string[] = [];
  for await (const s of store.read(bucket) as AsyncIterable<SeriesData>) {
    for (let i = 0; i < s.times.length; i++) out.push(`${s.tags[0]![1]}@${(s.times[i]! - DAY0) / NS_PER_DAY}=${String(s.values[i])}`);
  }
  return out.sort();
}

/**
 * A bucket "b" with one segment per day: series h0..h2, day d's points valued d*10 + h; day 1
 * also has series `only1` (float), which no other file holds.
 */
async function filledBucket(): Promise<{ dataDir: string; store: Store; files: string[] }> {
  const dataDir = tempDir();
  const store = newStore(dataDir);
  for (let d = 0n; d < 3n; d++) {
    const t = DAY0 + d * NS_PER_DAY + 1_000_000_000n;
    const hosts = d === 1n ? ['h0', 'h1', 'h2', 'only1'] : ['h0', 'h1', 'h2'];
    await store.write(
      'b',
      hosts.map((h, k) => ({ measurement: 'm', tags: [['host', h]] as [string, string][], field: 'f', type: 'float' as const, times: BigInt64Array.of(t, t + 1n), values: Float64Array.of(Number(d) * 10 + k, Number(d) * 10 + k + 0.5) })),
    );
  }
  const manifest = JSON.parse(readFileSync(join(dataDir, 'store', 'buckets', 'b', 'MANIFEST'), 'utf8')) as { segments: { file: string }[] };
  return { dataDir, store, files: manifest.segments.map((s) => s.file) };
}

const segPath = (dataDir: string, file: string) => join(dataDir, 'store', 'buckets', 'b', file);

test('a segment with a flipped byte in a block is found, moved aside and its points listed; the rest reads and merges again', async () => {
  const { dataDir, store, files } = await filledBucket();
  const all = await readAll(store, 'b');
  assert.equal(all.length, 20);
  const bad = files[1]!; // day 1
  const bytes = readFileSync(segPath(dataDir, bad));
  bytes[12] = bytes[12]! ^ 0x5a; // in the first block: the index still reads
  writeFileSync(segPath(dataDir, bad), bytes);
  const fresh = newStore(dataDir);
  await assert.rejects(readAll(fresh, 'b'), (e: unknown) => e instanceof FluxError && e.id === 'store.corrupt');

  const dry = await fresh.repairBucket('b', { dryRun: true });
  assert.equal(dry.segments, 3);
  assert.deepEqual(dry.damaged.map((d) => [d.file, d.points, (d.minT - DAY0) / NS_PER_DAY]), [[bad, 8, 1n]]);
  assert.match(dry.damaged[0]!.reason, /checksum/);
  assert.equal(dry.movedTo, undefined);
  assert.ok(existsSync(segPath(dataDir, bad)), 'a dry run changes nothing');
  await assert.rejects(readAll(fresh, 'b'), (e: unknown) => e instanceof FluxError && e.id === 'store.corrupt');

  // Repaired by the process that wrote the bucket (it knows every series' type).
  const report = await store.repairBucket('b');
  assert.deepEqual(report.damaged.map((d) => d.file), [bad]);
  assert.equal(report.movedTo, join(dataDir, 'store', 'buckets', 'b', 'damaged'));
  assert.ok(!existsSync(segPath(dataDir, bad)));
  assert.deepEqual(readdirSync(report.movedTo!), [bad]);
  assert.deepEqual(await readAll(fresh, 'b'), all.filter((r) => !r.includes('@1=')), 'every point of the sound files, none of the damaged one');
  // Another process's view, then maintenance and a second check.
  const other = newStore(dataDir);
  assert.deepEqual(await readAll(other, 'b'), all.filter((r) => !r.includes('@1=')));
  await other.maintain('b');
  assert.deepEqual((await other.repairBucket('b')).damaged, []);
  const [info] = await other.buckets();
  assert.equal(info!.points, 12);
  // `only1` lived only in the removed file: its type is free again, in the process that
  // repaired (which had learned it) as in any other.
  await store.write('b', [{ measurement: 'm', tags: [['host', 'only1']], field: 'f', type: 'string', times: BigInt64Array.of(DAY0 + 2n * NS_PER_DAY), values: ['x'] }]);
  assert.ok((await readAll(newStore(dataDir), 'b')).includes('only1@2=x'));
});

test('a cut-off file and a missing file are damaged too; a sound bucket is left alone', async () => {
  const { dataDir, store, files } = await filledBucket();
  assert.deepEqual(await store.repairBucket('b'), { segments: 3, damaged: [] });
  const manifest = readFileSync(join(dataDir, 'store', 'buckets', 'b', 'MANIFEST'), 'utf8');
  assert.deepEqual((await store.repairBucket('b')).damaged, []);
  assert.equal(readFileSync(join(dataDir, 'store', 'buckets', 'b', 'MANIFEST'), 'utf8'), manifest, 'nothing rewritten');

  truncateSync(segPath(dataDir, files[0]!), 30);
  unlinkSync(segPath(dataDir, files[2]!));
  const fresh = newStore(dataDir);
  // Repaired by the process that wrote the bucket (it knows every series' type).
  const report = await store.repairBucket('b');
  assert.deepEqual(
    report.damaged.map((d) => [d.file, d.reason]),
    [
      [files[0], report.damaged[0]!.reason],
      [files[2], 'the file is missing'],
    ],
  );
  assert.match(report.damaged[0]!.reason, /footer|short|offset/);
  assert.deepEqual(await readAll(fresh, 'b'), ['h0@1=10', 'h0@1=10.5', 'h1@1=11', 'h1@1=11.5', 'h2@1=12', 'h2@1=12.5', 'only1@1=13', 'only1@1=13.5']);
});

test('repairing a bucket that does not exist is store.bucketNotFound', async () => {
  const store = newStore(tempDir());
  await assert.rejects(store.repairBucket('nope'), (e: unknown) => e instanceof FluxError && e.id === 'store.bucketNotFound');
});

test('promflux bucket repair: --dry-run lists, then repair moves; exit 1 while something was damaged, 0 when sound', async () => {
  const { dataDir, files } = await filledBucket();
  const cli = async (...args: string[]) => {
    const io = memoryIO('', { PROMFLUX_DATA: dataDir });
    const code = await main(args, io);
    return { code, out: io.out, err: io.err };
  };
  let r = await cli('bucket', 'repair', 'b');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^bucket "b": 3 segment files checked, none damaged$/m);
  const bytes = readFileSync(segPath(dataDir, files[2]!));
  bytes[12] = bytes[12]! ^ 0x01;
  writeFileSync(segPath(dataDir, files[2]!), bytes);
  r = await cli('bucket', 'repair', 'b', '--dry-run');
  assert.equal(r.code, 1);
  assert.match(r.out, /1 of 3 segment files damaged \(nothing changed: --dry-run\); 6 points would be lost/);
  assert.match(r.out, new RegExp(`^${files[2]!.replace(/\./g, '\\.')}\\s+\\S+T\\S+Z\\s+\\S+T\\S+Z\\s+6\\s+.*checksum`, 'm'));
  assert.ok(existsSync(segPath(dataDir, files[2]!)));
  r = await cli('bucket', 'repair', 'b');
  assert.equal(r.code, 1);
  assert.match(r.out, /1 of 3 segment files damaged, moved to .*damaged; 6 points were lost/);
  r = await cli('bucket', 'repair', 'b');
  assert.equal(r.code, 0);
  assert.match(r.out, /2 segment files checked, none damaged/);
  r = await cli('bucket', 'repair', 'missing');
  assert.equal(r.code, 1);
  assert.match(r.err, /bucket "missing" not found/);
});

test('a segment compacted and removed while repair checks the bucket is neither damaged nor lost', async () => {
  // Two segments of today (a partition still open); while repair checks the bucket, another
  // process compacts them and removes the inputs (grace period 0). The first input's check
  // already passed; the second is missing by the time repair opens it.
  const dataDir = tempDir();
  const dir = join(dataDir, 'store');
  const mk = (fs = nodeFileSystem) => openStore({ dir, fs, clock, logger: silentLogger, autoMaintain: false, compactionFanIn: 2, graceMs: 0 });
  const writer = mk();
  for (let i = 0n; i < 2n; i++) {
    await writer.write('b', [{ measurement: 'm', tags: [['host', 'h0']], field: 'f', type: 'float', times: BigInt64Array.of(DAY0 + 3n * NS_PER_DAY + i), values: Float64Array.of(Number(i)) }]);
  }
  const want = await readAll(writer, 'b');
  assert.equal(want.length, 2);
  for (const dryRun of [true, false]) {
    let opened = 0;
    const fs = {
      ...nodeFileSystem,
      async openRead(path: string) {
        if (path.endsWith('.seg') && ++opened === 2) {
          const other = mk();
          await other.maintain('b'); // compacts the two segments
          await other.maintain('b'); // removes the inputs
        }
        return nodeFileSystem.openRead(path);
      },
    };
    if (!dryRun) {
      // a fresh pair of segments to compact again
      for (let i = 2n; i < 4n; i++) {
        await writer.write('b', [{ measurement: 'm', tags: [['host', 'h0']], field: 'f', type: 'float', times: BigInt64Array.of(DAY0 + 3n * NS_PER_DAY + i), values: Float64Array.of(Number(i)) }]);
      }
      const before = JSON.parse(readFileSync(join(dir, 'buckets', 'b', 'MANIFEST'), 'utf8')) as { segments: unknown[] };
      assert.equal(before.segments.length, 3);
    }
    const report = await mk(fs).repairBucket('b', { dryRun });
    assert.ok(opened >= 2, 'the compaction ran during the check');
    assert.deepEqual(report.damaged, [], `dry run: ${dryRun}`);
    assert.equal(report.movedTo, undefined);
  }
  assert.deepEqual(await readAll(mk(), 'b'), ['h0@3=0', 'h0@3=1', 'h0@3=2', 'h0@3=3']);
  assert.ok(!existsSync(join(dir, 'buckets', 'b', 'damaged')), 'nothing was moved aside');
});
