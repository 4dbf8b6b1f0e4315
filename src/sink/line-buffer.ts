// LineBuffer: a growable byte buffer that line protocol is written into directly, without a
// JavaScript string per line (the fast path of the default to() mapping; see
// scripts/bench/sink/ and BENCHMARKS.md). Digits are written byte by byte; names arrive as
// pre-encoded UTF-8 (cached per series by the encoder).
//
// The clearer string version of the same output is `LineEncoder.encode` (lines as strings);
// tests check that both produce identical bytes.

const DOT = 46;
const MINUS = 45;
const ZERO = 48;
const TWO53 = 9007199254740992;
const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

export class LineBuffer {
  bytes: Uint8Array;
  length = 0;
  lines = 0;
  private readonly scratch = new Uint8Array(24);

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let n = this.bytes.length * 2;
    while (n < this.length + extra) n *= 2;
    const b = new Uint8Array(n);
    b.set(this.bytes.subarray(0, this.length));
    this.bytes = b;
  }

  /** The bytes written so far (a view; copy before reusing the buffer). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.lines = 0;
  }

  appendBytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  appendByte(c: number): void {
    this.ensure(1);
    this.bytes[this.length++] = c;
  }

  /** ASCII-only text (numbers, `true`, `i`/`u` suffixes). */
  appendAscii(s: string): void {
    this.ensure(s.length);
    const b = this.bytes;
    let o = this.length;
    for (let i = 0; i < s.length; i++) b[o++] = s.charCodeAt(i);
    this.length = o;
  }

  /** A non-negative integer below 2^53, in decimal; at least `minDigits` digits (zero-padded). */
  private appendUnsignedInt(m: number, minDigits = 1): void {
    const s = this.scratch;
    let n = 0;
    do {
      const q = Math.floor(m / 10);
      s[n++] = ZERO + (m - q * 10);
      m = q;
    } while (m > 0);
    while (n < minDigits) s[n++] = ZERO;
    this.ensure(n);
    const b = this.bytes;
    let o = this.length;
    while (n > 0) b[o++] = s[--n]!;
    this.length = o;
  }

  /**
   * A finite float, as `formatFloatField` writes it (see there for why the decimal form
   * round-trips): integers and numbers with up to 9 decimals digit by digit, others in
   * JavaScript's shortest form.
   */
  appendFloat(v: number): void {
    if (Number.isInteger(v)) {
      if (v > -TWO53 && v < TWO53) {
        if (v < 0) {
          this.appendByte(MINUS);
          this.appendUnsignedInt(-v);
        } else this.appendUnsignedInt(v === 0 ? 0 : v);
        return;
      }
      this.appendAscii(String(v));
      return;
    }
    const a = v < 0 ? -v : v;
    if (a >= 1e-3 && a < 1e15) {
      for (let k = 1; k <= 9; k++) {
        const p = POW10[k]!;
        const m = a * p;
        if (Number.isInteger(m) && m < TWO53 && m / p === a) {
          if (v < 0) this.appendByte(MINUS);
          const ip = Math.floor(m / p);
          this.appendUnsignedInt(ip);
          this.appendByte(DOT);
          this.appendUnsignedInt(m - ip * p, k);
          return;
        }
      }
    }
    this.appendAscii(String(v));
  }
}
