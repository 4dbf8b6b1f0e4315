// Binary operators (Flux SPEC "Operators"): arithmetic (values/arith.ts), comparison and
// regular-expression matching.
//
// - `==` / `!=` compare values of one type structurally; functions and streams are not
//   Equatable (`type.notEquatable`). Numbers of different types compare by value, as Flux's
//   runtime defines it (values/binary.go): int with uint exactly (a negative int is below
//   every uint), either with a float as float64 (so `r._value > 50` works on a float column).
//   Other mixes (`"1" == 1`) are a `type.mismatch` error.
// - `<` `<=` `>` `>=` order int, uint, float (also with each other, as above), string, time,
//   duration (not bool); NaN compares false (and `!=` true).
// - `=~` / `!~` need a string on the left and a regexp on the right.
// - A null operand makes the result null (`exists` is how Flux tests for null).
import { FluxError } from '../errors/index.js';
import type { BinaryOperator } from '../lang/ast.js';
import { arith } from '../values/arith.js';
import { compareNumbers, compareValues, valuesEqual } from '../values/compare.js';
import { Regexp, UInt, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';

/** A JavaScript number or bigint for an int, uint or float value; undefined for others. */
function numeric(v: Value): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof UInt) return v.value;
  return undefined;
}

function sameKind(a: Value, b: Value): boolean {
  const ta = typeof a;
  if (ta !== 'object') return ta === typeof b;
  return typeOf(a) === typeOf(b);
}

export function binaryOp(op: BinaryOperator, a: Value, b: Value): Value {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
      return arith(op, a, b);
    case '==':
    case '!=': {
      if (a === null || b === null) return null;
      if (!sameKind(a, b)) {
        const x = numeric(a);
        const y = numeric(b);
        if (x !== undefined && y !== undefined) {
          const eq = compareNumbers(x, y) === 0;
          return op === '==' ? eq : !eq;
        }
        throw new FluxError('invalid', 'type.mismatch', `cannot compare ${typeOf(a)} with ${typeOf(b)} using ${op}`);
      }
      const t = typeof a;
      if (t === 'object' && (typeOf(a) === 'function' || typeOf(a) === 'stream')) {
        // Flux SPEC, Types: functions (and streams of tables) are not Equatable.
        throw new FluxError('invalid', 'type.notEquatable', `values of type ${typeOf(a)} cannot be compared with ${op}`);
      }
      const eq = t === 'bigint' || t === 'string' || t === 'number' || t === 'boolean' ? a === b : valuesEqual(a, b);
      return op === '==' ? eq : !eq;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (a === null || b === null) return null;
      // Flux SPEC, Types (Comparable): bool is Equatable but not ordered. (compareValues orders
      // bools for sort(); the operators do not.)
      if (typeof a === 'boolean' && typeof b === 'boolean') throw new FluxError('invalid', 'type.notComparable', `values of type bool are not ordered (use == or !=)`);
      let c: number;
      const x = sameKind(a, b) ? undefined : numeric(a);
      const y = x === undefined ? undefined : numeric(b);
      if (x !== undefined && y !== undefined) c = compareNumbers(x, y);
      else c = compareValues(a, b);
      if (Number.isNaN(c)) return false;
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    case '=~':
    case '!~': {
      if (a === null || b === null) return null;
      if (typeof a !== 'string' || !(b instanceof Regexp)) {
        throw new FluxError('invalid', 'type.mismatch', `${op} needs a string on the left and a regexp on the right, got ${typeOf(a)} and ${typeOf(b)}`);
      }
      const m = b.re.test(a);
      return op === '=~' ? m : !m;
    }
  }
}
