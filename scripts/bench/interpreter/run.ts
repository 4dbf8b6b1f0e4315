// Interpreter benchmark: scalar-heavy Flux programs, each measured beside the equivalent
// plain JavaScript in the same process (the ratio is the number to compare across runs).
//
//   node --import tsx scripts/bench/interpreter/run.ts
//
// Programs are parsed once; the time is checks + evaluation.
// Cases: a recursive function (fib), string building over array.map + strings.joinStr,
// and a closure called once per element (the shape of a row function).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, parse } from '../../../src/index.js';

// The scalar programs write nothing; the data directory is a fresh temporary one anyway.
const rt = createRuntime({ dataDir: mkdtempSync(join(tmpdir(), 'promflux-bench-')) });

async function time(fn: () => Promise<unknown> | unknown, reps: number): Promise<number> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

// Array literals stay at 2,000 elements: parsing much larger literals is slow (see BENCHMARKS.md).
const N = 2_000;
const arrayLiteral = `[${Array.from({ length: N }, (_, i) => i).join(', ')}]`;

const cases: { name: string; flux: string; js: () => unknown; reps: number }[] = [
  {
    name: 'fib(n: 20) recursive',
    flux: 'fib = (n) => if n < 2 then n else fib(n: n - 1) + fib(n: n - 2)\nfib(n: 20)',
    js: () => {
      const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
      return fib(20);
    },
    reps: 7,
  },
  {
    name: `string building: array.map over ${N} ints + joinStr`,
    flux: `import "array"\nimport "strings"\nxs = ${arrayLiteral}\nparts = xs |> array.map(fn: (x) => "item-\${x}:" + strings.toUpper(v: "v") + string(v: x * 2))\nstrings.strlen(v: strings.joinStr(arr: parts, v: ","))`,
    js: () => {
      const xs = Array.from({ length: N }, (_, i) => BigInt(i));
      return xs.map((x) => `item-${x}:` + 'v'.toUpperCase() + String(x * 2n)).join(',').length;
    },
    reps: 7,
  },
  {
    name: `closure per element: array.filter over ${N} ints`,
    flux: `import "array"\nxs = ${arrayLiteral}\nlimit = 10000\nlength(arr: xs |> array.filter(fn: (x) => x % 3 == 0 and x < limit))`,
    js: () => {
      const xs = Array.from({ length: N }, (_, i) => BigInt(i));
      return xs.filter((x) => x % 3n === 0n && x < 10000n).length;
    },
    reps: 7,
  },
];

const rows: string[] = [];
for (const c of cases) {
  // Parse once: the timing covers the checks and the evaluation, not the parser.
  const { file, diagnostics } = parse(c.flux, 'bench.flux');
  if (diagnostics.length) throw diagnostics[0];
  const fluxMs = await time(() => rt.runFile(file), c.reps);
  const jsMs = await time(c.js, c.reps);
  rows.push(`| ${c.name} | ${fluxMs.toFixed(2)} | ${jsMs.toFixed(3)} | ${(fluxMs / jsMs).toFixed(0)}x |`);
}
console.log('| case | promflux (ms, median) | plain JS (ms, median) | ratio |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
