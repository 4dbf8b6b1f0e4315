// TaskService: what `promflux serve` runs. It ties the loader (files -> task definitions),
// the scheduler (when and how runs execute), the persisted task state and the metrics
// together, and answers the task API (list, show, run, enable, disable, logs).
//
// Design: the loader reports task definitions; the service hands them to the scheduler,
// resuming from the persisted state (enabled flag, last scheduled slot) the first time a
// task is seen in this process. Every finished run is logged on one line, counted in the
// metrics and appended to the task's state. Shutdown stops the loader, stops the scheduler
// (running runs may finish within a grace period) and writes the state.
import { renderError } from '../errors/index.js';
import type { FluxError } from '../errors/index.js';
import type { Clock, TimerHandle } from '../host/clock.js';
import type { FileSystem } from '../host/fs.js';
import type { Logger } from '../host/logger.js';
import { silentLogger } from '../host/logger.js';
import type { MetricsRegistry } from '../host/metrics.js';
import type { FileWatcher } from '../host/watch.js';
import { runtimeExecutor } from './executor.js';
import { TaskLoader } from './loader.js';
import type { ParseFn, TaskRuntime } from './loader.js';
import { observeRun, taskMetrics } from './metrics.js';
import type { TaskMetrics } from './metrics.js';
import { describeSchedule, formatDuration } from './options.js';
import type { TaskOptions } from './options.js';
import { Scheduler } from './scheduler.js';
import type { RunExecutor, RunRecord, TaskDefinition } from './scheduler.js';
import { isoNs, persistRun, TaskStateStore } from './state.js';
import type { PersistedRun, TaskEvent } from './state.js';

export interface TaskServiceOptions {
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly runtime: TaskRuntime;
  readonly dataDir: string;
  readonly paths: readonly string[];
  readonly metrics: MetricsRegistry;
  /** General log (reloads, errors, one line per run). */
  readonly logger?: Logger;
  readonly watcher?: FileWatcher;
  readonly parse?: ParseFn;
  /** Defaults to running the script through `runtime.run`. */
  readonly executor?: RunExecutor;
  readonly catchUp?: boolean;
  readonly spread?: boolean;
  /** Most runs executing at once, all tasks together (Scheduler maxActiveRuns; default 64). */
  readonly maxActiveRuns?: number;
  readonly defaultTimeoutNs?: bigint;
  readonly keepRuns?: number;
  readonly pollMs?: number;
  readonly stateFlushMs?: number;
  /** Report the size of this directory (the write spool) as promflux_spool_bytes, sampled every 5 s. */
  readonly spoolDir?: string;
  /**
   * The previous process ended with the machine (a power loss, an OS crash): the task state
   * may lack its runs of the last flush interval, so missed slots in it are reported as
   * ones that may have run.
   */
  readonly stateMayLackLastFlush?: boolean;
}

export interface TaskSummary {
  readonly name: string;
  readonly file?: string;
  readonly schedule: string;
  readonly status: 'enabled' | 'disabled';
  readonly running: number;
  readonly lastRun?: PersistedRun;
  readonly nextRun?: string;
  readonly lastError?: string;
  readonly lastSuccess?: string;
}

export interface TaskDetail extends TaskSummary {
  readonly options: Record<string, string | number | boolean>;
  readonly runs: readonly PersistedRun[];
  readonly events: readonly TaskEvent[];
}

/** How long the state of a removed task is kept in case its file comes back. */
const FORGET_AFTER_MS = 60_000;

export class TaskService {
  readonly scheduler: Scheduler;
  readonly state: TaskStateStore;
  readonly loader: TaskLoader;
  private readonly m: TaskMetrics;
  private readonly logger: Logger;
  private readonly seen = new Set<string>();
  private spoolBytes = 0;
  /** Definitions collected during the first scan (scheduled when it completes). */
  private initial: TaskDefinition[] | undefined;
  private spoolTimer: TimerHandle | undefined;
  private stopped = false;
  /** Removed tasks whose state is kept a while, in case their file comes back (see `remove`). */
  private readonly forgetting = new Map<string, TimerHandle>();
  /** Files that failed to load and define no running task. */
  readonly fileErrors = new Map<string, readonly FluxError[]>();

  constructor(private readonly o: TaskServiceOptions) {
    this.logger = o.logger ?? silentLogger;
    this.m = taskMetrics(o.metrics);
    this.m.running.collect(() => this.scheduler.runningCount());
    this.m.tasks.collect(() => {
      let on = 0;
      let off = 0;
      for (const n of this.scheduler.names()) (this.scheduler.status(n)!.enabled ? on++ : off++);
      return [
        { labels: { state: 'enabled' }, value: on },
        { labels: { state: 'disabled' }, value: off },
      ];
    });
    if (o.spoolDir !== undefined) this.m.spoolBytes.collect(() => this.spoolBytes);
    this.state = new TaskStateStore({ fs: o.fs, dataDir: o.dataDir, clock: o.clock, logger: this.logger, keepRuns: o.keepRuns, flushMs: o.stateFlushMs });
    this.scheduler = new Scheduler({
      clock: o.clock,
      executor: o.executor ?? runtimeExecutor(o.runtime, this.logger, o.parse),
      logger: this.logger,
      catchUp: o.catchUp,
      spread: o.spread,
      maxActiveRuns: o.maxActiveRuns,
      defaultTimeoutNs: o.defaultTimeoutNs,
      events: {
        runStarted: (task, scheduledNs, _lag, manual) => {
          if (!manual) this.state.markScheduled(task, scheduledNs);
        },
        runFinished: (r) => this.finished(r),
        runsSkipped: (task, count, reason, detail) => {
          this.m.skipped.inc({ task, reason }, count);
          this.m.runs.inc({ task, outcome: 'skipped' }, count);
          const maybe = detail.mayHaveRun ? `; up to ${detail.mayHaveRun} of them may have run before the machine went down` : '';
          this.state.event(task, 'warn', `skipped ${detail.atLeast ? 'more than ' : ''}${count} run(s) missed while promflux was down${maybe} (use --catch-up or option task catchUp to run them)`);
        },
      },
    });
    this.loader = new TaskLoader({
      fs: o.fs,
      runtime: o.runtime,
      clock: o.clock,
      paths: o.paths,
      watcher: o.watcher,
      parse: o.parse,
      logger: this.logger,
      pollMs: o.pollMs,
      sink: {
        upsert: (def) => this.upsert(def),
        remove: (name, file) => {
          if (this.initial !== undefined) this.initial = this.initial.filter((d) => d.name !== name);
          this.scheduler.remove(name);
          this.seen.delete(name);
          // Keep its state (enabled or not, its runs) for a minute before forgetting it: an
          // editor or a copy that saves the file in place truncates it first, so the task seems
          // gone until the new content is written; it must come back as it was (a disabled task
          // must not come back enabled).
          this.forgetting.get(name)?.cancel();
          this.forgetting.set(
            name,
            this.o.clock.setTimer(FORGET_AFTER_MS, () => {
              this.forgetting.delete(name);
              if (!this.seen.has(name)) this.state.forget(name);
            }),
          );
          this.logger.info('task removed', { task: name, file });
        },
        invalid: (file, errors, kept) => this.invalid(file, errors, kept),
        gone: (file) => this.fileErrors.delete(file),
      },
    });
  }

  /**
   * Load persisted state and the task files, then start scheduling and watching. Tasks of
   * the first scan are scheduled together once it is complete, so early tasks' runs do not
   * slow the loading of the rest.
   */
  async start(): Promise<void> {
    await this.state.load();
    this.initial = [];
    try {
      await this.loader.scan();
    } finally {
      const defs = this.initial;
      this.initial = undefined;
      for (const def of defs) this.upsert(def);
    }
    this.loader.start();
    this.sampleSpool();
  }

  private sampleSpool(): void {
    const dir = this.o.spoolDir;
    if (dir === undefined || this.stopped) return;
    this.o.fs.du(dir).then(
      (n) => {
        this.spoolBytes = n;
      },
      () => undefined,
    ).finally(() => {
      if (!this.stopped) this.spoolTimer = this.o.clock.setTimer(5000, () => this.sampleSpool());
    });
  }

  /** Stop scheduling, let runs finish (up to `graceMs`), save the state. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    this.spoolTimer?.cancel();
    this.loader.stop();
    await this.scheduler.stop(graceMs);
    // Tasks removed and not back: forget them now rather than keep their state for good.
    for (const [name, timer] of this.forgetting) {
      timer.cancel();
      if (!this.seen.has(name)) this.state.forget(name);
    }
    this.forgetting.clear();
    await this.state.close();
  }

  list(): TaskSummary[] {
    return this.scheduler.names().map((n) => this.summary(n)!);
  }

  summary(name: string): TaskSummary | undefined {
    const st = this.scheduler.status(name);
    const def = this.scheduler.definition(name);
    if (st === undefined || def === undefined) return undefined;
    const ps = this.state.get(name);
    const lastRun = ps?.runs.at(-1);
    const lastFailed = [...(ps?.runs ?? [])].reverse().find((r) => r.error !== undefined);
    const fileErr = def.file !== undefined ? this.fileErrors.get(def.file) : undefined;
    return {
      name,
      file: def.file,
      schedule: describeSchedule(def.options),
      status: st.enabled ? 'enabled' : 'disabled',
      running: st.running,
      ...(lastRun ? { lastRun } : {}),
      ...(st.nextScheduledNs !== undefined ? { nextRun: isoNs(st.nextScheduledNs) } : {}),
      ...(fileErr ? { lastError: `reload failed: ${fileErr[0]!.message}` } : lastRun?.error ? { lastError: lastRun.error.message } : lastFailed && lastRun === lastFailed ? { lastError: lastFailed.error!.message } : {}),
      ...(ps?.lastSuccess ? { lastSuccess: isoNs(BigInt(ps.lastSuccess)) } : {}),
    };
  }

  show(name: string): TaskDetail | undefined {
    const s = this.summary(name);
    const def = this.scheduler.definition(name);
    if (s === undefined || def === undefined) return undefined;
    const options = optionsRecord(def.options);
    const ps = this.state.get(name);
    return { ...s, options, runs: ps?.runs ?? [], events: ps?.events ?? [] };
  }

  async runNow(name: string): Promise<{ run: PersistedRun; results: unknown }> {
    const { record, report } = await this.scheduler.runNow(name);
    return { run: persistRun(record), results: report?.results };
  }

  setEnabled(name: string, enabled: boolean): boolean {
    if (!this.scheduler.setEnabled(name, enabled)) return false;
    this.state.setEnabled(name, enabled);
    this.state.event(name, 'info', enabled ? 'enabled' : 'disabled');
    this.logger.info(enabled ? 'task enabled' : 'task disabled', { task: name });
    return true;
  }

  private upsert(def: TaskDefinition): void {
    if (this.initial !== undefined) {
      const i = this.initial.findIndex((d) => d.name === def.name);
      if (i >= 0) this.initial[i] = def;
      else this.initial.push(def);
      return;
    }
    if (def.file !== undefined) this.fileErrors.delete(def.file);
    const first = !this.seen.has(def.name);
    this.forgetting.get(def.name)?.cancel();
    this.forgetting.delete(def.name);
    const ps = this.state.get(def.name);
    this.state.ensure(def.name, { file: def.file, schedule: describeSchedule(def.options), options: optionsRecord(def.options) });
    if (first) {
      this.seen.add(def.name);
      this.scheduler.upsert(def, {
        enabled: ps?.enabled ?? true,
        lastScheduledNs: ps?.lastScheduled !== undefined ? BigInt(ps.lastScheduled) : undefined,
        lastSuccessNs: ps?.lastSuccess !== undefined ? BigInt(ps.lastSuccess) : undefined,
        // what the last flush interval (and the flush itself, allowed as long) may have lost
        ...(this.o.stateMayLackLastFlush ? { uncertainNs: BigInt(2 * (this.o.stateFlushMs ?? 5000)) * 1_000_000n } : {}),
      });
      const st = this.scheduler.status(def.name);
      this.logger.info('task loaded', {
        task: def.name,
        file: def.file,
        schedule: describeSchedule(def.options),
        enabled: st?.enabled,
        next: st?.nextScheduledNs !== undefined ? isoNs(st.nextScheduledNs) : undefined,
      });
    } else {
      this.scheduler.upsert(def);
      this.state.event(def.name, 'info', `reloaded from ${def.file ?? '?'} (version ${def.version})`);
      this.logger.info('task reloaded', { task: def.name, file: def.file, version: def.version });
    }
  }

  private invalid(file: string, errors: readonly FluxError[], kept: string | undefined): void {
    this.fileErrors.set(file, errors);
    const first = errors[0];
    const detail = errors.map((e) => renderError(e)).join('; ');
    if (kept !== undefined) {
      this.state.event(kept, 'error', `reload of ${file} failed, keeping the last good version: ${detail}`);
      this.logger.error('task reload failed; keeping the last good version', { task: kept, file, id: first?.id, error: detail });
    } else {
      this.logger.error('task file failed to load', { file, id: first?.id, error: detail });
    }
  }

  private finished(r: RunRecord): void {
    observeRun(this.m, r);
    this.state.recordRun(r);
    const fields = {
      task: r.task,
      scheduled: isoNs(r.scheduledNs),
      lag_ms: round(r.lagMs),
      duration_ms: round(r.durationMs),
      rows_scraped: r.rowsScraped,
      points_written: r.pointsWritten,
      outcome: r.outcome,
      ...(r.attempts > 1 ? { attempts: r.attempts } : {}),
      ...(r.manual ? { manual: true } : {}),
      ...(r.error ? { error: r.error.message, error_id: r.error.id } : {}),
    };
    if (r.outcome === 'success') this.logger.info('run', fields);
    else this.logger.warn('run', fields);
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A task's options as printable values (`promflux task show`). */
export function optionsRecord(o: TaskOptions): Record<string, string | number | boolean> {
  const options: Record<string, string | number | boolean> = { name: o.name };
  if (o.everyNs !== undefined) options.every = formatDuration(o.everyNs);
  if (o.cron !== undefined) options.cron = o.cron;
  if (o.location !== 'UTC') options.location = o.location;
  options.offset = formatDuration(o.offsetNs);
  options.concurrency = o.concurrency;
  options.retry = o.retry;
  if (o.timeoutNs !== undefined) options.timeout = formatDuration(o.timeoutNs);
  if (o.catchUp !== undefined) options.catchUp = o.catchUp;
  if (o.spread !== undefined) options.spread = o.spread;
  return options;
}
