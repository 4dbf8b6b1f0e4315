// The scheduler's own metrics (exposed by `promflux serve` on /metrics with the rest of the
// process registry, src/host/metrics.ts).
import type { Counter, Gauge, Histogram, MetricsRegistry } from '../host/metrics.js';
import { DEFAULT_SECONDS_BUCKETS, METRIC_SPOOL_BYTES, METRIC_WRITE_RETRIES } from '../host/metrics.js';
import type { RunRecord } from './scheduler.js';

export interface TaskMetrics {
  readonly runs: Counter;
  readonly duration: Histogram;
  readonly lag: Histogram;
  readonly rowsScraped: Counter;
  readonly pointsWritten: Counter;
  readonly skipped: Counter;
  readonly tasks: Gauge;
  readonly running: Gauge;
  readonly writeRetries: Counter;
  readonly spoolBytes: Gauge;
}

export function taskMetrics(reg: MetricsRegistry): TaskMetrics {
  return {
    runs: reg.counter('promflux_task_runs_total', 'Task runs finished, by task and outcome (success, failed, timeout, canceled, skipped).', ['task', 'outcome']),
    duration: reg.histogram('promflux_task_run_duration_seconds', 'Task run duration in seconds.', ['task'], DEFAULT_SECONDS_BUCKETS),
    lag: reg.histogram('promflux_task_start_lag_seconds', 'How late task runs started after their execution time, in seconds.', ['task'], DEFAULT_SECONDS_BUCKETS),
    rowsScraped: reg.counter('promflux_task_rows_scraped_total', 'Rows scraped by task runs.', ['task']),
    pointsWritten: reg.counter('promflux_task_points_written_total', 'Points written by task runs.', ['task']),
    skipped: reg.counter('promflux_task_runs_skipped_total', 'Scheduled runs not run, by task and reason.', ['task', 'reason']),
    tasks: reg.gauge('promflux_tasks', 'Tasks loaded, by state (enabled, disabled).', ['state']),
    running: reg.gauge('promflux_task_runs_running', 'Task runs executing now.'),
    writeRetries: reg.counter(METRIC_WRITE_RETRIES, 'Write requests retried by to().'),
    spoolBytes: reg.gauge(METRIC_SPOOL_BYTES, 'Bytes of points waiting in the write spool.'),
  };
}

export function observeRun(m: TaskMetrics, r: RunRecord): void {
  m.runs.inc({ task: r.task, outcome: r.outcome });
  if (r.outcome === 'skipped') {
    m.skipped.inc({ task: r.task, reason: 'overrun' });
    return;
  }
  m.duration.observe({ task: r.task }, r.durationMs / 1000);
  if (!r.manual) m.lag.observe({ task: r.task }, r.lagMs / 1000);
  if (r.rowsScraped) m.rowsScraped.inc({ task: r.task }, r.rowsScraped);
  if (r.pointsWritten) m.pointsWritten.inc({ task: r.task }, r.pointsWritten);
}
