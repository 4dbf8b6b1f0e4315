// Stream plumbing for the universe table functions: every transformation is a pure
// `(stream, args, ctx) -> stream` that reads its input lazily when the output is read.
//
// `perTable` applies a frame transformation table by table. When the transformation may
// change group-key values (`regroup: true`), the output is collected and tables with equal
// keys are merged (Flux SPEC "Tables": keys are unique within a stream); otherwise tables
// flow through one at a time. Even a table that kept its key is collected: in a stream
// whose tables have different key columns, another table's changed key can become equal to
// it (drop(columns: ["region"]) over tables keyed by [instance, region] and by [instance]).

import type { NativeContext, NativeFunction } from '../../../runtime/builtin-api.js';
import { FluxError } from '../../../errors/index.js';
import { streamOf } from '../../../table/index.js';
import type { Table, TableStream } from '../../../table/types.js';
import { isPromise, isStream } from '../../../values/value.js';
import { isPushdownSource } from '../../../store/index.js';
import type { MaybePromise, Value } from '../../../values/value.js';
import type { Frame } from './frame.js';
import { frameOf, toTable } from './frame.js';
import { KeyedCollector } from './regroup.js';

export type FrameFn = (f: Frame, t: Table) => MaybePromise<Frame | Frame[] | null>;

export interface PerTableOptions {
  /** The transformation may change key values: merge tables with equal keys. */
  regroup?: boolean;
}

export function perTable(input: TableStream, fn: FrameFn, opts: PerTableOptions = {}): TableStream {
  if (opts.regroup) {
    return streamOf(async function* () {
      const col = new KeyedCollector();
      for await (const t of input) {
        const out = await fn(frameOf(t), t);
        if (out === null) continue;
        for (const f of Array.isArray(out) ? out : [out]) col.add(f);
      }
      for (const f of col.frames()) yield toTable(f);
    });
  }
  return streamOf(async function* () {
    for await (const t of input) {
      const out = await fn(frameOf(t), t);
      if (out === null) continue;
      if (Array.isArray(out)) for (const f of out) yield toTable(f);
      else yield toTable(out);
    }
  });
}

/** Tables as they are, mapped one to one (no frame conversion). */
export function mapTables(input: TableStream, fn: (t: Table) => MaybePromise<Table | null>): TableStream {
  return streamOf(async function* () {
    for await (const t of input) {
      const out = await fn(t);
      if (out !== null) yield out;
    }
  });
}

/** Read every table of a stream (for functions that need all input first: group, pivot, union). */
export async function readAll(input: TableStream): Promise<Table[]> {
  const out: Table[] = [];
  for await (const t of input) out.push(t);
  return out;
}

/**
 * A builtin whose user errors always name it and point at its call: an error of this folder
 * (id `universe.*`) raised without a span, by code shared between functions (merging tables
 * whose columns clash: `universe.schemaCollision`), gets the call's span and the function's
 * name, whether it is thrown by the call or while its output stream is read. Errors that
 * already have a span (an upstream function's) pass through unchanged. A stream's own
 * symbol properties (group()'s grouped source, read by aggregates) are kept, and a store
 * source (range/filter pushed into from()) is returned as it is.
 */
export function atCallSite(fn: NativeFunction): NativeFunction {
  return (args, ctx) => {
    let out: MaybePromise<Value>;
    try {
      out = fn(args, ctx);
    } catch (e) {
      throw locate(e, ctx);
    }
    if (isPromise(out)) return out.then((v) => wrapValue(v, ctx), (e: unknown) => Promise.reject(locate(e, ctx)));
    return wrapValue(out, ctx);
  };
}

function locate(e: unknown, ctx: NativeContext): unknown {
  if (!(e instanceof FluxError) || e.span !== undefined || !e.id.startsWith('universe.')) return e;
  return new FluxError(e.code, e.id, `${ctx.name}: ${e.message}`, { span: ctx.span, source: ctx.source, cause: e });
}

function wrapValue(v: Value, ctx: NativeContext): Value {
  // A store source (range/filter pushed down) must stay recognizable to the next function.
  if (!isStream(v) || isPushdownSource(v)) return v;
  const inner = v as unknown as TableStream;
  const wrapped = streamOf(async function* () {
    try {
      for await (const t of inner) yield t;
    } catch (e) {
      throw locate(e, ctx);
    }
  });
  for (const k of Object.getOwnPropertySymbols(inner)) {
    (wrapped as unknown as Record<symbol, unknown>)[k] = (inner as unknown as Record<symbol, unknown>)[k];
  }
  return wrapped as unknown as Value;
}
