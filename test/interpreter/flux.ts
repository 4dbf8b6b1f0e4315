// Test helpers: a Runtime over the real stdlib with a fixed clock, and table-driven checks
// of `source -> value` (compared in display form) and `source -> error id + span`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime } from '../../src/index.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { FluxError, errorList } from '../../src/errors/index.js';
import type { Clock } from '../../src/host/clock.js';
import { displayValue } from '../../src/values/display.js';
import type { Value } from '../../src/values/value.js';
import { collectTables, isTableStream, type Table } from '../../src/table/index.js';

/** 2030-01-01T00:00:00Z */
export const FIXED_NOW_NS = 1_893_456_000_000_000_000n;

export const fixedClock: Clock = {
  nowNanos: () => FIXED_NOW_NS,
  monotonicMs: () => 0,
  setTimer: () => ({ cancel() {} }),
  sleep: () => Promise.resolve(),
};

let shared: Runtime | undefined;
export function runtime(): Runtime {
  shared ??= createRuntime({ dataDir: '/nonexistent/promflux-test', clock: fixedClock });
  return shared;
}

/** The value of the last bare expression statement of `source`. */
export async function evalFlux(source: string): Promise<Value> {
  const r = await runtime().run(source, { name: 'test.flux' });
  const last = r.results.at(-1);
  assert.ok(last, `no result from ${JSON.stringify(source)}`);
  return last.value;
}

/** The tables of the last result of `pipe`, run after `data = csv.from(csv: csv)`. */
export async function runOnCsv(csv: string, pipe: string, name: string): Promise<Table[]> {
  const src = `import "csv"\ndata = csv.from(csv: ${JSON.stringify(csv)})\n${pipe}`;
  const r = await runtime().run(src, { name });
  const v = r.results.at(-1)!.value;
  assert.ok(isTableStream(v), 'the pipeline gives a stream');
  return collectTables(v);
}

export async function evalDisplay(source: string): Promise<string> {
  return displayValue(await evalFlux(source));
}

/** `l:c-l:c` of an error's span. */
export function spanText(e: FluxError): string | undefined {
  const s = e.span;
  return s && `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;
}

/** The error `source` fails with (every diagnostic when several). */
export async function evalErrors(source: string): Promise<FluxError[]> {
  try {
    await runtime().run(source, { name: 'test.flux' });
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    return [...errorList(e)];
  }
  assert.fail(`expected ${JSON.stringify(source)} to fail`);
}

export interface ValueCase {
  readonly src: string;
  /** The expected value in display form (Flux syntax). */
  readonly want: string;
  readonly name?: string;
}

export interface ErrorCase {
  readonly src: string;
  readonly id: string;
  /** `l:c-l:c`, when the case pins the span. */
  readonly span?: string;
  /** A fragment the message must contain (only where wording is the contract, e.g. die). */
  readonly message?: string;
  readonly name?: string;
}

export function valueCases(title: string, cases: readonly ValueCase[], prelude = ''): void {
  for (const c of cases) {
    test(`${title}: ${c.name ?? c.src.replace(/\n/g, '; ')}`, async () => {
      assert.equal(await evalDisplay(prelude + c.src), c.want);
    });
  }
}

export function errorCases(title: string, cases: readonly ErrorCase[], prelude = ''): void {
  for (const c of cases) {
    test(`${title} fails: ${c.name ?? c.src.replace(/\n/g, '; ')}`, async () => {
      const errs = await evalErrors(prelude + c.src);
      const e = errs[0]!;
      assert.equal(e.id, c.id, `error id (message: ${e.message})`);
      if (c.span !== undefined) assert.equal(spanText(e), c.span, `span of ${e.id}: ${e.message}`);
      if (c.message !== undefined) assert.ok(e.message.includes(c.message), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(c.message)}`);
    });
  }
}
