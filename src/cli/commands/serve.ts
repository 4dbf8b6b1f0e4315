// `promflux serve [PATH...]`: load every `.flux` file with `option task` from the given files
// and directories, run them on their schedules, reload them when they change, and serve
// /health, /metrics and the task API on a loopback port.
//
// Lifecycle: lock the data directory's task state (one serve per data directory), load the
// state and the tasks, start the HTTP endpoint, write `<data>/tasks/serve.json` (how the task
// CLI finds this process), then wait for SIGINT/SIGTERM: stop scheduling, let running runs
// finish (bounded by --shutdown-grace), close the runtime (flushing every pending write),
// remove serve.json, release the lock, exit 0.
import { parseDurationMs } from '../duration.js';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { DATA_DIR_HELP, resolveDataDir } from '../data-dir.js';
import { createRuntime } from '../../index.js';
import { parse } from '../../lang/index.js';
import { renderResults } from '../render.js';
import { readFailureReason } from '../read-error.js';
import { FluxError, renderError } from '../../errors/index.js';
import { systemClock } from '../../host/clock.js';
import type { Clock } from '../../host/clock.js';
import { lockLeftByEarlierBoot, nodeFileSystem } from '../../host/fs.js';
import type { FileLock } from '../../host/fs.js';
import { createStreamLogger } from '../../host/logger.js';
import type { LogLevel } from '../../host/logger.js';
import { defaultMetrics } from '../../host/metrics.js';
import { nodeFileWatcher } from '../../host/watch.js';
import { parseListen, startHttpServer } from '../../host/http-server.js';
import type { HttpServerHandle } from '../../host/http-server.js';
import { createApiHandler } from '../../task/api.js';
import type { ResultRenderer } from '../../task/api.js';
import { TaskService } from '../../task/service.js';
import { stateDir } from '../../task/state.js';
import type { Value } from '../../values/value.js';

export const DEFAULT_LISTEN = '127.0.0.1:9321';

export interface ServeFlags {
  data?: string;
  listen?: string;
  logFormat?: string;
  logLevel?: string;
  catchUp?: boolean;
  spread?: boolean;
  maxActiveRuns?: string;
  runTimeout?: string;
  shutdownGrace?: string;
  poll?: string;
}

/** Where a running serve announces itself (read by `promflux task`). */
export interface ServeAnnouncement {
  readonly pid: number;
  readonly url: string;
  readonly started: string;
  readonly paths: readonly string[];
}

export function serveFile(dataDir: string): string {
  return `${stateDir(dataDir)}/serve.json`;
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export interface ServeHooks {
  /** Resolves when the process should shut down (default: SIGINT or SIGTERM). */
  readonly until?: Promise<unknown>;
  readonly clock?: Clock;
}

export async function runServe(pathArgs: readonly string[], flags: ServeFlags, io: CliIO, hooks: ServeHooks = {}): Promise<void> {
  const usage = (msg: string) => {
    io.stderr(`promflux serve: ${msg}\n`);
    io.setExitCode(2);
  };
  const logFormat = flags.logFormat ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') return usage(`--log-format must be text or json, not "${logFormat}"`);
  const logLevel = (flags.logLevel ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) return usage(`--log-level must be debug, info, warn or error`);
  const listen = parseListen(flags.listen ?? DEFAULT_LISTEN);
  if (listen === undefined) return usage(`--listen must be HOST:PORT or PORT, not "${flags.listen}"`);
  const timeoutMs = flags.runTimeout !== undefined ? parseDurationMs(flags.runTimeout) : undefined;
  if (flags.runTimeout !== undefined && (timeoutMs === undefined || timeoutMs <= 0)) return usage(`--run-timeout must be a duration such as 30s`);
  const graceMs = parseDurationMs(flags.shutdownGrace ?? '30s');
  if (graceMs === undefined) return usage('--shutdown-grace must be a duration such as 30s');
  const pollMs = parseDurationMs(flags.poll ?? '2s');
  if (pollMs === undefined || pollMs <= 0) return usage('--poll must be a duration of more than 0, such as 2s');
  const maxActiveRuns = Number(flags.maxActiveRuns ?? '64');
  if (!Number.isSafeInteger(maxActiveRuns) || maxActiveRuns < 1) return usage(`--max-active-runs must be a whole number of at least 1, not "${flags.maxActiveRuns}"`);

  const fs = nodeFileSystem;
  const paths = (pathArgs.length > 0 ? pathArgs : ['.']).map((p) => resolve(p));
  for (const p of paths) {
    if ((await fs.stat(p)) === undefined) return usage(`no such file or directory: ${p}`);
  }
  const clock = hooks.clock ?? systemClock;
  const dataDir = resolveDataDir(flags.data, io.env);
  const logger = createStreamLogger({ format: logFormat, level: logLevel, write: (line) => io.stderr(line + '\n') });

  try {
    await fs.mkdirp(stateDir(dataDir));
  } catch (e) {
    io.stderr(`promflux serve: cannot create the data directory ${dataDir}: ${readFailureReason(e)} (choose another with --data or PROMFLUX_DATA)\n`);
    io.setExitCode(1);
    return;
  }
  // A lock of an earlier boot: the serve that held it ended with the machine (a power loss,
  // an OS crash), so the task state may lack what it had not fsynced yet (its last seconds
  // of runs). After kill -9 nothing is lost (src/task/state.ts).
  const endedWithMachine = await lockLeftByEarlierBoot(`${stateDir(dataDir)}/serve.lock`);
  let lock: FileLock;
  try {
    lock = await fs.lock(`${stateDir(dataDir)}/serve.lock`, { timeoutMs: 200, staleMs: Number.MAX_SAFE_INTEGER });
  } catch (e) {
    // The file system refused the lock file (a read-only or full disk...): say that, not that
    // another serve holds it. Only a lock held past the timeout (no errno) means another serve.
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) {
      io.stderr(`promflux serve: cannot lock the data directory ${dataDir} (${stateDir(dataDir)}/serve.lock): ${readFailureReason(e)} (choose another with --data or PROMFLUX_DATA)\n`);
      io.setExitCode(1);
      return;
    }
    // Name the other serve when it announced itself (its pid and API address).
    let who = '';
    try {
      const ann = JSON.parse(new TextDecoder().decode(await fs.readFile(serveFile(dataDir)))) as Partial<ServeAnnouncement>;
      if (typeof ann.pid === 'number' && typeof ann.url === 'string') who = ` (pid ${ann.pid}, ${ann.url})`;
    } catch {
      who = '';
    }
    io.stderr(`promflux serve: another promflux serve${who} is using the data directory ${dataDir}; stop it, or choose another with --data\n`);
    io.setExitCode(1);
    return;
  }

  const runtime = createRuntime({ dataDir, clock, logger });
  const render: ResultRenderer = (results, format) => renderResults(results as { name: string; value: Value }[], { format });
  const svc = new TaskService({
    clock,
    fs,
    runtime,
    dataDir,
    paths,
    metrics: defaultMetrics,
    logger,
    watcher: nodeFileWatcher,
    parse: (source, name) => parse(source, name),
    catchUp: flags.catchUp ?? false,
    spread: flags.spread ?? false,
    maxActiveRuns,
    defaultTimeoutNs: timeoutMs !== undefined ? BigInt(Math.round(timeoutMs * 1e6)) : undefined,
    pollMs,
    spoolDir: `${dataDir}/spool`,
    stateMayLackLastFlush: endedWithMachine,
  });
  if (endedWithMachine) {
    logger.warn('the previous promflux serve ended with the machine (power loss or crash): its last seconds of runs may be missing from the task state, so some runs counted as missed may have run', { data: dataDir });
  }

  let server: HttpServerHandle | undefined;
  let stopSignals = () => {};
  try {
    await svc.start();
    try {
      server = await startHttpServer(listen.host, listen.port, createApiHandler(svc, defaultMetrics, render, { allowedHosts: [listen.host] }));
    } catch (e) {
      throw new FluxError('unavailable', 'serve.listen', `cannot listen on ${listen.host}:${listen.port}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const announcement: ServeAnnouncement = { pid: process.pid, url: server.url, started: new Date().toISOString(), paths };
    await fs.writeFileDurable(serveFile(dataDir), new TextEncoder().encode(JSON.stringify(announcement) + '\n'));
    const until =
      hooks.until ??
      new Promise<string>((res) => {
        const onSig = (sig: string) => res(sig);
        process.once('SIGINT', onSig);
        process.once('SIGTERM', onSig);
        stopSignals = () => {
          process.off('SIGINT', onSig);
          process.off('SIGTERM', onSig);
        };
      });
    // Announce only once the signal handlers are in place: a SIGTERM right after 'serving'
    // must shut down cleanly, not kill the process.
    logger.info('serving', { tasks: svc.scheduler.names().length, url: server.url, data: dataDir, paths: paths.join(',') });
    if (!isLoopback(listen.host)) {
      logger.warn('the task API has no authentication: whoever can reach this address can run, enable and disable tasks (use a loopback --listen, or a firewall)', { url: server.url });
    }
    if (svc.scheduler.names().length === 0 && svc.fileErrors.size === 0) {
      logger.warn('no tasks yet: no .flux file under the given paths declares `option task = {...}`; files added or edited later are loaded', { paths: paths.join(',') });
    }
    const why = await until;
    stopSignals();
    logger.info('shutting down: no new runs; waiting for running runs', { signal: typeof why === 'string' ? why : undefined, running: svc.scheduler.runningCount() });
  } catch (e) {
    const fe = e instanceof FluxError ? e : new FluxError('internal', 'internal', e instanceof Error ? e.message : String(e));
    io.stderr(`promflux serve: ${fe.span !== undefined ? renderError(fe) : fe.message}\n`);
    io.setExitCode(1);
  } finally {
    stopSignals();
    // A second signal during shutdown cancels running runs at once.
    let hurry = () => {};
    const hurried = new Promise<void>((res) => (hurry = res));
    const onSig = () => hurry();
    if (hooks.until === undefined) {
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
    }
    await Promise.race([svc.stop(graceMs), hurried.then(() => svc.stop(0))]);
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
    await server?.close();
    try {
      await runtime.close();
      logger.info('stopped: runs finished, writes flushed');
    } catch (e) {
      io.stderr(`promflux serve: flushing writes failed: ${e instanceof Error ? e.message : String(e)}\n`);
      io.setExitCode(1);
    }
    await fs.remove(serveFile(dataDir));
    await lock.release();
  }
}

export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('run every task (.flux files with `option task`) in the given files and directories, reloading them when they change')
    .argument('[path...]', 'task files and load directories (default: the current directory)')
    .option('--data <dir>', DATA_DIR_HELP)
    .option('--listen <addr>', 'address of /health, /metrics and the task API (loopback unless a host is given)', DEFAULT_LISTEN)
    .option('--log-format <fmt>', 'run log format: text or json', 'text')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option('--catch-up', 'run the runs missed while promflux was down, in order (default: skip them)')
    .option('--spread', 'spread tasks with the same interval over it (default: aligned runs)')
    .option('--max-active-runs <n>', 'most runs executing at once, all tasks together; later runs wait their turn', '64')
    .option('--run-timeout <duration>', 'cancel a run after this long (default: the task\'s interval)')
    .option('--shutdown-grace <duration>', 'on SIGINT/SIGTERM, how long running runs may finish', '30s')
    .option('--poll <duration>', 'rescan the task files this often besides watching them (0s: never)', '2s')
    .addHelpText(
      'after',
      `
Each run is logged on one line to stderr (task, scheduled time, start lag, duration, rows
scraped, points written, outcome, error). Task state (enabled, last runs) is kept in the data
directory, so a restart resumes where it stopped. SIGINT/SIGTERM stop scheduling, let
running runs finish, flush pending writes and exit 0.

Example:
  $ cat tasks/node.flux
  import "experimental/prometheus"
  option task = {name: "node", every: 10s}
  prometheus.scrape(url: "http://127.0.0.1:9100/metrics")
      |> to(bucket: "metrics")
  $ promflux serve tasks/ --listen 127.0.0.1:9321
  $ curl -s http://127.0.0.1:9321/metrics | grep promflux_task_runs_total`,
    )
    .action(async (paths: string[], flags: ServeFlags) => runServe(paths, flags, io));
}
