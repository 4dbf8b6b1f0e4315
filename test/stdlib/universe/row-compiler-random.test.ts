// The row compiler against the interpreter on random expressions: record functions
// `(r) => ({y: <expr>})` and predicates `(r) => <bool expr>` built from every column type,
// the operators, conversions, conditionals, `exists`, regular expressions and
// strings.hasPrefix, and/or/not over nullable operands, over a table with nulls, NaN, ±Inf, -0, int64/uint64 extremes and
// strings with Unicode white space. Where an expression compiles (and does not hand over to
// the interpreter at run time), every cell must equal the interpreter's value. A failure
// prints the expression and the row.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordValue, isFunction } from '../../../src/values/value.js';
import type { FunctionValue, Value } from '../../../src/values/value.js';
import { valuesEqual } from '../../../src/values/compare.js';
import type { NativeContext } from '../../../src/runtime/builtin-api.js';
import { ColBuilder, cellValue } from '../../../src/stdlib/universe/lib/columns.js';
import type { Frame } from '../../../src/stdlib/universe/lib/frame.js';
import { predicateMask } from '../../../src/stdlib/universe/filter.js';
import { callRow, compilePredicate, compileRecordFn, isFallback, rowRecord } from '../../../src/stdlib/universe/row-compiler.js';
import { rng } from '../../support/rng.js';
import { runtime } from '../../interpreter/flux.js';

const ctx = { name: 'filter', span: undefined, source: undefined } as unknown as NativeContext;

async function fluxFunction(src: string): Promise<FunctionValue> {
  const r = await runtime().run(`import "strings"\n${src}`, { name: 'row-fn.flux' });
  const v = r.results.at(-1)!.value;
  assert.ok(isFunction(v), src);
  return v;
}

function frame(seed: number, n: number): Frame {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const f = new ColBuilder('float', n);
  const i = new ColBuilder('int', n);
  const u = new ColBuilder('uint', n);
  const s = new ColBuilder('string', n);
  const b = new ColBuilder('bool', n);
  const t = new ColBuilder('time', n);
  for (let k = 0; k < n; k++) {
    const nul = () => rand() < 0.15;
    if (nul()) f.pushNull();
    else f.pushFloat(pick([0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e300, 3]));
    if (nul()) i.pushNull();
    else i.pushInt(pick([0n, 1n, -1n, 7n, 9223372036854775807n, -9223372036854775808n]));
    if (nul()) u.pushNull();
    else u.pushUInt(pick([0n, 1n, 18446744073709551615n, 5n]));
    if (nul()) s.pushNull();
    else s.pushString(pick(['', 'a', 'B', 'a b', 'é', '10', 'x\u00a0y', 'a\tb', 'a\u2003b']));
    if (nul()) b.pushNull();
    else b.pushBool(rand() < 0.5);
    if (nul()) t.pushNull();
    else t.pushInt(1_600_000_000_000_000_000n + BigInt(Math.floor(rand() * 1000)));
  }
  return {
    names: ['f', 'i', 'u', 's', 'b', 't'],
    cols: [f.finish(), i.finish(), u.finish(), s.finish(), b.finish(), t.finish()],
    length: n,
    keyNames: [],
    keyValues: [],
  };
}

const LEAVES: Record<string, readonly string[]> = {
  float: ['r.f', '1.5', '-0.0', '(r.f * 2.0)', '(r.f - r.f)', '(r.f / 0.0)', '(r.f % 2.0)', '(r.f ^ 2.0)', 'float(v: r.i)', 'float(v: r.u)', 'float(v: r.b)', '(-r.f)', 'r.nope', 'float(v: r.nope)'],
  int: ['r.i', '3', '(r.i * r.i)', '(r.i + 1)', '(r.i - 9223372036854775807)', '(r.i / 2)', '(r.i % 3)', 'int(v: r.f)', 'int(v: r.b)', 'int(v: r.t)', '(-r.i)'],
  uint: ['r.u', '(r.u * r.u)', '(r.u - r.u)', '(r.u + r.u)', '(r.u / r.u)'],
  string: ['r.s', '"a"', '(r.s + "x")', 'string(v: r.i)', 'string(v: r.s)', 'string(v: r.nope)'],
  bool: [
    'r.b',
    'true',
    '(r.f > 1.0)',
    '(r.f == r.f)',
    '(r.f != 1.5)',
    '(r.i <= 1)',
    '(r.s < "b")',
    '(r.s =~ /^a/)',
    '(r.s !~ /\\s/)',
    '(r.s =~ /a\\Sb/)',
    '(r.s =~ /^[[:alpha:]]+$/)',
    '(exists r.f)',
    '(exists r.nope)',
    '(not r.b)',
    '(r.b and r.f > 0.0)',
    '(r.b or r.i > 0)',
    '(r.t > 2020-09-13T12:26:40.000000500Z)',
    '(r.b == true)',
    'strings.hasPrefix(v: r.s, prefix: "a")',
    '(r.u >= r.u)',
    '(r.nope == 1)',
    '(r.b and r.nope == 1)',
  ],
  time: ['r.t'],
};
const TYPES = Object.keys(LEAVES);

function expr(rand: () => number, ty: string, depth: number): string {
  // and/or/not over any bool expressions, nulls included (three-valued logic).
  if (ty === 'bool' && depth > 0 && rand() < 0.2) {
    const x = rand();
    if (x < 0.2) return `(not ${expr(rand, 'bool', depth - 1)})`;
    return `(${expr(rand, 'bool', depth - 1)} ${x < 0.6 ? 'and' : 'or'} ${expr(rand, 'bool', depth - 1)})`;
  }
  if (depth > 0 && rand() < 0.3) return `(if ${expr(rand, 'bool', depth - 1)} then ${expr(rand, ty, depth - 1)} else ${expr(rand, ty, depth - 1)})`;
  const leaves = LEAVES[ty]!;
  return leaves[Math.floor(rand() * leaves.length)]!;
}

/** Equal cells; floats by Object.is (NaN equals NaN, 0 differs from -0). */
const same = (a: Value, b: Value): boolean => (typeof a === 'number' && typeof b === 'number' ? Object.is(a, b) : valuesEqual(a, b));

describe('row compiler on random expressions agrees with the interpreter', () => {
  for (const seed of [1, 2, 3]) {
    test(`record functions, seed ${seed}`, async () => {
      const rand = rng(100 + seed);
      const f = frame(seed, 200);
      let compiled = 0;
      for (let k = 0; k < 500; k++) {
        const e = expr(rand, TYPES[Math.floor(rand() * TYPES.length)]!, 3);
        const fn = await fluxFunction(`(r) => ({y: ${e}})`);
        const c = compileRecordFn(fn, f);
        if (c === undefined) continue;
        let col;
        try {
          col = c.props[0]!.compute(f);
        } catch (err) {
          assert.ok(isFallback(err), String(err));
          continue;
        }
        compiled++;
        for (let i = 0; i < f.length; i++) {
          let out: Value;
          try {
            const o = callRow(fn, rowRecord(f, i));
            out = o instanceof Promise ? await o : o;
          } catch (err) {
            assert.fail(`${e}: the interpreter fails at row ${i} (${String(err)}) where the compiled code gave a value`);
          }
          assert.ok(out instanceof RecordValue);
          const want = out.fields.get('y') ?? null;
          const got = cellValue(col, i);
          if (!same(got, want)) assert.fail(`${e}, row ${i}: compiled ${String(got)}, interpreter ${String(want)}`);
        }
      }
      assert.ok(compiled > 300, `only ${compiled} expressions compiled`);
    });

    test(`predicates, seed ${seed}`, async () => {
      const rand = rng(200 + seed);
      const f = frame(10 + seed, 200);
      for (let k = 0; k < 300; k++) {
        const e = expr(rand, 'bool', 3);
        const fn = await fluxFunction(`(r) => ${e}`);
        const kernel = compilePredicate(fn, f);
        if (kernel === undefined) continue;
        let got: Int32Array;
        try {
          got = kernel(f);
        } catch (err) {
          assert.ok(isFallback(err), String(err));
          continue;
        }
        const mask = await predicateMask(fn, f, ctx);
        assert.deepEqual([...got], [...mask.keys()].filter((i) => mask[i] === 1), e);
      }
    });
  }
});
