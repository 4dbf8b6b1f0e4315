// Regrouping: splitting frames by the values of their key columns and merging frames that
// share a group key. Flux SPEC "Tables": group keys within a stream are unique, so when a
// transformation can change key values (group, map, set, drop of a key column, ...) the
// rows of tables that end up with the same key are concatenated into one table.

import { FluxError } from '../../../errors/index.js';
import { Duration, Regexp, Time, UInt } from '../../../values/value.js';
import type { Value } from '../../../values/value.js';
import type { ColData } from './columns.js';
import { cellValue, concatCols, gather } from './columns.js';
import type { Frame } from './frame.js';

/** A string that is equal for equal Flux scalar values (and differs across types). */
export function valueKey(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 'bt' : 'bf';
    case 'bigint':
      return 'i' + v.toString();
    case 'number':
      return 'f' + (Number.isNaN(v) ? 'NaN' : String(v));
    case 'string':
      return 's' + v.length + ':' + v;
  }
  if (v instanceof Time) return 't' + v.ns.toString();
  if (v instanceof UInt) return 'u' + v.value.toString();
  if (v instanceof Duration) return 'd' + v.signedMonths + ':' + v.signedNanos;
  if (v instanceof Regexp) return 'r' + v.source;
  return 'o' + String(v);
}

/** Identity of a group key given as names (sorted, as key equality ignores order) + values. */
export function keyIdentity(names: readonly string[], values: readonly Value[]): string {
  const pairs = names.map((n, i) => [n, valueKey(values[i] ?? null)] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([n, v]) => n.length + ':' + n + '=' + v).join(',');
}

/**
 * The rows of a frame split by the values of its key columns: `groupOf[i]` is the group of
 * row i (groups numbered in order of first appearance), or null when the whole frame is one
 * group. `rows(g)` lists a group's rows in table order (computed on first use).
 */
export interface Partition {
  readonly count: number;
  readonly groupOf: Int32Array | null;
  readonly keyValues: readonly Value[][];
  rows(g: number): Int32Array | null;
}

function wholeFrame(keyValues: Value[]): Partition {
  return { count: 1, groupOf: null, keyValues: [keyValues], rows: () => null };
}

/** Split the rows of a frame by the values of its key columns (see Partition). */
export function partitionRows(f: Frame): Partition {
  if (f.length === 0 || f.keyNames.length === 0 || f.sameKey === true) return wholeFrame([...f.keyValues]);
  const keyCols = f.keyNames.map((k) => {
    const i = f.names.indexOf(k);
    if (i < 0) throw new FluxError('internal', 'internal', `group key column "${k}" is missing`);
    return f.cols[i]!;
  });
  const rowKey = (i: number): string => {
    let s = '';
    for (const c of keyCols) {
      if (c.valid !== null && c.valid[i] === 0) s += '\u0000n';
      else if (c.type === 'string') s += '\u0000s' + c.dictionary![c.codes![i]!];
      else s += '\u0000' + valueKey(cellValue(c, i));
    }
    return s;
  };
  // Group number per row: from dictionary codes when every key column is a string column
  // (the common case of tags) and the codes combine into an exact integer (the product of
  // the dictionary sizes stays within 2^53: beyond, rows that differ in one column would get
  // the same rounded code and end up in one table), else from a string built per row.
  const groupOf = new Int32Array(f.length);
  const firstRow: number[] = [];
  let radix = 1;
  for (const c of keyCols) radix *= c.type === 'string' ? c.dictionary!.length + 1 : Infinity;
  if (radix <= Number.MAX_SAFE_INTEGER) {
    const ids = new Map<number, number>();
    const dense = radix <= 1 << 20 ? new Int32Array(radix).fill(-1) : null;
    const single = keyCols.length === 1 && keyCols[0]!.valid === null ? keyCols[0]!.codes! : null;
    for (let i = 0; i < f.length; i++) {
      let code = 0;
      if (single !== null) code = single[i]! + 1;
      else {
        for (const c of keyCols) {
          code = code * (c.dictionary!.length + 1) + (c.valid !== null && c.valid[i] === 0 ? 0 : c.codes![i]! + 1);
        }
      }
      let g = dense !== null ? dense[code]! : (ids.get(code) ?? -1);
      if (g < 0) {
        g = firstRow.length;
        firstRow.push(i);
        if (dense !== null) dense[code] = g;
        else ids.set(code, g);
      }
      groupOf[i] = g;
    }
    // Distinct dictionary entries may hold equal strings: merge groups with equal values.
    mergeEqualGroups(keyCols, groupOf, firstRow);
  } else {
    const ids = new Map<string, number>();
    for (let i = 0; i < f.length; i++) {
      const k = rowKey(i);
      let g = ids.get(k);
      if (g === undefined) {
        g = firstRow.length;
        firstRow.push(i);
        ids.set(k, g);
      }
      groupOf[i] = g;
    }
  }
  if (firstRow.length === 1) return wholeFrame(keyCols.map((c) => cellValue(c, 0)));
  const count = firstRow.length;
  let order: Int32Array | undefined;
  let counts: Int32Array | undefined;
  const rows = (g: number): Int32Array => {
    if (order === undefined) {
      // Counting sort of row numbers by group (stable).
      counts = new Int32Array(count + 1);
      for (let i = 0; i < f.length; i++) counts[groupOf[i]! + 1]!++;
      for (let k = 0; k < count; k++) counts[k + 1]! += counts[k]!;
      order = new Int32Array(f.length);
      const fill = counts.slice(0, count);
      for (let i = 0; i < f.length; i++) order[fill[groupOf[i]!]!++] = i;
    }
    return order.subarray(counts![g]!, counts![g + 1]!);
  };
  return { count, groupOf, keyValues: firstRow.map((r) => keyCols.map((c) => cellValue(c, r))), rows };
}

/** The rows of a frame as a new frame (all columns gathered). */
export function selectFrame(f: Frame, rows: Int32Array | null, keyValues: Value[]): Frame {
  if (rows === null) return { ...f, keyValues };
  return { names: [...f.names], cols: f.cols.map((c) => gather(c, rows)), length: rows.length, keyNames: [...f.keyNames], keyValues };
}

/**
 * Split a frame into one frame per distinct combination of its key columns' values
 * (in order of first appearance). A frame whose key is already constant comes back as is.
 */
export function partitionByKey(f: Frame): Frame[] {
  const p = partitionRows(f);
  const out: Frame[] = [];
  for (let g = 0; g < p.count; g++) out.push(selectFrame(f, p.rows(g), p.keyValues[g]!));
  return out;
}

/** Renumber groups whose key strings are equal although their dictionary codes differ. */
function mergeEqualGroups(keyCols: readonly ColData[], groupOf: Int32Array, firstRow: number[]): void {
  const byValue = new Map<string, number>();
  const remap = new Int32Array(firstRow.length);
  const kept: number[] = [];
  let changed = false;
  firstRow.forEach((row, g) => {
    const id = keyCols.map((c) => (c.valid !== null && c.valid[row] === 0 ? 'n' : 's' + c.dictionary![c.codes![row]!])).join('\u0000');
    const prev = byValue.get(id);
    if (prev === undefined) {
      byValue.set(id, kept.length);
      remap[g] = kept.length;
      kept.push(row);
    } else {
      remap[g] = prev;
      changed = true;
    }
  });
  if (!changed) return;
  for (let i = 0; i < groupOf.length; i++) groupOf[i] = remap[groupOf[i]!]!;
  firstRow.length = 0;
  firstRow.push(...kept);
}

/** Concatenate frames that share a group key (columns unioned by name, missing cells null). */
export function concatFrames(frames: readonly Frame[]): Frame {
  if (frames.length === 1) return frames[0]!;
  const names: string[] = [];
  const types = new Map<string, ColData['type']>();
  for (const f of frames) {
    f.names.forEach((n, i) => {
      const t = f.cols[i]!.type;
      const prev = types.get(n);
      if (prev === undefined) {
        types.set(n, t);
        names.push(n);
      } else if (prev !== t) {
        throw new FluxError('invalid', 'universe.schemaCollision', `schema collision: column "${n}" is both ${prev} and ${t}`);
      }
    });
  }
  const lengths = frames.map((f) => f.length);
  const cols = names.map((n) =>
    concatCols(
      types.get(n)!,
      frames.map((f) => {
        const i = f.names.indexOf(n);
        return i < 0 ? null : f.cols[i]!;
      }),
      lengths,
    ),
  );
  const first = frames[0]!;
  return {
    names,
    cols,
    length: lengths.reduce((a, b) => a + b, 0),
    keyNames: [...first.keyNames],
    keyValues: [...first.keyValues],
  };
}

/** Collects frames and merges those whose group keys are equal (first-appearance order). */
export class KeyedCollector {
  private readonly groups = new Map<string, Frame[]>();
  add(f: Frame): void {
    for (const part of partitionByKey(f)) {
      const id = keyIdentity(part.keyNames, part.keyValues);
      const g = this.groups.get(id);
      if (g === undefined) this.groups.set(id, [part]);
      else g.push(part);
    }
  }
  *frames(): Iterable<Frame> {
    for (const g of this.groups.values()) yield concatFrames(g);
  }
}
