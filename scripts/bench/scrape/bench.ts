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
//   memoParse   promflux: the same through a scrape memo, bodies with new numbers each time
//   omParse, omMemoParse, omParseOnly
//               the same samples as OpenMetrics 1.0: parse + tables, through a memo, parse only
//   ppt         npm parse-prometheus-text-format on the same bytes (decoded to a string)
//   indexOf     a plain Buffer.indexOf('\n') line scan over the bytes (the scanning limit)
// Design: each step runs in a process of its own, as a task process scraping one target
// would, and the parent asks them in turn (one at a time, rotating order). In one shared
// process a step's garbage collection also collected the garbage of the steps before it
// (the baseline makes about 100 MB a run), which cost a 20 ms step a larger share than a
// 250 ms one. The HTTP target runs in a child process too. Also measured, in another child
// process, the peak resident memory added by one scrape (VmHWM after /proc/self/clear_refs)
// relative to the body size, and what the scrape memo holds between scrapes.
import { createServer } from 'node:http';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createHttpClient } from '../../../src/host/http.js';
import { systemClock } from '../../../src/host/clock.js';
import { scrape, parseExposition, batchToTables, bodyToTables, ScrapeMemo, type ExpositionFormat } from '../../../src/scrape/index.js';
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
  // In a function of its own: a suspended async frame may keep its temporaries (the last
  // scrape's tables, and through them the memo's layout) alive.
  const scrapeOnce = async () => void consume((await scrape(url, {}, env)).tables.tables());
  // Warm up (code, agent, connection; the memo: a scrape to fill it, one to read through it)
  // so the measured scrape is steady-state.
  for (let i = 0; i < (memo ? 2 : 1); i++) await scrapeOnce();
  (globalThis as { gc?: () => void }).gc?.();
  // The high-water mark reset to the resident size now, and read back as the base (reading
  // the resident size first raced with the collector's threads giving pages back).
  writeFileSync('/proc/self/clear_refs', '5');
  const base = vmHwmKb() * 1024;
  await scrapeOnce();
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

interface StepResult {
  ms: number;
  cpu: number;
  /** What the step read (rows, samples, lines, bytes), checked by the parent. */
  check: number;
  /** A scrape step: whether its body was read through the memo. */
  reused?: boolean;
}

/** The steps, each run in a process of its own (see "Design" at the top). */
function stepFunctions(url: string, body: Buffer, omBody: Buffer): Record<string, () => Promise<{ check: number; reused?: boolean }> | { check: number }> {
  const http = createHttpClient();
  const memo = new ScrapeMemo();
  // Bodies in memory with new numbers each time (as the target serves them), read through a
  // memo: the parse-level cost of a repeated scrape, in both formats.
  let next = 0;
  const variants = (format: ExpositionFormat) => [1, 2, 3].map((v) => (v === 1 ? (format === 'openmetrics' ? omBody : body) : Buffer.from(format === 'openmetrics' ? toOpenMetrics(generateExposition(samples, 1, v)) : generateExposition(samples, 1, v))));
  const inMemory: Partial<Record<ExpositionFormat, Buffer[]>> = {};
  const memoParse = (format: ExpositionFormat) => {
    const bodies = (inMemory[format] ??= variants(format));
    const r = bodyToTables(bodies[next++ % 3]!, format, url, 0n, memo);
    return { check: consume(r.tables.tables()), reused: r.reused };
  };
  return {
    scrape: async () => {
      const r = await scrape(url, {}, { http, clock: systemClock, memo });
      return { check: consume(r.tables.tables()), reused: r.reused };
    },
    scrapeCold: async () => ({ check: consume((await scrape(url, {}, { http, clock: systemClock })).tables.tables()) }),
    http: async () => ({ check: (await http.get({ url, headers: {}, timeoutMs: 10_000, maxBytes: 1 << 30 })).body.length }),
    parse: () => ({ check: consume(batchToTables(parseExposition(body, 'prometheus-text', url), url, 0n).tables()) }),
    memoParse: () => memoParse('prometheus-text'),
    omParse: () => ({ check: consume(batchToTables(parseExposition(omBody, 'openmetrics', url), url, 0n).tables()) }),
    omMemoParse: () => memoParse('openmetrics'),
    parseOnly: () => ({ check: parseExposition(body, 'prometheus-text', url).length }),
    omParseOnly: () => ({ check: parseExposition(omBody, 'openmetrics', url).length }),
    ppt: () => ({ check: (parsePrometheusTextFormat(body.toString('utf8')) as unknown[]).length }),
    indexOf: () => {
      let lines = 0;
      for (let p = 0; ; ) {
        const e = body.indexOf(10, p);
        if (e < 0) break;
        lines++;
        p = e + 1;
      }
      return { check: lines };
    },
  };
}

/** A step's process: one run of step `name` per line on stdin, answered with a StepResult line. */
async function stepChild(name: string, url: string, body: Buffer, omBody: Buffer): Promise<void> {
  const fn = stepFunctions(url, body, omBody)[name]!;
  let pending = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    pending += chunk as string;
    while (pending.includes('\n')) {
      pending = pending.slice(pending.indexOf('\n') + 1);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await fn();
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      process.stdout.write(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000, ...r }) + '\n');
    }
  }
}

/** Every child process, stopped when this process exits (also after an error). */
const spawned: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of spawned) child.kill();
});

function startStep(name: string, url: string): { run: () => Promise<StepResult>; close: () => void; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '0', '--step', name, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  spawned.push(child);
  let out = '';
  let waiting: ((r: StepResult) => void) | undefined;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out += d;
    const nl = out.indexOf('\n');
    if (nl >= 0 && waiting) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const w = waiting;
      waiting = undefined;
      w(JSON.parse(line) as StepResult);
    }
  });
  const run = () =>
    new Promise<StepResult>((resolve) => {
      waiting = resolve;
      child.stdin!.write('run\n');
    });
  // Ten runs before any is timed, in every step's process alike: a task process runs for days,
  // and the first runs of a process are slower (the JIT compiles, the heap finds its size;
  // the repeated scrape took 47-69 ms in its first ten runs and 18-24 ms after).
  const warmUp = async () => {
    for (let i = 0; i < 10; i++) await run();
  };
  return { run, close: () => child.kill(), ready: warmUp() };
}

/** The target runs in a child process, so its CPU time is not counted as the scraper's. */
async function serveInChild(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '0', '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  spawned.push(child);
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
  if (mode === '--step') return stepChild(process.argv[5]!, process.argv[6]!, body, Buffer.from(toOpenMetrics(text), 'utf8'));
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
  const mb = body.length / 1e6;
  const omBody = Buffer.from(toOpenMetrics(text), 'utf8');
  const names = ['scrape', 'scrapeCold', 'http', 'parse', 'memoParse', 'parseOnly', 'omParse', 'omMemoParse', 'omParseOnly', 'ppt', 'indexOf'];
  // Wall and CPU times of the runs without a pause (t, c) and of the first run of each turn.
  const t: Record<string, number[]> = {};
  const tIdle: Record<string, number[]> = {};
  const cIdle: Record<string, number[]> = {};
  // CPU time (user + system) of each step's process: the machines are shared, and wall-clock
  // time also counts the time other processes held the cores.
  const c: Record<string, number[]> = {};
  // Each step in a process of its own, started one after the other (each makes the body and
  // runs its step ten times, the first of which fills the memo of the repeated scrape).
  const children: Record<string, ReturnType<typeof startStep>> = {};
  for (const n of names) {
    t[n] = [];
    c[n] = [];
    tIdle[n] = [];
    cIdle[n] = [];
    children[n] = startStep(n, srv.url);
    await children[n].ready;
  }
  let reusedCount = 0;
  // Rounds in a rotating order (round r starts at step r mod the number of steps); one step runs at a time.
  for (let r = 0; r < rounds + 1; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      // A turn: three runs back to back. The first comes after the other steps' turns (its
      // process idle for about a second, as a task's between two scrapes); the other two are
      // a process working without a pause.
      for (let run = 0; run < 3; run++) {
        const res = await children[name]!.run();
        if (r === 0) {
          // Warm-up round: check what each step read.
          const expect: Record<string, (x: number) => boolean> = {
            scrape: (x) => x === samples,
            scrapeCold: (x) => x === samples,
            http: (x) => Math.abs(x - body.length) < body.length / 100,
            parse: (x) => x === samples,
            memoParse: (x) => x === samples,
            omParse: (x) => x === samples,
            omMemoParse: (x) => x === samples,
            parseOnly: (x) => x === samples,
            omParseOnly: (x) => x === samples,
            ppt: (x) => x > 0,
            indexOf: (x) => x >= samples,
          };
          if (!expect[name]!(res.check)) throw new Error(`${name} read ${res.check}`);
          continue;
        }
        if ((name === 'scrape' || name === 'memoParse' || name === 'omMemoParse') && res.reused) reusedCount++;
        (run === 0 ? tIdle : t)[name]!.push(res.ms);
        (run === 0 ? cIdle : c)[name]!.push(res.cpu);
      }
    }
  }
  for (const n of names) children[n]!.close();
  await srv.close();
  // Every timed repeated scrape read its body through the memo.
  if (reusedCount !== 9 * rounds) throw new Error(`only ${reusedCount} of ${9 * rounds} repeated scrapes and parses were read through the memo`);
  const memChild = (how: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(samples), '1', '--memory-child', how], {
        encoding: 'utf8',
      }).trim(),
    ) as { peakDelta: number; body: number; memo: number; memoEstimate: number };
  const mem = memChild('memo');
  const memCold = memChild('cold');
  const row = (name: string, k: string, bytes = body.length) => {
    const m = bytes / 1e6;
    const cell = (ms: number) => `${ms.toFixed(1)} ms = ${(m / (ms / 1000)).toFixed(1)} MB/s`;
    return `| ${name} | ${cell(median(t[k]!))} | ${median(c[k]!).toFixed(1)} ms | ${cell(median(tIdle[k]!))} | ${median(cIdle[k]!).toFixed(1)} ms |`;
  };
  console.log(`exposition: ${samples} samples, ${body.length} bytes (${mb.toFixed(2)} MB); ${rounds} interleaved rounds, each step in a process of its own, three runs a turn (node ${process.versions.node}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  console.log('| what | busy: wall (median) | busy: CPU | after a pause: wall | after a pause: CPU |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('promflux scrape to tables, repeated (HTTP + tables; the memo holds the previous body)', 'scrape'));
  console.log(row('promflux scrape to tables, first (HTTP + parse + tables; no memo)', 'scrapeCold'));
  console.log(row('HTTP GET alone (the same undici client, body read, no parse)', 'http'));
  console.log(row('promflux parse to tables (bytes in memory)', 'parse'));
  console.log(row('promflux parse to tables through the memo (bytes in memory, new numbers each time)', 'memoParse'));
  console.log(row('promflux parse only (bytes to the columnar sample batch, no tables)', 'parseOnly'));
  console.log(row(`promflux OpenMetrics parse to tables (the same samples as OpenMetrics 1.0: ${omBody.length} bytes)`, 'omParse', omBody.length));
  console.log(row('promflux OpenMetrics parse to tables through the memo (new numbers each time)', 'omMemoParse', omBody.length));
  console.log(row('promflux OpenMetrics parse only', 'omParseOnly', omBody.length));
  console.log(row('parse-prometheus-text-format 1.1.1 (same bytes)', 'ppt'));
  console.log(row('Buffer.indexOf line scan (same bytes)', 'indexOf'));
  // Ratios per pair of runs (the same round and position in the turn), then the median.
  const ratio = (x: Record<string, number[]>, a: string) => median(x.ppt!.map((p, i) => p / x[a]![i]!)).toFixed(1);
  const ratios = (x: Record<string, number[]>, y: Record<string, number[]>) =>
    `repeated scrape to tables ${ratio(x, 'scrape')}x wall, ${ratio(y, 'scrape')}x CPU; first scrape to tables ${ratio(x, 'scrapeCold')}x wall, ${ratio(y, 'scrapeCold')}x CPU; parse to tables ${ratio(x, 'parse')}x wall, ${ratio(y, 'parse')}x CPU; parse only ${ratio(x, 'parseOnly')}x wall, ${ratio(y, 'parseOnly')}x CPU`;
  console.log(`speed-up over parse-prometheus-text-format (median of per-run ratios), busy: ${ratios(t, c)}`);
  console.log(`after a pause: ${ratios(tIdle, cIdle)}`);
  console.log(`peak memory added by one scrape: repeated ${(mem.peakDelta / 1e6).toFixed(1)} MB = ${(mem.peakDelta / mem.body).toFixed(2)}x the body (the memo holds ${(mem.memo / 1e6).toFixed(1)} MB between scrapes = ${(mem.memo / mem.body).toFixed(2)}x, measured; its own estimate ${(mem.memoEstimate / 1e6).toFixed(1)} MB); first ${(memCold.peakDelta / 1e6).toFixed(1)} MB = ${(memCold.peakDelta / memCold.body).toFixed(2)}x the body`);
}

await main();
