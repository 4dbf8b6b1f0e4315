// Task state persisted in the data directory, so a restart resumes where it stopped and the
// task CLI can answer when no `promflux serve` runs.
//
// Design: one JSON file per task, `<dataDir>/tasks/<encoded name>.json`, holding whether the
// task is enabled, its last scheduled time, its last success, its last N runs (outcome,
// timings, counts; per-step statistics for the most recent run only) and recent events
// (reload errors). Updates mark the task dirty in memory; dirty tasks are written (atomically,
// through the host FileSystem) at most once per `flushMs`, and on `close()`. Times are stored
// as decimal nanosecond strings (exact) next to an RFC 3339 rendering for people.
import type { FileSystem } from '../host/fs.js';
import { isNotFound } from '../host/fs.js';
import type { Clock, TimerHandle } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import { silentLogger } from '../host/logger.js';
import type { RunError, RunOutcome, RunRecord, StepStat } from './scheduler.js';

export interface PersistedRun {
  readonly scheduled: string;
  readonly scheduledTime: string;
  readonly started: string;
  readonly lagMs: number;
  readonly durationMs: number;
  readonly attempts: number;
  readonly outcome: RunOutcome;
  readonly error?: RunError;
  readonly rowsScraped: number;
  readonly pointsWritten: number;
  readonly manual: boolean;
  readonly version: string;
  readonly steps?: readonly PersistedStep[];
}

export interface PersistedStep {
  readonly name: string;
  readonly at?: string;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly ms?: number;
}

export interface TaskEvent {
  readonly time: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface TaskState {
  name: string;
  enabled: boolean;
  file?: string;
  schedule?: string;
  /** The task's options as last loaded (printable values). */
  options?: Record<string, string | number | boolean>;
  /** Decimal nanoseconds. */
  lastScheduled?: string;
  lastSuccess?: string;
  /** Most recent last. */
  runs: PersistedRun[];
  events: TaskEvent[];
}

export interface TaskStateStoreOptions {
  readonly fs: FileSystem;
  /** The data directory; state lives in `<dataDir>/tasks/`. */
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Runs kept per task (default 20). */
  readonly keepRuns?: number;
  /** Events kept per task (default 50). */
  readonly keepEvents?: number;
  /** Flush dirty tasks at most this often (default 5000 ms). */
  readonly flushMs?: number;
}

const WRITE_PARALLELISM = 16;

export function stateDir(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}/tasks`;
}

export function stateFile(dataDir: string, name: string): string {
  return `${stateDir(dataDir)}/${encodeURIComponent(name)}.json`;
}

/** Read every task's state from a data directory (the task CLI's fallback when no serve runs). */
export async function readAllTaskStates(fs: FileSystem, dataDir: string): Promise<Map<string, TaskState>> {
  const out = new Map<string, TaskState>();
  const dir = stateDir(dataDir);
  for (const f of (await fs.readdir(dir)).sort()) {
    if (!f.endsWith('.json') || f.startsWith('.') || f === 'serve.json') continue;
    try {
      const st = JSON.parse(new TextDecoder().decode(await fs.readFile(`${dir}/${f}`))) as TaskState;
      if (typeof st.name === 'string') out.set(st.name, { ...st, runs: st.runs ?? [], events: st.events ?? [] });
    } catch (e) {
      if (!isNotFound(e)) continue; // a torn or foreign file: ignore it
    }
  }
  return out;
}

/** Write one task's state directly (the task CLI's `enable`/`disable` when no serve runs). */
export async function writeTaskState(fs: FileSystem, dataDir: string, st: TaskState): Promise<void> {
  await fs.mkdirp(stateDir(dataDir));
  await fs.writeFileDurable(stateFile(dataDir, st.name), new TextEncoder().encode(JSON.stringify(st, null, 1) + '\n'));
}

export class TaskStateStore {
  private readonly states = new Map<string, TaskState>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly logger: Logger;

  constructor(private readonly o: TaskStateStoreOptions) {
    this.logger = o.logger ?? silentLogger;
  }

  /** Load what a previous run of promflux left. */
  async load(): Promise<void> {
    for (const [name, st] of await readAllTaskStates(this.o.fs, this.o.dataDir)) this.states.set(name, st);
  }

  get(name: string): TaskState | undefined {
    return this.states.get(name);
  }

  all(): TaskState[] {
    return [...this.states.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The state of a task, created (enabled) when new. */
  ensure(name: string, info?: { file?: string; schedule?: string; options?: Record<string, string | number | boolean> }): TaskState {
    let st = this.states.get(name);
    if (st === undefined) {
      st = { name, enabled: true, runs: [], events: [] };
      this.states.set(name, st);
      this.removed.delete(name);
    }
    if (info?.file !== undefined && st.file !== info.file) st.file = info.file;
    if (info?.schedule !== undefined && st.schedule !== info.schedule) st.schedule = info.schedule;
    if (info?.options !== undefined) st.options = info.options;
    this.touch(name);
    return st;
  }

  setEnabled(name: string, enabled: boolean): void {
    this.ensure(name).enabled = enabled;
  }

  markScheduled(name: string, scheduledNs: bigint): void {
    const st = this.ensure(name);
    if (st.lastScheduled === undefined || BigInt(st.lastScheduled) < scheduledNs) st.lastScheduled = scheduledNs.toString();
  }

  recordRun(r: RunRecord): void {
    const st = this.ensure(r.task);
    if (!r.manual) {
      if (st.lastScheduled === undefined || BigInt(st.lastScheduled) < r.scheduledNs) st.lastScheduled = r.scheduledNs.toString();
      if (r.outcome === 'success' && (st.lastSuccess === undefined || BigInt(st.lastSuccess) < r.scheduledNs)) st.lastSuccess = r.scheduledNs.toString();
    }
    // per-step statistics only for the newest run, to keep the file small
    const prev = st.runs.length - 1;
    if (prev >= 0 && st.runs[prev]!.steps !== undefined) {
      const { steps: _drop, ...rest } = st.runs[prev]!;
      st.runs[prev] = rest;
    }
    st.runs.push(persistRun(r));
    const keep = this.o.keepRuns ?? 20;
    if (st.runs.length > keep) st.runs.splice(0, st.runs.length - keep);
  }

  event(name: string, level: TaskEvent['level'], message: string): void {
    const st = this.ensure(name);
    st.events.push({ time: isoNs(this.o.clock.nowNanos()), level, message });
    const keep = this.o.keepEvents ?? 50;
    if (st.events.length > keep) st.events.splice(0, st.events.length - keep);
  }

  /** Forget a task whose file was removed (its state file is deleted at the next flush). */
  forget(name: string): void {
    if (this.states.delete(name)) {
      this.dirty.delete(name);
      this.removed.add(name);
      this.schedule();
    }
  }

  /** Write every dirty task now. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.dirty.size === 0 && this.removed.size === 0) return;
    this.flushing = this.write().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.flush();
  }

  private touch(name: string): void {
    this.dirty.add(name);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = this.o.clock.setTimer(this.o.flushMs ?? 5000, () => {
      this.timer = undefined;
      this.flush().catch((e: unknown) => this.logger.error('could not save task state', { error: e instanceof Error ? e.message : String(e) }));
    });
  }

  private async write(): Promise<void> {
    const names = [...this.dirty];
    const gone = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    await this.o.fs.mkdirp(stateDir(this.o.dataDir));
    for (const name of gone) await this.o.fs.remove(stateFile(this.o.dataDir, name));
    // a few files at a time: a thousand tasks flush in a fraction of the sequential time
    let failed: unknown;
    for (let i = 0; i < names.length; i += WRITE_PARALLELISM) {
      await Promise.all(
        names.slice(i, i + WRITE_PARALLELISM).map(async (name) => {
          const st = this.states.get(name);
          if (st === undefined) return;
          try {
            await this.o.fs.writeFileDurable(stateFile(this.o.dataDir, name), new TextEncoder().encode(JSON.stringify(st, null, 1) + '\n'), { deferDirSync: true });
          } catch (e) {
            this.dirty.add(name);
            failed ??= e;
          }
        }),
      );
    }
    // One directory fsync for all the renames above (not one per file).
    if (names.length > 0) await this.o.fs.syncDir(stateDir(this.o.dataDir));
    if (failed !== undefined) throw failed;
  }
}

export function persistRun(r: RunRecord): PersistedRun {
  return {
    scheduled: r.scheduledNs.toString(),
    scheduledTime: isoNs(r.scheduledNs),
    started: isoNs(r.startedNs),
    lagMs: round3(r.lagMs),
    durationMs: round3(r.durationMs),
    attempts: r.attempts,
    outcome: r.outcome,
    ...(r.error ? { error: r.error } : {}),
    rowsScraped: r.rowsScraped,
    pointsWritten: r.pointsWritten,
    manual: r.manual,
    version: r.version,
    ...(r.steps ? { steps: r.steps.map(persistStep) } : {}),
  };
}

function persistStep(s: StepStat): PersistedStep {
  return {
    name: s.name,
    ...(s.span ? { at: `${s.span.start.line}:${s.span.start.column}-${s.span.end.line}:${s.span.end.column}` } : {}),
    ...(s.rowsIn !== undefined ? { rowsIn: s.rowsIn } : {}),
    ...(s.rowsOut !== undefined ? { rowsOut: s.rowsOut } : {}),
    ...(s.ms !== undefined ? { ms: round3(s.ms) } : {}),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** RFC 3339 with as many fractional digits as needed (nanosecond exact). */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n - (ns < 0n && ns % 1_000_000n !== 0n ? 1n : 0n);
  const sub = ns - ms * 1_000_000n; // 0 .. 999999 ns below the millisecond
  const base = new Date(Number(ms)).toISOString(); // ...sss Z
  if (sub === 0n) return base.replace('.000Z', 'Z');
  const frac = (base.slice(20, 23) + sub.toString().padStart(6, '0')).replace(/0+$/, '');
  return `${base.slice(0, 19)}.${frac}Z`;
}
