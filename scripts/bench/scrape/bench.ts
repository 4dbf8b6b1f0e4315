// Scrape benchmark (BENCHMARKS.md "Scrape"). Run by hand:
//
//   node --expose-gc --import tsx scripts/bench/scrape/bench.ts [samples=100000] [rounds=7]
//
// Serves a generated exposition (./generate.ts) from a local HTTP server and measures, in
// the same run and interleaved round by round:
//   scrape      promflux: HTTP GET + parse + every table made (key and _value read)
//   parse       promflux: parse + tables from the bytes already in memory
//   ppt         npm parse-prometheus-text-format on the same bytes (decoded to a string)
//   indexOf     a plain Buffer.indexOf('\n') line scan over the bytes (the scanning limit)
// and, in a child process, the peak resident memory added by one scrape (VmHWM after
// /proc/self/clear_refs) relative to the body size.
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createHttpClient } from '../../../src/host/http.js';
import { systemClock } from '../../../src/host/clock.js';
import { scrape, parseExposition, batchToTables } from '../../../src/scrape/index.js';
import type { Table } from '../../../src/table/index.js';
import { generateExposition } from './generate.js';

const samples = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 7);
const mode = process.argv[4];

function consume(tables: Iterable<Table>): number {
  let rows = 0;
  let sum = 0;
  for (const t of tables) {
    rows += t.length;
    sum += t.key.values.length;
    const v = t.column(3).floats!;
    sum += v.length;
  }
  return rows + (sum & 0);
}

async function serve(body: Buffer): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}/metrics`, close: () => new Promise((r) => server.close(() => r())) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function vmHwmKb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : 0;
}

async function memoryChild(url: string, bodyBytes: number): Promise<void> {
  const http = createHttpClient();
  // Warm up (code, agent, connection) so the measured scrape is steady-state.
  consume((await scrape(url, {}, { http, clock: systemClock })).tables.tables());
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage.rss();
  writeFileSync('/proc/self/clear_refs', '5');
  const r = await scrape(url, {}, { http, clock: systemClock });
  consume(r.tables.tables());
  const peak = vmHwmKb() * 1024;
  process.stdout.write(JSON.stringify({ peakDelta: peak - base, body: bodyBytes }) + '\n');
  await http.close();
}

async function main(): Promise<void> {
  const text = generateExposition(samples);
  const body = Buffer.from(text, 'utf8');
  const srv = await serve(body);
  if (mode === '--memory-child') {
    await memoryChild(srv.url, body.length);
    await srv.close();
    return;
  }
  const http = createHttpClient();
  const env = { http, clock: systemClock };
  const mb = body.length / 1e6;
  const t: Record<string, number[]> = { scrape: [], parse: [], ppt: [], indexOf: [] };
  let check = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    let t0 = performance.now();
    const res = await scrape(srv.url, {}, env);
    check = consume(res.tables.tables());
    const scrapeMs = performance.now() - t0;
    gc?.();
    t0 = performance.now();
    const batch = parseExposition(body, 'prometheus-text', srv.url);
    consume(batchToTables(batch, srv.url, 0n).tables());
    const parseMs = performance.now() - t0;
    gc?.();
    t0 = performance.now();
    const fams = parsePrometheusTextFormat(body.toString('utf8'));
    const pptMs = performance.now() - t0;
    t0 = performance.now();
    let lines = 0;
    for (let p = 0; ; ) {
      const e = body.indexOf(10, p);
      if (e < 0) break;
      lines++;
      p = e + 1;
    }
    const scanMs = performance.now() - t0;
    if (r === 0) {
      if (check !== samples) throw new Error(`tables hold ${check} rows, expected ${samples}`);
      if (!Array.isArray(fams) || lines < samples) throw new Error('baseline parse failed');
      continue; // warm-up round
    }
    t.scrape!.push(scrapeMs);
    t.parse!.push(parseMs);
    t.ppt!.push(pptMs);
    t.indexOf!.push(scanMs);
  }
  await http.close();
  await srv.close();
  const mem = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '1', '--memory-child', 'x'], {
      encoding: 'utf8',
    }).trim(),
  ) as { peakDelta: number; body: number };
  const m = (k: string) => median(t[k]!);
  const row = (name: string, ms: number) => `| ${name} | ${ms.toFixed(1)} ms | ${(mb / (ms / 1000)).toFixed(1)} MB/s |`;
  console.log(`exposition: ${samples} samples, ${body.length} bytes (${mb.toFixed(2)} MB); median of ${rounds} interleaved rounds (node ${process.versions.node})`);
  console.log('| what | time | throughput |');
  console.log('| --- | --- | --- |');
  console.log(row('promflux scrape to tables (HTTP + parse + tables)', m('scrape')));
  console.log(row('promflux parse to tables (bytes in memory)', m('parse')));
  console.log(row('parse-prometheus-text-format 1.1.1 (same bytes)', m('ppt')));
  console.log(row('Buffer.indexOf line scan (same bytes)', m('indexOf')));
  const ratios = t.ppt!.map((p, i) => p / t.scrape![i]!);
  console.log(`speed-up over parse-prometheus-text-format: ${median(ratios).toFixed(1)}x (scrape to tables, per-round median); ${median(t.ppt!.map((p, i) => p / t.parse![i]!)).toFixed(1)}x (parse to tables)`);
  console.log(`peak memory added by one scrape: ${(mem.peakDelta / 1e6).toFixed(1)} MB = ${(mem.peakDelta / mem.body).toFixed(2)}x the body`);
}

await main();
