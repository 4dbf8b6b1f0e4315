// Scheduler benchmark: N tasks with `every: 1s`, each scraping a small local target, for S
// seconds, on the real clock. Reports start lag (the scheduler started the run) and work-start lag
// (the run's own code began) p50/p99/max after a warm-up, missed runs, CPU and memory.
//
//   node --import tsx scripts/bench/task/bench.ts [--tasks 1000] [--seconds 60] [--mode flux|array|noop] [--spread] [--warmup 5] [--max-active 64]
//
// --mode flux (default): every task is a real Flux script run through the Runtime
//   (prometheus.scrape of a local target, then a filter), as `promflux serve` runs it.
// --mode noop: the same schedule with an executor that does nothing (the scheduler alone).
// --mode array: real Flux runs without network (array.from |> filter), the runtime's own cost.
// --spread: spread the tasks over their interval (serve --spread); by default runs are aligned,
// so all N runs are due at the same instant every second.
// The target runs in a child process so it does not share the event loop being measured.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { parse } from '../../../src/lang/index.js';
import { systemClock } from '../../../src/host/clock.js';
import { nodeFileSystem } from '../../../src/host/fs.js';
import { silentLogger } from '../../../src/host/logger.js';
import { MetricsRegistry } from '../../../src/host/metrics.js';
import { TaskService } from '../../../src/task/service.js';
import type { RunExecutor, RunRecord } from '../../../src/task/scheduler.js';
import { runtimeExecutor } from '../../../src/task/executor.js';
import { startTarget } from './target.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const N = Number(arg('tasks', '1000'));
const SECONDS = Number(arg('seconds', '60'));
const MODE = arg('mode', 'flux');

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'promflux-bench-task-'));
  const tasksDir = join(root, 'tasks');
  mkdirSync(tasksDir);
  const target = await startTarget();
  for (let i = 0; i < N; i++) {
    writeFileSync(
      join(tasksDir, `t${i}.flux`),
      MODE === 'noop'
        ? `option task = {name: "t${i}", every: 1s}\nx = 1\n`
        : MODE === 'array'
        ? `import "array"\noption task = {name: "t${i}", every: 1s}\narray.from(rows: [{_measurement: "m", _field: "f", _value: 1.0}])\n    |> filter(fn: (r) => r._value > 0.0)\n`
        : `import "experimental/prometheus"\noption task = {name: "t${i}", every: 1s}\nprometheus.scrape(url: "${target.url}")\n    |> filter(fn: (r) => r._field == "demo_requests_total")\n`,
    );
  }
  const runtime = createRuntime({ dataDir: join(root, 'data'), clock: systemClock, logger: silentLogger });
  const records: RunRecord[] = [];
  const noop: RunExecutor = async () => ({});
  // When each run's own code began (the executor was called), beside when the scheduler
  // started it (RunRecord.startedNs): many runs due at once are all started first, then run
  // their synchronous parts one after another on the one JavaScript thread.
  const workStart = new Map<string, bigint>();
  const inner: RunExecutor = MODE === 'noop' || arg('exec', '') === 'noop' ? noop : runtimeExecutor(runtime, silentLogger, (s, n) => parse(s, n));
  const executor: RunExecutor = (req) => {
    workStart.set(`${req.task.name}@${req.scheduledNs}`, systemClock.nowNanos());
    return inner(req);
  };
  const svc = new TaskService({
    clock: systemClock,
    fs: nodeFileSystem,
    runtime,
    dataDir: join(root, 'data'),
    paths: [tasksDir],
    metrics: new MetricsRegistry(),
    logger: silentLogger,
    parse: (s, n) => parse(s, n),
    pollMs: 0,
    spread: process.argv.includes('--spread'),
    maxActiveRuns: Number(arg('max-active', '64')),
    stateFlushMs: Number(arg('flush-ms', '5000')),
    executor,
  });
  const origFinished = svc.scheduler['events'].runFinished!;
  (svc.scheduler as unknown as { events: { runFinished: (r: RunRecord) => void } }).events.runFinished = (r) => {
    // Only what the report needs (not the per-step statistics): the benchmark's own
    // bookkeeping should not grow the heap the collector walks.
    const { steps: _steps, ...kept } = r;
    records.push(kept);
    origFinished(r);
  };
  const loadStart = performance.now();
  await svc.start();
  const loadMs = performance.now() - loadStart;
  if (svc.scheduler.names().length !== N) throw new Error(`loaded ${svc.scheduler.names().length} of ${N} tasks: ${[...svc.fileErrors.values()][0]?.[0]?.message}`);
  // measure whole seconds: from the next boundary after loading plus the warm-up (JIT, the
  // first connections), for SECONDS slots
  const WARMUP = Number(arg('warmup', '5'));
  const firstSlot = (systemClock.nowNanos() / 1_000_000_000n + 1n + BigInt(WARMUP)) * 1_000_000_000n;
  const lastSlot = firstSlot + BigInt(SECONDS - 1) * 1_000_000_000n;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 250);
  await new Promise((r) => setTimeout(r, Number((lastSlot - systemClock.nowNanos()) / 1_000_000n) + 2000));
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await svc.stop(5000);
  await runtime.close();
  target.stop();
  rmSync(root, { recursive: true, force: true });

  const inWindow = records.filter((r) => !r.manual && r.scheduledNs >= firstSlot && r.scheduledNs <= lastSlot);
  const expected = N * SECONDS;
  const perSlot = new Map<string, number>();
  for (const r of inWindow) if (r.outcome !== 'skipped') perSlot.set(`${r.task}@${r.scheduledNs}`, (perSlot.get(`${r.task}@${r.scheduledNs}`) ?? 0) + 1);
  const duplicates = [...perSlot.values()].filter((c) => c > 1).length;
  const ran = perSlot.size;
  const outcomes: Record<string, number> = {};
  for (const r of inWindow) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const lags = inWindow.filter((r) => r.outcome !== 'skipped').map((r) => r.lagMs).sort((a, b) => a - b);
  const workLags = inWindow
    .filter((r) => r.outcome !== 'skipped')
    .map((r) => Number((workStart.get(`${r.task}@${r.scheduledNs}`) ?? r.startedNs) - r.executeAtNs) / 1e6)
    .sort((a, b) => a - b);
  const durs = inWindow.filter((r) => r.outcome !== 'skipped').map((r) => r.durationMs).sort((a, b) => a - b);
  const rows = inWindow.reduce((a, r) => a + r.rowsScraped, 0);
  const firstError = inWindow.find((r) => r.error)?.error;
  const bySlot = new Map<bigint, number[]>();
  for (const r of inWindow) if (r.outcome !== 'skipped') bySlot.set(r.scheduledNs, [...(bySlot.get(r.scheduledNs) ?? []), r.lagMs]);
  const slotMaxLagMs = [...bySlot.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, l]) => Math.round(Math.max(...l)));
  const out = {
    mode: MODE,
    spread: process.argv.includes('--spread'),
    tasks: N,
    seconds: SECONDS,
    loadMs: Math.round(loadMs),
    expectedRuns: expected,
    runs: ran,
    missedRuns: expected - ran,
    duplicateRuns: duplicates,
    outcomes,
    warmupSeconds: WARMUP,
    startLagMs: { p50: +pct(lags, 50).toFixed(2), p99: +pct(lags, 99).toFixed(2), max: +(lags.at(-1) ?? NaN).toFixed(2) },
    workStartLagMs: { p50: +pct(workLags, 50).toFixed(2), p99: +pct(workLags, 99).toFixed(2), max: +(workLags.at(-1) ?? NaN).toFixed(2) },
    runDurationMs: { p50: +pct(durs, 50).toFixed(2), p99: +pct(durs, 99).toFixed(2) },
    slotMaxLagMs,
    rowsScraped: rows,
    cpuPercentOfOneCore: +(((cpu.user + cpu.system) / 1e6 / wallS) * 100).toFixed(1),
    peakRssMB: +(peakRss / 2 ** 20).toFixed(1),
    peakHeapMB: +(peakHeap / 2 ** 20).toFixed(1),
    ...(firstError ? { firstError } : {}),
  };
  console.log(JSON.stringify(out, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
