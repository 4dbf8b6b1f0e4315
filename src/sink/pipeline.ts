// Design: one WritePipeline per destination, shared by every run of the process (it lives in
// the sink service). A `to()` call opens a WriteSession, writes its lines, and awaits
// `done()`, which resolves only when every line was acknowledged by the server, spooled, or
// refused; the caller turns anything but full acknowledgement into a run error.
//
// - Batching: a session cuts its lines into batches of at most `batchSize` lines /
//   `batchBytes` bytes; a partial batch is sent after `lingerMs` without new lines, or at
//   once when the session ends.
// - Concurrency: at most `concurrency` requests in flight per destination; a session whose
//   batches queue up beyond that gets a promise from `write()` (backpressure), so encoding
//   and sending overlap without unbounded memory.
// - Retries (./retry.ts): network errors, 429 and 5xx are retried with backoff, honouring
//   `Retry-After`; other 4xx fail at once with the server's message and are not spooled.
// - Spool (./spool.ts): a batch whose retries are exhausted is written durably to the spool
//   and the pipeline switches to spool mode: later batches go straight to the spool (keeping
//   their order behind the spooled ones) until a drain succeeds. Every new session (every
//   run) first drains the spool in order; so does the service at start-up.
import { FluxError } from '../errors/index.js';
import type { Clock, TimerHandle } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import type { Destination, WriteError } from './destination.js';
import { RetriesExhausted, withRetries } from './retry.js';
import type { RetryOptions } from './retry.js';
import type { Spool } from './spool.js';

export interface PipelineOptions extends RetryOptions {
  /** Per-request timeout (ms); bounds how long another process's drain may hold the spool. */
  readonly timeoutMs: number;
  /** Lines per request. */
  readonly batchSize: number;
  /** Bytes (UTF-16 code units, approximately bytes) per request. */
  readonly batchBytes: number;
  /** How long a partial batch waits for more lines (ms). */
  readonly lingerMs: number;
  /** Requests in flight per destination. */
  readonly concurrency: number;
}

/** What happened to the lines of one session. */
export interface WriteOutcome {
  /** Points acknowledged by the server. */
  written: number;
  /** Points saved to the spool (not acknowledged: the run must not report success). */
  spooled: number;
  /** Points lost because the spool was full (reported loudly). */
  dropped: number;
  /** Points the server refused (4xx other than 429). */
  rejected: number;
  /** The server's answer for refused points. */
  rejectedError?: WriteError;
  /** Why points were spooled. */
  lastError?: WriteError;
  /** Spooled points of earlier runs delivered at the start of this session. */
  resent: number;
}

export interface DrainResult {
  sent: number;
  remaining: number;
  rejected: number;
  error?: WriteError;
}

const TEXT = new TextEncoder();

type BatchOutcome =
  | { kind: 'ok'; points: number }
  | { kind: 'spooled'; points: number; dropped: number; error?: WriteError }
  /** Neither acknowledged nor spooled: the spool could not be written (a full or read-only disk). */
  | { kind: 'lost'; points: number; error?: WriteError; cause: unknown }
  | { kind: 'rejected'; points: number; error: WriteError };

export class WritePipeline {
  /** Spool mode: the destination failed; new batches go to the spool until a drain succeeds. */
  private spoolMode = false;
  private lastError: WriteError | undefined;
  private draining: Promise<DrainResult> | undefined;
  /** Whether this process has looked at the spool yet. */
  private spoolChecked = false;
  private inflight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  /** Batches dispatched and not yet settled (queued or in flight). */
  private outstanding = 0;
  private readonly progressWaiters: (() => void)[] = [];
  private readonly sessions = new Set<WriteSession>();

  constructor(
    readonly destination: Destination,
    readonly spool: Spool,
    readonly options: PipelineOptions,
    readonly clock: Clock,
    private readonly logger: Logger,
    private readonly random?: () => number,
  ) {}

  /** The destination is known to be unreachable (its API could not even be detected): spool, do not drain. */
  private down = false;

  markDown(err: WriteError): void {
    this.down = true;
    this.spoolMode = true;
    this.spoolChecked = true;
    this.lastError = err;
  }

  /** Open a session (one `to()` call). It drains the spool first when there may be one. */
  session(): WriteSession {
    const needDrain = !this.spoolChecked || (this.spoolMode && !this.down);
    const ready = needDrain ? this.drain() : Promise.resolve(undefined);
    const s = new WriteSession(this, ready);
    this.sessions.add(s);
    return s;
  }

  /** @internal */
  forget(s: WriteSession): void {
    this.sessions.delete(s);
  }

  /** Re-send the spool in order. Concurrent callers share one drain. */
  drain(): Promise<DrainResult> {
    if (this.draining === undefined) {
      this.draining = this.drainOnce().finally(() => {
        this.draining = undefined;
      });
    }
    return this.draining;
  }

  private async drainOnce(): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, remaining: 0, rejected: 0 };
    if ((await this.spool.segments()).length === 0) {
      this.spoolChecked = true;
      this.spoolMode = false;
      return result;
    }
    const lock = await this.spool.lockDrain(this.options.maxRetryTimeMs + this.options.timeoutMs * 2).catch(() => undefined);
    if (lock === undefined) {
      // Another process is draining and did not finish in time: keep new points behind the
      // spooled ones.
      this.spoolMode = true;
      this.spoolChecked = true;
      result.remaining = await this.spool.pendingPoints();
      return result;
    }
    try {
      return await this.drainLocked(result);
    } finally {
      await lock.release();
    }
  }

  private async drainLocked(result: DrainResult): Promise<DrainResult> {
    // Listed again under the lock: another process may have delivered some meanwhile.
    const segments = await this.spool.segments();
    this.spoolChecked = true;
    result.remaining = segments.reduce((a, s) => a + s.points, 0);
    for (const seg of segments) {
      const body = await this.spool.read(seg);
      if (body === undefined) {
        result.remaining -= seg.points;
        continue;
      }
      try {
        await this.sendWithRetries(body);
      } catch (e) {
        if (!(e instanceof RetriesExhausted)) throw e;
        if (e.permanent) {
          await this.spool.reject(seg);
          this.logger.error('write spool: the server refused spooled points; moved them aside', {
            destination: this.destination.description,
            points: seg.points,
            segment: `rejected/${seg.name}`,
            error: e.last.message,
          });
          result.rejected += seg.points;
          result.remaining -= seg.points;
          continue;
        }
        this.spoolMode = true;
        this.lastError = e.last;
        result.error = e.last;
        return result;
      }
      await this.spool.remove(seg);
      result.sent += seg.points;
      result.remaining -= seg.points;
    }
    this.spoolMode = false;
    if (result.sent > 0) {
      this.logger.info('write spool: re-sent spooled points', { destination: this.destination.description, points: result.sent });
    }
    return result;
  }

  private async acquire(): Promise<void> {
    if (this.inflight < this.options.concurrency) {
      this.inflight++;
      return;
    }
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private release(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.inflight--;
  }

  private sendWithRetries(body: Uint8Array): Promise<void> {
    return withRetries(
      () => this.destination.send(body),
      this.options,
      this.clock,
      {
        retry: (attempt, delayMs, err) =>
          this.logger.warn('write failed, retrying', {
            destination: this.destination.description,
            attempt,
            delayMs,
            error: err.message,
          }),
      },
      this.random,
    );
  }

  /** Batches dispatched and not yet settled (queued or in flight). */
  get pending(): number {
    return this.outstanding;
  }

  /** Whether a session writing now should wait (backpressure). */
  congested(): boolean {
    return this.outstanding >= this.options.concurrency * 2;
  }

  /** Resolves when some batch settles. */
  progress(): Promise<void> {
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  /**
   * @internal Queue one batch: counted at once (for backpressure), sent (or spooled) once
   * `ready` (the session's spool drain) has settled.
   */
  enqueue(ready: Promise<unknown>, body: Uint8Array, points: number): Promise<BatchOutcome> {
    this.outstanding++;
    return ready
      .then(() => this.dispatch(body, points))
      .finally(() => {
        this.outstanding--;
        const waiters = this.progressWaiters.splice(0);
        for (const w of waiters) w();
      });
  }

  private async dispatch(body: Uint8Array, points: number): Promise<BatchOutcome> {
    if (this.spoolMode) return await this.toSpool(body, points, this.lastError);
    await this.acquire();
    let spoolInstead = false;
    try {
      if (this.spoolMode) {
        spoolInstead = true;
      } else {
        await this.sendWithRetries(body);
        return { kind: 'ok', points };
      }
    } catch (e) {
      if (!(e instanceof RetriesExhausted)) throw e;
      if (e.permanent) return { kind: 'rejected', points, error: e.last };
      if (!this.spoolMode) {
        this.spoolMode = true;
        this.logger.error('write failed after retries; spooling points until the destination is back', {
          destination: this.destination.description,
          attempts: e.attempts,
          error: e.last.message,
        });
      }
      this.lastError = e.last;
      spoolInstead = true;
    } finally {
      this.release();
    }
    // Spooled in dispatch order: the spool serializes appends in call order, and this call
    // happens in the same tick as the release above, before the next batch resumes.
    return await this.toSpool(body, points, this.lastError);
  }

  private async toSpool(body: Uint8Array, points: number, error: WriteError | undefined): Promise<BatchOutcome> {
    try {
      const dropped = await this.spool.append(body, points);
      return { kind: 'spooled', points, dropped, error };
    } catch (e) {
      this.logger.error('write spool: cannot save points the destination did not take; they are lost', {
        destination: this.destination.description,
        points,
        spool: this.spool.dir,
        error: e instanceof Error ? e.message : String(e),
      });
      return { kind: 'lost', points, error, cause: e };
    }
  }

  /** Where this pipeline spools (for messages). */
  get spoolDir(): string {
    return this.spool.dir;
  }

  /** Wait until every open session is done (used when the service closes). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.sessions].map((s) => s.done()));
    if (this.draining) await this.draining.catch(() => undefined);
  }
}

/** The lines of one `to()` call. */
export class WriteSession {
  private buf: string[] = [];
  private bufBytes = 0;
  private readonly pending: Promise<BatchOutcome>[] = [];
  private timer: TimerHandle | undefined;
  private finished: Promise<WriteOutcome> | undefined;

  constructor(
    private readonly pipeline: WritePipeline,
    private readonly ready: Promise<DrainResult | undefined>,
  ) {
    // A failing drain must not become an unhandled rejection before done() looks at it.
    ready.catch(() => undefined);
  }

  /** Lines per request of this destination. */
  get batchSize(): number {
    return this.pipeline.options.batchSize;
  }

  /**
   * Queue lines for writing. Returns a promise when the destination is congested; the
   * caller should await it before writing more (backpressure).
   */
  write(lines: readonly string[]): Promise<void> | undefined {
    const opts = this.pipeline.options;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      this.buf.push(l);
      this.bufBytes += l.length + 1;
      if (this.buf.length >= opts.batchSize || this.bufBytes >= opts.batchBytes) this.cut();
    }
    if (this.buf.length > 0 && this.timer === undefined) {
      this.timer = this.pipeline.clock.setTimer(opts.lingerMs, () => {
        this.timer = undefined;
        this.cut();
      });
    }
    return this.pipeline.congested() ? this.pipeline.progress() : undefined;
  }

  private cut(): void {
    if (this.buf.length === 0) return;
    const lines = this.buf;
    this.buf = [];
    this.bufBytes = 0;
    if (this.timer !== undefined) {
      this.timer.cancel();
      this.timer = undefined;
    }
    this.enqueue(TEXT.encode(lines.join('\n')), lines.length);
  }

  private enqueue(body: Uint8Array, points: number): void {
    const p = this.pipeline.enqueue(this.ready, body, points);
    p.catch(() => undefined);
    this.pending.push(p);
  }

  /**
   * Queue one ready-made batch (`points` lines of UTF-8 line protocol, from the byte
   * encoder). Lines queued with `write` before it are sent first. Returns a promise when the
   * destination is congested (backpressure), like `write`.
   */
  writeBatch(body: Uint8Array, points: number): Promise<void> | undefined {
    this.cut();
    if (points > 0) this.enqueue(body, points);
    return this.pipeline.congested() ? this.pipeline.progress() : undefined;
  }

  /** Send what is left and wait for every batch of this session. */
  done(): Promise<WriteOutcome> {
    if (this.finished === undefined) {
      this.cut();
      this.finished = this.settle();
    }
    return this.finished;
  }

  private async settle(): Promise<WriteOutcome> {
    const out: WriteOutcome = { written: 0, spooled: 0, dropped: 0, rejected: 0, resent: 0 };
    try {
      const drained = await this.ready;
      if (drained) out.resent = drained.sent;
      const results = await Promise.all(this.pending);
      let lost: { points: number; error?: WriteError; cause?: unknown } | undefined;
      for (const r of results) {
        if (r.kind === 'lost') {
          lost = { points: (lost?.points ?? 0) + r.points, error: lost?.error ?? r.error, cause: lost?.cause ?? r.cause };
          continue;
        }
        if (r.kind === 'ok') out.written += r.points;
        else if (r.kind === 'rejected') {
          out.rejected += r.points;
          out.rejectedError ??= r.error;
        } else {
          out.spooled += r.points;
          out.dropped += r.dropped;
          if (r.error) out.lastError = r.error;
        }
      }
      if (lost !== undefined) {
        // Say what happened to the points: the destination refused or could not be reached,
        // and the spool that should have kept them could not be written either.
        const cause = lost.cause instanceof Error ? lost.cause.message : String(lost.cause);
        const why = lost.error?.message ?? 'the destination is unavailable';
        const spooled = out.spooled > 0 ? `; ${out.spooled} other points were saved to the spool` : '';
        throw new FluxError(
          'unavailable',
          'to.spoolFailed',
          `${why}; ${lost.points} points could not be saved to the write spool ${this.pipeline.spoolDir} (${cause}) and are lost${spooled}`,
          { cause: lost.cause },
        );
      }
      return out;
    } finally {
      this.pipeline.forget(this);
    }
  }
}
