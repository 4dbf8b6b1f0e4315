// Scrape benchmark (BENCHMARKS.md "Scrape"). Run by hand:
//
//   node --expose-gc --import tsx scripts/bench/scrape/bench.ts [samples=100000] [rounds=7]
//
// Serves a generated exposition (./generate.ts) from a local HTTP server and measures, in
// the same run and interleaved round by round:
//   scrape      promflux, as a scheduled scrape runs: HTTP GET + tables (key and _value of
//               every table read), with the runtime's scrape memo holding the target's
//               previous body; the target changes every number on every request
//   scrapeCold  the same without a memo (a target's first scrape): HTTP GET + full parse + tables
//   http        the HTTP GET alone (same client, body read into memory): the floor under scrape
//   parse       promflux: parse + tables from the bytes already in memory
//   parseOnly   promflux: parse into the columnar batch only (what the baseline does)
//   omParseOnly promflux: the same samples as OpenMetrics 1.0, parse only
//   ppt         npm parse-prometheus-text-format on the same bytes (decoded to a string), in a
//               child process of its own (see "baselineChild")
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
import { scrape, parseExposition, batchToTables, ScrapeMemo } from '../../../src/scrape/index.js';
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

/** Serves the bodies in turn: the same series every time, new numbers on every request. */
async function serve(bodies: Buffer[]): Promise<{ url: string; close: () => Promise<void> }> {
  let next = 0;
  const server = createServer((_req, res) => {
    const body = bodies[next++ % bodies.length]!;
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

/**
 * Peak memory added by one scrape (`memo`: with the scrape memo holding the previous body;
 * its own size is reported apart, it is held between scrapes).
 */
async function memoryChild(url: string, bodyBytes: number, withMemo: boolean): Promise<void> {
  const http = createHttpClient();
  const memo = withMemo ? new ScrapeMemo() : undefined;
  const env = { http, clock: systemClock, ...(memo ? { memo } : {}) };
  // Warm up (code, agent, connection; the memo: a scrape to fill it, one to read through it)
  // so the measured scrape is steady-state.
  for (let i = 0; i < (memo ? 2 : 1); i++) consume((await scrape(url, {}, env)).tables.tables());
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage.rss();
  writeFileSync('/proc/self/clear_refs', '5');
  consume((await scrape(url, {}, env)).tables.tables());
  const peak = vmHwmKb() * 1024;
  if (memo && memo.misses > 0) throw new Error('the memo missed');
  // What the memo holds between scrapes, measured: the heap and array buffers it keeps alive.
  const held = () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  let memoBytes = 0;
  const memoEstimate = memo?.size ?? 0;
  if (memo) {
    const before = held();
    memo.clear();
    memoBytes = before - held();
  }
  process.stdout.write(JSON.stringify({ peakDelta: peak - base, body: bodyBytes, memo: memoBytes, memoEstimate }) + '\n');
  await http.close();
}

/**
 * The baseline runs in a process of its own, one run per request (a line on stdin; it
 * answers with its wall and CPU time). In the measuring process its garbage (an object per
 * sample, about 100 MB a run) was collected during the steps after it, which costs a 20 ms
 * step a larger share than a 250 ms one; now each contender collects only its own.
 */
async function baselineChild(body: Buffer): Promise<void> {
  const text = () => body.toString('utf8');
  let pending = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    pending += chunk as string;
    while (pending.includes('\n')) {
      pending = pending.slice(pending.indexOf('\n') + 1);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      if (!Array.isArray(parsePrometheusTextFormat(text()))) throw new Error('baseline parse failed');
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      process.stdout.write(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000 }) + '\n');
    }
  }
}

function startBaseline(): { run: () => Promise<{ ms: number; cpu: number }>; close: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '0', '--baseline-child'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let waiting: ((r: { ms: number; cpu: number }) => void) | undefined;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out += d;
    const nl = out.indexOf('\n');
    if (nl >= 0 && waiting) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const w = waiting;
      waiting = undefined;
      w(JSON.parse(line) as { ms: number; cpu: number });
    }
  });
  return {
    run: () =>
      new Promise((resolve) => {
        waiting = resolve;
        child.stdin!.write('run\n');
      }),
    close: () => child.kill(),
  };
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
  if (mode === '--baseline-child') return baselineChild(body);
  if (mode === '--serve') {
    // Three bodies of one target: the same series, different numbers (values, timestamps).
    const s = await serve([body, Buffer.from(generateExposition(samples, 1, 2)), Buffer.from(generateExposition(samples, 1, 3))]);
    process.stdout.write(s.url + '\n');
    return; // the server keeps the process alive until killed
  }
  const srv = await serveInChild();
  if (mode === '--memory-child') {
    await memoryChild(srv.url, body.length, process.argv[5] === 'memo');
    await srv.close();
    return;
  }
  const http = createHttpClient();
  const env = { http, clock: systemClock };
  const mb = body.length / 1e6;
  const omBody = Buffer.from(toOpenMetrics(text), 'utf8');
  const memo = new ScrapeMemo();
  const memoEnv = { ...env, memo };
  const t: Record<string, number[]> = { scrape: [], scrapeCold: [], http: [], parse: [], parseOnly: [], omParseOnly: [], ppt: [], indexOf: [] };
  // CPU time (user + system) of this process for each step: the machines are shared, and
  // wall-clock time also counts the time other processes held the cores.
  const c: Record<string, number[]> = { scrape: [], scrapeCold: [], http: [], parse: [], parseOnly: [], omParseOnly: [], ppt: [], indexOf: [] };
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // The steps, run in a rotating order (round r starts at step r mod 8), so that the garbage
  // one promflux step leaves is collected during each step equally often. No forced GC
  // between steps: steady state, as a long-running process sees it. The baseline runs in a
  // process of its own (baselineChild), its turn in the same rotation.
  const baseline = startBaseline();
  let pptTime: { ms: number; cpu: number } | undefined;
  let check = 0;
  let checkCold = 0;
  let lines = 0;
  const steps: [string, () => Promise<void> | void][] = [
    [
      'scrape',
      async () => {
        const res = await scrape(srv.url, {}, memoEnv);
        check = consume(res.tables.tables());
      },
    ],
    [
      'scrapeCold',
      async () => {
        const res = await scrape(srv.url, {}, env);
        checkCold = consume(res.tables.tables());
      },
    ],
    [
      'http',
      async () => {
        const res = await http.get({ url: srv.url, headers: {}, timeoutMs: 10_000, maxBytes: 1 << 30 });
        if (Math.abs(res.body.length - body.length) > body.length / 100) throw new Error('short body');
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
      async () => {
        const r = await baseline.run();
        pptTime = r;
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
      let ms = performance.now() - t0;
      let cms = cpu() - c0;
      if (name === 'ppt') {
        // Timed in its own process (the request's round trip is not counted).
        ms = pptTime!.ms;
        cms = pptTime!.cpu;
      }
      if (r === 0) continue; // warm-up round
      t[name]!.push(ms);
      c[name]!.push(cms);
    }
    if (r === 0) {
      if (check !== samples || checkCold !== samples) throw new Error(`tables hold ${check} and ${checkCold} rows, expected ${samples}`);
      if (lines < samples) throw new Error('line scan failed');
    }
  }
  await http.close();
  await srv.close();
  baseline.close();
  // Every timed memo scrape after the first read its body through the memo.
  if (memo.misses > 0 || memo.hits < rounds) throw new Error(`the memo was used ${memo.hits} times and missed ${memo.misses} times`);
  const memChild = (how: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '1', '--memory-child', how], {
        encoding: 'utf8',
      }).trim(),
    ) as { peakDelta: number; body: number; memo: number; memoEstimate: number };
  const mem = memChild('memo');
  const memCold = memChild('cold');
  const row = (name: string, k: string, bytes = body.length) => {
    const wall = median(t[k]!);
    const cp = median(c[k]!);
    const m = bytes / 1e6;
    return `| ${name} | ${wall.toFixed(1)} ms | ${(m / (wall / 1000)).toFixed(1)} MB/s | ${cp.toFixed(1)} ms | ${(m / (cp / 1000)).toFixed(1)} MB/s |`;
  };
  console.log(`exposition: ${samples} samples, ${body.length} bytes (${mb.toFixed(2)} MB); median of ${rounds} interleaved rounds (node ${process.versions.node}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  console.log('| what | wall time | wall MB/s | CPU time | CPU MB/s |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('promflux scrape to tables, repeated (HTTP + tables; the memo holds the previous body)', 'scrape'));
  console.log(row('promflux scrape to tables, first (HTTP + parse + tables; no memo)', 'scrapeCold'));
  console.log(row('HTTP GET alone (the same undici client, body read, no parse)', 'http'));
  console.log(row('promflux parse to tables (bytes in memory)', 'parse'));
  console.log(row('promflux parse only (bytes to the columnar sample batch, no tables)', 'parseOnly'));
  console.log(row(`promflux OpenMetrics parse only (the same samples as OpenMetrics 1.0: ${omBody.length} bytes)`, 'omParseOnly', omBody.length));
  console.log(row('parse-prometheus-text-format 1.1.1 (same bytes, in a process of its own)', 'ppt'));
  console.log(row('Buffer.indexOf line scan (same bytes)', 'indexOf'));
  const ratio = (x: Record<string, number[]>, a: string) => median(x.ppt!.map((p, i) => p / x[a]![i]!)).toFixed(1);
  console.log(`speed-up over parse-prometheus-text-format (per-round median): repeated scrape to tables ${ratio(t, 'scrape')}x wall, ${ratio(c, 'scrape')}x CPU; first scrape to tables ${ratio(t, 'scrapeCold')}x wall, ${ratio(c, 'scrapeCold')}x CPU; parse to tables ${ratio(t, 'parse')}x wall, ${ratio(c, 'parse')}x CPU; parse only ${ratio(t, 'parseOnly')}x wall, ${ratio(c, 'parseOnly')}x CPU`);
  console.log(`peak memory added by one scrape: repeated ${(mem.peakDelta / 1e6).toFixed(1)} MB = ${(mem.peakDelta / mem.body).toFixed(2)}x the body (the memo holds ${(mem.memo / 1e6).toFixed(1)} MB between scrapes = ${(mem.memo / mem.body).toFixed(2)}x, measured; its own estimate ${(mem.memoEstimate / 1e6).toFixed(1)} MB); first ${(memCold.peakDelta / 1e6).toFixed(1)} MB = ${(memCold.peakDelta / memCold.body).toFixed(2)}x the body`);
}

await main();
