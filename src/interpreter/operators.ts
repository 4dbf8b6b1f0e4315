// Binary operators (Flux SPEC "Operators"): arithmetic (values/arith.ts), comparison and
// regular-expression matching.
//
// - `==` / `!=` compare values of one type structurally; mixing types (`1 == 1.0`,
//   `"1" == 1`) is a `type.mismatch` error, as Flux's type checker rejects it; functions and
//   streams are not Equatable (`type.notEquatable`).
// - `<` `<=` `>` `>=` order int, uint, float, string, time, duration (not bool); NaN compares
//   false.
// - `=~` / `!~` need a string on the left and a regexp on the right.
// - A null operand makes the result null (`exists` is how Flux tests for null).
import { FluxError } from '../errors/index.js';
import type { BinaryOperator } from '../lang/ast.js';
import { arith } from '../values/arith.js';
import { compareValues, valuesEqual } from '../values/compare.js';
import { Regexp, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';

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
      const c = compareValues(a, b);
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
