// The row-function compiler must compute exactly what the interpreter computes: every
// predicate and record function below runs both ways over random tables (with nulls, NaN,
// repeated strings, zero divisors) and the results are compared cell by cell.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import type { NativeContext } from '../../../src/runtime/builtin-api.js';
import { RecordValue, isFunction } from '../../../src/values/value.js';
import type { FunctionValue, Value } from '../../../src/values/value.js';
import { valuesEqual } from '../../../src/values/compare.js';
import { ColBuilder, cellValue } from '../../../src/stdlib/universe/lib/columns.js';
import type { Frame } from '../../../src/stdlib/universe/lib/frame.js';
import { callRow, compilePredicate, compileRecordFn, isFallback, rowRecord } from '../../../src/stdlib/universe/row-compiler.js';
import { predicateMask, selectRows } from '../../../src/stdlib/universe/filter.js';
import { rng } from '../../support/rng.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-rowc-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function fluxFunction(src: string): Promise<FunctionValue> {
  const r = await runtime.run(`import "strings"\nthreshold = 0.25\nhosts = /^(a|c)$/\n${src}`);
  const v = r.results[r.results.length - 1]!.value;
  assert.ok(isFunction(v), `not a function: ${src}`);
  return v;
}


function randomFrame(seed: number, n: number, withNulls: boolean): Frame {
  const rand = rng(seed);
  const value = new ColBuilder('float', n);
  const num = new ColBuilder('int', n);
  const host = new ColBuilder('string', n);
  const ok = new ColBuilder('bool', n);
  const time = new ColBuilder('time', n);
  const hosts = ['a', 'b', 'c', 'ab'];
  for (let i = 0; i < n; i++) {
    const nul = () => withNulls && rand() < 0.15;
    if (nul()) value.pushNull();
    else value.pushFloat(rand() < 0.05 ? NaN : Math.round(rand() * 1000) / 1000 - 0.1);
    if (nul()) num.pushNull();
    else num.pushInt(BigInt(Math.floor(rand() * 21) - 10));
    if (nul()) host.pushNull();
    else host.pushString(hosts[Math.floor(rand() * hosts.length)]!);
    if (nul()) ok.pushNull();
    else ok.pushBool(rand() < 0.5);
    time.pushInt(1_609_459_200_000_000_000n + BigInt(i) * 1_000_000_000n);
  }
  return {
    names: ['_time', '_value', 'n', 'host', 'ok'],
    cols: [time.finish(), value.finish(), num.finish(), host.finish(), ok.finish()],
    length: n,
    keyNames: [],
    keyValues: [],
  };
}

const ctx = { name: 'filter', span: undefined, source: undefined } as unknown as NativeContext;

const predicates: { src: string; compiles: boolean }[] = [
  { src: '(r) => r._value > 0.5', compiles: true },
  { src: '(r) => r._value > threshold and r.host == "a"', compiles: true },
  { src: '(r) => r.host =~ /^[ab]/ or not r.ok', compiles: true },
  { src: '(r) => r.host !~ hosts', compiles: true },
  { src: '(r) => exists r._value and r.n % 3 == 0', compiles: true },
  { src: '(r) => if r.ok then r._value < 0.3 else r.n > 5', compiles: true },
  { src: '(r) => r.missing == 1.0', compiles: true },
  { src: '(r) => float(v: r.n) > r._value', compiles: true },
  { src: '(r) => r._time >= 2021-01-01T00:00:10Z', compiles: true },
  { src: '(r) => r.host + "x" == "ax"', compiles: true },
  { src: '(r) => -r._value < -0.5 or r.n * 2 - 1 >= 7', compiles: true },
  { src: '(r) => r._value <= 0.1 or r._value != r._value', compiles: true },
  { src: '(r) => r.n / r.n == 1', compiles: true }, // divides by zero: falls back at run time
  { src: '(r) => { return r._value >= 0.0 }', compiles: true },
  { src: '(r) => r.ok == true and exists r.host', compiles: true },
  { src: '(r) => strings.hasPrefix(v: r.host, prefix: "a") or strings.containsStr(v: r.host, substr: "c")', compiles: true },
  { src: '(r) => strings.hasSuffix(v: r.host, suffix: "b")', compiles: true },
  { src: '(r) => strings.toUpper(v: r.host) == "A"', compiles: false },
  // Not compiled: a user function, a record value.
  { src: '(r) => ((x) => x > 0.5)(x: r._value)', compiles: false },
  { src: '(r) => r == r', compiles: false },
];

describe('row compiler: predicates agree with the interpreter', () => {
  for (const { src, compiles } of predicates) {
    test(src, async () => {
      const fn = await fluxFunction(src);
      for (const [seed, nulls] of [
        [1, false],
        [2, true],
        [3, true],
      ] as const) {
        const f = randomFrame(seed, 300, nulls);
        const kernel = compilePredicate(fn, f);
        assert.equal(kernel !== undefined, compiles, `compiled: ${kernel !== undefined}`);
        let slow: Uint8Array | undefined;
        try {
          slow = await predicateMask(fn, f, ctx);
        } catch {
          slow = undefined; // the interpreter errors (division by zero): the compiled path must too
        }
        if (kernel !== undefined) {
          let fast: Int32Array | undefined;
          try {
            fast = kernel(f);
          } catch (e) {
            assert.ok(isFallback(e), `unexpected error ${String(e)}`);
          }
          if (fast !== undefined) {
            assert.ok(slow !== undefined, 'compiled path succeeded where the interpreter failed');
            const want = [...slow.keys()].filter((i) => slow![i] === 1);
            assert.deepEqual([...fast], want, `seed ${seed}`);
          }
        }
        // The public entry point (compiled with fallback) equals the interpreter.
        if (slow !== undefined) {
          const rows = await selectRows(fn, f, ctx);
          assert.deepEqual([...rows], [...slow.keys()].filter((i) => slow![i] === 1));
        } else {
          await assert.rejects(selectRows(fn, f, ctx));
        }
      }
    });
  }
});

// compiles: undefined when it depends on the schema (interpolation compiles only over a
// column without nulls).
const records: { src: string; compiles: boolean | undefined }[] = [
  { src: '(r) => ({r with _value: r._value * 2.0})', compiles: true },
  { src: '(r) => ({r with v2: r.n * 3 + 1, s: r.host + "-" + string(v: r.n)})', compiles: true },
  { src: '(r) => ({host: r.host, big: r._value > 0.5, t: r._time})', compiles: true },
  { src: '(r) => ({r with x: if r.ok then r._value else -1.0, i: int(v: r._value)})', compiles: true },
  { src: '(r) => ({r with q: r.n / 4, m: r.n % 4, u: uint(v: 1)})', compiles: false },
  { src: '(r) => ({r with label: "${r.host}!"})', compiles: undefined },
];

function sameValue(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return true;
  return valuesEqual(a, b);
}

describe('row compiler: record functions agree with the interpreter', () => {
  for (const { src, compiles } of records) {
    test(src, async () => {
      const fn = await fluxFunction(src);
      for (const seed of [4, 5]) {
        const f = randomFrame(seed, 200, seed === 5);
        const c = compileRecordFn(fn, f);
        if (compiles !== undefined) assert.equal(c !== undefined, compiles);
        if (c === undefined) continue;
        let cols;
        try {
          cols = c.props.map((p) => p.compute(f));
        } catch (e) {
          assert.ok(isFallback(e));
          continue;
        }
        for (let i = 0; i < f.length; i++) {
          let out = callRow(fn, rowRecord(f, i));
          if (out instanceof Promise) out = await out;
          assert.ok(out instanceof RecordValue);
          c.props.forEach((p, k) => {
            const want = out.fields.get(p.name) ?? null;
            const got = cellValue(cols[k]!, i);
            assert.ok(sameValue(got, want), `row ${i} ${p.name}: compiled ${String(got)}, interpreter ${String(want)}`);
          });
        }
      }
    });
  }
});

// A regular expression literal is RE2 (src/values/regexp.ts translates it for JavaScript):
// the compiled path must use the same translation as the interpreter, e.g. RE2's `\s` is
// ASCII [\t\n\f\r ] where JavaScript's also matches U+00A0, U+2003, U+FEFF, \v.
describe('row compiler: regular expression literals mean what they mean in the interpreter', () => {
  const strings = ['a b', 'a\u00a0b', 'a\u2003b', 'a\ufeffb', 'a\vb', 'a\tb', 'a\rb', 'a\nb', 'a\u2028b', 'axb', 'ab', 'é b'];
  const b = new ColBuilder('string', strings.length);
  for (const s of strings) b.pushString(s);
  const f: Frame = { names: ['host'], cols: [b.finish()], length: strings.length, keyNames: [], keyValues: [] };
  for (const re of ['a\\sb', 'a\\Sb', '^a[\\s]b$', 'a[^\\s]b', 'a[\\S\\s]b', '\\pL\\s', 'a.b', '^a\\s*b$']) {
    test(`/${re}/`, async () => {
      const fn = await fluxFunction(`(r) => r.host =~ /${re}/`);
      const kernel = compilePredicate(fn, f);
      assert.ok(kernel !== undefined, 'compiled');
      const slow = await predicateMask(fn, f, ctx);
      assert.deepEqual(
        [...kernel(f)].map((i) => JSON.stringify(strings[i])),
        [...slow.keys()].filter((i) => slow[i] === 1).map((i) => JSON.stringify(strings[i])),
      );
    });
  }
});
