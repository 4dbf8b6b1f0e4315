// Evaluation of pushed-down predicates (see StorePredicate in ./types.ts): first per series
// from the index alone (tags, measurement, field), which decides most predicates without
// reading any block; then per point for the parts that test `_value`.
import type { FieldType, FieldValues, StorePredicate } from './types.js';
import { TYPES } from './segment.js';
import type { SegmentIndex } from './segment.js';
import { FluxError } from '../errors/index.js';
import { compareNumbers } from '../values/compare.js';

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

/**
 * true/false, null (a comparison with a missing tag; `not null` is null), plus U = "depends on _value" and
 * E = "evaluating this fails" (a `_value` comparison Flux cannot evaluate for the series' type).
 */
type Tri = true | false | null | 'U' | 'E';

type Lit = Extract<StorePredicate, { kind: 'value' }>['value'];
type ValuePred = Extract<StorePredicate, { kind: 'value' }>;

function litType(lit: Lit): FieldType {
  if (typeof lit === 'object') return 'uint';
  if (typeof lit === 'number') return 'float';
  if (typeof lit === 'bigint') return 'int';
  return typeof lit === 'string' ? 'string' : 'bool';
}

const numeric = (t: FieldType) => t === 'float' || t === 'int' || t === 'uint';

/**
 * The error a `_value` comparison raises for a series of type `type`, or undefined when it
 * can be evaluated. As Flux's binary operators (and the interpreter's, src/interpreter/
 * operators.ts): numbers compare with numbers (float, int and uint mix), strings with strings,
 * booleans with booleans and only with == and !=; anything else is an error, never a silent
 * false (`not (r._value > 1)` must not keep the string points).
 */
function valueError(p: ValuePred, type: FieldType): FluxError | undefined {
  const lt = litType(p.value);
  if (type === 'bool' && lt === 'bool') {
    if (p.op === '==' || p.op === '!=') return undefined;
    return new FluxError('invalid', 'type.notComparable', 'values of type bool are not ordered (use == or !=)');
  }
  if (type === lt || (numeric(type) && numeric(lt))) return undefined;
  return new FluxError('invalid', 'type.mismatch', `cannot compare ${type} with ${lt} using ${p.op} (field values of type ${type})`);
}

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

/**
 * Compare a stored value with a literal of a comparable type (see valueError): negative, 0,
 * positive, or NaN when unordered (a NaN float). Numbers of different types compare as Flux
 * does (values/binary.go): int with uint exactly, float with int or uint as float64.
 */
function compareValue(v: number | bigint | string | boolean, lit: Lit): number {
  const l = typeof lit === 'object' ? lit.uint : lit;
  if (typeof v === 'string' || typeof v === 'boolean') return v === l ? 0 : v < (l as typeof v) ? -1 : 1;
  return compareNumbers(v, l as number | bigint);
}

function pointTri(p: StorePredicate, s: SeriesLike, values: FieldValues, i: number): boolean | null {
  switch (p.kind) {
    case 'true':
      return true;
    case 'tag':
      return matchTag(p, s);
    case 'value': {
      const e = valueError(p, s.type);
      if (e) throw e;
      const raw = values[i]!;
      const c = compareValue(s.type === 'bool' ? raw === 1 : raw, p.value);
      // NaN is unordered: every comparison is false except != (IEEE 754, as in Go and JS).
      if (Number.isNaN(c)) return p.op === '!=';
      return cmp(p.op, c);
    }
    case 'not': {
      const m = pointTri(p.operand, s, values, i);
      return m === null ? null : !m;
    }
    case 'all':
      for (const o of p.operands) if (pointTri(o, s, values, i) !== true) return false;
      return true;
    case 'and':
    case 'or': {
      // As the interpreter evaluates and/or (src/interpreter/evaluator.ts): three-valued logic
      // (Flux SPEC, "Missing values (null)"), a null operand is an unknown bool (`null and
      // false` is false, `null and true` null); left to right, evaluation stops at the first
      // operand that decides the result, so a later operand is not evaluated (cannot fail).
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
    // E: the points decide whether the read fails (a series with no point in the range does not).
    return m === 'U' || m === 'E' ? 2 : m === true ? 1 : 0;
  };
}

function compileTri(p: StorePredicate, idx: SegmentIndex, ids: Map<string, number>): (i: number) => Tri {
  switch (p.kind) {
    case 'true':
      return () => true;
    case 'value': {
      const bad = TYPES.map((t) => valueError(p, t) !== undefined);
      return (i) => (bad[idx.types[i]!] ? 'E' : 'U');
    }
    case 'not': {
      const f = compileTri(p.operand, idx, ids);
      return (i) => {
        const m = f(i);
        return m === 'U' || m === 'E' || m === null ? m : !m;
      };
    }
    case 'all': {
      // Successive filters: a false or null operand drops the point and stops.
      const fs = p.operands.map((o) => compileTri(o, idx, ids));
      return (i) => {
        let sawU = false;
        for (const f of fs) {
          const m = f(i);
          if (m === false || m === null) return false;
          if (m === 'E') return sawU ? 'U' : 'E';
          if (m === 'U') sawU = true;
        }
        return sawU ? 'U' : true;
      };
    }
    case 'and':
    case 'or': {
      const fs = p.operands.map((o) => compileTri(o, idx, ids));
      const dominant = p.kind === 'and' ? false : true;
      return (i) => {
        let sawU = false;
        let sawNull = false; // an unknown operand (see pointTri)
        for (const f of fs) {
          const m = f(i);
          if (m === dominant) return dominant;
          // An operand that fails is reached unless an earlier one depending on _value stops
          // first: then the points decide (pointTri evaluates in the same order).
          if (m === 'E') return sawU ? 'U' : 'E';
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
