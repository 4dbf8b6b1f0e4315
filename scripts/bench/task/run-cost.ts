// The cost of one task run on its own: the same Flux scripts as scripts/bench/task/bench.ts
// (scrape a small local target and filter it; or array.from and filter, no network), run
// through Runtime.runFile as the scheduler's executor runs them (AST parsed once, results
// read to the end), 100 at a time, without the scheduler, the task service or run records.
//
//   node --import tsx scripts/bench/task/run-cost.ts [flux|array] [runs per round=2000] [rounds=6]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { parse } from '../../../src/lang/index.js';
import { systemClock } from '../../../src/host/clock.js';
import { silentLogger } from '../../../src/host/logger.js';
import { Time } from '../../../src/values/value.js';
import { startTarget } from './target.js';

const mode = process.argv[2] ?? 'flux';
const perRound = Number(process.argv[3] ?? 2000);
const rounds = Number(process.argv[4] ?? 6);
const target = await startTarget();
const src =
  mode === 'flux'
    ? `import "experimental/prometheus"\noption task = {name: "t", every: 1s}\nprometheus.scrape(url: "${target.url}")\n    |> filter(fn: (r) => r._field == "demo_requests_total")\n`
    : `import "array"\noption task = {name: "t", every: 1s}\narray.from(rows: [{_measurement: "m", _field: "f", _value: 1.0}])\n    |> filter(fn: (r) => r._value > 0.0)\n`;
const dir = mkdtempSync(join(tmpdir(), 'promflux-bench-run-cost-'));
const runtime = createRuntime({ dataDir: dir, clock: systemClock, logger: silentLogger });
const file = parse(src, 't.flux').file;
console.log(`${mode}: ${rounds} rounds of ${perRound} runs, 100 at a time (node ${process.version})`);
for (let r = 0; r < rounds; r++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < perRound; i += 100) {
    const batch = [];
    for (let k = 0; k < 100; k++) batch.push(runtime.runFile(file, { name: 't.flux', now: new Time(systemClock.nowNanos()), drainResults: true }));
    await Promise.all(batch);
  }
  const c = process.cpuUsage(c0);
  console.log(`round ${r + 1}: ${((performance.now() - t0) / perRound).toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / perRound).toFixed(3)} ms CPU per run`);
}
target.stop();
await runtime.close();
rmSync(dir, { recursive: true, force: true });
