// Design: the embedded store is a directory of buckets; each bucket is a directory of
// immutable, columnar segment files (./segment.ts) plus a MANIFEST (JSON) naming the live
// segments. Nothing is ever modified in place:
//
// - write: writes arriving while a flush runs are grouped (group commit). A flush encodes one
//   segment per time partition, creates it under a fresh unique name and fsyncs it, then,
//   holding the bucket's LOCK file for a few milliseconds, re-reads the MANIFEST, adds the
//   segments and atomically replaces the MANIFEST (temp file, fsync, rename, fsync dir).
//   `write()` resolves only after that, so an acknowledged write survives kill -9; a crash
//   before it leaves at most an unreferenced segment file that maintenance later removes.
// - read: no lock. A reader loads the MANIFEST (always complete, thanks to the rename), opens
//   the segments it needs, and reads their indexes (cached per immutable file) and only the
//   blocks of matching series (range and predicate pushdown). A segment of which a query
//   needs more than half is read through a 1 MiB window rather than block by block, and the
//   time blocks it decodes are kept within 64 MiB, so a query's memory does not grow with the
//   size of the segments (only with the series it returns and their indexes). Every query
//   re-reads the MANIFEST, so other processes see a write as soon as it is acknowledged.
// - retention and compaction (maintenance, run in the background after writes and by
//   `maintain()`): segments wholly older than now - retention leave the MANIFEST (reads also
//   clip to that bound, so expired points vanish at once); within a time partition 8
//   segments of one level merge into one of the next level (small flushes of the current
//   partition), and a partition that ended merges completely, so file counts stay bounded.
//   A compaction streams (see merge()): a k-way merge over the inputs' key-sorted indexes,
//   series by series, writing its output file piece by piece, so its memory is bounded by one
//   series plus fixed buffers, not by the partition (a day of 3,000 series scraped every second
//   is 260 million points). The output is fsynced under a fresh name before the swap, which
//   happens under the LOCK and only when every input is still live. Replaced files go
//   to a `garbage` list and are deleted after a grace period, so a reader that loaded the
//   previous MANIFEST can still open them. Writers never wait for maintenance.
// - delete: the bucket's directory is renamed to `.trash-*` (the bucket is gone at once), then
//   removed; what a deletion killed midway leaves is removed by a later deletion or
//   maintenance once nothing touched it for 10 minutes.
//
// Trade-off: an embedded database (DuckDB) would give SQL and transactions for free, but it
// allows one process per database file, while promflux needs `serve` writing and `repl` /
// `run` reading the same directory at once. Immutable files + an atomically replaced
// manifest give lock-free concurrent readers in any number of processes, crash safety by
// construction (fsync + rename), cheap retention (delete whole files) and a columnar,
// compressed layout tuned to scrape data; the cost is that we maintain the format and
// compaction ourselves, and each flush costs a few fsyncs (group commit amortises them).
import { join, sep } from 'node:path';
import type { FileSystem, NewFile, ReadHandle } from '../host/fs.js';
import { LEFTOVER_AGE_MS, isNotFound, leftovers } from '../host/fs.js';
import type { Clock } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import { FluxError } from '../errors/index.js';
import { compareStrings } from '../values/compare.js';
import { CorruptSegmentError } from './codec.js';
import { SegmentWriter, TYPES, decodeSeries, decodeTimeBlock, encodeSegment, readSegmentIndex, seriesKeyOf, verifySegment } from './segment.js';
import type { IndexEntry, SegmentIndex } from './segment.js';
import { compileForIndex, matchPoint } from './predicate.js';
import { concatValues } from './batch.js';
import { FieldTypeConflictError } from './conflict.js';
import type { FieldTypeConflict } from './conflict.js';
import type { BucketInfo, DamagedSegment, FieldType, FieldValues, ReadOptions, ReadStats, RepairReport, SeriesBatch, SeriesData } from './types.js';

export const NS_PER_HOUR = 3_600_000_000_000n;
export const NS_PER_DAY = 24n * NS_PER_HOUR;
/** Retention of a bucket created by a first write: 30 days. `0n` means keep forever. */
export const DEFAULT_RETENTION_NS = 30n * NS_PER_DAY;
const MIN_TIME = -(2n ** 63n);
const MAX_TIME = 2n ** 63n - 1n;
/**
 * The times a point may have: InfluxDB's MinNanoTime and MaxNanoTime (models/time.go), which
 * keep the two lowest int64 values and the highest one as sentinels. Here MAX_TIME is the
 * exclusive stop of an unbounded read, so a point at MAX_TIME could never be read back and a
 * compaction dropped it.
 */
const MIN_POINT_TIME = MIN_TIME + 2n;
const MAX_POINT_TIME = MAX_TIME - 1n;

export interface StoreOptions {
  /** Directory of the store (`<dataDir>/store`). */
  readonly dir: string;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Retention of buckets created implicitly by a write (default DEFAULT_RETENTION_NS). */
  readonly defaultRetentionNs?: bigint;
  /** Segments of one level in one partition that trigger a compaction (default 8). */
  readonly compactionFanIn?: number;
  /** How long replaced segment files stay readable for readers of an older MANIFEST (default 30 s). */
  readonly graceMs?: number;
  /**
   * A bucket's LOCK whose holder stopped refreshing it for this long is broken (default 30 s;
   * the holder refreshes it every third of that while it holds it).
   */
  readonly lockStaleMs?: number;
  /** Run maintenance in the background after writes (default true). */
  readonly autoMaintain?: boolean;
  /**
   * Bytes a query reads from a segment at once when it needs most of the segment (default
   * READ_WINDOW_BYTES, 1 MiB): with the decoded time blocks a query keeps (at most
   * READ_TIME_CACHE_BYTES), this bounds a query's memory whatever the size of the segments.
   */
  readonly readWindowBytes?: number;
}

interface ManifestSegment {
  file: string;
  partition: string;
  minT: string;
  maxT: string;
  points: number;
  bytes: number;
  level: number;
  /** When the segment was published (ms since the epoch, by the store's clock). */
  createdMs?: number;
}

interface Manifest {
  format: 1;
  name: string;
  retentionNs: string;
  shardNs: string;
  segments: ManifestSegment[];
  garbage: { file: string; sinceMs: number }[];
}

interface PendingWrite {
  series: SeriesData[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface BucketState {
  pending: PendingWrite[];
  flushing: Promise<void> | null;
  /** Type of every series of the bucket this process knows of (null: learn them again). */
  types: Map<string, KnownSeries> | null;
  /** Numbers the flushes of this bucket (KnownSeries.flush). */
  flushes: number;
  /** The segment files whose series are in `types`. */
  typedFiles: Set<string>;
  /** When this process last started maintenance of the bucket (ms, store clock). */
  maintainedMs?: number;
}

/** A series of a bucket as the write path knows it. */
interface KnownSeries {
  readonly type: FieldType;
  /**
   * The flush (BucketState.flushes) that last took points of the series: when it is the
   * current one, the series came earlier in this flush and its parts must be merged. One map
   * lookup per series and write tells the type and this, with no second map of the flush.
   */
  flush: number;
}

const MANIFEST = 'MANIFEST';
/** Columns from() returns besides the tags: a tag may not use these names. */
const RESERVED_TAGS = new Set(['_measurement', '_field', '_value', '_time', '_start', '_stop']);
/** Series entries of segment indexes kept in memory per Store (about 100 MB at most). */
const INDEX_CACHE_ENTRIES = 200_000;
const LOCK = 'LOCK';
/** Where `repairBucket` moves damaged segment files, inside the bucket's directory. */
const DAMAGED_DIR = 'damaged';

/** InfluxDB's shard group durations (retention < 2d: 1h; <= 6 months: 1d; otherwise 7d). */
export function shardDurationFor(retentionNs: bigint): bigint {
  if (retentionNs === 0n) return 7n * NS_PER_DAY;
  if (retentionNs < 2n * NS_PER_DAY) return NS_PER_HOUR;
  if (retentionNs <= 180n * NS_PER_DAY) return NS_PER_DAY;
  return 7n * NS_PER_DAY;
}

function bucketDirName(name: string): string {
  return encodeURIComponent(name).replace(/[.!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** `store.corrupt` for a damaged segment file of a bucket. */
function corruptSegment(bucket: string, file: string, e: CorruptSegmentError): FluxError {
  return new FluxError('internal', 'store.corrupt', `segment ${file} of bucket "${bucket}" is corrupt: ${e.message}`, { cause: e });
}

function bucketNotFound(name: string): FluxError {
  return new FluxError('notFound', 'store.bucketNotFound', `bucket "${name}" not found`);
}

/**
 * A file-system failure of the store as a user error: it names the path and the cause
 * (`not a directory (ENOTDIR)`), never a raw errno error or a stack trace.
 */
function ioError(what: string, path: string, e: unknown): FluxError {
  if (e instanceof FluxError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  // Node's messages read "ENOTDIR: not a directory, scandir '/path'": keep the description.
  const described = typeof code === 'string' ? new RegExp(`^${code}: ([^,]+)`).exec(message) : null;
  const reason = described ? `${described[1]} (${code as string})` : message;
  return new FluxError('unavailable', 'store.io', `${what} (${path}): ${reason}`, { cause: e });
}

function isErrno(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

function checkBucketName(name: string): void {
  if (name === '' || name.length > 255 || /[\u0000-\u001f]/.test(name)) {
    throw new FluxError('invalid', 'store.invalidBucket', `invalid bucket name ${JSON.stringify(name)}: use 1 to 255 printable characters`);
  }
  // The bucket's directory name (%-escaped UTF-8) must fit a file name (255 bytes on common
  // file systems); a non-ASCII character takes up to 12 of them.
  if (bucketDirName(name).length > 255) {
    throw new FluxError('invalid', 'store.invalidBucket', `bucket name ${JSON.stringify(name)} is too long: with its non-ASCII and punctuation characters escaped it takes ${bucketDirName(name).length} of the 255 bytes a file name may have`);
  }
}

/** Sort tags, sort times (stable, last value wins for one time) and check lengths. */
export function normalizeSeries(s: SeriesBatch): SeriesData {
  const n = s.times.length;
  if (s.values.length !== n) throw new Error(`internal error: series ${s.measurement}.${s.field} has ${n} times and ${s.values.length} values`);
  let tags = s.tags;
  for (let i = 1; i < tags.length; i++) {
    if (tags[i]![0] <= tags[i - 1]![0]) {
      tags = [...s.tags].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      break;
    }
  }
  for (let i = 1; i < tags.length; i++) {
    if (tags[i]![0] === tags[i - 1]![0]) {
      throw new FluxError('invalid', 'store.duplicateTag', `tag "${tags[i]![0]}" appears twice in a series of measurement "${s.measurement}"`);
    }
  }
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (s.times[i]! <= s.times[i - 1]!) {
      sorted = false;
      break;
    }
  }
  // Already in order: keep the caller's object (no copy; the store never mutates it).
  if (sorted) return tags === s.tags ? s : { ...s, tags };
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (s.times[a]! < s.times[b]! ? -1 : s.times[a]! > s.times[b]! ? 1 : a - b));
  // Keep the last of equal times.
  const keep: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j + 1 < n && s.times[order[j + 1]!] === s.times[order[j]!]) continue;
    keep.push(order[j]!);
  }
  return { ...s, tags, times: BigInt64Array.from(keep, (i) => s.times[i]!), values: pick(s.type, s.values, keep) };
}

function pick(type: FieldType, values: FieldValues, idx: readonly number[]): FieldValues {
  switch (type) {
    case 'float':
      return Float64Array.from(idx, (i) => (values as Float64Array)[i]!);
    case 'int':
      return BigInt64Array.from(idx, (i) => (values as BigInt64Array)[i]!);
    case 'uint':
      return BigUint64Array.from(idx, (i) => (values as BigUint64Array)[i]!);
    case 'bool':
      return Uint8Array.from(idx, (i) => (values as Uint8Array)[i]!);
    case 'string':
      return idx.map((i) => (values as readonly string[])[i]!);
  }
}

function slice(type: FieldType, values: FieldValues, from: number, to: number): FieldValues {
  return type === 'string' ? (values as readonly string[]).slice(from, to) : (values as Float64Array).subarray(from, to);
}

/** Merge parts of one series (older first); for equal times the newer part wins. */
function mergeParts(base: Omit<SeriesData, 'times' | 'values'>, parts: readonly { times: BigInt64Array; values: FieldValues }[]): SeriesData {
  if (parts.length === 1) return { ...base, times: parts[0]!.times, values: parts[0]!.values };
  const times = concatValues('int', parts.map((p) => p.times)) as BigInt64Array;
  return normalizeSeries({ ...base, times, values: concatValues(base.type, parts.map((p) => p.values)) });
}

function clip(s: { times: BigInt64Array; values: FieldValues }, type: FieldType, start: bigint, stop: bigint): { times: BigInt64Array; values: FieldValues } {
  const t = s.times;
  let lo = 0;
  let hi = t.length;
  if (t.length > 0 && t[0]! >= start && t[t.length - 1]! < stop) return s;
  // binary search: first index >= start, first index >= stop
  let a = 0;
  let b = t.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (t[m]! < start) a = m + 1;
    else b = m;
  }
  lo = a;
  b = t.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (t[m]! < stop) a = m + 1;
    else b = m;
  }
  hi = a;
  return { times: t.subarray(lo, hi), values: slice(type, s.values, lo, hi) };
}

/** A new segment file's name: partition, level, and a part unique across processes. */
function segmentFileName(partition: bigint, level: number): string {
  return `${partition < 0n ? 'n' + -partition : partition}-L${level}-${process.pid.toString(36)}${Math.random().toString(36).slice(2, 10)}.seg`;
}

/** Bytes a compaction reads from an input at once (see BlockReader). */
const COMPACT_READ_BYTES = 256 * 1024;
/**
 * Inputs one compaction merges at most (the oldest first; the rest wait for the next
 * maintenance): bounds its open files and read windows (64 x 256 KiB) when a partition piled
 * up segments (a backfill, or compactions that failed for a while).
 */
const COMPACT_MAX_INPUTS = 64;
/** Bytes of output a compaction gathers before writing them to its output file. */
const COMPACT_WRITE_BYTES = 1024 * 1024;
/** Decoded time blocks a compaction keeps for the series that share them (bytes of times). */
const COMPACT_TIME_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Bytes a query reads from a segment at once when it needs more than half of the segment
 * (see read()). Reading such a segment whole took one read, but held the whole file in memory
 * for as long as the query ran: a fully compacted partition is hundreds of MB. Through a
 * window of 1 MiB a 1 GB segment takes about a thousand reads, a negligible cost next to
 * decoding its blocks, and a query's read buffers stay at 1 MiB per segment it reads.
 */
const READ_WINDOW_BYTES = 1024 * 1024;
/**
 * Decoded time blocks a query keeps for the series that share them (bytes of times). Series
 * of one target share one time block per segment; a fully compacted week of one-second
 * scrapes has a 4.8 MB time block per target, so keeping every one decoded for the whole query
 * (as before) grew with the number of targets. Beyond the budget the least recently used is
 * decoded again when needed.
 */
const READ_TIME_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Reads the blocks of one segment through a window of `windowBytes` (or one block, when
 * larger): a compaction, or a query that needs most of a segment, asks for blocks in nearly
 * ascending offsets, so most come from the window of an earlier read. A block before the
 * window (a time block shared by series of one target, written with the first of them) is
 * read on its own and leaves the window where it is. A block cut short by the end of the file
 * comes back short (its CRC check then fails). `onRead` is told the bytes of every read.
 */
class BlockReader {
  private buf: Uint8Array = new Uint8Array(0);
  private from = 0;
  constructor(
    private readonly handle: ReadHandle,
    private readonly windowBytes = COMPACT_READ_BYTES,
    private readonly onRead?: (bytes: number) => void,
  ) {}

  async block(off: number, len: number): Promise<Uint8Array> {
    if (off >= this.from && off + len <= this.from + this.buf.length) return this.buf.subarray(off - this.from, off - this.from + len);
    if (off < this.from) {
      this.onRead?.(len);
      return this.handle.read(off, len);
    }
    const want = Math.min(Math.max(len, this.windowBytes), this.handle.size - off);
    this.onRead?.(Math.max(want, 0));
    this.buf = want > 0 ? await this.handle.read(off, want) : new Uint8Array(0);
    this.from = off;
    return this.buf.subarray(0, len);
  }
}

/** Decoded time blocks by (input, offset), least recently used first out beyond a byte budget. */
class TimeBlockCache {
  private readonly map = new Map<string, BigInt64Array>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  get(input: number, off: number): BigInt64Array | undefined {
    const k = `${input}:${off}`;
    const t = this.map.get(k);
    if (t) {
      this.map.delete(k);
      this.map.set(k, t);
    }
    return t;
  }

  set(input: number, off: number, t: BigInt64Array): void {
    this.map.set(`${input}:${off}`, t);
    this.bytes += t.byteLength;
    for (const [k, old] of this.map) {
      if (this.bytes <= this.budget || this.map.size <= 1) break;
      this.map.delete(k);
      this.bytes -= old.byteLength;
    }
  }
}

interface OpenSegment {
  seg: ManifestSegment;
  handle: ReadHandle;
  index: SegmentIndex;
}

export class Store {
  readonly dir: string;
  private readonly fs: FileSystem;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly defaultRetentionNs: bigint;
  private readonly fanIn: number;
  private readonly graceMs: number;
  private readonly lockStaleMs: number;
  private readonly autoMaintain: boolean;
  private readonly readWindowBytes: number;
  private readonly state = new Map<string, BucketState>();
  private readonly indexCache = new Map<string, SegmentIndex>();
  private cachedEntries = 0;
  private readonly background = new Set<Promise<void>>();
  private readonly maintaining = new Set<string>();
  private closed = false;
  /** When background maintenance last looked for leftovers of interrupted deletions. */
  private trashSweptMs: number | undefined;

  constructor(options: StoreOptions) {
    this.dir = options.dir;
    this.fs = options.fs;
    this.clock = options.clock;
    this.logger = options.logger;
    this.defaultRetentionNs = options.defaultRetentionNs ?? DEFAULT_RETENTION_NS;
    this.fanIn = options.compactionFanIn ?? 8;
    this.graceMs = options.graceMs ?? 30_000;
    this.lockStaleMs = options.lockStaleMs ?? 30_000;
    this.autoMaintain = options.autoMaintain ?? true;
    this.readWindowBytes = options.readWindowBytes ?? READ_WINDOW_BYTES;
  }

  private bucketDir(name: string): string {
    return join(this.dir, 'buckets', bucketDirName(name));
  }

  private async loadManifest(name: string): Promise<Manifest | undefined> {
    const path = join(this.bucketDir(name), MANIFEST);
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(path);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw ioError(`cannot read the manifest of bucket "${name}"`, path, e);
    }
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as Manifest;
    } catch (e) {
      throw new FluxError('internal', 'store.corrupt', `the manifest of bucket "${name}" (${path}) is corrupt: ${(e as Error).message}`, { cause: e });
    }
  }

  private async saveManifest(name: string, m: Manifest): Promise<void> {
    await this.fs.writeFileDurable(join(this.bucketDir(name), MANIFEST), Buffer.from(JSON.stringify(m)));
  }

  private async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const dir = this.bucketDir(name);
    let lock;
    try {
      lock = await this.fs.lock(join(dir, LOCK), { staleMs: this.lockStaleMs });
    } catch (e) {
      // The file system refused (ENOTDIR, EACCES...): say so; only a lock held too long is "locked".
      if (isErrno(e)) throw ioError(`cannot lock bucket "${name}"`, join(dir, LOCK), e);
      throw new FluxError('unavailable', 'store.locked', `bucket "${name}" is locked by another process`, { cause: e });
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }

  /** Create a bucket. Rejects with `store.bucketExists` when it exists (unless `ifMissing`). */
  async createBucket(name: string, options: { retentionNs?: bigint; ifMissing?: boolean } = {}): Promise<void> {
    checkBucketName(name);
    const retentionNs = options.retentionNs ?? this.defaultRetentionNs;
    // A retention is a Flux duration (retentionPeriod of buckets() is an int of nanoseconds):
    // 0 (forever) up to the largest int64.
    if (retentionNs < 0n || retentionNs > MAX_TIME) {
      throw new FluxError('invalid', 'store.invalidRetention', `retention must be between 0 (forever) and ${MAX_TIME}ns (about 292 years), got ${retentionNs}ns`);
    }
    const dir = this.bucketDir(name);
    await this.fs.mkdirp(dir).catch((e: unknown) => {
      throw ioError(`cannot create bucket "${name}"`, dir, e);
    });
    await this.withLock(name, async () => {
      if (await this.loadManifest(name)) {
        if (options.ifMissing) return;
        throw new FluxError('invalid', 'store.bucketExists', `bucket "${name}" already exists`);
      }
      await this.saveManifest(name, {
        format: 1,
        name,
        retentionNs: retentionNs.toString(),
        shardNs: shardDurationFor(retentionNs).toString(),
        segments: [],
        garbage: [],
      });
    });
  }

  /** Delete a bucket and its data. Rejects with `store.bucketNotFound`. */
  async deleteBucket(name: string): Promise<void> {
    checkBucketName(name);
    // A bucket whose MANIFEST is corrupt can still be deleted: that is how a user gets rid of it.
    const exists = await this.loadManifest(name).then(
      (m) => m !== undefined,
      (e: unknown) => {
        if (e instanceof FluxError && e.id === 'store.corrupt') return true;
        throw e;
      },
    );
    if (!exists) throw bucketNotFound(name);
    const trash = join(this.dir, `.trash-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await this.fs.rename(this.bucketDir(name), trash).catch((e: unknown) => {
      throw ioError(`cannot delete bucket "${name}"`, this.bucketDir(name), e);
    });
    this.state.delete(name);
    this.forgetIndexes(name, () => true);
    await this.fs.remove(trash).catch((e: unknown) => {
      throw ioError(`cannot remove the files of deleted bucket "${name}"`, trash, e);
    });
    await this.sweepTrash();
  }

  /**
   * Check every segment of a bucket (index and every block: checksums, decoding) and, unless
   * `dryRun`, take the damaged ones out of the MANIFEST and move their files into the bucket's
   * `damaged/` directory (kept for inspection; deleting the bucket removes them). Reads and
   * maintenance of the bucket then work again; the points of those files are lost, and the
   * report says which files, time ranges and point counts (as the MANIFEST recorded them), and
   * what was wrong with each. A bucket whose MANIFEST itself is damaged cannot be repaired
   * (store.corrupt): delete it.
   */
  async repairBucket(name: string, options: { dryRun?: boolean } = {}): Promise<RepairReport> {
    checkBucketName(name);
    const m = await this.loadManifest(name);
    if (!m) throw bucketNotFound(name);
    const dir = this.bucketDir(name);
    let damaged: DamagedSegment[] = [];
    for (const seg of m.segments) {
      const path = join(dir, seg.file);
      let reason: string | undefined;
      try {
        const h = await this.fs.openRead(path);
        try {
          await verifySegment(h);
        } finally {
          await h.close();
        }
      } catch (e) {
        if (e instanceof CorruptSegmentError) reason = e.message;
        else if (isNotFound(e)) reason = 'the file is missing';
        else throw ioError(`cannot read segment ${seg.file} of bucket "${name}"`, path, e);
      }
      if (reason !== undefined) damaged.push({ file: seg.file, minT: BigInt(seg.minT), maxT: BigInt(seg.maxT), points: seg.points, reason });
    }
    // A file can leave the MANIFEST while it is checked: compacted (its points are in the
    // output) or expired, and removed once the grace period ended. Then it is missing, and
    // neither damaged nor lost: only the files the MANIFEST still lists count.
    const stillListed = (list: Manifest | undefined) => {
      const live = new Set(list?.segments.map((s) => s.file));
      damaged = damaged.filter((d) => live.has(d.file));
    };
    if (damaged.length > 0) stillListed(await this.loadManifest(name));
    if (damaged.length === 0 || options.dryRun === true) return { segments: m.segments.length, damaged };
    const moved = join(dir, DAMAGED_DIR);
    await this.fs.mkdirp(moved).catch((e: unknown) => {
      throw ioError(`cannot repair bucket "${name}"`, moved, e);
    });
    await this.withLock(name, async () => {
      const fresh = await this.loadManifest(name);
      if (!fresh) throw bucketNotFound(name);
      stillListed(fresh);
      const bad = new Set(damaged.map((d) => d.file));
      if (bad.size === 0) return;
      fresh.segments = fresh.segments.filter((s) => !bad.has(s.file));
      await this.saveManifest(name, fresh);
    });
    if (damaged.length === 0) return { segments: m.segments.length, damaged };
    const bad = new Set(damaged.map((d) => d.file));
    // Out of the MANIFEST first: a reader never meets a missing file it was told of. (A file
    // that cannot be moved stays as an orphan, which maintenance removes.)
    for (const d of damaged) await this.fs.rename(join(dir, d.file), join(moved, d.file)).catch(() => undefined);
    this.forgetIndexes(name, (f) => bad.has(f));
    // Series known only from the removed files may now take another type: learn them again.
    const st = this.state.get(name);
    if (st) st.types = null;
    this.logger.warn('store: removed damaged segments from a bucket', { bucket: name, files: damaged.length, points: damaged.reduce((n, d) => n + d.points, 0) });
    return { segments: m.segments.length, damaged, movedTo: moved };
  }

  /**
   * Remove what deletions killed midway left: `.trash-*` directories (renamed buckets) of the
   * store untouched for 10 minutes. A deletion in progress unlinks a file every few
   * microseconds, which keeps its directory's mtime fresh, so only abandoned ones are old.
   * Best effort: a failure here must not fail the caller.
   */
  private async sweepTrash(): Promise<void> {
    try {
      const nowMs = Number(this.clock.nowNanos() / 1_000_000n);
      for (const path of await leftovers(this.fs, this.dir, nowMs, (f) => f.startsWith('.trash-'))) {
        await this.fs.remove(path);
        this.logger.info('store: removed the files of a bucket deletion that was cut short', { path });
      }
    } catch (e) {
      this.logger.warn('store: cannot remove the files of an interrupted bucket deletion', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async buckets(): Promise<BucketInfo[]> {
    const out: BucketInfo[] = [];
    const root = join(this.dir, 'buckets');
    const dirs = await this.fs.readdir(root).catch((e: unknown) => {
      throw ioError('cannot list the buckets', root, e);
    });
    for (const d of dirs.sort()) {
      let name: string;
      try {
        name = decodeURIComponent(d);
      } catch {
        continue; // a malformed escape: not a name bucketDirName() makes, not a bucket
      }
      let m: Manifest | undefined;
      try {
        m = await this.loadManifest(name);
      } catch (e) {
        // One damaged bucket must not hide the others (nor stop their maintenance).
        if (!(e instanceof FluxError)) throw e;
        const bytes = await this.fs.du(this.bucketDir(name)).catch(() => 0);
        out.push({ name, retentionNs: 0n, bytes, segments: 0, points: 0, damaged: e.message });
        continue;
      }
      if (!m) continue;
      const bytes = await this.fs.du(this.bucketDir(name)).catch((e: unknown) => {
        throw ioError(`cannot measure bucket "${name}"`, this.bucketDir(name), e);
      });
      out.push({
        name: m.name,
        retentionNs: BigInt(m.retentionNs),
        bytes,
        segments: m.segments.length,
        points: m.segments.reduce((a, s) => a + s.points, 0),
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Bytes on disk of the whole store. */
  size(): Promise<number> {
    return this.fs.du(this.dir).catch((e: unknown) => {
      throw ioError('cannot measure the store', this.dir, e);
    });
  }

  private bucketState(name: string): BucketState {
    let st = this.state.get(name);
    if (!st) this.state.set(name, (st = { pending: [], flushing: null, types: null, flushes: 0, typedFiles: new Set() }));
    return st;
  }

  /**
   * Write points. Resolves when they are durable (fsynced and published in the MANIFEST);
   * creates the bucket with the default retention when missing. Rejects with a FluxError
   * (`store.duplicateTag`, `store.invalidTag`, `store.invalidBucket`, `store.invalidTime`: a
   * time outside InfluxDB's range, see MAX_POINT_TIME) and writes nothing of this call when
   * the batch is invalid.
   *
   * A series whose field type differs from the type it has in the bucket, or from an earlier
   * series of the same call, is dropped and the others are written (InfluxDB's partial write):
   * the call then rejects, once the others are durable, with a `FieldTypeConflictError`
   * (`store.fieldTypeConflict`) naming the first conflict and counting the dropped points.
   */
  write(bucket: string, series: readonly SeriesBatch[]): Promise<void> {
    try {
      if (this.closed) throw new FluxError('unavailable', 'store.closed', 'the store is closed');
      checkBucketName(bucket);
      const normalized: SeriesData[] = [];
      for (const s of series) {
        if (s.times.length === 0) continue;
        const tags = s.tags;
        for (let j = 0; j < tags.length; j++) {
          const k = tags[j]![0];
          if (RESERVED_TAGS.has(k) || k === '') {
            throw new FluxError('invalid', 'store.invalidTag', `tag key ${JSON.stringify(k)} is reserved (a column from() returns) or empty`);
          }
        }
        const ns = normalizeSeries(s);
        const first = ns.times[0]!;
        const last = ns.times[ns.times.length - 1]!;
        if (first < MIN_POINT_TIME || last > MAX_POINT_TIME) {
          throw new FluxError(
            'invalid',
            'store.invalidTime',
            `time ${first < MIN_POINT_TIME ? first : last} of a point of measurement "${s.measurement}" (field "${s.field}") is outside the times the store keeps, ${MIN_POINT_TIME} to ${MAX_POINT_TIME} (1677-09-21T00:12:43.145224194Z to 2262-04-11T23:47:16.854775806Z, as InfluxDB)`,
          );
        }
        normalized.push(ns);
      }
      if (normalized.length === 0) return Promise.resolve();
      const st = this.bucketState(bucket);
      return new Promise<void>((resolve, reject) => {
        st.pending.push({ series: normalized, resolve, reject });
        if (!st.flushing) {
          st.flushing = this.flushLoop(bucket, st).finally(() => {
            st.flushing = null;
          });
        }
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private async flushLoop(bucket: string, st: BucketState): Promise<void> {
    // Let writes issued in the same tick join this flush.
    await Promise.resolve();
    while (st.pending.length > 0) {
      const batch = st.pending.splice(0);
      try {
        await this.flushBatch(bucket, st, batch);
      } catch (e) {
        st.types = null; // it may hold types of series this flush did not write
        const err =
          e instanceof FluxError
            ? e
            : new FluxError('unavailable', 'store.writeFailed', `cannot write to bucket "${bucket}" in ${this.dir}: ${(e as Error).message}`, { cause: e });
        for (const w of batch) w.reject(err);
      }
    }
  }

  /**
   * The series types of a bucket: those already known plus the types in the MANIFEST's
   * segments not read yet (all of them the first time; after that, the segments other
   * processes published since, so a series another process created with another type is a
   * conflict here too). A writer in another process can still publish between this check and
   * this flush's publish: the read path then keeps the older part of such a series.
   */
  private async learnTypes(bucket: string, st: BucketState, m: Manifest): Promise<Map<string, KnownSeries>> {
    if (!st.types) {
      st.types = new Map();
      st.typedFiles = new Set();
    }
    const types = st.types;
    for (const seg of m.segments) {
      if (st.typedFiles.has(seg.file)) continue;
      let idx: OpenSegment;
      try {
        idx = await this.segmentIndex(bucket, seg, undefined);
      } catch (e) {
        // A damaged segment does not stop writes (reads of its time range fail until `bucket
        // repair`); the types of the series only it holds are unknown meanwhile. A file that
        // left the MANIFEST since it was read (compacted) has its series in the output, which
        // the next write learns. Any other failure (EIO, EMFILE...) fails this write (store.io
        // naming the file) and leaves the file to learn at the next one: skipping its type
        // check would let a write give the file's series another type.
        if (e instanceof FluxError && e.id === 'store.corrupt') {
          st.typedFiles.add(seg.file);
          continue;
        }
        if (isNotFound(e)) continue;
        throw e;
      }
      st.typedFiles.add(seg.file);
      // From the index's columns: no IndexEntry per series (a bucket of a few segments of a
      // large target holds millions, and the first write of every `promflux run` learns them).
      const index = idx.index;
      for (let i = 0; i < index.length; i++) {
        const key = index.key(i);
        if (!types.has(key)) types.set(key, { type: TYPES[index.types[i]!]!, flush: 0 });
      }
      await idx.handle.close();
    }
    // Forget files that left the MANIFEST (compacted, expired) once they are many.
    if (st.typedFiles.size > 2 * m.segments.length + 64) {
      st.typedFiles = new Set(m.segments.map((x) => x.file).filter((f) => st.typedFiles.has(f)));
    }
    return types;
  }

  private async flushBatch(bucket: string, st: BucketState, batch: PendingWrite[], attempt = 0): Promise<void> {
    let m = await this.loadManifest(bucket);
    for (let tries = 1; m === undefined; tries++) {
      // A write creates a missing bucket. Another process may delete it again at any moment
      // (`promflux bucket delete`), even between creating and loading it: try a few times.
      st.types = null;
      try {
        await this.createBucket(bucket, { ifMissing: true });
      } catch (e) {
        if (tries >= 3) throw e;
      }
      m = await this.loadManifest(bucket);
      if (m === undefined && tries >= 3) throw bucketNotFound(bucket);
    }
    const types = await this.learnTypes(bucket, st, m);
    // Check each write on its own and merge what it may write by series. A series whose type
    // differs from the type the bucket (or an earlier series of the same write, or an earlier
    // write of this flush) gave it is dropped, and the write's other series are written: a
    // partial write, as InfluxDB does (see ./conflict.ts). With no conflict this is one map
    // lookup per series (a new series: and one insertion), its key carried by a KeyedSeries.
    const accepted: PendingWrite[] = [];
    const partial: { w: PendingWrite; error: FieldTypeConflictError }[] = [];
    const flush = ++st.flushes;
    // The first part of each series this flush writes, in the order they came; the later
    // parts of a series written more than once in this flush, by key (rare: made on demand).
    const firsts: SeriesData[] = [];
    let later: Map<string, SeriesData[]> | undefined;
    for (const w of batch) {
      const added: string[] = [];
      let conflict: FieldTypeConflict | undefined;
      let dropped = 0;
      let written = 0;
      for (let i = 0; i < w.series.length; i++) {
        const s = w.series[i]!;
        const key = seriesKeyOf(s);
        const have = types.get(key);
        if (have === undefined) {
          types.set(key, { type: s.type, flush });
          added.push(key);
        } else if (have.type !== s.type) {
          dropped += s.times.length;
          conflict ??= { bucket, measurement: s.measurement, field: s.field, tags: s.tags, stored: have.type, offered: s.type, inWrite: added.includes(key) };
          continue;
        } else if (have.flush === flush) {
          written += s.times.length;
          const list = (later ??= new Map()).get(key);
          if (list) list.push(s);
          else later.set(key, [s]);
          continue;
        } else have.flush = flush;
        written += s.times.length;
        firsts.push(s);
      }
      if (conflict === undefined) {
        accepted.push(w);
        continue;
      }
      const error = new FieldTypeConflictError(conflict, dropped, written);
      // Nothing left to write: answer now.
      if (written === 0) w.reject(error);
      else partial.push({ w, error });
    }
    if (firsts.length === 0) return;
    const retention = BigInt(m.retentionNs);
    const shard = BigInt(m.shardNs);
    const cutoff = retention > 0n ? this.clock.nowNanos() - retention : MIN_TIME;
    // Split series by partition.
    const partitions = new Map<bigint, SeriesData[]>();
    let dropped = 0;
    // The partition of the previous piece: the series of a scrape share it (no BigInt
    // division and no map lookup per series).
    let lastP = 0n;
    let lastEnd = 0n;
    let lastList: SeriesData[] | undefined;
    for (let f = 0; f < firsts.length; f++) {
      // One write of the series (the usual case): it is already a normalized SeriesData.
      let s = firsts[f]!;
      const more = later?.get(seriesKeyOf(s));
      if (more !== undefined) s = mergeParts(s, [s, ...more]);
      let i = 0;
      const n = s.times.length;
      while (i < n && s.times[i]! < cutoff) i++;
      dropped += i;
      while (i < n) {
        const t = s.times[i]!;
        if (lastList === undefined || t < lastP || t >= lastEnd) {
          lastP = floorDiv(t, shard) * shard;
          lastEnd = lastP + shard;
          lastList = partitions.get(lastP);
          if (lastList === undefined) partitions.set(lastP, (lastList = []));
        }
        let j = i;
        while (j < n && s.times[j]! < lastEnd) j++;
        // The whole series in one partition (a scrape): no views to allocate.
        lastList.push(i === 0 && j === n ? s : { ...s, times: s.times.subarray(i, j), values: slice(s.type, s.values, i, j) });
        i = j;
      }
    }
    if (dropped > 0) this.logger.warn('store: dropped points older than the retention', { bucket, points: dropped });
    const added: ManifestSegment[] = [];
    const dir = this.bucketDir(bucket);
    let smallSegments = 0;
    try {
      for (const [p, list] of partitions) {
        added.push(await this.writeSegment(dir, p, list, 0));
      }
      await this.withLock(bucket, async () => {
        const fresh = await this.loadManifest(bucket);
        if (!fresh) throw bucketNotFound(bucket);
        fresh.segments.push(...added);
        await this.saveManifest(bucket, fresh);
        for (const a of added) st.typedFiles.add(a.file);
        smallSegments = fresh.segments.filter((x) => x.level === 0).length;
      });
    } catch (e) {
      for (const a of added) await this.fs.remove(join(dir, a.file)).catch(() => undefined);
      // The types this flush recorded for new series were not written: learn them from disk
      // again, or a later write of such a series with another type would be refused.
      st.types = null;
      // The bucket was deleted meanwhile (`promflux bucket delete` in another process renamed
      // its directory away: ENOENT on the segment, the LOCK or the MANIFEST). A write to a
      // missing bucket creates it, so write these points again, into the new bucket, rather
      // than fail them with a file-system error about a directory the user did not touch.
      if (attempt < 3 && (await this.loadManifest(bucket).catch(() => null)) === undefined) {
        return this.flushBatch(bucket, st, [...accepted, ...partial.map((p) => p.w)], attempt + 1);
      }
      const err =
        e instanceof FluxError
          ? e
          : new FluxError('unavailable', 'store.writeFailed', `cannot write to bucket "${bucket}" in ${this.dir}: ${(e as Error).message}`, { cause: e });
      for (const w of accepted) w.reject(err);
      for (const p of partial) p.w.reject(err);
      return;
    }
    for (const w of accepted) w.resolve();
    for (const p of partial) p.w.reject(p.error);
    // Maintenance when there is something to compact, and otherwise once a minute (retention).
    const nowMs = Number(this.clock.nowNanos() / 1_000_000n);
    if (this.autoMaintain && (smallSegments >= this.fanIn || nowMs - (st.maintainedMs ?? 0) >= 60_000)) {
      st.maintainedMs = nowMs;
      this.scheduleMaintenance(bucket);
    }
  }

  private async writeSegment(dir: string, partition: bigint, series: readonly SeriesData[], level: number): Promise<ManifestSegment> {
    const enc = encodeSegment(series);
    const file = segmentFileName(partition, level);
    await this.fs.writeNewFile(join(dir, file), enc.bytes);
    return {
      file,
      partition: partition.toString(),
      minT: enc.minT.toString(),
      maxT: enc.maxT.toString(),
      points: enc.points,
      bytes: enc.bytes.length,
      level,
      createdMs: Number(this.clock.nowNanos() / 1_000_000n),
    };
  }

  /**
   * Open a segment and load its index (cached). Rejects with the file system's own error when
   * the file does not exist (callers retry with a newer MANIFEST, or skip it), `store.corrupt`
   * when it is damaged and `store.io` for any other failure, both naming the file.
   */
  private async segmentIndex(bucket: string, seg: ManifestSegment, stats: ReadStats | undefined): Promise<OpenSegment> {
    const path = join(this.bucketDir(bucket), seg.file);
    const failed = (e: unknown) => (isErrno(e) && !isNotFound(e) ? ioError(`cannot read segment ${seg.file} of bucket "${bucket}"`, path, e) : e);
    const handle = await this.fs.openRead(path).catch((e: unknown) => {
      throw failed(e);
    });
    try {
      let index = this.indexCache.get(path);
      if (!index) {
        const loaded = await readSegmentIndex(handle);
        if (stats) stats.bytesRead += loaded.indexBytes;
        // Another query may have loaded and cached the same index meanwhile: keep theirs, or
        // its entries would be counted twice and the bound reached too early, for good.
        index = this.indexCache.get(path);
        if (!index) {
          index = loaded;
          // Bounded by entries (a 10,000-series index is a few MB of objects), oldest first.
          this.cachedEntries += index.length;
          this.indexCache.set(path, index);
          while (this.cachedEntries > INDEX_CACHE_ENTRIES && this.indexCache.size > 1) {
            const [oldest, idx] = this.indexCache.entries().next().value!;
            this.indexCache.delete(oldest);
            this.cachedEntries -= idx.length;
          }
        }
      }
      return { seg, handle, index };
    } catch (e) {
      await handle.close();
      if (e instanceof CorruptSegmentError) {
        throw corruptSegment(bucket, seg.file, e);
      }
      throw failed(e);
    }
  }

  /**
   * Drop from the index cache the segments of a bucket for which `gone` says yes: files that left
   * the MANIFEST (compacted, expired, deleted with the bucket) are never opened by a new query,
   * and a reader of an older MANIFEST that still opens one loads its index again. Without this
   * the cache held the indexes of every compaction input (read whole by compact()) until the
   * entry bound pushed them out: hundreds of MB of dead entry objects in a long-running serve.
   */
  private forgetIndexes(bucket: string, gone: (file: string) => boolean): void {
    const prefix = this.bucketDir(bucket) + sep;
    for (const [path, idx] of this.indexCache) {
      if (!path.startsWith(prefix) || !gone(path.slice(prefix.length))) continue;
      this.indexCache.delete(path);
      this.cachedEntries -= idx.length;
    }
  }

  /** Indexes and series entries held by the index cache (bounded; see forgetIndexes). */
  cacheStats(): { indexes: number; entries: number } {
    return { indexes: this.indexCache.size, entries: this.cachedEntries };
  }

  /** Retention bound of a bucket at this moment (inclusive), or MIN_TIME. */
  private cutoff(m: Manifest): bigint {
    const r = BigInt(m.retentionNs);
    return r > 0n ? this.clock.nowNanos() - r : MIN_TIME;
  }

  /**
   * Read series of a bucket, sorted by series key, with times in [start, stop) and matching
   * the predicate. Rejects with `store.bucketNotFound` for an unknown bucket.
   */
  async *read(bucket: string, options: ReadOptions = {}, stats?: ReadStats): AsyncGenerator<SeriesData> {
    let open: OpenSegment[] = [];
    let m: Manifest | undefined;
    // Open every needed segment first; a segment removed by compaction between loading the
    // MANIFEST and opening it means a newer MANIFEST exists: load it and start over.
    for (let attempt = 0; ; attempt++) {
      m = await this.loadManifest(bucket);
      if (!m) throw bucketNotFound(bucket);
      const start = options.start ?? MIN_TIME;
      const lo = start > this.cutoff(m) ? start : this.cutoff(m);
      const hi = options.stop ?? MAX_TIME;
      const wanted = m.segments.filter((s) => BigInt(s.maxT) >= lo && BigInt(s.minT) < hi);
      if (stats) stats.segmentsConsidered += m.segments.length;
      open = [];
      try {
        for (const seg of wanted) open.push(await this.segmentIndex(bucket, seg, stats));
        break;
      } catch (e) {
        await Promise.all(open.map((o) => o.handle.close()));
        if (isNotFound(e) && attempt < 5) continue;
        const path = (e as { path?: unknown }).path;
        throw isErrno(e) ? ioError(`cannot read bucket "${bucket}"`, typeof path === 'string' ? path : this.bucketDir(bucket), e) : e;
      }
    }
    try {
      if (stats) stats.segmentsOpened += open.length;
      const start = options.start ?? MIN_TIME;
      const lo = start > this.cutoff(m) ? start : this.cutoff(m);
      const hi = options.stop ?? MAX_TIME;
      const pred = options.predicate;
      // Matching entries per series, in MANIFEST order (older segments first).
      const bySeries = new Map<string, { o: OpenSegment; e: IndexEntry; all: boolean }[]>();
      const need = new Map<OpenSegment, number>();
      for (const o of open) {
        // Bytes of the blocks the query needs: a time block shared by many series (all the
        // series of a target) counts once, as it is read once.
        let bytes = 0;
        const timeBlocks = new Set<number>();
        const idx = o.index;
        const seriesMatch = compileForIndex(pred, idx);
        for (let i = 0; i < idx.length; i++) {
          if (idx.lastT[i]! < lo || idx.firstT[i]! >= hi) continue;
          const match = seriesMatch(i);
          if (match === 0) continue;
          const e = idx.entry(i);
          bytes += e.vLen;
          if (!timeBlocks.has(e.tsOff)) {
            timeBlocks.add(e.tsOff);
            bytes += e.tsLen;
          }
          const list = bySeries.get(e.key);
          const item = { o, e, all: match === 1 };
          if (list) list.push(item);
          else bySeries.set(e.key, [item]);
        }
        need.set(o, bytes);
      }
      // A segment of which most is needed is read through a window (a few large reads, in
      // bounded memory; see READ_WINDOW_BYTES), the others block by block.
      const countRead = stats ? (n: number) => void (stats.bytesRead += n) : undefined;
      const readers = new Map<OpenSegment, BlockReader>();
      for (const o of open) if (need.get(o)! * 2 > o.handle.size) readers.set(o, new BlockReader(o.handle, this.readWindowBytes, countRead));
      // Series of one scrape share a time block: decoded once per query while it is in here.
      const slots = new Map(open.map((o, i) => [o, i]));
      const timeBlocks = new TimeBlockCache(READ_TIME_CACHE_BYTES);
      // Series come out in the order of their keys' UTF-8 bytes, as Flux orders strings (segment
      // files keep their own encoding order; only this read order follows compareStrings).
      const keys = [...bySeries.keys()].sort(compareStrings);
      let sinceYield = 0;
      for (const key of keys) {
        options.signal?.throwIfAborted();
        const items = bySeries.get(key)!;
        const first = items[0]!.e;
        const type = first.type;
        const parts: { times: BigInt64Array; values: FieldValues }[] = [];
        let all = true;
        for (const item of items) {
          const { o, e } = item;
          if (!item.all) all = false;
          if (e.type !== type) {
            this.logger.warn('store: skipping a series part with a conflicting field type', { bucket, field: e.field });
            continue;
          }
          const reader = readers.get(o);
          const block = async (off: number, len: number) => {
            if (reader) return reader.block(off, len);
            if (stats) stats.bytesRead += len;
            return o.handle.read(off, len);
          };
          let decoded;
          try {
            const slot = slots.get(o)!;
            let times = timeBlocks.get(slot, e.tsOff);
            if (!times) {
              times = decodeTimeBlock(e, await block(e.tsOff, e.tsLen));
              timeBlocks.set(slot, e.tsOff, times);
            }
            decoded = decodeSeries(e, times, await block(e.vOff, e.vLen));
          } catch (err) {
            if (err instanceof CorruptSegmentError) {
              throw corruptSegment(bucket, o.seg.file, err);
            }
            throw isErrno(err) ? ioError(`cannot read bucket "${bucket}"`, join(this.bucketDir(bucket), o.seg.file), err) : err;
          }
          const part = clip(decoded, type, lo, hi);
          if (part.times.length > 0) parts.push(part);
        }
        if (parts.length === 0) continue;
        let s = mergeParts({ measurement: first.measurement, field: first.field, tags: first.tags, type }, parts);
        // _value predicates apply to the merged series (a newer write of a time replaces the older value).
        if (!all && pred) {
          const keep: number[] = [];
          for (let i = 0; i < s.times.length; i++) if (matchPoint(pred, s, s.values, i)) keep.push(i);
          if (keep.length === 0) continue;
          if (keep.length !== s.times.length) s = { ...s, times: BigInt64Array.from(keep, (i) => s.times[i]!), values: pick(type, s.values, keep) };
        }
        if (stats) {
          stats.seriesMatched++;
          stats.pointsReturned += s.times.length;
        }
        yield s;
        if (++sinceYield >= 256) {
          sinceYield = 0;
          await yieldToLoop();
        }
      }
    } finally {
      await Promise.all(open.map((o) => o.handle.close()));
    }
  }

  private scheduleMaintenance(bucket: string): void {
    if (this.maintaining.has(bucket) || this.closed) return;
    this.maintaining.add(bucket);
    // Background maintenance also clears what an interrupted `bucket delete` left, at most
    // once per 10 minutes (so a long-running serve cleans up after a killed deletion).
    const nowMs = Number(this.clock.nowNanos() / 1_000_000n);
    const due = this.trashSweptMs === undefined || nowMs - this.trashSweptMs >= LEFTOVER_AGE_MS;
    if (due) this.trashSweptMs = nowMs;
    const sweep = due ? this.sweepTrash() : Promise.resolve();
    const p = sweep
      .then(() => this.maintainBucket(bucket))
      .catch((e) => this.logger.warn('store: maintenance failed', { bucket, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.maintaining.delete(bucket);
        this.background.delete(p);
      });
    this.background.add(p);
  }

  /** Run retention, compaction and garbage removal now (every bucket, or one). */
  async maintain(bucket?: string): Promise<void> {
    await Promise.all([...this.background]);
    await this.sweepTrash();
    const names = bucket !== undefined ? [bucket] : (await this.buckets()).filter((b) => b.damaged === undefined).map((b) => b.name);
    // One bucket's failure (a damaged segment) does not stop the others': the first is reported.
    let failed: unknown;
    for (const n of names) {
      try {
        await this.maintainBucket(n);
      } catch (e) {
        failed ??= e;
      }
    }
    if (failed !== undefined) throw failed;
  }

  /**
   * Retention, garbage removal and compaction of one bucket. A bucket that is gone (deleted,
   * maybe by another process while this ran: its directory was renamed away, so the LOCK, a
   * segment or the compaction's output could not be opened) has nothing to maintain: that is
   * not a failure.
   */
  private async maintainBucket(bucket: string): Promise<void> {
    try {
      await this.maintainBucketFiles(bucket);
    } catch (e) {
      if ((await this.loadManifest(bucket).catch(() => null)) === undefined) {
        this.forgetIndexes(bucket, () => true);
        return;
      }
      throw e;
    }
  }

  private async maintainBucketFiles(bucket: string): Promise<void> {
    const dir = this.bucketDir(bucket);
    const nowMs = this.clock.nowNanos() / 1_000_000n;
    // 1. Retention and garbage.
    const m = await this.withLock(bucket, async () => {
      const m = await this.loadManifest(bucket);
      if (!m) return undefined;
      const cutoff = this.cutoff(m);
      const expired = m.segments.filter((s) => BigInt(s.maxT) < cutoff);
      const ripe = m.garbage.filter((g) => BigInt(g.sinceMs) + BigInt(this.graceMs) <= nowMs);
      if (expired.length === 0 && ripe.length === 0) return m;
      m.segments = m.segments.filter((s) => !expired.includes(s));
      m.garbage = m.garbage.filter((g) => !ripe.includes(g));
      for (const s of expired) m.garbage.push({ file: s.file, sinceMs: Number(nowMs) });
      await this.saveManifest(bucket, m);
      for (const g of ripe) await this.fs.remove(join(dir, g.file));
      return m;
    });
    if (!m) {
      this.forgetIndexes(bucket, () => true);
      return;
    }
    const live = new Set(m.segments.map((s) => s.file));
    this.forgetIndexes(bucket, (f) => !live.has(f));
    // 2. Leftovers of crashed writers: segment files nobody references, older than 10 minutes.
    const known = new Set([...m.segments.map((s) => s.file), ...m.garbage.map((g) => g.file)]);
    const orphan = (f: string) => !known.has(f) && (f.endsWith('.seg') || f.startsWith('.tmp-'));
    for (const path of await leftovers(this.fs, dir, Number(nowMs), orphan)) await this.fs.remove(path);
    // 3. Compaction.
    const shard = BigInt(m.shardNs);
    const current = floorDiv(this.clock.nowNanos(), shard) * shard;
    const byPartition = new Map<string, ManifestSegment[]>();
    for (const s of m.segments) {
      const l = byPartition.get(s.partition);
      if (l) l.push(s);
      else byPartition.set(s.partition, [s]);
    }
    // A compaction that fails (a damaged input: store.corrupt) must not stop the others: a
    // damaged segment in an old partition would otherwise keep every later partition from
    // compacting, and their file counts would grow without bound. The first failure is
    // reported once the others ran (background maintenance logs it).
    let failed: unknown;
    const compact = (p: string, inputs: ManifestSegment[], level: number) =>
      this.compact(bucket, m, BigInt(p), inputs.slice(0, COMPACT_MAX_INPUTS), level).catch((e: unknown) => {
        failed ??= e;
      });
    for (const [p, segs] of byPartition) {
      if (this.closed) break;
      // A partition that ended and got no new segment for 10 minutes (no backfill going on)
      // merges completely; otherwise segments merge level by level.
      const quiet = segs.every((s) => Number(nowMs) - (s.createdMs ?? 0) >= 10 * 60_000);
      const closedPartition = BigInt(p) + shard <= current && quiet;
      if (closedPartition && segs.length > 1) {
        await compact(p, segs, Math.max(...segs.map((s) => s.level)) + 1);
        continue;
      }
      const byLevel = new Map<number, ManifestSegment[]>();
      for (const s of segs) {
        const l = byLevel.get(s.level);
        if (l) l.push(s);
        else byLevel.set(s.level, [s]);
      }
      for (const [level, list] of byLevel) {
        if (list.length >= this.fanIn) await compact(p, list, level + 1);
      }
    }
    if (failed !== undefined) throw failed;
  }

  private async compact(bucket: string, m: Manifest, partition: bigint, inputs: ManifestSegment[], level: number): Promise<void> {
    const dir = this.bucketDir(bucket);
    const open: OpenSegment[] = [];
    try {
      for (const seg of inputs) open.push(await this.segmentIndex(bucket, seg, undefined));
    } catch (e) {
      await Promise.all(open.map((o) => o.handle.close()));
      if (isNotFound(e)) return; // someone else compacted these already
      throw e;
    }
    let out: ManifestSegment | undefined;
    try {
      const merged = await this.merge(bucket, partition, open, level, this.cutoff(m));
      if (merged === 'stopped') return;
      out = merged;
    } finally {
      await Promise.all(open.map((o) => o.handle.close()));
    }
    const nowMs = Number(this.clock.nowNanos() / 1_000_000n);
    let saving = false;
    const swapped = await this.withLock(bucket, async () => {
      const fresh = await this.loadManifest(bucket);
      if (!fresh) return false;
      const live = new Set(fresh.segments.map((s) => s.file));
      if (!inputs.every((s) => live.has(s.file))) return false;
      const gone = new Set(inputs.map((s) => s.file));
      const idx = fresh.segments.findIndex((s) => gone.has(s.file));
      const rest = fresh.segments.filter((s) => !gone.has(s.file));
      // The output takes the place of the oldest input, so newer segments still win on ties.
      if (out) rest.splice(idx, 0, out);
      fresh.segments = rest;
      for (const s of inputs) fresh.garbage.push({ file: s.file, sinceMs: nowMs });
      saving = true;
      await this.saveManifest(bucket, fresh);
      return true;
    }).catch(async (e: unknown) => {
      // The LOCK or the MANIFEST could not be read: the output is nobody's file. (Once the save
      // began it may be published; then it stays, and maintenance collects it if it is not.)
      if (out && !saving) await this.fs.remove(join(dir, out.file)).catch(() => undefined);
      throw e;
    });
    if (!swapped && out) await this.fs.remove(join(dir, out.file));
    // Swapped or not (another process compacted them first), the inputs are no longer live.
    const gone = new Set(inputs.map((s) => s.file));
    this.forgetIndexes(bucket, (f) => gone.has(f));
    if (swapped) {
      // The output holds the series of its inputs: when their types are known, so are its.
      const st = this.state.get(bucket);
      if (out && st?.types && inputs.every((s) => st.typedFiles.has(s.file))) st.typedFiles.add(out.file);
      this.logger.debug('store: compacted', { bucket, inputs: inputs.length, level });
    }
  }

  /**
   * Merge segments of one partition (`open`: older first) into one new segment file of `level`,
   * dropping points older than `cutoff`; undefined when nothing is left, 'stopped' (and no file)
   * when the store was closed meanwhile. The file is complete and fsynced but not published:
   * compact() swaps it into the MANIFEST (or removes it).
   *
   * Streaming, so that memory does not grow with the partition: the inputs' indexes list their
   * series sorted by series key, so a k-way merge by key meets each series once, in the order
   * of the output. For each series it reads the series' parts (blocks are read through a
   * window per input: the blocks of consecutive series are consecutive in the file), merges
   * them as a read does (`mergeParts`: by time, the newer input wins a time; a part whose type
   * differs from the series' type in the oldest input is dropped, as reads skip it), and hands
   * the series to a SegmentWriter, whose bytes go to the file each time about
   * COMPACT_WRITE_BYTES are ready. What stays in memory: the indexes (of inputs and output),
   * one series, the read windows, a bounded cache of decoded time blocks (series of one target
   * share theirs) and one output chunk.
   */
  private async merge(bucket: string, partition: bigint, open: readonly OpenSegment[], level: number, cutoff: bigint): Promise<ManifestSegment | undefined | 'stopped'> {
    const dir = this.bucketDir(bucket);
    const file = segmentFileName(partition, level);
    const path = join(dir, file);
    const writer = new SegmentWriter();
    const readers = open.map((o) => new BlockReader(o.handle));
    const times = new TimeBlockCache(COMPACT_TIME_CACHE_BYTES);
    const pos = open.map(() => 0);
    const keys = open.map((o) => (o.index.length > 0 ? o.index.key(0) : undefined));
    let target: NewFile | undefined;
    /** The input being read (-1: the output being written), for error messages. */
    let at = -1;
    const emit = async () => {
      at = -1;
      target ??= await this.fs.createNewFile(path);
      await target.write(writer.take());
    };
    try {
      let n = 0;
      for (;;) {
        let key: string | undefined;
        for (const k of keys) if (k !== undefined && (key === undefined || k < key)) key = k;
        if (key === undefined) break;
        let first: IndexEntry | undefined;
        const parts: { times: BigInt64Array; values: FieldValues }[] = [];
        for (let j = 0; j < open.length; j++) {
          const idx = open[j]!.index;
          while (keys[j] === key) {
            at = j;
            const e = idx.entryUncached(pos[j]!);
            const next = ++pos[j]!;
            keys[j] = next < idx.length ? idx.key(next) : undefined;
            if (keys[j] !== undefined && keys[j]! < key) throw new CorruptSegmentError('index not sorted by series key');
            first ??= e;
            if (e.type !== first.type) continue;
            let t = times.get(j, e.tsOff);
            if (!t) {
              t = decodeTimeBlock(e, await readers[j]!.block(e.tsOff, e.tsLen));
              times.set(j, e.tsOff, t);
            }
            parts.push(decodeSeries(e, t, await readers[j]!.block(e.vOff, e.vLen)));
          }
        }
        const s = mergeParts({ measurement: first!.measurement, field: first!.field, tags: first!.tags, type: first!.type }, parts);
        const kept = clip(s, s.type, cutoff, MAX_TIME);
        if (kept.times.length > 0) {
          writer.add({ ...s, ...kept }, key);
          if (writer.pending >= COMPACT_WRITE_BYTES) await emit();
        }
        if (++n % 256 === 0) {
          // close() waits for background maintenance: a large compaction gives up instead of
          // holding up a shutdown (a later maintenance starts it again).
          if (this.closed) {
            await target?.abort();
            this.logger.debug('store: compaction stopped by close()', { bucket, level });
            return 'stopped';
          }
          await yieldToLoop();
        }
      }
      if (writer.series === 0) {
        await target?.abort();
        return undefined;
      }
      const { minT, maxT, points, bytes } = writer.finish();
      await emit();
      await target!.commit();
      return { file, partition: partition.toString(), minT: minT.toString(), maxT: maxT.toString(), points, bytes, level, createdMs: Number(this.clock.nowNanos() / 1_000_000n) };
    } catch (e) {
      await target?.abort();
      const input = at >= 0 ? open[at]!.seg.file : undefined;
      if (e instanceof CorruptSegmentError && input !== undefined) {
        throw corruptSegment(bucket, input, e);
      }
      if (isErrno(e)) throw ioError(`cannot compact bucket "${bucket}"`, input !== undefined ? join(dir, input) : path, e);
      throw e;
    }
  }

  /** Wait until every accepted write is durable. */
  async flush(): Promise<void> {
    for (const st of this.state.values()) await st.flushing;
  }

  /**
   * Flush writes and wait for background maintenance; later writes reject. A compaction in
   * progress stops at its next batch of series (its unpublished output is removed), so a large
   * one does not hold up a shutdown.
   */
  async close(): Promise<void> {
    await this.flushAll();
    this.closed = true;
    await Promise.all([...this.background]);
  }

  private async flushAll(): Promise<void> {
    for (const st of this.state.values()) await st.flushing;
  }
}

/** Open (lazily: nothing is read until the first call) the store in `dir`. */
export function openStore(options: StoreOptions): Store {
  return new Store(options);
}
