// Mutation fuzzing, bounded in time: thousands of mutated valid scripts go through parse().
// Contract under test: no exception, no hang, no internal error, at most one parse, and every
// diagnostic has a span inside the input.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWithStats } from '../../src/lang/index.js';
import { FIXTURES, listFiles } from './support.js';
import { rng } from '../support/rng.js';


const PIECES = [
  '(', ')', '[', ']', '{', '}', '"', '${', '/', '\\', '|>', '<-', '=>', '=', '==', '-', '+', '*', '^', ',', ':', '.',
  '\n', ' ', '//', 'if', 'then', 'else', 'and', 'not', 'exists', 'with', 'option', 'builtin', 'testcase', 'import',
  'return', '1h', '1.5', '99999999999999999999', '2024-01-01T00:00:00Z', '2024-13-01', 'µs', '\\x', 'x', '@', '#',
  '\t', '\r\n', '?', 'where', 'stream[', '[:]',
];

function mutate(src: string, rand: () => number): string {
  let s = src;
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(rand() * (s.length + 1));
    const op = rand();
    if (op < 0.35) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(rand() * 8));
    else if (op < 0.7) s = s.slice(0, pos) + PIECES[Math.floor(rand() * PIECES.length)]! + s.slice(pos);
    else if (op < 0.85) {
      const from = Math.floor(rand() * s.length);
      s = s.slice(0, pos) + s.slice(from, from + Math.floor(rand() * 20)) + s.slice(pos);
    } else s = s.slice(0, pos); // truncation: incomplete input
  }
  return s;
}

describe('parser mutation fuzz', () => {
  const corpus = [
    ...listFiles(join(FIXTURES, 'syntax'), '.flux'),
    ...listFiles(join(FIXTURES, 'realistic'), '.flux'),
  ].map((f) => readFileSync(f, 'utf8'));

  it('survives thousands of mutated scripts within a time budget', () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261122);
    const rand = rng(seed);
    const budgetMs = Number(process.env.FUZZ_MS ?? 4000);
    const deadline = performance.now() + budgetMs;
    let runs = 0;
    let withErrors = 0;
    let slowest = 0;
    while (performance.now() < deadline || runs < 1000) {
      const base = corpus[Math.floor(rand() * corpus.length)]!;
      const input = mutate(base, rand);
      const t0 = performance.now();
      let r;
      try {
        r = parseWithStats(input, 'fuzz.flux');
      } catch (e) {
        assert.fail(`parse threw on input (seed ${seed}, run ${runs}): ${JSON.stringify(input)}: ${String(e)}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
      assert.ok(r.parseCount <= 1, `ambiguous parse (${r.parseCount}) of ${JSON.stringify(input)}`);
      if (r.diagnostics.length > 0) withErrors++;
      for (const d of r.diagnostics) {
        assert.notEqual(d.id, 'internal', `internal error on ${JSON.stringify(input)}: ${d.message}`);
        assert.ok(d.span, `diagnostic without span on ${JSON.stringify(input)}`);
        const { start, end } = d.span;
        assert.ok(
          start.offset >= 0 && start.offset <= end.offset && end.offset <= input.length,
          `span ${start.offset}-${end.offset} outside input of length ${input.length}: ${JSON.stringify(input)}`,
        );
        assert.ok(start.line >= 1 && start.column >= 1);
      }
      runs++;
    }
    assert.ok(runs >= 1000, `ran ${runs} mutations`);
    assert.ok(withErrors > runs / 4, `mutations produced errors (${withErrors}/${runs})`);
    assert.ok(slowest < 2000, `no single parse took near a hang (${slowest.toFixed(0)} ms)`);
  });
});
