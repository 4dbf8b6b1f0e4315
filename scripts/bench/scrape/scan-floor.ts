// What one pass over the benchmark body costs, whatever is done with the bytes (BENCHMARKS.md,
// "Scrape"). Run by hand:
//
//   node --import tsx scripts/bench/scrape/scan-floor.ts [samples=100000] [rounds=20]
//
// Fastest of `rounds` for: finding every line end with Buffer#indexOf (memchr) and with
// Uint8Array#indexOf, and a plain JavaScript loop reading every byte once (counting "\n"),
// beside parse-prometheus-text-format on the same bytes (the baseline). A parser
// written in JavaScript that looks at every byte cannot be faster than the loop.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { generateExposition } from './generate.js';

const samples = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 20);
const body = Buffer.from(generateExposition(samples), 'utf8');
const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
const text = body.toString('utf8');

function lineEnds(a: Uint8Array | Buffer): number {
  let n = 0;
  for (let p = 0; ; ) {
    const e = a.indexOf(10, p);
    if (e < 0) return n;
    n++;
    p = e + 1;
  }
}

function byteLoop(a: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === 10) n++;
  return n;
}

const cases: [string, () => number][] = [
  ['Buffer#indexOf line ends (memchr)', () => lineEnds(body)],
  ['Uint8Array#indexOf line ends', () => lineEnds(bytes)],
  ['JavaScript loop reading every byte', () => byteLoop(bytes)],
  ['parse-prometheus-text-format 1.1.1', () => parsePrometheusTextFormat(text).length],
];
console.log(`body: ${body.length} bytes, ${samples} samples; fastest of ${rounds} (node ${process.versions.node})`);
console.log('| what | fastest | MB/s |');
console.log('| --- | ---: | ---: |');
for (const [name, fn] of cases) {
  let best = Infinity;
  let check = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    check = fn();
    best = Math.min(best, performance.now() - t0);
  }
  if (!(check > 0)) throw new Error(`${name}: nothing found`);
  console.log(`| ${name} | ${best.toFixed(2)} ms | ${(body.length / 1e3 / best).toFixed(0)} |`);
}
