// Column codecs of the embedded store's segment files (see ./segment.ts for the file layout).
//
// Timestamps: count, the first time as int64, then delta-of-delta as zigzag varints (regular
// scrape intervals give runs of 0, one byte each, which deflate then squeezes further).
// Floats: when every value is an exact decimal with <= 6 fraction digits (counters, most
// gauges) they are scaled to integers and stored as zigzag varint deltas (mode byte: the
// scale). When a few values are not (NaN, which Prometheus summaries report for a quantile
// with no observations, +-Inf, -0, more digits), those few are kept aside as exceptions and
// the rest is stored as decimals (mode 0xfe): a single NaN no longer turns a whole block into
// 8 bytes per value, which mattered most for compaction, where a merged series holds the
// points of every input block. Otherwise each value is XORed with its predecessor (Gorilla's
// idea) and the 8 bytes of the XORs are stored byte-plane by byte-plane (mode 0xff), so the
// many zero high/low bytes form long runs for deflate.
// Ints/uints: zigzag varint deltas (uint as two's complement int64 deltas). Bools: one byte
// each. Strings: varint length + UTF-8. Each block is then deflated (node:zlib) unless small.
import type { FieldType, FieldValues } from './types.js';

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;
  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Unsigned varint of a non-negative safe integer. */
  uvarint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  /** Zigzag varint of a safe integer. */
  svarint(v: number): void {
    this.uvarint(v < 0 ? -2 * v - 1 : 2 * v);
  }
  /** Unsigned varint of a bigint in [0, 2^64). */
  uvarintBig(v: bigint): void {
    if (v < 0x20000000000000n) return this.uvarint(Number(v));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }
  /** Zigzag varint of a bigint in the signed 64-bit range (or a delta of two such, 65 bits). */
  svarintBig(v: bigint): void {
    this.uvarintBig(v < 0n ? -2n * v - 1n : 2n * v);
  }
  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.uvarint(b.length);
    this.bytes(b);
  }
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export class CorruptSegmentError extends Error {}

export class ByteReader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new CorruptSegmentError('truncated block');
  }
  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new CorruptSegmentError('varint too long for a number');
  }
  svarint(): number {
    const u = this.uvarint();
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }
  uvarintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 11; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
    throw new CorruptSegmentError('varint too long');
  }
  svarintBig(): bigint {
    const u = this.uvarintBig();
    return u & 1n ? -(u + 1n) / 2n : u / 2n;
  }
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  string(): string {
    const n = this.uvarint();
    const b = this.bytes(n);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  }
}

const SAFE_DELTA = 2 ** 51;

/** Encode ascending timestamps. */
export function encodeTimes(w: ByteWriter, times: BigInt64Array): void {
  const n = times.length;
  w.uvarint(n);
  if (n === 0) return;
  w.i64(times[0]!);
  // Mode 0: delta-of-delta as numbers (deltas below 2^51 ns, about 26 days); mode 1: bigint deltas.
  let small = true;
  for (let i = 1; i < n; i++) {
    if (times[i]! - times[i - 1]! >= BigInt(SAFE_DELTA)) {
      small = false;
      break;
    }
  }
  w.byte(small ? 0 : 1);
  if (small) {
    let prevDelta = 0;
    for (let i = 1; i < n; i++) {
      const d = Number(times[i]! - times[i - 1]!);
      w.svarint(d - prevDelta);
      prevDelta = d;
    }
  } else {
    for (let i = 1; i < n; i++) w.svarintBig(times[i]! - times[i - 1]!);
  }
}

export function decodeTimes(r: ByteReader): BigInt64Array {
  const n = r.uvarint();
  const out = new BigInt64Array(n);
  if (n === 0) return out;
  let t = r.i64();
  out[0] = t;
  const mode = r.byte();
  if (mode === 0) {
    let delta = 0;
    // Accumulate in numbers relative to the first time to keep BigInt work to one op per point.
    let offset = 0;
    for (let i = 1; i < n; i++) {
      delta += r.svarint();
      offset += delta;
      if (offset >= SAFE_DELTA) {
        t += BigInt(offset);
        offset = 0;
        out[i] = t;
      } else out[i] = t + BigInt(offset);
    }
  } else if (mode === 1) {
    for (let i = 1; i < n; i++) {
      t += r.svarintBig();
      out[i] = t;
    }
  } else throw new CorruptSegmentError(`unknown time encoding ${mode}`);
  return out;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
/** Largest magnitude of a scaled decimal (deltas of two stay exact in a double). */
const MAX_SCALED = 2 ** 50;
/** Mode byte of decimals with exceptions (below it: the scale of plain decimals). */
const MODE_PATCHED = 0xfe;
/** Mode byte of XORed byte planes. */
const MODE_XOR = 0xff;

/** Whether v is stored exactly as the integer round(v * m) (m = 10^scale). */
function fitsScale(v: number, m: number): boolean {
  const s = Math.round(v * m);
  return s / m === v && Math.abs(s) <= MAX_SCALED;
}

/**
 * The decimal scale of a column and the positions of the values that do not fit it: the scale
 * is the largest of the values' own smallest scales (<= 6), as when every value fits; values
 * that fit no scale (NaN, +-Inf, -0, more than 6 fraction digits, beyond 2^50 once scaled)
 * are exceptions. Undefined when exceptions are more than a quarter of the values (an
 * exception costs its 8 bytes and its position, so XORed planes are then the better choice)
 * or when no value fits.
 */
function decimalPlan(values: Float64Array): { scale: number; exceptions: number[] } | undefined {
  const n = values.length;
  const maxExceptions = n >>> 2;
  let scale = 0;
  let out = 0;
  /** The largest magnitude of a value that fit the scale of its time. */
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > MAX_SCALED || Object.is(v, -0)) {
      if (++out > maxExceptions) return undefined;
      continue;
    }
    let k = scale;
    while (k < POW10.length && !fitsScale(v, POW10[k]!)) k++;
    if (k < POW10.length) {
      scale = k;
      if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
    } else if (++out > maxExceptions) return undefined;
  }
  if (out > 0 && out === n) return undefined;
  const exceptions: number[] = [];
  // A value that fit a smaller scale may be too large for the final one (2^49 fits scale 0,
  // then 0.5 raises the scale to 1, and 2^49 * 10 > 2^50, where deltas of two scaled values
  // no longer stay exact in a double): then, as when some values fit no scale, every value is
  // checked against the final scale. (A value that fits a scale in magnitude also fits it
  // exactly once it fit a smaller one, so the largest magnitude is all there is to check.)
  if (out > 0 || Math.round(maxAbs * POW10[scale]!) > MAX_SCALED) {
    // The scale grew while the values were read: check them all against the final one.
    const m = POW10[scale]!;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v) || Object.is(v, -0) || !fitsScale(v, m)) exceptions.push(i);
    }
    if (exceptions.length > maxExceptions) return undefined;
  }
  return { scale, exceptions };
}

function encodeFloats(w: ByteWriter, values: Float64Array): void {
  const n = values.length;
  const plan = decimalPlan(values);
  if (plan !== undefined) {
    const { scale, exceptions } = plan;
    const m = POW10[scale]!;
    if (exceptions.length === 0) {
      // Mode 0-6: the scale, then n zigzag deltas of the scaled values.
      w.byte(scale);
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const s = Math.round(values[i]! * m);
        w.svarint(s - prev);
        prev = s;
      }
      return;
    }
    // Mode 0xfe: the scale; the exception count; each exception's position (as the gap to the
    // previous one's, the first's from -1, minus 1) and its 8 bytes (the two 32-bit words of
    // the double, little-endian, so a NaN's payload survives); then n zigzag deltas of the
    // scaled values, where an exception repeats the previous scaled value (a delta of 0).
    const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
    w.byte(MODE_PATCHED);
    w.byte(scale);
    w.uvarint(exceptions.length);
    let last = -1;
    for (const i of exceptions) {
      w.uvarint(i - last - 1);
      last = i;
      w.u32(words[2 * i]!);
      w.u32(words[2 * i + 1]!);
    }
    let prev = 0;
    let next = 0;
    for (let i = 0; i < n; i++) {
      if (i === exceptions[next]) {
        next++;
        w.byte(0);
        continue;
      }
      const s = Math.round(values[i]! * m);
      w.svarint(s - prev);
      prev = s;
    }
    return;
  }
  // XOR with the predecessor, then byte planes.
  w.byte(MODE_XOR);
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const planes = new Uint8Array(n * 8);
  let plo = 0;
  let phi = 0;
  for (let i = 0; i < n; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    const xl = (lo ^ plo) >>> 0;
    const xh = (hi ^ phi) >>> 0;
    plo = lo;
    phi = hi;
    planes[i] = xl & 0xff;
    planes[n + i] = (xl >>> 8) & 0xff;
    planes[2 * n + i] = (xl >>> 16) & 0xff;
    planes[3 * n + i] = xl >>> 24;
    planes[4 * n + i] = xh & 0xff;
    planes[5 * n + i] = (xh >>> 8) & 0xff;
    planes[6 * n + i] = (xh >>> 16) & 0xff;
    planes[7 * n + i] = xh >>> 24;
  }
  w.bytes(planes);
}

function decodeFloats(r: ByteReader, n: number): Float64Array {
  const out = new Float64Array(n);
  const mode = r.byte();
  if (mode === MODE_XOR) {
    const planes = r.bytes(n * 8);
    const words = new Uint32Array(out.buffer);
    let plo = 0;
    let phi = 0;
    for (let i = 0; i < n; i++) {
      const xl = planes[i]! | (planes[n + i]! << 8) | (planes[2 * n + i]! << 16) | (planes[3 * n + i]! << 24);
      const xh = planes[4 * n + i]! | (planes[5 * n + i]! << 8) | (planes[6 * n + i]! << 16) | (planes[7 * n + i]! << 24);
      plo = (plo ^ xl) >>> 0;
      phi = (phi ^ xh) >>> 0;
      words[2 * i] = plo;
      words[2 * i + 1] = phi;
    }
    return out;
  }
  let positions: number[] = [];
  let bits: number[] = [];
  let scale = mode;
  if (mode === MODE_PATCHED) {
    scale = r.byte();
    const count = r.uvarint();
    if (count > n) throw new CorruptSegmentError('more float exceptions than values');
    positions = new Array(count);
    bits = new Array(2 * count);
    let last = -1;
    for (let j = 0; j < count; j++) {
      last += r.uvarint() + 1;
      if (last >= n) throw new CorruptSegmentError('float exception out of range');
      positions[j] = last;
      bits[2 * j] = r.u32();
      bits[2 * j + 1] = r.u32();
    }
  }
  if (scale >= POW10.length) throw new CorruptSegmentError(`unknown float encoding ${mode}`);
  const m = POW10[scale]!;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev += r.svarint();
    out[i] = prev / m;
  }
  if (positions.length > 0) {
    const words = new Uint32Array(out.buffer);
    for (let j = 0; j < positions.length; j++) {
      words[2 * positions[j]!] = bits[2 * j]!;
      words[2 * positions[j]! + 1] = bits[2 * j + 1]!;
    }
  }
  return out;
}

/** Encode a value column of `n` values of the given type. */
export function encodeValues(w: ByteWriter, type: FieldType, values: FieldValues): void {
  switch (type) {
    case 'float':
      return encodeFloats(w, values as Float64Array);
    case 'int': {
      const v = values as BigInt64Array;
      let prev = 0n;
      for (let i = 0; i < v.length; i++) {
        w.svarintBig(v[i]! - prev);
        prev = v[i]!;
      }
      return;
    }
    case 'uint': {
      const v = values as BigUint64Array;
      let prev = 0n;
      for (let i = 0; i < v.length; i++) {
        w.svarintBig(v[i]! - prev);
        prev = v[i]!;
      }
      return;
    }
    case 'bool':
      return w.bytes(values as Uint8Array);
    case 'string': {
      for (const s of values as readonly string[]) w.string(s);
      return;
    }
  }
}

export function decodeValues(r: ByteReader, type: FieldType, n: number): FieldValues {
  switch (type) {
    case 'float':
      return decodeFloats(r, n);
    case 'int': {
      const out = new BigInt64Array(n);
      let prev = 0n;
      for (let i = 0; i < n; i++) {
        prev = BigInt.asIntN(64, prev + r.svarintBig());
        out[i] = prev;
      }
      return out;
    }
    case 'uint': {
      const out = new BigUint64Array(n);
      let prev = 0n;
      for (let i = 0; i < n; i++) {
        prev = BigInt.asUintN(64, prev + r.svarintBig());
        out[i] = prev;
      }
      return out;
    }
    case 'bool':
      return new Uint8Array(r.bytes(n));
    case 'string': {
      const out: string[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = r.string();
      return out;
    }
  }
}
