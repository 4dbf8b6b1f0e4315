// Fleet benchmark: one prometheus.scrapeTargets call over N local targets (about 50 KB of
// exposition each), concurrency C. Targets are served by a child process so that the
// scraper's CPU is measured alone.
//
//   node --import tsx scripts/bench/fleet/bench.ts [targets=1000] [concurrency=64] [runs=3] [run|store|hold|all] [pause ms=0]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '../../../src/index.js';
import { asTableStream, collectTables } from '../../../src/table/index.js';

const n = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 64);
const runs = Number(process.argv[4] ?? 3);

const child = spawn(process.execPath, [fileURLToPath(new URL('./targets-server.mjs', import.meta.url)), String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
const { ports, bytes } = JSON.parse(first) as { ports: number[]; bytes: number };
const dir = mkdtempSync(join(tmpdir(), 'promflux-bench-fleet-'));
const runtime = createRuntime({ dataDir: dir });
const targets = ports.map((p) => `"127.0.0.1:${p}"`).join(', ');
const scrapeSrc = `import "experimental/prometheus"\nprometheus.scrapeTargets(targets: [${targets}], concurrency: ${concurrency}, job: "bench")`;

// "run": the script run the way the scheduler runs a task (every result table read to its
// end, none held), the step statistics giving the rows. "store": the same pipeline ending in
// to() into the embedded store, what a real task would do (informational: the store's write
// cost is its own benchmark). "hold": every table of the result collected into one array
// (the first version of this benchmark: the garbage collector then walks 746k live tables).
const variants: [string, string, boolean][] = [
  ['run', scrapeSrc, false],
  ['store', `${scrapeSrc}\n    |> to(bucket: "fleet")`, false],
  ['hold', scrapeSrc, true],
];
// One variant per process by default: the store variant leaves a large heap behind (the
// store's index of 746k series) that slows whatever runs after it in the same process.
const only = process.argv[5] ?? 'run';
console.log(`fleet: ${n} targets x ${(bytes / 1024).toFixed(1)} KB, concurrency ${concurrency}, node ${process.version}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
// A pause before runs 3, 5, 7, ...: longer than the targets' keep-alive (5 s), those runs
// reconnect, as the runs of a task whose interval is longer than its targets' keep-alive do.
const pauseMs = Number(process.argv[6] ?? 0);
for (let r = 0; r < runs; r++) {
  if (pauseMs > 0 && r >= 2 && r % 2 === 0) {
    await new Promise((res) => setTimeout(res, pauseMs));
    console.log(`(paused ${pauseMs} ms)`);
  }
  for (const [name, src, hold] of variants) {
    if (only !== 'all' && only !== name) continue;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let tables = 0;
    let rows = 0;
    let up = 0;
    if (hold) {
      const res = await runtime.run(src, { name: 'bench.flux' });
      const all = await collectTables(asTableStream(res.results[0]!.value, '_result'));
      tables = all.length;
      for (const t of all) rows += t.length;
    } else {
      const res = await runtime.run(src, { name: 'bench.flux', drainResults: true });
      const scrape = res.stats.calls.find((c) => c.name.endsWith('scrapeTargets'));
      rows = scrape?.rowsOut ?? 0;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // up: one more (untimed) read of the targets' `up` series
    if (r === 0 && name === 'run') {
      const res = await runtime.run(`${scrapeSrc}\n    |> filter(fn: (r) => r._field == "up")`, { name: 'up.flux' });
      for (const t of await collectTables(asTableStream(res.results[0]!.value, '_result'))) {
        tables++;
        up += t.column(t.columnIndex('_value')).floats![0]!;
      }
    }
    const rss = process.memoryUsage().rss / 2 ** 20;
    // With --expose-gc: the heap that stays after a full collection (should not grow run to run).
    const gc = (globalThis as { gc?: () => void }).gc;
    let live = '';
    if (gc !== undefined) {
      gc();
      live = `, heap after GC ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`;
    }
    console.log(
      `${name} ${r + 1}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${rows} rows${hold ? `, ${tables} tables held` : ''}${up ? `, up ${up}/${n}` : ''}, ${((n * bytes) / 2 ** 20 / (ms / 1000)).toFixed(1)} MB/s, rss ${rss.toFixed(0)} MB${live}`,
    );
  }
}
await runtime.close();
child.stdin!.end();
rmSync(dir, { recursive: true, force: true });
