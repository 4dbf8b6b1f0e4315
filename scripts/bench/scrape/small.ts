// Many small scrapes: parse + tables of one node-exporter-like body (about 50 KB, the body the
// fleet benchmark's targets serve: scripts/bench/fleet/targets-server.mjs), 1,000 times per
// round, from memory (no HTTP). What a fleet run or a busy task process does per target.
//
//   node --import tsx scripts/bench/scrape/small.ts [rounds=8]
import { readFileSync } from 'node:fs';
import { parseExposition, batchToTables } from '../../../src/scrape/index.js';

const rounds = Number(process.argv[2] ?? 8);
// The generator function of the fleet's target server, taken from its source.
const src = readFileSync(new URL('../fleet/targets-server.mjs', import.meta.url), 'utf8');
const start = src.indexOf('function exposition');
const end = src.indexOf('\n}\n', start) + 3;
const exposition = new Function(`${src.slice(start, end)}; return exposition;`)() as (seed: number) => string;
const body = Buffer.from(exposition(7));
let rows = 0;
const cpu: number[] = [];
for (let r = 0; r < rounds + 1; r++) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < 1000; i++) {
    const batch = parseExposition(body, 'prometheus-text', 'http://target/metrics');
    for (const t of batchToTables(batch, 'http://target/metrics', 0n).tables()) rows += t.length + (t.column(3).floats!.length & 0);
  }
  const c = process.cpuUsage(c0);
  if (r > 0) cpu.push((c.user + c.system) / 1000);
}
cpu.sort((a, b) => a - b);
console.log(`body ${body.length} bytes, ${rows / (rounds + 1) / 1000} rows; 1,000 parses + tables per round: CPU best ${cpu[0]!.toFixed(0)} ms, median ${cpu[Math.floor(cpu.length / 2)]!.toFixed(0)} ms (${rounds} rounds after a warm-up)`);
