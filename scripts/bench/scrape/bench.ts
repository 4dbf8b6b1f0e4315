// Scrape benchmark (BENCHMARKS.md "Scrape"). Run by hand:
//
//   node --expose-gc --import tsx scripts/bench/scrape/bench.ts [samples=100000] [rounds=7]
//
// Serves a generated exposition (./generate.ts) from a local HTTP server and measures, in
// the same run and interleaved round by round:
//   scrape      promflux: HTTP GET + parse + every table made (key and _value read)
//   http        the HTTP GET alone (same client, body read into memory): the floor under scrape
//   parse       promflux: parse + tables from the bytes already in memory
//   parseOnly   promflux: parse into the columnar batch only (what the baseline does)
//   omParseOnly promflux: the same samples as OpenMetrics 1.0, parse only
//   ppt         npm parse-prometheus-text-format on the same bytes (decoded to a string)
//   indexOf     a plain Buffer.indexOf('\n') line scan over the bytes (the scanning limit)
// The HTTP target runs in a child process. Also measured, in another child process, the peak resident memory added by one scrape (VmHWM after
// /proc/self/clear_refs) relative to the body size.
import { createServer } from 'node:http';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createHttpClient } from '../../../src/host/http.js';
import { systemClock } from '../../../src/host/clock.js';
import { scrape, parseExposition, batchToTables } from '../../../src/scrape/index.js';
import type { Table } from '../../../src/table/index.js';
import { generateExposition, toOpenMetrics } from './generate.js';

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

/** The target runs in a child process, so its CPU time is not counted as the scraper's. */
async function serveInChild(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '0', '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\S+)\n/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    close: async () => {
      child.kill();
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function main(): Promise<void> {
  const text = generateExposition(samples);
  const body = Buffer.from(text, 'utf8');
  if (mode === '--serve') {
    const s = await serve(body);
    process.stdout.write(s.url + '\n');
    return; // the server keeps the process alive until killed
  }
  const srv = await serveInChild();
  if (mode === '--memory-child') {
    await memoryChild(srv.url, body.length);
    await srv.close();
    return;
  }
  const http = createHttpClient();
  const env = { http, clock: systemClock };
  const mb = body.length / 1e6;
  const omBody = Buffer.from(toOpenMetrics(text), 'utf8');
  const t: Record<string, number[]> = { scrape: [], http: [], parse: [], parseOnly: [], omParseOnly: [], ppt: [], indexOf: [] };
  // CPU time (user + system) of this process for each step: the machines are shared, and
  // wall-clock time also counts the time other processes held the cores.
  const c: Record<string, number[]> = { scrape: [], http: [], parse: [], parseOnly: [], omParseOnly: [], ppt: [], indexOf: [] };
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // The steps, run in a rotating order (round r starts at step r mod 7), so that the garbage
  // one step leaves (the baseline makes an object per sample) is collected during each step
  // equally often. No forced GC between steps: steady state, as a long-running process sees it.
  let check = 0;
  let lines = 0;
  const steps: [string, () => Promise<void> | void][] = [
    [
      'scrape',
      async () => {
        const res = await scrape(srv.url, {}, env);
        check = consume(res.tables.tables());
      },
    ],
    [
      'http',
      async () => {
        const res = await http.get({ url: srv.url, headers: {}, timeoutMs: 10_000, maxBytes: 1 << 30 });
        if (res.body.length !== body.length) throw new Error('short body');
      },
    ],
    ['parse', () => void consume(batchToTables(parseExposition(body, 'prometheus-text', srv.url), srv.url, 0n).tables())],
    [
      'parseOnly',
      () => {
        if (parseExposition(body, 'prometheus-text', srv.url).length !== samples) throw new Error('parse lost samples');
      },
    ],
    [
      'omParseOnly',
      () => {
        if (parseExposition(omBody, 'openmetrics', srv.url).length !== samples) throw new Error('OpenMetrics parse lost samples');
      },
    ],
    [
      'ppt',
      () => {
        if (!Array.isArray(parsePrometheusTextFormat(body.toString('utf8')))) throw new Error('baseline parse failed');
      },
    ],
    [
      'indexOf',
      () => {
        lines = 0;
        for (let p = 0; ; ) {
          const e = body.indexOf(10, p);
          if (e < 0) break;
          lines++;
          p = e + 1;
        }
      },
    ],
  ];
  for (let r = 0; r < rounds + 1; r++) {
    for (let k = 0; k < steps.length; k++) {
      const [name, fn] = steps[(r + k) % steps.length]!;
      const t0 = performance.now();
      const c0 = cpu();
      await fn();
      const ms = performance.now() - t0;
      const cms = cpu() - c0;
      if (r === 0) continue; // warm-up round
      t[name]!.push(ms);
      c[name]!.push(cms);
    }
    if (r === 0) {
      if (check !== samples) throw new Error(`tables hold ${check} rows, expected ${samples}`);
      if (lines < samples) throw new Error('line scan failed');
    }
  }
  await http.close();
  await srv.close();
  const mem = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '1', '--memory-child', 'x'], {
      encoding: 'utf8',
    }).trim(),
  ) as { peakDelta: number; body: number };
  const row = (name: string, k: string, bytes = body.length) => {
    const wall = median(t[k]!);
    const cp = median(c[k]!);
    const m = bytes / 1e6;
    return `| ${name} | ${wall.toFixed(1)} ms | ${(m / (wall / 1000)).toFixed(1)} MB/s | ${cp.toFixed(1)} ms | ${(m / (cp / 1000)).toFixed(1)} MB/s |`;
  };
  console.log(`exposition: ${samples} samples, ${body.length} bytes (${mb.toFixed(2)} MB); median of ${rounds} interleaved rounds (node ${process.versions.node}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  console.log('| what | wall time | wall MB/s | CPU time | CPU MB/s |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('promflux scrape to tables (HTTP + parse + tables)', 'scrape'));
  console.log(row('HTTP GET alone (the same undici client, body read, no parse)', 'http'));
  console.log(row('promflux parse to tables (bytes in memory)', 'parse'));
  console.log(row('promflux parse only (bytes to the columnar sample batch, no tables)', 'parseOnly'));
  console.log(row(`promflux OpenMetrics parse only (the same samples as OpenMetrics 1.0: ${omBody.length} bytes)`, 'omParseOnly', omBody.length));
  console.log(row('parse-prometheus-text-format 1.1.1 (same bytes)', 'ppt'));
  console.log(row('Buffer.indexOf line scan (same bytes)', 'indexOf'));
  const ratio = (x: Record<string, number[]>, a: string) => median(x.ppt!.map((p, i) => p / x[a]![i]!)).toFixed(1);
  console.log(`speed-up over parse-prometheus-text-format (per-round median): scrape to tables ${ratio(t, 'scrape')}x wall, ${ratio(c, 'scrape')}x CPU; parse to tables ${ratio(t, 'parse')}x wall, ${ratio(c, 'parse')}x CPU; parse only ${ratio(t, 'parseOnly')}x wall, ${ratio(c, 'parseOnly')}x CPU`);
  console.log(`peak memory added by one scrape: ${(mem.peakDelta / 1e6).toFixed(1)} MB = ${(mem.peakDelta / mem.body).toFixed(2)}x the body`);
}

await main();
