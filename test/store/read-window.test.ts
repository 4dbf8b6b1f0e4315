// A query that needs most of a segment reads it through a window (StoreOptions.readWindowBytes),
// not whole: its read buffers stay bounded whatever the size of the segment, and it returns
// exactly what block-by-block and one-window reads return.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import type { ReadOptions, ReadStats, SeriesBatch, SeriesData, Store, StoreOptions } from '../../src/store/index.js';
import type { FileSystem } from '../../src/host/fs.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { silentLogger } from '../../src/host/logger.js';
import { manualClock } from '../support/fake-clock.js';
import { tempDirs } from '../support/temp-dirs.js';
import { rng } from '../support/rng.js';

const tempDir = tempDirs('promflux-read-window-');
const SEC = 1_000_000_000n;
const T0 = 1_700_000_000n * SEC;
const clock = manualClock(T0 + 3600n * SEC);

/** Reads made through handles of segment files: offset, length, and the file's size. */
interface SegRead {
  file: string;
  offset: number;
  length: number;
  size: number;
}

function recordingFs(reads: SegRead[]): FileSystem {
  return {
    ...nodeFileSystem,
    async openRead(path) {
      const h = await nodeFileSystem.openRead(path);
      if (!path.endsWith('.seg')) return h;
      return {
        size: h.size,
        close: () => h.close(),
        read: (offset, length) => {
          reads.push({ file: path, offset, length, size: h.size });
          return h.read(offset, length);
        },
      };
    },
  };
}

function newStore(dir: string, extra: Partial<StoreOptions> = {}): Store {
  return openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, autoMaintain: false, defaultRetentionNs: 0n, ...extra });
}

/** `series` float series of `points` random points; series i belongs to target i % 10 (whose series share times). */
function batch(seed: number, series: number, points: number, from: bigint): SeriesBatch[] {
  const r = rng(seed);
  const times = Array.from({ length: 10 }, (_, t) => BigInt64Array.from({ length: points }, (_, i) => from + BigInt(i) * 15n * SEC + BigInt(t)));
  return Array.from({ length: series }, (_, i) => ({
    measurement: `m${i % 3}`,
    tags: [
      ['target', `t${i % 10}`],
      ['k', `${i}`],
    ],
    field: 'v',
    type: 'float' as const,
    times: times[i % 10]!,
    values: Float64Array.from({ length: points }, () => r() * 1000),
  }));
}

async function readAll(store: Store, options: ReadOptions = {}, stats?: ReadStats): Promise<string[]> {
  const out: string[] = [];
  for await (const s of store.read('b', options, stats)) out.push(describe(s));
  return out;
}

function describe(s: SeriesData): string {
  const v = s.values as Float64Array;
  return `${s.measurement} ${s.field} ${JSON.stringify(s.tags)} ${[...s.times].map((t, i) => `${t}=${v[i]}`).join(',')}`;
}

const stats = (): ReadStats => ({ segmentsConsidered: 0, segmentsOpened: 0, seriesMatched: 0, bytesRead: 0, pointsReturned: 0 });

test('a query that needs a whole segment reads it in windows, not in one read of the file', async () => {
  const dir = tempDir();
  const writer = newStore(dir);
  const written = batch(1, 300, 200, T0);
  await writer.write('b', written);
  await writer.close();

  const window = 16 * 1024;
  const reads: SegRead[] = [];
  const store = newStore(dir, { fs: recordingFs(reads), readWindowBytes: window });
  const st = stats();
  const got = await readAll(store, {}, st);
  assert.equal(got.length, 300);
  // A new Store reads the segment's footer and index first, then the blocks.
  const size = reads[0]!.size;
  assert.ok(size > 8 * window, `a segment of ${size} bytes`);
  assert.equal(reads[0]!.offset, size - 24, 'the footer');
  const blockReads = reads.slice(2);
  assert.ok(blockReads.length >= size / window - 1, `${blockReads.length} block reads`);
  for (const r of blockReads) assert.ok(r.length <= window, `a read of ${r.length} bytes at ${r.offset}`);
  assert.ok(st.bytesRead <= size * 1.1, `${st.bytesRead} bytes read of ${size}`);
  // What it returns is what the series were.
  const want = written.map((s) => describe({ ...s, tags: [...s.tags].sort((a, b) => (a[0] < b[0] ? -1 : 1)) })).sort((a, b) => (a < b ? -1 : 1));
  assert.deepEqual(got, want);
});

test('windowed reads of several overlapping segments return what one-window and block-by-block reads return', async () => {
  const dir = tempDir();
  const writer = newStore(dir);
  // Three writes overlapping in time (the newer wins a time) and a fourth in a later hour.
  await writer.write('b', batch(2, 120, 60, T0));
  await writer.write('b', batch(3, 80, 60, T0 + 300n * SEC));
  await writer.write('b', batch(4, 120, 30, T0 + 100n * SEC));
  await writer.write('b', batch(5, 50, 30, T0 + 7200n * SEC));
  await writer.close();
  const queries: ReadOptions[] = [
    {},
    { start: T0 + 200n * SEC, stop: T0 + 800n * SEC },
    { predicate: { kind: 'tag', key: 'target', op: '==', value: 't3' } },
    { predicate: { kind: 'value', op: '>', value: 500 } },
  ];
  for (const q of queries) {
    const one = await readAll(newStore(dir), q);
    assert.ok(one.length > 0);
    for (const window of [1, 100, 4096]) {
      assert.deepEqual(await readAll(newStore(dir, { readWindowBytes: window }), q), one, `window ${window}, query ${JSON.stringify(q, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
  }
});

test('a query of a few series that share a large time block reads their blocks, not the whole segment', async () => {
  // One target: 2,000 series share one time block of 2,000 irregular times (several KB), and
  // their constant values take a few bytes each. A query of 20 of them needs that time block
  // once and 20 small value blocks: far less than half of the file, so it reads block by block.
  const dir = tempDir();
  const writer = newStore(dir);
  const r = rng(6);
  let t = T0;
  const times = BigInt64Array.from({ length: 2000 }, () => (t += BigInt(1 + Math.floor(r() * 1e9))));
  await writer.write(
    'b',
    Array.from({ length: 2000 }, (_, i) => ({
      measurement: 'm',
      tags: [
        ['g', i % 100 === 0 ? 'few' : 'many'],
        ['k', `${i}`],
      ],
      field: 'v',
      type: 'float' as const,
      times,
      values: new Float64Array(2000).fill(i),
    })),
  );
  await writer.close();
  const reads: SegRead[] = [];
  const store = newStore(dir, { fs: recordingFs(reads) });
  const got = await readAll(store, { predicate: { kind: 'tag', key: 'g', op: '==', value: 'few' } });
  assert.equal(got.length, 20);
  assert.equal(new Set(reads.map((x) => x.file)).size, 1, 'one segment');
  const size = reads[0]!.size;
  const blockBytes = reads.slice(2).reduce((n, x) => n + x.length, 0);
  assert.ok(blockBytes < size / 4, `read ${blockBytes} bytes of blocks of a ${size}-byte segment`);
});
