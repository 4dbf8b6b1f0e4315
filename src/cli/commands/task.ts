// `promflux task list|show|run|enable|disable|logs`: task management. Talks to a running
// `promflux serve` through its loopback API (found through `<data>/tasks/serve.json`, or
// `--url`); when none runs, reads (and for enable/disable, writes) the task state in the data
// directory, and `task run` runs the task's file once in this process.
import { Option } from 'commander';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import type { CliIO } from '../io.js';
import { withProgress } from '../progress.js';
import { redactSource } from '../redact.js';
import { DATA_DIR_HELP, resolveDataDir } from '../data-dir.js';
import { loggerFromFlags } from '../log-flags.js';
import { createRuntime } from '../../index.js';
import { renderResults } from '../render.js';
import { renderError, toFluxError, errorList } from '../../errors/index.js';
import { systemClock } from '../../host/clock.js';
import { nodeFileSystem } from '../../host/fs.js';
import { readAllTaskStates, writeTaskState, isoNs } from '../../task/state.js';
import type { PersistedRun, TaskEvent, TaskState } from '../../task/state.js';
import type { TaskDetail, TaskSummary } from '../../task/service.js';
import { countRows } from '../../task/executor.js';
import { loadTaskSource } from '../../task/loader.js';
import type { TaskRuntime } from '../../task/loader.js';
import { CLIENT_HEADER, toJson } from '../../task/api.js';
import { Time } from '../../values/value.js';
import type { Value } from '../../values/value.js';
import { serveFile } from './serve.js';
import type { ServeAnnouncement } from './serve.js';

interface TaskFlags {
  data?: string;
  json?: boolean;
  url?: string;
  format?: string;
}

class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The URL of a running serve for this data directory, or undefined. */
async function findServer(flags: TaskFlags, io: CliIO): Promise<string | undefined> {
  if (flags.url !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(flags.url);
    } catch {
      u = undefined;
    }
    if (u === undefined || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw new CliFailure(`--url must be the http URL of a promflux serve, like http://127.0.0.1:9321, not ${JSON.stringify(flags.url)}`, 2);
    }
    return flags.url.replace(/\/+$/, '');
  }
  const dataDir = resolveDataDir(flags.data, io.env);
  let ann: ServeAnnouncement;
  try {
    ann = JSON.parse(await readFile(serveFile(dataDir), 'utf8')) as ServeAnnouncement;
  } catch {
    return undefined;
  }
  try {
    const r = await fetch(`${ann.url}/health`, { signal: AbortSignal.timeout(2000) });
    if (r.ok) return ann.url;
  } catch {
    // a stale announcement (serve was killed): fall back to the data directory
  }
  return undefined;
}

/** Why fetch failed, from its cause (undici reports only "fetch failed" itself). */
function unreachableReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running, and on this address?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'no answer in time';
  return cause?.message ?? (e instanceof Error ? e.message : String(e));
}

async function api(url: string, method: 'GET' | 'POST', path: string): Promise<unknown> {
  let r: Response;
  try {
    r = await fetch(`${url}${path}`, { method, headers: { [CLIENT_HEADER]: 'promflux-cli' }, signal: AbortSignal.timeout(10 * 60_000) });
  } catch (e) {
    throw new CliFailure(`cannot reach promflux serve at ${url}: ${unreachableReason(e)}`, 1);
  }
  const body = (await r.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!r.ok) throw new CliFailure(body.error?.message ?? `promflux serve answered ${r.status}`, r.status === 404 ? 1 : 1);
  return body;
}

const enc = encodeURIComponent;

async function localStates(flags: TaskFlags, io: CliIO): Promise<Map<string, TaskState>> {
  try {
    return await readAllTaskStates(nodeFileSystem, resolveDataDir(flags.data, io.env));
  } catch (e) {
    // a damaged or unreadable state file: the user's problem to look at, not a crash
    throw new CliFailure((e as Error).message ?? String(e), 1);
  }
}

function summaryOfState(st: TaskState): TaskSummary {
  const lastRun = st.runs.at(-1);
  return {
    name: st.name,
    ...(st.file ? { file: st.file } : {}),
    schedule: st.schedule ?? '?',
    status: st.enabled ? 'enabled' : 'disabled',
    running: 0,
    ...(lastRun ? { lastRun } : {}),
    ...(lastRun?.error ? { lastError: lastRun.error.message } : {}),
    ...(st.lastSuccess ? { lastSuccess: isoNs(BigInt(st.lastSuccess)) } : {}),
  };
}

async function getState(flags: TaskFlags, io: CliIO, name: string): Promise<TaskState> {
  const st = (await localStates(flags, io)).get(name);
  if (st === undefined) throw new CliFailure(`no task named "${name}" (no promflux serve is running for this data directory, and its state has no such task)`, 1);
  return st;
}

// -- rendering ------------------------------------------------------------------------------

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

function ms(x: number | undefined): string {
  if (x === undefined) return '-';
  return x >= 1000 ? `${(x / 1000).toFixed(2)}s` : `${x.toFixed(1)}ms`;
}

function runLine(r: PersistedRun): string[] {
  return [
    r.scheduledTime,
    r.outcome + (r.manual ? ' (manual)' : ''),
    ms(r.lagMs),
    ms(r.durationMs),
    String(r.rowsScraped),
    String(r.pointsWritten),
    r.error ? `${r.error.id}: ${r.error.message}` : '',
  ];
}

const RUN_HEADER = ['SCHEDULED', 'OUTCOME', 'LAG', 'DURATION', 'ROWS', 'POINTS', 'ERROR'];

function renderList(tasks: readonly TaskSummary[], serverUp: boolean): string {
  if (tasks.length === 0) return serverUp ? 'no tasks loaded\n' : 'no tasks (and no promflux serve running for this data directory)\n';
  const rows = [['NAME', 'SCHEDULE', 'STATUS', 'LAST RUN', 'NEXT RUN', 'LAST ERROR']];
  for (const t of tasks) {
    rows.push([
      t.name,
      t.schedule,
      t.status + (t.running ? ` (running ${t.running})` : ''),
      t.lastRun ? `${t.lastRun.scheduledTime} ${t.lastRun.outcome}` : '-',
      t.nextRun ?? (serverUp ? '-' : '- (not serving)'),
      t.lastError ?? '',
    ]);
  }
  return table(rows);
}

function renderShow(d: TaskDetail | (TaskSummary & { runs: readonly PersistedRun[]; events: readonly TaskEvent[]; options?: Record<string, unknown> })): string {
  const out: string[] = [];
  out.push(`Task:      ${d.name}`);
  if (d.file) out.push(`File:      ${d.file}`);
  out.push(`Schedule:  ${d.schedule}`);
  out.push(`Status:    ${d.status}${d.running ? ` (running ${d.running})` : ''}`);
  if (d.nextRun) out.push(`Next run:  ${d.nextRun}`);
  if (d.lastSuccess) out.push(`Last success: ${d.lastSuccess}`);
  if (d.lastError) out.push(`Last error: ${d.lastError}`);
  if (d.options) {
    out.push('', 'Options:');
    for (const [k, v] of Object.entries(d.options)) out.push(`  ${k}: ${typeof v === 'string' && k !== 'every' && k !== 'offset' && k !== 'timeout' ? JSON.stringify(v) : String(v)}`);
  }
  out.push('', 'Recent runs:');
  if (d.runs.length === 0) out.push('  (none yet)');
  else out.push(table([RUN_HEADER, ...[...d.runs].reverse().slice(0, 10).map(runLine)]).replace(/^/gm, '  ').trimEnd());
  const last = d.runs.at(-1);
  if (last?.steps !== undefined) {
    out.push('', `Last run, step by step (scheduled ${last.scheduledTime}, ${last.outcome}):`);
    if (last.steps.length === 0) out.push('  (no function calls recorded)');
    else {
      const rows = [['AT', 'FUNCTION', 'ROWS IN', 'ROWS OUT', 'TIME']];
      for (const s of last.steps) rows.push([s.at ?? '', s.name, s.rowsIn === undefined ? '-' : String(s.rowsIn), s.rowsOut === undefined ? '-' : String(s.rowsOut), ms(s.ms)]);
      out.push(table(rows).replace(/^/gm, '  ').trimEnd());
    }
  }
  return out.join('\n') + '\n';
}

function renderLogs(name: string, runs: readonly PersistedRun[], events: readonly TaskEvent[]): string {
  type Line = { time: string; text: string };
  const lines: Line[] = [];
  for (const r of runs) {
    const parts = [`task=${name}`, `scheduled=${r.scheduledTime}`, `lag_ms=${r.lagMs}`, `duration_ms=${r.durationMs}`, `rows_scraped=${r.rowsScraped}`, `points_written=${r.pointsWritten}`, `outcome=${r.outcome}`];
    if (r.attempts > 1) parts.push(`attempts=${r.attempts}`);
    if (r.manual) parts.push('manual=true');
    if (r.error) parts.push(`error=${JSON.stringify(r.error.message)}`);
    lines.push({ time: r.started, text: `${r.started} run ${parts.join(' ')}` });
  }
  for (const e of events) lines.push({ time: e.time, text: `${e.time} ${e.level} ${e.message}` });
  lines.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return lines.length ? lines.map((l) => l.text).join('\n') + '\n' : `no runs or events recorded for task "${name}"\n`;
}

// -- commands -------------------------------------------------------------------------------

async function list(flags: TaskFlags, io: CliIO): Promise<void> {
  const url = await findServer(flags, io);
  let tasks: TaskSummary[];
  let invalid: unknown[] = [];
  if (url) {
    const r = (await api(url, 'GET', '/api/v1/tasks')) as { tasks: TaskSummary[]; invalidFiles: unknown[] };
    tasks = r.tasks;
    invalid = r.invalidFiles;
  } else {
    tasks = [...(await localStates(flags, io)).values()].map(summaryOfState);
  }
  if (flags.json) return io.stdout(toJson({ serving: url !== undefined, tasks, invalidFiles: invalid }) + '\n');
  io.stdout(renderList(tasks, url !== undefined));
  for (const f of invalid as { file: string; errors: { message: string }[] }[]) io.stdout(`invalid: ${f.file}: ${f.errors.map((e) => e.message).join('; ')}\n`);
}

async function show(name: string, flags: TaskFlags, io: CliIO): Promise<void> {
  const url = await findServer(flags, io);
  const d = url ? ((await api(url, 'GET', `/api/v1/tasks/${enc(name)}`)) as TaskDetail) : (() => undefined)();
  if (d) {
    if (flags.json) return io.stdout(toJson(d) + '\n');
    return io.stdout(renderShow(d));
  }
  const st = await getState(flags, io, name);
  const local = { ...summaryOfState(st), ...(st.options ? { options: st.options } : {}), runs: st.runs, events: st.events };
  if (flags.json) return io.stdout(toJson(local) + '\n');
  io.stdout(renderShow(local));
}

async function logs(name: string, flags: TaskFlags, io: CliIO): Promise<void> {
  const url = await findServer(flags, io);
  let runs: readonly PersistedRun[];
  let events: readonly TaskEvent[];
  if (url) {
    const r = (await api(url, 'GET', `/api/v1/tasks/${enc(name)}/logs`)) as { runs: PersistedRun[]; events: TaskEvent[] };
    runs = r.runs;
    events = r.events;
  } else {
    const st = await getState(flags, io, name);
    runs = st.runs;
    events = st.events;
  }
  if (flags.json) return io.stdout(toJson({ name, runs, events }) + '\n');
  io.stdout(renderLogs(name, runs, events));
}

async function setEnabled(name: string, enabled: boolean, flags: TaskFlags, io: CliIO): Promise<void> {
  const url = await findServer(flags, io);
  if (url) await api(url, 'POST', `/api/v1/tasks/${enc(name)}/${enabled ? 'enable' : 'disable'}`);
  else {
    const st = await getState(flags, io, name);
    st.enabled = enabled;
    st.events.push({ time: isoNs(systemClock.nowNanos()), level: 'info', message: `${enabled ? 'enabled' : 'disabled'} (while promflux serve was not running)` });
    await writeTaskState(nodeFileSystem, resolveDataDir(flags.data, io.env), st).catch((e: unknown) => {
      throw new CliFailure(`cannot save the task state: ${(e as Error).message ?? String(e)}`, 1);
    });
  }
  const status = enabled ? 'enabled' : 'disabled';
  if (flags.json) io.stdout(toJson({ name, status, serving: url !== undefined }) + '\n');
  else io.stdout(`task ${name}: ${status}${url ? '' : ' (takes effect when promflux serve starts)'}\n`);
}

async function run(name: string, flags: TaskFlags, io: CliIO): Promise<void> {
  const format = flags.json ? 'json' : flags.format === 'csv' || flags.format === 'json' ? flags.format : 'table';
  const url = await findServer(flags, io);
  if (url) {
    const r = (await withProgress(io, `running task ${name}`, () => api(url, 'POST', `/api/v1/tasks/${enc(name)}/run?format=${format}`))) as { run: PersistedRun; output: string };
    io.stdout(r.output);
    report(name, r.run, io);
    return;
  }
  // No serve: run the task's file once here.
  const st = await getState(flags, io, name);
  if (!st.file) throw new CliFailure(`task "${name}" has no recorded file`, 1);
  let source: string;
  try {
    source = await readFile(st.file, 'utf8');
  } catch {
    throw new CliFailure(`cannot read ${st.file}, the file of task "${name}"`, 1);
  }
  const dataDir = resolveDataDir(flags.data, io.env);
  // warnings of the run (a fleet target that failed, points to() skipped) go to stderr, as in `promflux run`
  const runtime = createRuntime({ dataDir, logger: loggerFromFlags({ logLevel: 'warn' }, io) });
  const trt: TaskRuntime = runtime;
  try {
    const loaded = await loadTaskSource(trt, source, st.file);
    if (loaded.kind !== 'task') {
      const errs = loaded.kind === 'invalid' ? loaded.errors : [];
      for (const e of errs) io.stderr(renderError(e, redactSource(source)) + '\n');
      if (loaded.kind === 'notTask') io.stderr(`${st.file} no longer declares option task\n`);
      io.setExitCode(loaded.kind === 'invalid' && errs.some((e) => e.id.startsWith('syntax')) ? 2 : 1);
      return;
    }
    const t0 = performance.now();
    const now = systemClock.nowNanos();
    try {
      // Streams are lazy: printing them is where the task's scrapes and queries run.
      const { res, text } = await withProgress(io, `running task ${name}`, async () => {
        const res = await trt.run(source, { name: st.file, now: new Time(now) });
        return { res, text: await renderResults(res.results as { name: string; value: Value }[], { format, color: io.color }) };
      });
      io.stdout(text);
      const counts = countRows(res.stats?.calls ?? []);
      io.stderr(`task ${name}: success in ${ms(performance.now() - t0)}, ${counts.rowsScraped} rows scraped, ${counts.pointsWritten} points written\n`);
    } catch (e) {
      for (const fe of errorList(toFluxError(e))) io.stderr(renderError(fe, redactSource(source)) + '\n');
      io.setExitCode(1);
    }
  } finally {
    await runtime.close();
  }
}

function report(name: string, r: PersistedRun, io: CliIO): void {
  if (r.outcome === 'success') {
    io.stderr(`task ${name}: success in ${ms(r.durationMs)}, ${r.rowsScraped} rows scraped, ${r.pointsWritten} points written\n`);
  } else {
    io.stderr(`task ${name}: ${r.outcome}: ${r.error ? `${r.error.message} [${r.error.id}]` : ''}\n`);
    io.setExitCode(1);
  }
}

export function registerTask(program: Command, io: CliIO): void {
  const task = program
    .command('task')
    .description('manage scheduled tasks: list, show, run, enable, disable, logs')
    .addHelpText(
      'after',
      `
Talks to the promflux serve running on this data directory (or --url); when none runs, reads
the task state it left in the data directory.

Example:
  $ promflux task list
  $ promflux task show node
  $ promflux task run node --format csv
  $ promflux task disable node
  $ promflux task logs node --json`,
    );
  const common = (c: Command) =>
    c
      .option('--data <dir>', DATA_DIR_HELP)
      .option('--url <url>', 'the promflux serve API to talk to (default: found through the data directory)')
      .option('--json', 'machine-readable output');
  const wrap =
    <A extends unknown[]>(fn: (...a: A) => Promise<void>) =>
    async (...a: A) => {
      try {
        await fn(...a);
      } catch (e) {
        if (e instanceof CliFailure) {
          io.stderr(`promflux task: ${e.message}\n`);
          io.setExitCode(e.exitCode);
          return;
        }
        throw e;
      }
    };
  common(task.command('list').description('list tasks: name, schedule, status, last run, next run, last error'))
    .addHelpText('after', '\nExample:\n  $ promflux task list --json')
    .action(wrap((flags: TaskFlags) => list(flags, io)));
  common(task.command('show').argument('<name>', 'task name (the name in its option task)').description('a task\'s options, recent runs, and the last run step by step (rows in/out and time per call)'))
    .addHelpText('after', '\nExample:\n  $ promflux task show node')
    .action(wrap((name: string, flags: TaskFlags) => show(name, flags, io)));
  common(task.command('run').argument('<name>', 'task name (the name in its option task)').description('run a task once now and print its results'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .addHelpText('after', '\nExample:\n  $ promflux task run node --format csv')
    .action(wrap((name: string, flags: TaskFlags) => run(name, flags, io)));
  common(task.command('enable').argument('<name>', 'task name (the name in its option task)').description('resume scheduling a task (from its next slot)'))
    .addHelpText('after', '\nExample:\n  $ promflux task enable node')
    .action(wrap((name: string, flags: TaskFlags) => setEnabled(name, true, flags, io)));
  common(task.command('disable').argument('<name>', 'task name (the name in its option task)').description('stop scheduling a task (kept disabled across restarts)'))
    .addHelpText('after', '\nExample:\n  $ promflux task disable node')
    .action(wrap((name: string, flags: TaskFlags) => setEnabled(name, false, flags, io)));
  common(task.command('logs').argument('<name>', 'task name (the name in its option task)').description('a task\'s recent runs (one line each) and events'))
    .addHelpText('after', '\nExample:\n  $ promflux task logs node')
    .action(wrap((name: string, flags: TaskFlags) => logs(name, flags, io)));
}
