// Fleet benchmark: one prometheus.scrapeTargets call over N local targets (about 50 KB of
// exposition each), concurrency C. Targets are served by a child process so that the
// scraper's CPU is measured alone.
//
//   node --import tsx scripts/bench/fleet/bench.ts [targets=1000] [concurrency=64] [runs=3]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const src = `import "experimental/prometheus"\nprometheus.scrapeTargets(targets: [${targets}], concurrency: ${concurrency}, job: "bench")`;

console.log(`fleet: ${n} targets x ${(bytes / 1024).toFixed(1)} KB, concurrency ${concurrency}, node ${process.version}`);
for (let r = 0; r < runs; r++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await runtime.run(src, { name: 'bench.flux' });
  const tables = await collectTables(asTableStream(res.results[0]!.value, '_result'));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let rows = 0;
  let up = 0;
  for (const t of tables) {
    rows += t.length;
    const f = t.key.values[t.key.columns.findIndex((c) => c.name === '_field')];
    if (f === 'up') up += t.column(t.columnIndex('_value')).floats![0]!;
  }
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(
    `run ${r + 1}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${tables.length} tables, ${rows} rows, up ${up}/${n}, ${((n * bytes) / 2 ** 20 / (ms / 1000)).toFixed(1)} MB/s, rss ${rss.toFixed(0)} MB`,
  );
}
await runtime.close();
child.stdin!.end();
rmSync(dir, { recursive: true, force: true });
