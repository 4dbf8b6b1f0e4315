// The run executor `promflux serve` uses: runs a task's script through the Runtime with
// `now()` pinned to the scheduled time (Flux tasks: `now()` is the scheduled time, so
// `range(start: -task.every)` covers exactly one interval) and the run's AbortSignal.
//
// Counts come from the runtime's per-call statistics (RunResult.stats): rows scraped are the
// rows out of every `scrape` call (`prometheus.scrape`, `scrape`), points written the rows
// into every `to` call (one row carries one `_field`/`_value` point in Flux's data model).
import type { Logger } from '../host/logger.js';
import { Time } from '../values/value.js';
import type * as ast from '../lang/ast.js';
import type { ParseFn, TaskRuntime } from './loader.js';
import type { RunExecutor, RunReport, StepStat } from './scheduler.js';

const SCRAPE_RE = /(^|\.)scrape$/;
const TO_RE = /(^|\.)to$/;

export function countRows(steps: readonly StepStat[]): { rowsScraped: number; pointsWritten: number } {
  let rowsScraped = 0;
  let pointsWritten = 0;
  for (const s of steps) {
    if (SCRAPE_RE.test(s.name)) rowsScraped += s.rowsOut ?? 0;
    else if (TO_RE.test(s.name)) pointsWritten += s.rowsIn ?? s.rowsOut ?? 0;
  }
  return { rowsScraped, pointsWritten };
}

/**
 * Runs tasks through the runtime. With `parse` (and a runtime offering `runFile`), each task
 * version is parsed once and its AST reused by every run.
 */
export function runtimeExecutor(runtime: TaskRuntime, logger?: Logger, parse?: ParseFn): RunExecutor {
  const parsed = new Map<string, { version: string; file: ast.File }>();
  return async (req): Promise<RunReport> => {
    const opts = {
      name: req.task.file ?? req.task.name,
      now: new Time(req.scheduledNs),
      signal: req.signal,
      // A scheduled run's results are read by nobody, but the whole pipeline must run.
      drainResults: !req.manual,
      ...(logger ? { logger } : {}),
    };
    let res;
    if (parse !== undefined && runtime.runFile !== undefined) {
      let p = parsed.get(req.task.name);
      if (p === undefined || p.version !== req.task.version) {
        const r = parse(req.task.source, opts.name);
        p = { version: req.task.version, file: r.file };
        // a file with syntax errors never becomes a task version; run() reports them if it did
        if (r.diagnostics?.length) p = undefined;
        else parsed.set(req.task.name, p);
      }
      res = p !== undefined ? await runtime.runFile(p.file, opts) : await runtime.run(req.task.source, opts);
    } else {
      res = await runtime.run(req.task.source, opts);
    }
    const steps = res.stats?.calls ?? [];
    return { ...countRows(steps), steps, results: res.results };
  };
}
