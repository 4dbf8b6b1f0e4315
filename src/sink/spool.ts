// Design: the write spool keeps batches that could not be delivered (retries exhausted) so
// that they are re-sent, in order, by a later run or at start-up, and survive a crash.
//
// - One directory per destination: `<dataDir>/spool/<destination id>/`, with `meta.json`
//   (the destination's printable description and line-protocol dialect; never a secret).
// - Each batch is one segment file, written atomically and durably (temporary file, fsync,
//   rename, directory fsync: FileSystem.writeFileDurable) before the write is reported as
//   spooled, so a `kill -9` leaves either the whole segment or none of it (plus, at most, a
//   temporary file that the first listing of the spool by a later process removes).
// - Segment names `<20-digit sequence>-<pid>-<points>.lp` sort in append order (the sequence
//   continues from the highest one on disk at each append, also one another process made;
//   a process's appends are serialized) and carry the point count, so draining and reporting
//   need no index file.
// - A segment is removed only after the server acknowledged it; a crash between the
//   acknowledgement and the removal re-sends it once, which InfluxDB's idempotent writes
//   (same series, same time, same value) absorb.
// - The spool is bounded (`maxBytes`): appending drops the OLDEST segments until the new
//   one fits, and says so loudly (an error log naming the points dropped, plus the count
//   returned to the caller, which reports it in the run's error).
import { join } from 'node:path';
import type { FileLock, FileSystem } from '../host/fs.js';
import { isNotFound, leftovers } from '../host/fs.js';
import type { Logger } from '../host/logger.js';
import type { Clock } from '../host/clock.js';

export interface SegmentInfo {
  readonly name: string;
  readonly points: number;
  readonly bytes: number;
}

const SEGMENT_RE = /^(\d{20})-(\d+)-(\d+)\.lp$/;

export interface SpoolMeta {
  readonly description: string;
  readonly dialect: string;
  /** The destination without its secret (url, org, bucket), so start-up can find it again. */
  readonly target?: Readonly<Record<string, string | undefined>>;
}

export class Spool {
  private sizeKnown: number | undefined;
  private nextSeq: bigint | undefined;
  /** Appends run one at a time, in call order. */
  private appending: Promise<unknown> = Promise.resolve();
  private readonly encoder = new TextEncoder();
  private swept = false;

  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly logger: Logger,
    private readonly meta: SpoolMeta,
    /** With a clock, the first listing removes what appends killed midway left (see `segments`). */
    private readonly clock?: Clock,
  ) {}

  /** Segments in append order (and, as a side effect, a fresh count of the spool's size). */
  async segments(): Promise<SegmentInfo[]> {
    if (!this.swept && this.clock !== undefined) {
      this.swept = true;
      // Temporary files of appends a killed process did not finish (writeFileDurable's
      // `.tmp-*`): never segments, only space. Best effort.
      const nowMs = Number(this.clock.nowNanos() / 1_000_000n);
      try {
        for (const path of await leftovers(this.fs, this.dir, nowMs, (f) => f.startsWith('.tmp-'), { files: true })) await this.fs.remove(path).catch(() => undefined);
      } catch {
        // the listing below reports what matters
      }
    }
    const names = (await this.fs.readdir(this.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    const out: SegmentInfo[] = [];
    for (const name of names) {
      const st = await this.fs.stat(join(this.dir, name));
      if (st === undefined) continue;
      out.push({ name, points: Number(SEGMENT_RE.exec(name)![3]), bytes: st.size });
    }
    // Other processes (serve and run share the spool) append and deliver segments too: what
    // is on disk is the truth.
    this.sizeKnown = out.reduce((a, s) => a + s.bytes, 0);
    return out;
  }

  async isEmpty(): Promise<boolean> {
    return !(await this.fs.readdir(this.dir)).some((n) => SEGMENT_RE.test(n));
  }

  async pendingPoints(): Promise<number> {
    return (await this.segments()).reduce((a, s) => a + s.points, 0);
  }

  private async size(): Promise<number> {
    if (this.sizeKnown === undefined) this.sizeKnown = (await this.segments()).reduce((a, s) => a + s.bytes, 0);
    return this.sizeKnown;
  }

  /**
   * Durably append one batch (`points` lines of line protocol). Returns how many points
   * were dropped to make room (0 normally).
   */
  append(body: Uint8Array, points: number): Promise<number> {
    const p = this.appending.then(() => this.appendNow(body, points));
    this.appending = p.catch(() => undefined);
    return p;
  }

  private async appendNow(body: Uint8Array, points: number): Promise<number> {
    await this.fs.mkdirp(this.dir);
    const metaPath = join(this.dir, 'meta.json');
    if ((await this.fs.stat(metaPath)) === undefined) {
      await this.fs.writeFileDurable(metaPath, this.encoder.encode(JSON.stringify(this.meta) + '\n'));
    }
    const data = body;
    let dropped = 0;
    if (data.length > this.maxBytes) {
      this.logger.error('write spool full: dropping a batch larger than the whole spool', {
        destination: this.meta.description,
        points,
        bytes: data.length,
        spoolMaxBytes: this.maxBytes,
      });
      return points;
    }
    let size = await this.size();
    if (size + data.length > this.maxBytes) {
      // The cached size may be stale (another process delivered segments since): drop only
      // what the segments on disk, counted now, do not leave room for.
      const segments = await this.segments();
      size = segments.reduce((a, s) => a + s.bytes, 0);
      for (const s of segments) {
        if (size + data.length <= this.maxBytes) break;
        await this.fs.remove(join(this.dir, s.name));
        size -= s.bytes;
        dropped += s.points;
      }
      if (dropped > 0) {
        await this.fs.syncDir(this.dir);
        this.logger.error('write spool full: dropped the oldest spooled points', {
          destination: this.meta.description,
          droppedPoints: dropped,
          spoolMaxBytes: this.maxBytes,
        });
      }
    }
    // The sequence continues from the highest on disk at every append, not from this
    // process's last one: another process sharing the spool may have appended since, and a
    // segment numbered below its would be drained first, although appended later (InfluxDB
    // keeps the last write of a point: an older value would win), or dropped first as the
    // oldest. Two processes may even share a pid (each pid 1 in its own container, on one
    // volume): a name already taken is skipped, never replaced.
    const names = (await this.fs.readdir(this.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    const last = names[names.length - 1];
    const onDisk = last === undefined ? 1n : BigInt(SEGMENT_RE.exec(last)![1]!) + 1n;
    if (this.nextSeq === undefined || this.nextSeq < onDisk) this.nextSeq = onDisk;
    let name = '';
    do name = `${(this.nextSeq++).toString().padStart(20, '0')}-${process.pid}-${points}.lp`;
    while ((await this.fs.stat(join(this.dir, name))) !== undefined);
    await this.fs.writeFileDurable(join(this.dir, name), data);
    this.sizeKnown = size + data.length;
    return dropped;
  }

  /** The segment's bytes, or undefined when it is gone (another process delivered it). */
  async read(seg: SegmentInfo): Promise<Uint8Array | undefined> {
    try {
      return await this.fs.readFile(join(this.dir, seg.name));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Exclusive right to drain (a lock file in the spool directory), so two processes sharing
   * the data directory (`promflux serve` and a `promflux run`) do not send a segment twice.
   */
  lockDrain(timeoutMs: number): Promise<FileLock> {
    return this.fs.lock(join(this.dir, 'drain.lock'), { timeoutMs, staleMs: Math.max(60_000, timeoutMs * 2) });
  }

  /** Remove a delivered segment. */
  async remove(seg: SegmentInfo): Promise<void> {
    await this.fs.remove(join(this.dir, seg.name));
    if (this.sizeKnown !== undefined) this.sizeKnown = Math.max(0, this.sizeKnown - seg.bytes);
  }

  /** Move a segment the server refused (4xx) aside to `rejected/`, so it does not block the rest. */
  async reject(seg: SegmentInfo): Promise<void> {
    const dir = join(this.dir, 'rejected');
    await this.fs.mkdirp(dir);
    await this.fs.rename(join(this.dir, seg.name), join(dir, seg.name));
    if (this.sizeKnown !== undefined) this.sizeKnown = Math.max(0, this.sizeKnown - seg.bytes);
  }
}
