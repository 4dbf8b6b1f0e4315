// Per-step statistics of a run, the way Kapacitor's `show` annotates a pipeline: for every
// call of a native function that returns a stream of tables, the rows it read from its piped
// input, the rows it produced, and the time spent producing them minus the time spent
// waiting for its input (its own work), including the call itself (a scrape fetches before
// it returns its stream). Streams are lazy, so the counts grow while the
// streams are read; they are complete once the run has drained its results and side effects.
//
// The runtime sees tables only as opaque values with a `length`; the wrapper is a Proxy that
// forwards everything but [Symbol.asyncIterator], so capabilities a stream carries (the
// store's pushdown methods, a grouped stream's fast path) keep working through it.
import type { Clock } from '../host/clock.js';
import type { Value } from '../values/value.js';
import { isStream } from '../values/value.js';

/** A mutable per-call record (RunResult.stats.calls holds these). */
export interface StepRecord {
  name: string;
  span?: import('../errors/index.js').Span;
  rowsIn?: number;
  rowsOut?: number;
  ms?: number;
}

function isIterableStream(v: Value | undefined): v is Value & object & AsyncIterable<unknown> {
  return v !== undefined && isStream(v) && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * Wrap `stream` so that reading it counts rows and time into `onTable`. Rows are counted on
 * every table; time is measured on the first 16 tables and then on one table in 16, scaled
 * up (a scrape yields one table per series, and two clock reads per table were a tenth of a
 * fleet scrape's CPU).
 */
function counted<T extends object & AsyncIterable<unknown>>(stream: T, clock: Clock, onTable: (rows: number, ms: number) => void): T {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === Symbol.asyncIterator) {
        return () => {
          const it = target[Symbol.asyncIterator]();
          let calls = 0;
          return {
            next(): Promise<IteratorResult<unknown>> {
              const n = calls++;
              const timed = n < 16 || (n & 15) === 0;
              const t0 = timed ? clock.monotonicMs() : 0;
              return it.next().then((r) => {
                const ms = timed ? (clock.monotonicMs() - t0) * (n < 16 ? 1 : 16) : 0;
                onTable(r.done ? 0 : ((r.value as { length?: number } | null)?.length ?? 0), ms);
                return r;
              });
            },
            return: it.return ? (v?: unknown) => it.return!(v) : undefined,
          };
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Instrument one call: its piped-in stream (argument `pipe`) counts rows in, the stream it
 * returns counts rows out. Returns the arguments to call with and a function that wraps the
 * result.
 */
export function instrumentCall(
  args: ReadonlyMap<string, Value>,
  pipe: string | undefined,
  newRecord: () => StepRecord,
  clock: Clock,
): { args: ReadonlyMap<string, Value>; wrap(result: Value, callMs: number): Value } {
  // Only calls that read or return streams get a record (not scalar calls in row functions).
  let rec: StepRecord | undefined;
  const record = (): StepRecord => (rec ??= newRecord());
  let inputMs = 0;
  let outputMs = 0;
  let callArgs = args;
  const input = pipe === undefined ? undefined : args.get(pipe);
  if (isIterableStream(input)) {
    const r = record();
    r.rowsIn = 0;
    const m = new Map(args);
    m.set(
      pipe!,
      counted(input, clock, (rows, ms) => {
        r.rowsIn! += rows;
        inputMs += ms;
        r.ms = Math.max(0, outputMs - inputMs);
      }),
    );
    callArgs = m;
  }
  return {
    args: callArgs,
    wrap(result: Value, callMs: number): Value {
      const streamOut = isIterableStream(result);
      if (rec === undefined && !streamOut) return result;
      const r = record();
      // The call itself may do the work (a scrape fetches before it returns its stream).
      outputMs += callMs;
      r.ms = Math.max(0, outputMs - inputMs);
      // A pass-through (yield returns its input) keeps its identity: the interpreter knows a
      // yielded stream by it.
      if (!streamOut || (pipe !== undefined && result === callArgs.get(pipe))) return result;
      r.rowsOut = 0;
      return counted(result as Value & object & AsyncIterable<unknown>, clock, (rows, ms) => {
        r.rowsOut! += rows;
        outputMs += ms;
        r.ms = Math.max(0, outputMs - inputMs);
      });
    },
  };
}
