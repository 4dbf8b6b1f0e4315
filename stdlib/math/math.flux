package math


// Floating-point math (Go's math package semantics: NaN and infinities propagate).

// pi, e, phi and friends: mathematical constants.
builtin pi : float
builtin e : float
builtin phi : float
builtin sqrt2 : float
builtin sqrte : float
builtin sqrtpi : float
builtin sqrtphi : float
builtin ln2 : float
builtin log2e : float
builtin ln10 : float
builtin log10e : float

// maxfloat is the largest finite float; smallestNonzeroFloat the smallest positive one.
builtin maxfloat : float
builtin smallestNonzeroFloat : float

// maxint and minint are the int (signed 64-bit) bounds; maxuint the uint bound.
builtin maxint : int
builtin minint : int
builtin maxuint : uint

// maxFloat is maxfloat; minFloat is the most negative finite float (-maxfloat).
maxFloat = maxfloat
minFloat = 0.0 - maxfloat

// abs returns the absolute value of x.
builtin abs : (x: float) => float

// ceil returns the least integer value greater than or equal to x.
builtin ceil : (x: float) => float

// floor returns the greatest integer value less than or equal to x.
builtin floor : (x: float) => float

// round returns the nearest integer, rounding half away from zero.
builtin round : (x: float) => float

// roundtoeven returns the nearest integer, rounding half to even.
builtin roundtoeven : (x: float) => float

// trunc returns the integer value of x (toward zero).
builtin trunc : (x: float) => float

// sqrt returns the square root of x (NaN for x < 0).
builtin sqrt : (x: float) => float

// cbrt returns the cube root of x.
builtin cbrt : (x: float) => float

// pow returns x to the power y.
builtin pow : (x: float, y: float) => float

// exp returns e to the power x; exp2 2 to the power x; expm1 e^x - 1.
builtin exp : (x: float) => float
builtin exp2 : (x: float) => float
builtin expm1 : (x: float) => float

// log returns the natural logarithm of x; log10, log2 and log1p (log(1 + x)) the others.
builtin log : (x: float) => float
builtin log10 : (x: float) => float
builtin log2 : (x: float) => float
builtin log1p : (x: float) => float

// mod returns the remainder of x / y with the sign of x (Go's math.Mod).
builtin mod : (x: float, y: float) => float

// remainder returns the IEEE 754 remainder of x / y.
builtin remainder : (x: float, y: float) => float

// mMax and mMin return the larger and smaller of x and y (NaN if either is NaN).
builtin mMax : (x: float, y: float) => float
builtin mMin : (x: float, y: float) => float

// hypot returns sqrt(p*p + q*q).
builtin hypot : (p: float, q: float) => float

// Trigonometric functions (radians).
builtin sin : (x: float) => float
builtin cos : (x: float) => float
builtin tan : (x: float) => float
builtin asin : (x: float) => float
builtin acos : (x: float) => float
builtin atan : (x: float) => float
builtin atan2 : (y: float, x: float) => float
builtin sinh : (x: float) => float
builtin cosh : (x: float) => float
builtin tanh : (x: float) => float

// NaN returns a float that is not a number.
builtin NaN : () => float

// isNaN reports whether f is NaN.
builtin isNaN : (f: float) => bool

// isInf reports whether f is an infinity: +Inf when sign > 0, -Inf when sign < 0, either when sign = 0.
builtin isInf : (f: float, sign: int) => bool

// mInf returns +Inf when sign >= 0 and -Inf otherwise.
builtin mInf : (sign: int) => float

// signbit reports whether x is negative or negative zero.
builtin signbit : (x: float) => bool

// copysign returns x with the sign of y.
builtin copysign : (x: float, y: float) => float

// float64bits returns the IEEE 754 bits of f; float64frombits the reverse.
builtin float64bits : (f: float) => uint
builtin float64frombits : (b: uint) => float
