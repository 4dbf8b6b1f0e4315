// Stream plumbing for the universe table functions: every transformation is a pure
// `(stream, args, ctx) -> stream` that reads its input lazily when the output is read.
//
// `perTable` applies a frame transformation table by table. When the transformation may
// change group-key values (`regroup: true`), the output is collected and tables with equal
// keys are merged (Flux SPEC "Tables": keys are unique within a stream); otherwise tables
// flow through one at a time.

import { streamOf } from '../../../table/index.js';
import type { Table, TableStream } from '../../../table/types.js';
import type { MaybePromise } from '../../../values/value.js';
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
        for (const f of Array.isArray(out) ? out : [out]) {
          // A table that kept its input key cannot collide with another input table.
          if (f.sameKey === true) yield toTable(f);
          else col.add(f);
        }
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
