// The task scheduler: decides when each task's runs are due and runs them through an
// injected executor, never blocking one task on another.
//
// Design: one heap of "next execution time" entries (one live entry per enabled task) and one
// clock timer armed for the earliest of them, so a thousand tasks cost one timer. When the
// timer fires, every due task's slot (scheduled time) is appended to that task's queue and the
// task's next slot is pushed back on the heap; then the task's queue is pumped: at most
// `concurrency` runs execute at once, a due slot that finds the task busy waits in the queue
// and starts late (its start lag is recorded). The queue is bounded (`maxQueued`, default the
// task's concurrency): beyond it the oldest waiting slot is skipped and reported. Slots missed
// while promflux was down are caught up (when asked) from a separate bounded backlog, in order,
// before the queue. Each run gets an AbortSignal that fires on
// its timeout (default: the task's interval) or on shutdown; the run's slot is released when
// the executor settles or the signal fires, whichever comes first, so a runaway run that
// ignores its signal cannot hold the task forever. Failed runs are retried immediately up to
// `retry` times within the same slot, unless their error is one a retry cannot mend
// (PERMANENT). Time comes only from the injected Clock: tests drive it.
//
// Starting a run and executing it are two steps. A run is started when it is due: its start
// time is taken, its timeout begins. Its code then executes as soon as fewer than
// `maxActiveRuns` runs (all tasks together) are executing; the others wait in start order.
// All of a process's runs share one JavaScript thread, so executing a thousand runs at once
// is not faster than executing 64 at a time, and it keeps every one of them alive in the
// heap at once, which makes the garbage collector's pauses long (measured: BENCHMARKS.md,
// Scheduler).
import { FluxError, toFluxError } from '../errors/index.js';
import type { Span } from '../errors/index.js';
import type { Clock, TimerHandle } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import { silentLogger } from '../host/logger.js';
import type { TaskOptions } from './options.js';
import { formatDuration } from './options.js';
import { scheduleOf, spreadDelayNs } from './schedule.js';
import type { Schedule } from './schedule.js';

/**
 * Error codes that the same run, repeated at once, would meet again: a wrong script or
 * option, data the destination refuses (a field type conflict), a missing bucket, refused
 * credentials. Only other failures (a target or server down, a timeout) are retried.
 */
const PERMANENT: ReadonlySet<string> = new Set(['invalid', 'notFound', 'permissionDenied', 'unauthenticated', 'unimplemented']);

/** A validated task, ready to schedule. */
export interface TaskDefinition {
  readonly name: string;
  readonly options: TaskOptions;
  /** The Flux source of the task script. */
  readonly source: string;
  /** Where it was loaded from (a path), for diagnostics. */
  readonly file?: string;
  /** Changes whenever the source changes (a content hash). */
  readonly version: string;
}

/** One function call of a run's pipeline (the runtime's RunStats entry). */
export interface StepStat {
  readonly name: string;
  readonly span?: Span;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly ms?: number;
}

export interface RunRequest {
  readonly task: TaskDefinition;
  /** The scheduled time: what `now()` returns inside the run. */
  readonly scheduledNs: bigint;
  /** Aborted on timeout or shutdown; the reason is a FluxError. */
  readonly signal: AbortSignal;
  /** 0 for the first attempt, then 1.. for retries. */
  readonly attempt: number;
  /** True for `promflux task run` (not a scheduled slot). */
  readonly manual: boolean;
}

export interface RunReport {
  readonly rowsScraped?: number;
  readonly pointsWritten?: number;
  readonly steps?: readonly StepStat[];
  /** Whatever the executor wants to hand back to a manual caller (the run's results). */
  readonly results?: unknown;
}

/** Runs one attempt of a task; rejects (preferably with a FluxError) when the run failed. */
export type RunExecutor = (req: RunRequest) => Promise<RunReport>;

export type RunOutcome = 'success' | 'failed' | 'timeout' | 'canceled' | 'skipped';

export interface RunError {
  readonly code: string;
  readonly id: string;
  readonly message: string;
}

/** What happened to one scheduled slot (or one manual run). */
export interface RunRecord {
  readonly task: string;
  readonly version: string;
  readonly scheduledNs: bigint;
  /** scheduled + offset (+ spread): when the run was due to start. */
  readonly executeAtNs: bigint;
  readonly startedNs: bigint;
  /** How late the run started, in milliseconds (0 when on time). */
  readonly lagMs: number;
  readonly durationMs: number;
  readonly attempts: number;
  readonly outcome: RunOutcome;
  readonly error?: RunError;
  readonly rowsScraped: number;
  readonly pointsWritten: number;
  readonly steps?: readonly StepStat[];
  readonly manual: boolean;
}

export interface SchedulerEvents {
  /** A run finished (any outcome, including a slot skipped because the queue overflowed). */
  runFinished?(record: RunRecord): void;
  /** A run started executing (`manual` for `promflux task run`). */
  runStarted?(task: string, scheduledNs: bigint, lagMs: number, manual: boolean): void;
  /** Slots missed while promflux was down, not run. */
  runsSkipped?(task: string, count: number, reason: 'downtime', detail: SkippedDetail): void;
}

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly executor: RunExecutor;
  readonly logger?: Logger;
  readonly events?: SchedulerEvents;
  /** Run slots missed while down, in order (tasks may also set `catchUp`). Default false. */
  readonly catchUp?: boolean;
  /** Spread every task over its interval (tasks may also set `spread`). Default false. */
  readonly spread?: boolean;
  /** Default run timeout in ns for tasks without `timeout`; default: the task's interval. */
  readonly defaultTimeoutNs?: bigint;
  /**
   * Most due slots that may wait per task for a free run; beyond it the OLDEST waiting slot is
   * skipped (and reported), so an overloaded task runs its newest slot rather than a backlog
   * of stale ones. Default: the task's concurrency.
   */
  readonly maxQueued?: number;
  /** Most runs (all tasks together) executing at once; later runs wait their turn. Default 64. */
  readonly maxActiveRuns?: number;
}

/** Where a task stood when promflux last stopped (from the persisted task state). */
export interface ResumeState {
  readonly lastScheduledNs?: bigint;
  readonly lastSuccessNs?: bigint;
  readonly enabled?: boolean;
  /**
   * The state may lack the runs of this long after `lastScheduledNs` (the previous process
   * ended with the machine, before it fsynced them): missed slots in that span may have run.
   */
  readonly uncertainNs?: bigint;
}

/** What is known of the slots counted as missed while promflux was down. */
export interface SkippedDetail {
  /** The count is a lower bound: too many slots to count. */
  readonly atLeast?: boolean;
  /** Up to this many of the skipped slots may have run (ResumeState.uncertainNs). */
  readonly mayHaveRun?: number;
}

export interface TaskStatus {
  readonly name: string;
  readonly enabled: boolean;
  readonly running: number;
  readonly queued: number;
  readonly lastScheduledNs?: bigint;
  readonly lastSuccessNs?: bigint;
  /** The next slot's scheduled time, when enabled. */
  readonly nextScheduledNs?: bigint;
  readonly version: string;
}

interface Entry {
  def: TaskDefinition;
  schedule: Schedule;
  execDelayNs: bigint;
  timeoutMs: number;
  enabled: boolean;
  lastScheduledNs: bigint | undefined;
  lastSuccessNs: bigint | undefined;
  nextNs: bigint | undefined;
  /** Due slots waiting for a free run (bounded by maxQueued). */
  queue: bigint[];
  /** Slots missed while down, to catch up in order before the queue (bounded by catchUpLimit). */
  backlog: bigint[];
  /** ResumeState.uncertainNs, for the first resume. */
  uncertainNs: bigint;
  running: number;
  /** Bumped whenever the heap entry for this task becomes stale. */
  gen: number;
}

interface HeapItem {
  at: bigint;
  name: string;
  gen: number;
}

const MAX_DISPATCH_PER_FIRE = 1000;
/**
 * Cron slots missed while down that are counted one by one (`every` slots are computed):
 * croner takes about 0.2 ms a slot, so this bounds the start of a task to about 2 s.
 */
const MAX_COUNTED = 10_000n;
const MAX_TIMER_MS = 3_600_000;

export class Scheduler {
  private readonly clock: Clock;
  private readonly executor: RunExecutor;
  private readonly logger: Logger;
  private readonly events: SchedulerEvents;
  private readonly opts: SchedulerOptions;
  private readonly tasks = new Map<string, Entry>();
  private readonly heap: HeapItem[] = [];
  private timer: TimerHandle | undefined;
  private timerAt: bigint | undefined;
  private stopping = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly controllers = new Set<AbortController>();
  /** Runs executing (see maxActiveRuns) and the runs waiting for a turn, oldest first. */
  private active = 0;
  private readonly turns: (() => void)[] = [];
  private turnHead = 0;
  /** Set when stop() cancels the runs left after its grace period. */
  private shutdownReason: FluxError | undefined;

  constructor(options: SchedulerOptions) {
    this.opts = options;
    this.clock = options.clock;
    this.executor = options.executor;
    this.logger = options.logger ?? silentLogger;
    this.events = options.events ?? {};
  }

  /** Add a task, or replace the definition of a task with the same name (a reload). */
  upsert(def: TaskDefinition, resume?: ResumeState): void {
    if (this.stopping) return;
    const now = this.clock.nowNanos();
    const old = this.tasks.get(def.name);
    const schedule = scheduleOf(def.options);
    const spread = def.options.spread ?? this.opts.spread ?? false;
    const execDelayNs = def.options.offsetNs + (spread ? spreadDelayNs(def.name, schedule.intervalNs) : 0n);
    const timeoutNs = def.options.timeoutNs ?? this.opts.defaultTimeoutNs ?? schedule.intervalNs;
    const timeoutMs = Math.max(1, Number(timeoutNs / 1000n) / 1000);
    if (old !== undefined) {
      const sameTiming = scheduleKey(old.def.options) === scheduleKey(def.options) && old.execDelayNs === execDelayNs;
      old.def = def;
      old.schedule = schedule;
      old.execDelayNs = execDelayNs;
      old.timeoutMs = timeoutMs;
      if (!sameTiming && old.enabled) {
        old.nextNs = schedule.next(maxBig(now, old.lastScheduledNs ?? now));
        this.push(old);
      }
      this.pump(old);
      return;
    }
    const e: Entry = {
      def,
      schedule,
      execDelayNs,
      timeoutMs,
      enabled: resume?.enabled ?? true,
      lastScheduledNs: resume?.lastScheduledNs,
      lastSuccessNs: resume?.lastSuccessNs,
      nextNs: undefined,
      queue: [],
      backlog: [],
      uncertainNs: resume?.uncertainNs ?? 0n,
      running: 0,
      gen: 0,
    };
    this.tasks.set(def.name, e);
    if (!e.enabled) return;
    if (e.lastScheduledNs !== undefined && e.lastScheduledNs < now) this.resumeAfterDowntime(e, now);
    else e.nextNs = schedule.next(maxBig(now, e.lastScheduledNs ?? now));
    this.push(e);
    this.pump(e);
  }

  /** Stop scheduling a task; its running runs finish. */
  remove(name: string): boolean {
    const e = this.tasks.get(name);
    if (e === undefined) return false;
    e.gen++;
    e.queue.length = 0;
    e.backlog.length = 0;
    this.tasks.delete(name);
    this.arm();
    return true;
  }

  /** Enable or disable a task. Enabling skips the slots that passed while it was disabled. */
  setEnabled(name: string, enabled: boolean): boolean {
    const e = this.tasks.get(name);
    if (e === undefined) return false;
    if (e.enabled === enabled) return true;
    e.enabled = enabled;
    e.gen++;
    if (!enabled) {
      e.queue.length = 0;
      e.backlog.length = 0;
      e.nextNs = undefined;
      this.arm();
      return true;
    }
    const now = this.clock.nowNanos();
    e.nextNs = e.schedule.next(maxBig(now, e.lastScheduledNs ?? now));
    this.push(e);
    return true;
  }

  has(name: string): boolean {
    return this.tasks.has(name);
  }

  names(): string[] {
    return [...this.tasks.keys()].sort();
  }

  status(name: string): TaskStatus | undefined {
    const e = this.tasks.get(name);
    if (e === undefined) return undefined;
    return {
      name,
      enabled: e.enabled,
      running: e.running,
      queued: e.queue.length + e.backlog.length,
      lastScheduledNs: e.lastScheduledNs,
      lastSuccessNs: e.lastSuccessNs,
      nextScheduledNs: e.enabled ? e.nextNs : undefined,
      version: e.def.version,
    };
  }

  definition(name: string): TaskDefinition | undefined {
    return this.tasks.get(name)?.def;
  }

  /**
   * Run a task once now (`promflux task run`), outside its schedule: `now()` is the current
   * time, the run does not count against `concurrency` and does not move the schedule.
   */
  async runNow(name: string): Promise<{ record: RunRecord; report: RunReport | undefined }> {
    const e = this.tasks.get(name);
    if (e === undefined) throw new FluxError('notFound', 'task.notFound', `no task named "${name}"`);
    if (this.stopping) throw new FluxError('unavailable', 'task.stopping', 'promflux is shutting down');
    const now = this.clock.nowNanos();
    const p = this.execute(e, now, true);
    this.track(p);
    return p;
  }

  /** Resolves when no run is executing (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Number of runs executing now. */
  runningCount(): number {
    return this.inflight.size;
  }

  /**
   * Shut down: stop scheduling, drop waiting slots, let running runs finish for up to
   * `graceMs`, then cancel the rest through their signals.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = undefined;
    for (const e of this.tasks.values()) {
      e.queue.length = 0;
      e.backlog.length = 0;
    }
    if (this.inflight.size > 0 && graceMs > 0) {
      const ac = new AbortController();
      await Promise.race([this.idle(), this.clock.sleep(graceMs, ac.signal).catch(() => undefined)]);
      ac.abort();
    }
    if (this.inflight.size > 0) {
      const reason = new FluxError('canceled', 'task.shutdown', 'run cancelled: promflux is shutting down');
      this.shutdownReason = reason;
      for (const c of this.controllers) c.abort(reason);
      await this.idle();
    }
  }

  // -- scheduling ---------------------------------------------------------------------------

  /**
   * The slots that came due while promflux was down (after the last one that started, the
   * task state's last scheduled time): skipped, or with catch-up the newest `catchUpLimit` of
   * them queued in order (and the rest skipped). The count is exact: `every` slots are counted
   * by arithmetic however long the downtime; cron slots are counted one by one up to
   * MAX_COUNTED, beyond which the count is a lower bound (reported as such) and the caught-up
   * slots are the newest ones found from a few intervals back.
   */
  private resumeAfterDowntime(e: Entry, now: bigint): void {
    const catchUp = e.def.options.catchUp ?? this.opts.catchUp ?? false;
    const limit = e.def.options.catchUpLimit ?? 100;
    const due = (t: bigint) => t + e.execDelayNs <= now;
    const first = e.schedule.next(e.lastScheduledNs!);
    let kept: bigint[] = [];
    let count = 0n;
    let atLeast = false;
    let last: bigint | undefined;
    let t = first;
    const everyNs = e.def.options.everyNs;
    if (everyNs !== undefined) {
      // Epoch-aligned slots (schedule.ts): first, first + every, ...
      if (due(first)) {
        count = (now - e.execDelayNs - first) / everyNs + 1n;
        last = first + (count - 1n) * everyNs;
        t = last + everyNs;
        if (catchUp) {
          const n = count < BigInt(limit) ? count : BigInt(limit);
          for (let i = n - 1n; i >= 0n; i--) kept.push(last - i * everyNs);
        }
      }
    } else {
      while (due(t) && count < MAX_COUNTED) {
        count++;
        last = t;
        if (catchUp) {
          kept.push(t);
          if (kept.length > limit) kept.shift();
        }
        t = e.schedule.next(t);
      }
      if (due(t)) {
        // A very long downtime: jump to the present, and catch up with the newest slots.
        atLeast = true;
        let from = now - e.execDelayNs - 2n * BigInt(limit + 1) * e.schedule.intervalNs;
        if (from < t) from = t;
        kept = [];
        t = e.schedule.next(from - 1n);
        while (due(t)) {
          last = t;
          if (catchUp) {
            kept.push(t);
            if (kept.length > limit) kept.shift();
          }
          t = e.schedule.next(t);
        }
      }
    }
    // Runs the state may lack happened within uncertainNs after one it recorded: at most as
    // many slots as follow lastScheduled within it may have run.
    const bound = e.lastScheduledNs! + e.uncertainNs;
    let uncertain = 0n;
    if (e.uncertainNs > 0n && first <= bound) {
      if (everyNs !== undefined) uncertain = (bound - first) / everyNs + 1n;
      else for (let u = first; u <= bound && uncertain < count; u = e.schedule.next(u)) uncertain++;
      if (uncertain > count) uncertain = count;
    }
    e.nextNs = t;
    if (last !== undefined) e.lastScheduledNs = last;
    const skipped = Number(count) - kept.length;
    if (skipped > 0) {
      const mayHaveRun = Math.min(skipped, Number(uncertain));
      const detail: SkippedDetail = { ...(atLeast ? { atLeast } : {}), ...(mayHaveRun > 0 ? { mayHaveRun } : {}) };
      this.logger.warn('skipped runs missed while promflux was down', { task: e.def.name, skipped, ...detail, catchUp });
      this.events.runsSkipped?.(e.def.name, skipped, 'downtime', detail);
    }
    e.backlog.push(...kept);
  }

  private push(e: Entry): void {
    if (e.nextNs === undefined) return;
    e.gen++;
    heapPush(this.heap, { at: e.nextNs + e.execDelayNs, name: e.def.name, gen: e.gen });
    this.arm();
  }

  /** Arm the one clock timer for the earliest live heap entry. */
  private arm(): void {
    if (this.stopping) return;
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const e = this.tasks.get(top.name);
      if (e !== undefined && e.gen === top.gen && e.enabled) break;
      heapPop(this.heap);
    }
    const top = this.heap[0];
    if (top === undefined) {
      this.timer?.cancel();
      this.timer = undefined;
      this.timerAt = undefined;
      return;
    }
    if (this.timerAt === top.at && this.timer !== undefined) return;
    this.timer?.cancel();
    this.timerAt = top.at;
    // Capped: timers beyond 2^31 ms overflow (Node fires them at once), and a wall clock that
    // was stepped should be noticed within the hour. A timer firing early just re-arms.
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, Number(top.at - this.clock.nowNanos()) / 1e6));
    this.timer = this.clock.setTimer(delayMs, () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    if (this.stopping) return;
    const now = this.clock.nowNanos();
    const due: Entry[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const item = heapPop(this.heap)!;
      const e = this.tasks.get(item.name);
      if (e === undefined || e.gen !== item.gen || !e.enabled || e.nextNs === undefined) continue;
      let n = 0;
      while (e.nextNs + e.execDelayNs <= now && n < MAX_DISPATCH_PER_FIRE) {
        this.enqueue(e, e.nextNs);
        e.lastScheduledNs = e.nextNs;
        e.nextNs = e.schedule.next(e.nextNs);
        n++;
      }
      e.gen++;
      heapPush(this.heap, { at: e.nextNs + e.execDelayNs, name: e.def.name, gen: e.gen });
      due.push(e);
    }
    this.arm();
    for (const e of due) this.pump(e);
  }

  private enqueue(e: Entry, slot: bigint): void {
    const max = Math.max(1, this.opts.maxQueued ?? e.def.options.concurrency);
    e.queue.push(slot);
    while (e.queue.length > max) {
      const dropped = e.queue.shift()!;
      const now = this.clock.nowNanos();
      this.logger.warn('run skipped: too many runs waiting for the task', { task: e.def.name, scheduled: dropped });
      this.events.runFinished?.({
        task: e.def.name,
        version: e.def.version,
        scheduledNs: dropped,
        executeAtNs: dropped + e.execDelayNs,
        startedNs: now,
        lagMs: 0,
        durationMs: 0,
        attempts: 0,
        outcome: 'skipped',
        error: { code: 'resourceExhausted', id: 'task.overrun', message: `skipped: more than ${max} runs waiting for earlier runs to finish` },
        rowsScraped: 0,
        pointsWritten: 0,
        manual: false,
      });
    }
  }

  private pump(e: Entry): void {
    if (this.stopping) return;
    while (e.running < e.def.options.concurrency && (e.backlog.length > 0 || e.queue.length > 0)) {
      const slot = e.backlog.length > 0 ? e.backlog.shift()! : e.queue.shift()!;
      e.running++;
      const p = this.execute(e, slot, false).finally(() => {
        e.running--;
        this.pump(e);
      });
      this.track(p);
    }
  }

  private track(p: Promise<unknown>): void {
    const q = p.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(q);
    void q.then(() => this.inflight.delete(q));
  }

  // -- running ------------------------------------------------------------------------------

  private async execute(e: Entry, slot: bigint, manual: boolean): Promise<{ record: RunRecord; report: RunReport | undefined }> {
    const def = e.def;
    const executeAtNs = manual ? slot : slot + e.execDelayNs;
    const startedNs = this.clock.nowNanos();
    const t0 = this.clock.monotonicMs();
    const lagMs = manual ? 0 : Math.max(0, Number(startedNs - executeAtNs) / 1e6);
    this.events.runStarted?.(def.name, slot, lagMs, manual);
    let outcome: RunOutcome = 'failed';
    let error: RunError | undefined;
    let report: RunReport | undefined;
    let attempts = 0;
    for (let attempt = 0; attempt <= def.options.retry; attempt++) {
      attempts++;
      const r = await this.attempt(def, slot, e.timeoutMs, attempt, manual);
      if (r.ok) {
        outcome = 'success';
        report = r.report;
        error = undefined;
        break;
      }
      outcome = r.outcome;
      error = { code: r.error.code, id: r.error.id, message: r.error.message };
      if (outcome !== 'failed' || this.stopping || PERMANENT.has(r.error.code)) break;
    }
    if (outcome === 'success' && !manual) e.lastSuccessNs = maxBig(e.lastSuccessNs ?? slot, slot);
    const record: RunRecord = {
      task: def.name,
      version: def.version,
      scheduledNs: slot,
      executeAtNs,
      startedNs,
      lagMs,
      durationMs: this.clock.monotonicMs() - t0,
      attempts,
      outcome,
      error,
      rowsScraped: report?.rowsScraped ?? 0,
      pointsWritten: report?.pointsWritten ?? 0,
      steps: report?.steps,
      manual,
    };
    this.events.runFinished?.(record);
    return { record, report };
  }

  /** Resolves when this run may execute (in a microtask at the earliest: see attempt). */
  private turn(): Promise<void> {
    const max = Math.max(1, this.opts.maxActiveRuns ?? 64);
    if (this.active < max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.turns.push(resolve));
  }

  /** A run stopped executing: the oldest waiting run takes its turn. */
  private endTurn(): void {
    if (this.turnHead < this.turns.length) {
      const next = this.turns[this.turnHead]!;
      this.turns[this.turnHead++] = undefined as unknown as () => void;
      if (this.turnHead > 1024 && this.turnHead * 2 > this.turns.length) {
        this.turns.splice(0, this.turnHead);
        this.turnHead = 0;
      }
      next(); // the turn passes on: `active` stays the same
    } else {
      this.active--;
    }
  }

  private attempt(
    def: TaskDefinition,
    slot: bigint,
    timeoutMs: number,
    attempt: number,
    manual: boolean,
  ): Promise<{ ok: true; report: RunReport } | { ok: false; outcome: RunOutcome; error: FluxError }> {
    // The run is started now (its start time is taken, its timeout counts from here), but
    // everything else happens when it gets its turn, in a microtask at the earliest: when
    // many runs are due at the same instant, `fire` starts all of them before any of them
    // sets up its AbortController and timer or runs its synchronous part, so one run's
    // set-up does not delay the others' start.
    const t0 = this.clock.monotonicMs();
    const timeoutError = () => new FluxError('deadline', 'task.timeout', `run cancelled after its timeout of ${formatDuration(BigInt(Math.round(timeoutMs * 1e6)))}`);
    return this.turn().then(
      () =>
        new Promise((resolve) => {
          // Waited for a turn past the timeout, or promflux is shutting down: not executed.
          const left = timeoutMs - (this.clock.monotonicMs() - t0);
          if (left <= 0 || this.shutdownReason !== undefined) {
            this.endTurn();
            resolve(left <= 0 ? { ok: false, outcome: 'timeout', error: timeoutError() } : { ok: false, outcome: 'canceled', error: this.shutdownReason! });
            return;
          }
          const ac = new AbortController();
          this.controllers.add(ac);
          let done = false;
          const finish = (r: { ok: true; report: RunReport } | { ok: false; outcome: RunOutcome; error: FluxError }) => {
            if (done) return;
            done = true;
            timer.cancel();
            this.controllers.delete(ac);
            this.endTurn();
            resolve(r);
          };
          const timer = this.clock.setTimer(left, () => ac.abort(timeoutError()));
          ac.signal.addEventListener(
            'abort',
            () => {
              const reason = toFluxError(ac.signal.reason);
              finish({ ok: false, outcome: reason.id === 'task.timeout' ? 'timeout' : 'canceled', error: reason });
            },
            { once: true },
          );
          let p: Promise<RunReport>;
          try {
            p = Promise.resolve(this.executor({ task: def, scheduledNs: slot, signal: ac.signal, attempt, manual }));
          } catch (err) {
            p = Promise.reject(err);
          }
          p.then(
            (report) => finish({ ok: true, report: report ?? {} }),
            (err: unknown) => finish({ ok: false, outcome: 'failed', error: toFluxError(err) }),
          );
        }),
    );
  }
}

function scheduleKey(o: TaskOptions): string {
  return `${o.everyNs ?? ''}|${o.cron ?? ''}|${o.location}|${o.offsetNs}|${o.spread ?? ''}`;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

// A binary min-heap on (at, then insertion order through gen is not needed: ties are fine).
function heapPush(h: HeapItem[], item: HeapItem): void {
  h.push(item);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]!.at <= item.at) break;
    h[i] = h[p]!;
    i = p;
  }
  h[i] = item;
}

function heapPop(h: HeapItem[]): HeapItem | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    let mAt = last.at;
    if (l < h.length && h[l]!.at < mAt) {
      m = l;
      mAt = h[l]!.at;
    }
    if (r < h.length && h[r]!.at < mAt) m = r;
    if (m === i) break;
    h[i] = h[m]!;
    i = m;
  }
  h[i] = last;
  return top;
}
