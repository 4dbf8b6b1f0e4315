// Task state persisted in the data directory, so a restart resumes where it stopped and the
// task CLI can answer when no `promflux serve` runs.
//
// What is kept per task: whether it is enabled, its file, schedule and options, its last
// scheduled time and last success, its last N runs (outcome, timings, counts; per-step
// statistics for the most recent run only) and recent events (reload errors, enable/disable).
// Times are decimal nanosecond strings (exact) next to an RFC 3339 rendering for people.
//
// On disk (`<dataDir>/tasks/`), a snapshot and a journal:
// - `state.json`: every task's state, and the generation G of the journal that follows it.
//   Replaced atomically (temporary file, fsync, rename, directory fsync).
// - `journal.G.jsonl`: one JSON change per line since that snapshot: a task's settings, a
//   scheduled time, a run, an event, a removed task. Changes are appended at the end of the
//   turn of the event loop that made them (the changes of that turn, and of turns that came
//   while the previous append was under way, in one write) WITHOUT fsync, and the journal is
//   fsynced at most once per `flushMs` and on `close()`.
// So a process that is killed (kill -9, a crash, the OOM killer) loses no change it made: what
// was written is the operating system's. That matters to the count of runs missed while
// promflux was down, taken from the last scheduled time: when the last seconds of runs were
// lost, the restart counted the runs that did happen as skipped (and with catch-up ran them
// again). Only a power loss or an OS crash can lose the changes of the last `flushMs`.
// A thousand tasks running every second thus cost one append of their new run records per
// turn and one fsync per flush, not a rewrite of every task's history. When the journal
// outgrows the snapshot (and when the store is opened), the state is compacted: a new
// snapshot naming generation G+1,
// then the old journal is removed. A crash between the two leaves a journal the snapshot no
// longer names, which is ignored and removed. A torn last line (a crash mid-append) is
// dropped at load. Per-task files of earlier versions (`<name>.json`) are read when no
// snapshot exists, and removed by the first compaction, as are temporary files of snapshots
// that a killed process did not finish.
import type { FileSystem } from '../host/fs.js';
import { isNotFound, leftovers } from '../host/fs.js';
import type { Clock, TimerHandle } from '../host/clock.js';
import { systemClock } from '../host/clock.js';
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
  /** fsync the journal at most this often (default 5000 ms); changes are written (unsynced) at once. */
  readonly flushMs?: number;
  /** Compact when the journal exceeds max(this, 4 x the snapshot) bytes (default 32 MiB). */
  readonly compactBytes?: number;
}

const SNAPSHOT_FORMAT = 'promflux-task-state/1';
const DEFAULT_KEEP_RUNS = 20;
const DEFAULT_KEEP_EVENTS = 50;
/** Tasks serialised between yields to the event loop while compacting. */
const COMPACT_CHUNK = 64;

export function stateDir(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}/tasks`;
}

function snapshotPath(dataDir: string): string {
  return `${stateDir(dataDir)}/state.json`;
}

function journalPath(dataDir: string, gen: number): string {
  return `${stateDir(dataDir)}/journal.${gen}.jsonl`;
}

/** The settings a `task` journal entry carries (everything but history and times). */
type TaskSettings = Pick<TaskState, 'enabled' | 'file' | 'schedule' | 'options'>;

/** One journal line. */
type Change =
  | { op: 'task'; name: string; set: TaskSettings }
  | { op: 'scheduled'; name: string; ns: string }
  | { op: 'run'; name: string; run: PersistedRun }
  | { op: 'event'; name: string; event: TaskEvent }
  | { op: 'forget'; name: string }
  | { op: 'replace'; name: string; state: TaskState };

interface Limits {
  readonly keepRuns: number;
  readonly keepEvents: number;
}

function newState(name: string): TaskState {
  return { name, enabled: true, runs: [], events: [] };
}

function later(cur: string | undefined, ns: string): boolean {
  return cur === undefined || BigInt(cur) < BigInt(ns);
}

/** Apply one change to a map of states (the live store and journal replay share this). */
function apply(states: Map<string, TaskState>, c: Change, lim: Limits): void {
  if (c.op === 'forget') {
    states.delete(c.name);
    return;
  }
  if (c.op === 'replace') {
    states.set(c.name, normalise(c.state));
    return;
  }
  let st = states.get(c.name);
  if (st === undefined) states.set(c.name, (st = newState(c.name)));
  switch (c.op) {
    case 'task':
      st.enabled = c.set.enabled;
      if (c.set.file !== undefined) st.file = c.set.file;
      if (c.set.schedule !== undefined) st.schedule = c.set.schedule;
      if (c.set.options !== undefined) st.options = c.set.options;
      break;
    case 'scheduled':
      if (later(st.lastScheduled, c.ns)) st.lastScheduled = c.ns;
      break;
    case 'run': {
      const r = c.run;
      if (!r.manual) {
        if (later(st.lastScheduled, r.scheduled)) st.lastScheduled = r.scheduled;
        if (r.outcome === 'success' && later(st.lastSuccess, r.scheduled)) st.lastSuccess = r.scheduled;
      }
      // per-step statistics only for the newest run, to keep the state small
      const prev = st.runs.length - 1;
      if (prev >= 0 && st.runs[prev]!.steps !== undefined) {
        const { steps: _drop, ...rest } = st.runs[prev]!;
        st.runs[prev] = rest;
      }
      st.runs.push(r);
      if (st.runs.length > lim.keepRuns) st.runs.splice(0, st.runs.length - lim.keepRuns);
      break;
    }
    case 'event':
      st.events.push(c.event);
      if (st.events.length > lim.keepEvents) st.events.splice(0, st.events.length - lim.keepEvents);
      break;
  }
}

function normalise(st: TaskState): TaskState {
  return { ...st, runs: [...(st.runs ?? [])], events: [...(st.events ?? [])] };
}

interface Loaded {
  states: Map<string, TaskState>;
  /** The journal generation that follows the snapshot. */
  gen: number;
  snapshotBytes: number;
  journalBytes: number;
  /** Files a compaction may remove: journals of other generations, per-task files. */
  stale: string[];
  /** Lines of the journal that could not be read (a torn tail is normal after a crash). */
  badLines: number;
  /** The journal ends in the middle of a line (a crash mid-append). */
  tornTail: boolean;
}

async function readOptional(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Read the snapshot, replay its journal (and read per-task files of earlier versions). */
async function loadState(fs: FileSystem, dataDir: string, lim: Limits): Promise<Loaded> {
  const dir = stateDir(dataDir);
  const names = (await fs.readdir(dir)).sort();
  const dec = new TextDecoder();
  const states = new Map<string, TaskState>();
  let gen = 0;
  let snapshotBytes = 0;
  const snap = await readOptional(fs, snapshotPath(dataDir));
  if (snap !== undefined) {
    // Written atomically, so unreadable only after damage or a hand edit: say which file, and
    // keep it (the task history in it is the user's) rather than start over silently.
    const unreadable = (why: string) => new Error(`cannot read the task state ${snapshotPath(dataDir)}: ${why} (move it aside to start with empty task state)`);
    let doc: { format?: string; journal?: number; tasks?: TaskState[] };
    try {
      doc = JSON.parse(dec.decode(snap)) as typeof doc;
    } catch (e) {
      throw unreadable((e as Error).message);
    }
    if (doc?.format !== SNAPSHOT_FORMAT || typeof doc.journal !== 'number' || !Array.isArray(doc.tasks)) {
      throw unreadable('not a promflux task state file');
    }
    gen = doc.journal;
    snapshotBytes = snap.length;
    for (const st of doc.tasks) if (typeof st?.name === 'string') states.set(st.name, normalise(st));
  }
  const stale: string[] = [];
  for (const f of names) {
    const path = `${dir}/${f}`;
    if (/^journal\.\d+\.jsonl$/.test(f)) {
      if (f !== `journal.${gen}.jsonl`) stale.push(path);
    } else if (f.endsWith('.json') && !f.startsWith('.') && f !== 'serve.json' && f !== 'state.json') {
      // a task file of an earlier version: its content counts only without a snapshot
      stale.push(path);
      if (snap !== undefined) continue;
      try {
        const st = JSON.parse(dec.decode(await fs.readFile(path))) as TaskState;
        if (typeof st.name === 'string') states.set(st.name, normalise(st));
      } catch {
        // a torn or foreign file: ignore it
      }
    }
  }
  let journalBytes = 0;
  let badLines = 0;
  let tornTail = false;
  const journal = await readOptional(fs, journalPath(dataDir, gen));
  if (journal !== undefined) {
    journalBytes = journal.length;
    tornTail = journal.length > 0 && journal[journal.length - 1] !== 0x0a;
    for (const line of dec.decode(journal).split('\n')) {
      if (line === '') continue;
      let c: Change;
      try {
        c = JSON.parse(line) as Change;
      } catch {
        badLines++;
        continue;
      }
      if (typeof c?.name === 'string') apply(states, c, lim);
    }
  }
  return { states, gen, snapshotBytes, journalBytes, stale, badLines, tornTail };
}

function limitsOf(o: { keepRuns?: number; keepEvents?: number }): Limits {
  return { keepRuns: o.keepRuns ?? DEFAULT_KEEP_RUNS, keepEvents: o.keepEvents ?? DEFAULT_KEEP_EVENTS };
}

/** Read every task's state from a data directory (the task CLI's fallback when no serve runs). */
export async function readAllTaskStates(fs: FileSystem, dataDir: string): Promise<Map<string, TaskState>> {
  const { states } = await loadState(fs, dataDir, limitsOf({}));
  return new Map([...states.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** Replace one task's state (the task CLI's `enable`/`disable` when no serve runs). */
export async function writeTaskState(fs: FileSystem, dataDir: string, st: TaskState, clock?: Clock): Promise<void> {
  const store = new TaskStateStore({ fs, dataDir, clock: clock ?? systemClock });
  await store.load();
  store.replace(st);
  await store.close();
}

export class TaskStateStore {
  private states = new Map<string, TaskState>();
  /** Journal lines not yet appended. */
  private pending: string[] = [];
  private gen = 0;
  private snapshotBytes = 0;
  private journalBytes = 0;
  /** The journal ends with a torn line: the next append starts on a new line. */
  private tornTail = false;
  /** The journal has lines written without fsync (`FileSystem.append`). */
  private unsynced = false;
  /** The journal file was created by an unsynced append: its directory entry wants an fsync. */
  private unsyncedEntry = false;
  /** An unsynced write is due at the end of this turn of the event loop. */
  private writeDue = false;
  /** The state directory was made (or found) by this store, and no write failed since. */
  private dirMade = false;
  private stale: string[] = [];
  private compactNeeded = false;
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly logger: Logger;
  private readonly lim: Limits;

  constructor(private readonly o: TaskStateStoreOptions) {
    this.logger = o.logger ?? silentLogger;
    this.lim = limitsOf(o);
  }

  /** Load what a previous run of promflux left, and compact it into a fresh snapshot. */
  async load(): Promise<void> {
    const l = await loadState(this.o.fs, this.o.dataDir, this.lim);
    this.states = l.states;
    this.gen = l.gen;
    this.snapshotBytes = l.snapshotBytes;
    this.journalBytes = l.journalBytes;
    this.tornTail = l.tornTail;
    this.stale = l.stale;
    // Temporary files of snapshots a killed process was writing (FileSystem.writeFileDurable):
    // removed with the stale files at the compaction that follows; only old ones, in case a
    // `promflux task enable` in another process is writing its snapshot right now.
    const nowMs = Number(this.o.clock.nowNanos() / 1_000_000n);
    this.stale.push(...(await leftovers(this.o.fs, stateDir(this.o.dataDir), nowMs, (f) => f.startsWith('.tmp-'), { files: true })));
    if (l.badLines > 0) this.logger.warn('task state journal: skipped unreadable lines (a write cut short by a crash)', { lines: l.badLines });
    this.compactNeeded = true;
    this.schedule();
  }

  get(name: string): TaskState | undefined {
    return this.states.get(name);
  }

  all(): TaskState[] {
    return [...this.states.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The state of a task, created (enabled) when new; `info` updates its settings. */
  ensure(name: string, info?: { file?: string; schedule?: string; options?: Record<string, string | number | boolean> }): TaskState {
    let st = this.states.get(name);
    const created = st === undefined;
    if (st === undefined) {
      st = newState(name);
      this.states.set(name, st);
    }
    let changed = created;
    if (info?.file !== undefined && st.file !== info.file) changed = true;
    if (info?.schedule !== undefined && st.schedule !== info.schedule) changed = true;
    if (info?.options !== undefined && JSON.stringify(st.options) !== JSON.stringify(info.options)) changed = true;
    if (changed) this.change({ op: 'task', name, set: { enabled: st.enabled, file: info?.file ?? st.file, schedule: info?.schedule ?? st.schedule, options: info?.options ?? st.options } });
    return st;
  }

  setEnabled(name: string, enabled: boolean): void {
    const st = this.ensure(name);
    this.change({ op: 'task', name, set: { enabled, file: st.file, schedule: st.schedule, options: st.options } });
  }

  markScheduled(name: string, scheduledNs: bigint): void {
    const st = this.ensure(name);
    const ns = scheduledNs.toString();
    if (later(st.lastScheduled, ns)) this.change({ op: 'scheduled', name, ns });
  }

  recordRun(r: RunRecord): void {
    this.ensure(r.task);
    this.change({ op: 'run', name: r.task, run: persistRun(r) });
  }

  event(name: string, level: TaskEvent['level'], message: string): void {
    this.ensure(name);
    this.change({ op: 'event', name, event: { time: isoNs(this.o.clock.nowNanos()), level, message } });
  }

  /** Replace a task's whole state. */
  replace(st: TaskState): void {
    this.change({ op: 'replace', name: st.name, state: normalise(st) });
  }

  /** Forget a task whose file was removed. */
  forget(name: string): void {
    if (this.states.has(name)) this.change({ op: 'forget', name });
  }

  /** Write the buffered changes now and make the journal durable (and compact when due). */
  async flush(): Promise<void> {
    await this.flushWith(true);
  }

  private async flushWith(durable: boolean): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0 && !this.compactNeeded && !(durable && this.unsynced)) return;
    if (!durable && this.pending.length === 0) return;
    this.flushing = this.write(durable).finally(() => {
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

  private change(c: Change): void {
    apply(this.states, c, this.lim);
    this.pending.push(JSON.stringify(c));
    this.schedule();
    this.writeSoon();
  }

  /**
   * Write the pending changes (without fsync) once this turn of the event loop is over: a
   * turn's changes (all the runs a timer started) go in one write. Not a matter of time, so
   * not the Clock's. A failed write is not reported here: the changes are in memory and the
   * next flush, which reports its own failure, writes them as a snapshot.
   */
  private writeSoon(): void {
    if (this.writeDue || this.closed) return;
    this.writeDue = true;
    setImmediate(() => {
      this.writeDue = false;
      this.flushWith(false).catch(() => undefined);
    });
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = this.o.clock.setTimer(this.o.flushMs ?? 5000, () => {
      this.timer = undefined;
      this.flush().catch((e: unknown) => {
        this.logger.error('could not save task state (retrying at the next flush)', { error: e instanceof Error ? e.message : String(e) });
        this.schedule();
      });
    });
  }

  /**
   * Append the pending changes to the journal: with `durable`, with an fsync (which also makes
   * the lines of earlier unsynced appends durable), then compact when due; else unsynced.
   */
  private async write(durable: boolean): Promise<void> {
    const fs = this.o.fs;
    const dir = stateDir(this.o.dataDir);
    // (made again after a failure, in case it was removed)
    if (!this.dirMade) await fs.mkdirp(dir);
    this.dirMade = true;
    if (this.pending.length > 0 || (durable && this.unsynced)) {
      const lines = this.pending;
      this.pending = [];
      // After a torn last line, start on a new line: glued to the fragment, the first change
      // would be unreadable too.
      const text = lines.length > 0 ? (this.tornTail ? '\n' : '') + lines.join('\n') + '\n' : '';
      const bytes = new TextEncoder().encode(text);
      const path = journalPath(this.o.dataDir, this.gen);
      try {
        if (durable) {
          await fs.appendDurable(path, bytes);
          if (this.unsyncedEntry) await fs.syncDir(dir);
        } else {
          if (this.journalBytes === 0 && !this.unsynced) this.unsyncedEntry = true;
          await fs.append(path, bytes);
        }
      } catch (e) {
        // The changes are in memory: the next flush writes a whole snapshot instead (memory
        // stays bounded however long the disk keeps failing).
        this.compactNeeded = true;
        this.dirMade = false;
        throw e;
      }
      this.journalBytes += bytes.length;
      if (bytes.length > 0) this.tornTail = false;
      this.unsynced = !durable;
      if (durable) this.unsyncedEntry = false;
    }
    if (!durable) return;
    if (this.compactNeeded || this.journalBytes > Math.max(this.o.compactBytes ?? 32 * 2 ** 20, 4 * this.snapshotBytes)) {
      await this.compact();
    }
  }

  /**
   * Write every task's state as a new snapshot followed by an empty journal of the next
   * generation, then remove the old journal. Called inside `write` (one at a time).
   */
  private async compact(): Promise<void> {
    const fs = this.o.fs;
    // The snapshot is the state as of now; later changes go to the next generation's journal.
    // Runs and events are never mutated in place, so copying the arrays freezes it.
    const frozen = this.all().map((st) => ({ ...st, runs: st.runs.slice(), events: st.events.slice() }));
    const oldGen = this.gen;
    const newGen = oldGen + 1;
    this.gen = newGen;
    // Buffered changes made before the freeze are in the snapshot: drop them.
    this.pending = [];
    try {
      const parts: string[] = [];
      for (let i = 0; i < frozen.length; i++) {
        parts.push(JSON.stringify(frozen[i]));
        // serialising thousands of histories is spread over turns of the event loop
        if (i % COMPACT_CHUNK === COMPACT_CHUNK - 1) await new Promise<void>((r) => setImmediate(r));
      }
      const text = `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"journal":${newGen},"tasks":[\n${parts.join(',\n')}\n]}\n`;
      const bytes = new TextEncoder().encode(text);
      await fs.writeFileDurable(snapshotPath(this.o.dataDir), bytes);
      this.snapshotBytes = bytes.length;
    } catch (e) {
      // Still on the old generation. The changes since its last append are in memory only:
      // the next flush tries the snapshot again.
      this.gen = oldGen;
      this.compactNeeded = true;
      this.dirMade = false;
      throw e;
    }
    // `pending` now holds only changes made after the freeze: they go to the new journal
    this.journalBytes = 0;
    this.tornTail = false;
    this.unsynced = false;
    this.unsyncedEntry = false;
    this.compactNeeded = false;
    const stale = [...this.stale, journalPath(this.o.dataDir, oldGen)];
    this.stale = [];
    for (const path of stale) await fs.remove(path);
    if (this.pending.length > 0) this.schedule();
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
