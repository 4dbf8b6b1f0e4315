// Evaluation of pushed-down predicates (see StorePredicate in ./types.ts): first per series
// from the index alone (tags, measurement, field), which decides most predicates without
// reading any block; then per point for the parts that test `_value`.
import type { FieldType, FieldValues, StorePredicate } from './types.js';
import type { SegmentIndex } from './segment.js';

export interface SeriesLike {
  readonly measurement: string;
  readonly field: string;
  readonly tags: readonly (readonly [string, string])[];
  readonly type: FieldType;
}

/** 0: no point of the series matches; 1: every point matches; 2: depends on _value. */
export type SeriesMatch = 0 | 1 | 2;

function tagValue(s: SeriesLike, key: string): string | undefined {
  if (key === '_measurement') return s.measurement;
  if (key === '_field') return s.field;
  for (const [k, v] of s.tags) if (k === key) return v;
  return undefined;
}

/** A comparison with a missing tag (null) is null, as in Flux. */
function matchTag(p: Extract<StorePredicate, { kind: 'tag' }>, s: SeriesLike): boolean | null {
  const v = tagValue(s, p.key);
  if (v === undefined) return null;
  switch (p.op) {
    case '==':
      return v === p.value;
    case '!=':
      return v !== p.value;
    case '=~':
      return (p.value as RegExp).test(v);
    case '!~':
      return !(p.value as RegExp).test(v);
  }
}

/** Three-valued logic (Flux: a null operand of not/and/or), plus U = "depends on _value". */
type Tri = true | false | null | 'U';

type Lit = Extract<StorePredicate, { kind: 'value' }>['value'];

function cmp(op: string, c: number): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Compare a stored value with a literal; undefined when the kinds do not compare. */
function compareValue(type: FieldType, v: number | bigint | string | boolean, lit: Lit): number | undefined {
  const l = typeof lit === 'object' ? lit.uint : lit;
  if (type === 'string') return typeof l === 'string' ? (v < l ? -1 : v > l ? 1 : 0) : undefined;
  if (type === 'bool') return typeof l === 'boolean' ? (v === l ? 0 : 1) : undefined;
  if (typeof l !== 'number' && typeof l !== 'bigint') return undefined;
  if (typeof v === 'bigint' && typeof l === 'bigint') return v < l ? -1 : v > l ? 1 : 0;
  const a = Number(v);
  const b = Number(l);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

function pointTri(p: StorePredicate, s: SeriesLike, values: FieldValues, i: number): boolean | null {
  switch (p.kind) {
    case 'true':
      return true;
    case 'tag':
      return matchTag(p, s);
    case 'value': {
      if (s.type === 'bool' && p.op !== '==' && p.op !== '!=') return false;
      const raw = values[i]!;
      const v = s.type === 'bool' ? raw === 1 : raw;
      const c = compareValue(s.type, v, p.value);
      return c === undefined ? false : cmp(p.op, c);
    }
    case 'not': {
      const m = pointTri(p.operand, s, values, i);
      return m === null ? null : !m;
    }
    case 'and':
    case 'or': {
      const dominant = p.kind === 'and' ? false : true;
      let sawNull = false;
      for (const o of p.operands) {
        const m = pointTri(o, s, values, i);
        if (m === dominant) return dominant;
        if (m === null) sawNull = true;
      }
      return sawNull ? null : !dominant;
    }
  }
}

/** Whether a point (value index `i` of `values`) passes the predicate (null does not pass). */
export function matchPoint(p: StorePredicate, s: SeriesLike, values: FieldValues, i: number): boolean {
  return pointTri(p, s, values, i) === true;
}

/**
 * A predicate decided per series of one segment index on its string ids (no strings are
 * compared and no entry is materialised): the fast path of a query over many series.
 * Returns, for entry i, 0 (no point matches), 1 (every point does) or 2 (depends on _value).
 */
export function compileForIndex(p: StorePredicate | undefined, idx: SegmentIndex): (i: number) => SeriesMatch {
  if (p === undefined) return () => 1;
  const ids = new Map<string, number>();
  idx.strings.forEach((s, i) => {
    if (!ids.has(s)) ids.set(s, i);
  });
  const tri = compileTri(p, idx, ids);
  return (i) => {
    const m = tri(i);
    return m === 'U' ? 2 : m === true ? 1 : 0;
  };
}

function compileTri(p: StorePredicate, idx: SegmentIndex, ids: Map<string, number>): (i: number) => Tri {
  switch (p.kind) {
    case 'true':
      return () => true;
    case 'value':
      return () => 'U';
    case 'not': {
      const f = compileTri(p.operand, idx, ids);
      return (i) => {
        const m = f(i);
        return m === 'U' || m === null ? m : !m;
      };
    }
    case 'and':
    case 'or': {
      const fs = p.operands.map((o) => compileTri(o, idx, ids));
      const dominant = p.kind === 'and' ? false : true;
      return (i) => {
        let sawU = false;
        let sawNull = false;
        for (const f of fs) {
          const m = f(i);
          if (m === dominant) return dominant;
          if (m === 'U') sawU = true;
          else if (m === null) sawNull = true;
        }
        return sawU ? 'U' : sawNull ? null : !dominant;
      };
    }
    case 'tag': {
      // Which string ids satisfy the comparison (computed once per distinct string).
      const memo = new Int8Array(idx.strings.length).fill(-1);
      const test = (sid: number): boolean => {
        let m = memo[sid]!;
        if (m === -1) {
          const v = idx.strings[sid]!;
          const r =
            p.op === '==' ? v === p.value : p.op === '!=' ? v !== p.value : p.op === '=~' ? (p.value as RegExp).test(v) : !(p.value as RegExp).test(v);
          memo[sid] = m = r ? 1 : 0;
        }
        return m === 1;
      };
      if (p.key === '_measurement') return (i) => test(idx.meas[i]!);
      if (p.key === '_field') return (i) => test(idx.field[i]!);
      const kid = ids.get(p.key);
      if (kid === undefined) return () => null; // no series of this segment has the tag
      const { tagStart, tagK, tagV } = idx;
      return (i) => {
        for (let j = tagStart[i]!; j < tagStart[i + 1]!; j++) if (tagK[j] === kid) return test(tagV[j]!);
        return null;
      };
    }
  }
}
