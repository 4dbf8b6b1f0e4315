// Group keys (Flux SPEC "Tables": the group key is the list of columns whose value is the
// same for every row of a table). Our keys keep their columns sorted by name, as Flux's
// group-key builder does, so two keys over the same columns list them in the same order.
import { assert } from '../errors/index.js';
import { compareStrings } from '../values/compare.js';
import { Time, UInt, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';
import type { ColumnMeta, GroupKey } from './types.js';

class Key implements GroupKey {
  private idCache: string | undefined;
  constructor(
    readonly columns: readonly ColumnMeta[],
    readonly values: readonly Value[],
  ) {}
  get id(): string {
    if (this.idCache === undefined) this.idCache = computeId(this);
    return this.idCache;
  }
}

/**
 * A group key over `columns` with `values` (parallel arrays). Columns are sorted by name;
 * a null value is allowed (a key column may be null for a table).
 */
export function makeGroupKey(columns: readonly ColumnMeta[], values: readonly Value[]): GroupKey {
  assert(columns.length === values.length, 'group key columns and values differ in length');
  const order = columns.map((_, i) => i);
  order.sort((a, b) => compareStrings(columns[a]!.name, columns[b]!.name));
  return new Key(
    order.map((i) => columns[i]!),
    order.map((i) => values[i]!),
  );
}

export const emptyGroupKey: GroupKey = new Key([], []);

/** A canonical string for a key value (type-tagged so 1 and 1.0 and "1" differ). */
export function valueId(v: Value): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'bigint':
      return `i${v}`;
    case 'number':
      return Number.isNaN(v) ? 'fNaN' : `f${Object.is(v, -0) ? 0 : v}`;
    case 'string':
      return `s${JSON.stringify(v)}`;
  }
  if (v instanceof Time) return `t${v.ns}`;
  if (v instanceof UInt) return `u${v.value}`;
  return `${typeOf(v)}?`;
}

function computeId(key: GroupKey): string {
  let s = '';
  for (let i = 0; i < key.columns.length; i++) {
    const c = key.columns[i]!;
    s += `${JSON.stringify(c.name)}:${c.type}=${valueId(key.values[i]!)};`;
  }
  return s;
}

/**
 * A string identifying a group key: equal for keys with the same columns (name and type)
 * and values, whatever the order of their columns.
 */
export function groupKeyId(key: GroupKey): string {
  if (key instanceof Key) return key.id;
  return computeId(makeGroupKey(key.columns, key.values));
}

export function groupKeysEqual(a: GroupKey, b: GroupKey): boolean {
  return groupKeyId(a) === groupKeyId(b);
}

/** Index of column `name` in the key, or -1. */
export function keyIndex(key: GroupKey, name: string): number {
  for (let i = 0; i < key.columns.length; i++) if (key.columns[i]!.name === name) return i;
  return -1;
}

/** The value of key column `name`, or undefined when the key has no such column. */
export function keyValue(key: GroupKey, name: string): Value | undefined {
  const i = keyIndex(key, name);
  return i < 0 ? undefined : key.values[i]!;
}

/** Whether `name` is a column of the key. */
export function inKey(key: GroupKey, name: string): boolean {
  return keyIndex(key, name) >= 0;
}
