// group(columns:, mode:): regroups rows (Flux `group`).
// - mode "by" (default): the new key is `columns` (in that order), restricted to the
//   columns a table has; group() with no columns puts all rows into one table.
// - mode "except": the new key is every column of the table not in `columns`.
// Rows of every input table with equal new-key values end up in one output table, in
// input order; the column order of the tables is unchanged.

import type { NativeFunction } from '../../runtime/builtin-api.js';
import { streamOf } from '../../table/index.js';
import { fail, strArg, strArrayArg, tablesArg } from './lib/args.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { concatFrames, keyIdentity, partitionRows, selectFrame } from './lib/regroup.js';
import type { Partition } from './lib/regroup.js';
import { FluxError } from '../../errors/index.js';
import type { Table, TableStream } from '../../table/types.js';
import type { Value } from '../../values/value.js';

export type GroupMode = 'by' | 'except' | 'extend';

/** The key columns of a table after group(columns, mode); `extend` adds to the current key. */
export function newKeyNames(f: Frame, columns: readonly string[], mode: GroupMode): string[] {
  switch (mode) {
    case 'by':
      return columns.filter((c, i) => f.names.includes(c) && columns.indexOf(c) === i);
    case 'except':
      return f.names.filter((n) => !columns.includes(n));
    case 'extend':
      return [...f.keyNames, ...columns.filter((c, i) => f.names.includes(c) && !f.keyNames.includes(c) && columns.indexOf(c) === i)];
  }
}

/** One input table's share of an output group: group `g` of the table's partition. */
export interface GroupSegment {
  readonly frame: Frame;
  readonly part: Partition;
  readonly g: number;
}

export interface OutputGroup {
  readonly keyNames: string[];
  readonly keyValues: Value[];
  readonly segments: GroupSegment[];
}

/**
 * The grouping behind a group() stream, for consumers that fuse with it: an aggregate
 * reading a group() stream reduces each group through its row indices instead of first
 * copying every column of every group (as Flux's planner pushes aggregates into sources).
 * `take()` / `takeFrames()` read the input; the stream and these are alternatives, one use in all.
 */
export interface GroupedSource {
  take(): Promise<OutputGroup[]>;
  /** The input tables with their new key names (values unknown yet); then see buildGroups. */
  takeFrames(): Promise<Frame[]>;
}

export const GROUPED: unique symbol = Symbol('promflux.grouped');

/** The grouped source behind a stream made by groupStream, if it has not been read yet. */
export function groupedSourceOf(s: TableStream): GroupedSource | undefined {
  return (s as { [GROUPED]?: GroupedSource })[GROUPED];
}

/** The tables of one output group: its segments gathered and concatenated. */
export function materializeGroup(g: OutputGroup): Frame {
  const parts = g.segments.map((seg) => ({ ...selectFrame(seg.frame, seg.part.rows(seg.g), g.keyValues), keyNames: g.keyNames }));
  return { ...concatFrames(parts), keyNames: [...g.keyNames], keyValues: [...g.keyValues] };
}

export function groupStream(input: AsyncIterable<Table>, columns: readonly string[], mode: GroupMode): TableStream {
  const takeFrames = async (): Promise<Frame[]> => {
    const frames: Frame[] = [];
    for await (const t of input) {
      const f = frameOf(t);
      const keyNames = newKeyNames(f, columns, mode);
      // An empty table has no row to take new key values from: it is kept only when its
      // old key already determines the new one.
      if (f.length === 0 && !keyNames.every((k) => f.keyNames.includes(k))) continue;
      // Values come from the rows; an empty table keeps the values its old key had.
      frames.push({ ...f, keyNames, keyValues: keyNames.map((k) => (f.keyNames.includes(k) ? f.keyValues[f.keyNames.indexOf(k)]! : null)) });
    }
    return frames;
  };
  const take = async (): Promise<OutputGroup[]> => buildGroups(await takeFrames());
  const stream = streamOf(async function* () {
    for (const g of await take()) yield toTable(materializeGroup(g));
  });
  return Object.assign(stream, { [GROUPED]: { take, takeFrames } });
}

/** The output groups of frames whose keyNames are the new key (keyValues not yet known). */
export function buildGroups(frames: readonly Frame[]): OutputGroup[] {
  const groups = new Map<string, OutputGroup>();
  for (const keyed of frames) {
    const part = partitionRows(keyed);
    for (let k = 0; k < part.count; k++) {
      const kv = part.keyValues[k]!;
      const id = keyIdentity(keyed.keyNames, kv);
      let g = groups.get(id);
      if (g === undefined) groups.set(id, (g = { keyNames: keyed.keyNames, keyValues: kv, segments: [] }));
      g.segments.push({ frame: keyed, part, g: k });
    }
  }
  return [...groups.values()];
}

export const group: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const columns = strArrayArg(args, ctx, 'columns', []);
  const mode = strArg(args, ctx, 'mode', 'by');
  if (mode !== 'by' && mode !== 'except') {
    throw fail(ctx, 'universe.group.mode', `mode must be "by" or "except", got ${JSON.stringify(mode)}`);
  }
  return groupStream(input, columns, mode);
};
