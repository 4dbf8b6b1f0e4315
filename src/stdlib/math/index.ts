// The math package (stdlib/math/math.flux): Go's math semantics on IEEE-754 doubles.
import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { INT64_MAX, INT64_MIN, UINT64_MAX, UInt } from '../../values/value.js';
import type { Value } from '../../values/value.js';

type Args = ReadonlyMap<string, Value>;

const f1 =
  (f: (x: number) => Value, name = 'x'): NativeFunction =>
  (a: Args) => {
    const x = a.get(name);
    return typeof x === 'number' ? f(x) : null;
  };
const f2 =
  (f: (x: number, y: number) => Value, n1: string, n2: string): NativeFunction =>
  (a: Args) => {
    const x = a.get(n1);
    const y = a.get(n2);
    return typeof x === 'number' && typeof y === 'number' ? f(x, y) : null;
  };

/** Go's math.Round: half away from zero. */
function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? (Object.is(x, -0) || x < 0 ? -0 : 0) : r;
}

/** Go's math.RoundToEven. */
function roundToEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const fl = Math.floor(x);
  const diff = x - fl;
  if (diff < 0.5) return fl;
  if (diff > 0.5) return fl + 1;
  return fl % 2 === 0 ? fl : fl + 1;
}

/** IEEE 754 remainder (Go's math.Remainder): x - n*y with n = x/y rounded to even. */
function remainder(x: number, y: number): number {
  if (!Number.isFinite(x) || Number.isNaN(y) || y === 0) return NaN;
  if (!Number.isFinite(y)) return x;
  const n = roundToEven(x / y);
  return x - n * y;
}

const bitsView = new DataView(new ArrayBuffer(8));

const c = (value: Value) => ({ value });

export const mathPackage: NativePackage = {
  path: 'math',
  builtins: {
    pi: c(Math.PI),
    e: c(Math.E),
    phi: c((1 + Math.sqrt(5)) / 2),
    sqrt2: c(Math.SQRT2),
    sqrte: c(Math.sqrt(Math.E)),
    sqrtpi: c(Math.sqrt(Math.PI)),
    sqrtphi: c(Math.sqrt((1 + Math.sqrt(5)) / 2)),
    ln2: c(Math.LN2),
    log2e: c(Math.LOG2E),
    ln10: c(Math.LN10),
    log10e: c(Math.LOG10E),
    maxfloat: c(Number.MAX_VALUE),
    smallestNonzeroFloat: c(Number.MIN_VALUE),
    maxint: c(INT64_MAX),
    minint: c(INT64_MIN),
    maxuint: c(new UInt(UINT64_MAX)),
    abs: f1(Math.abs),
    ceil: f1(Math.ceil),
    floor: f1(Math.floor),
    round: f1(round),
    roundtoeven: f1(roundToEven),
    trunc: f1(Math.trunc),
    sqrt: f1(Math.sqrt),
    cbrt: f1(Math.cbrt),
    pow: f2(Math.pow, 'x', 'y'),
    exp: f1(Math.exp),
    exp2: f1((x) => Math.pow(2, x)),
    expm1: f1(Math.expm1),
    log: f1(Math.log),
    log10: f1(Math.log10),
    log2: f1(Math.log2),
    log1p: f1(Math.log1p),
    mod: f2((x, y) => x % y, 'x', 'y'),
    remainder: f2(remainder, 'x', 'y'),
    // Go's math.Max / math.Min (the Flux docs list the same special cases): an infinity in the
    // direction asked for wins even over NaN, then NaN wins; Math.max/min order -0 below +0.
    mMax: f2((x, y) => (x === Infinity || y === Infinity ? Infinity : Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)), 'x', 'y'),
    mMin: f2((x, y) => (x === -Infinity || y === -Infinity ? -Infinity : Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)), 'x', 'y'),
    hypot: f2(Math.hypot, 'p', 'q'),
    sin: f1(Math.sin),
    cos: f1(Math.cos),
    tan: f1(Math.tan),
    asin: f1(Math.asin),
    acos: f1(Math.acos),
    atan: f1(Math.atan),
    atan2: f2(Math.atan2, 'y', 'x'),
    sinh: f1(Math.sinh),
    cosh: f1(Math.cosh),
    tanh: f1(Math.tanh),
    NaN: () => NaN,
    isNaN: f1((x) => Number.isNaN(x), 'f'),
    isInf: (a: Args) => {
      const f = a.get('f');
      const sign = a.get('sign') as bigint;
      if (typeof f !== 'number') return null;
      return (sign >= 0n && f === Infinity) || (sign <= 0n && f === -Infinity);
    },
    mInf: (a: Args) => ((a.get('sign') as bigint) >= 0n ? Infinity : -Infinity),
    signbit: f1((x) => x < 0 || Object.is(x, -0)),
    copysign: f2((x, y) => {
      const neg = y < 0 || Object.is(y, -0);
      return neg ? -Math.abs(x) : Math.abs(x);
    }, 'x', 'y'),
    float64bits: f1((x) => {
      bitsView.setFloat64(0, x);
      return new UInt(bitsView.getBigUint64(0));
    }, 'f'),
    float64frombits: (a: Args) => {
      const b = a.get('b');
      if (!(b instanceof UInt)) return null;
      bitsView.setBigUint64(0, b.value);
      return bitsView.getFloat64(0);
    },
  } satisfies Record<string, NativeFunction | { value: Value }>,
};
