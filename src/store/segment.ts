// Segment files: immutable, columnar, one per flush (or per compaction output).
//
// Layout (little-endian):
//   "PFXSEG02"
//   blocks: each a codec byte (0 raw, 1 deflate-raw) and its payload; a time block (see
//           codec.encodeTimes) or a value block (codec.encodeValues). A float block's first
//           byte is its mode: 0-6 decimals of that scale, 0xfe decimals with exceptions, 0xff
//           XORed byte planes. Mode 0xfe came later, with no new file version: every file
//           written before reads as it is, but earlier promflux versions cannot read its blocks.
//   index:  a block (as above) of: version byte, string table, then fixed-width columns (each
//           8-byte aligned, one row per series sorted by series key): measurement/field/tag
//           string ids, type, count, min/max time, and the offset, length and CRC-32 of the
//           series' time block and value block
//   footer: f64 index offset, u32 index length, u32 CRC-32 of the index, "PFXEND02"
//
// Series whose timestamps are identical (every series of one scrape) share one time block,
// so regular scrape data pays for its timestamps once per target, not once per series.
// A reader reads the footer and the index, picks the series it needs and reads only their
// blocks (predicate and range pushdown): a one-series query reads a few KB of a large file.
// A writer (SegmentWriter) produces the file front to back, series by series in key order, the
// index last: a compaction streams its output without holding it in memory.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync, crc32 } from 'node:zlib';
import { ByteReader, ByteWriter, CorruptSegmentError, decodeTimes, decodeValues, encodeTimes, encodeValues } from './codec.js';
import type { FieldType, FieldValues, SeriesData } from './types.js';
import type { ReadHandle } from '../host/fs.js';

const MAGIC = Buffer.from('PFXSEG02', 'latin1');
const END = Buffer.from('PFXEND02', 'latin1');
const FOOTER = 24;
export const TYPES: readonly FieldType[] = ['float', 'int', 'uint', 'bool', 'string'];
/** The index's type code of a field type: its position in TYPES. */
const TYPE_CODE: Readonly<Record<FieldType, number>> = { float: 0, int: 1, uint: 2, bool: 3, string: 4 };

export interface IndexEntry {
  /** measurement \0 field \0 tagkey \1 tagvalue \0 ... (tags sorted by key). */
  readonly key: string;
  readonly measurement: string;
  readonly field: string;
  readonly tags: readonly (readonly [string, string])[];
  readonly type: FieldType;
  readonly count: number;
  readonly minT: bigint;
  readonly maxT: bigint;
  readonly tsOff: number;
  readonly tsLen: number;
  readonly tsCrc: number;
  readonly vOff: number;
  readonly vLen: number;
  readonly vCrc: number;
}

/**
 * A decoded segment index, columnar: a query tests time bounds and tag predicates on these
 * arrays (through `cursor`) and materialises an IndexEntry only for the series it reads.
 */
export class SegmentIndex {
  readonly minT: bigint;
  readonly maxT: bigint;
  readonly points: number;
  private readonly cache: (IndexEntry | undefined)[];
  constructor(
    readonly strings: readonly string[],
    readonly length: number,
    readonly meas: Int32Array,
    readonly field: Int32Array,
    /** Tags of entry i: tagK/tagV[tagStart[i] .. tagStart[i + 1]) (string ids). */
    readonly tagStart: Int32Array,
    readonly tagK: Int32Array,
    readonly tagV: Int32Array,
    readonly types: Uint8Array,
    readonly counts: Float64Array,
    readonly firstT: BigInt64Array,
    readonly lastT: BigInt64Array,
    /** tsOff, tsLen, vOff, vLen per entry (4 numbers each). */
    readonly blocks: Float64Array,
    readonly crcs: Uint32Array,
    /** Bytes of index + footer read to load this index. */
    readonly indexBytes: number,
  ) {
    let minT = 0n;
    let maxT = 0n;
    let points = 0;
    for (let i = 0; i < length; i++) {
      if (i === 0 || firstT[i]! < minT) minT = firstT[i]!;
      if (i === 0 || lastT[i]! > maxT) maxT = lastT[i]!;
      points += counts[i]!;
    }
    this.minT = minT;
    this.maxT = maxT;
    this.points = points;
    this.cache = new Array(length);
  }

  /** The full entry of series i (cached). */
  entry(i: number): IndexEntry {
    let e = this.cache[i];
    if (e !== undefined) return e;
    e = this.entryUncached(i);
    this.cache[i] = e;
    return e;
  }

  /** The series key of entry i (as `entry(i).key`, without building or caching the entry). */
  key(i: number): string {
    const str = this.strings;
    let k = str[this.meas[i]!]! + '\0' + str[this.field[i]!]!;
    for (let j = this.tagStart[i]!; j < this.tagStart[i + 1]!; j++) k += '\0' + str[this.tagK[j]!]! + '\u0001' + str[this.tagV[j]!]!;
    return k;
  }

  /** The full entry of series i, not cached (a compaction visits each entry once). */
  entryUncached(i: number): IndexEntry {
    const str = this.strings;
    const tags: [string, string][] = [];
    for (let j = this.tagStart[i]!; j < this.tagStart[i + 1]!; j++) tags.push([str[this.tagK[j]!]!, str[this.tagV[j]!]!]);
    const measurement = str[this.meas[i]!]!;
    const field = str[this.field[i]!]!;
    return {
      key: seriesKey(measurement, field, tags),
      measurement,
      field,
      tags,
      type: TYPES[this.types[i]!]!,
      count: this.counts[i]!,
      minT: this.firstT[i]!,
      maxT: this.lastT[i]!,
      tsOff: this.blocks[4 * i]!,
      tsLen: this.blocks[4 * i + 1]!,
      tsCrc: this.crcs[2 * i]!,
      vOff: this.blocks[4 * i + 2]!,
      vLen: this.blocks[4 * i + 3]!,
      vCrc: this.crcs[2 * i + 1]!,
    };
  }

  *entries(): Generator<IndexEntry> {
    for (let i = 0; i < this.length; i++) yield this.entry(i);
  }
}

export function seriesKey(measurement: string, field: string, tags: readonly (readonly [string, string])[]): string {
  let k = measurement + '\0' + field;
  for (let i = 0; i < tags.length; i++) k += '\0' + tags[i]![0] + '\u0001' + tags[i]![1];
  return k;
}

/**
 * A series that carries its series key (`seriesKey` of its measurement, field and tags, the
 * tags sorted by key), computed once where it was made (BatchBuilder.build, which needs the
 * key itself): Store.write and encodeSegment read it through `seriesKeyOf` instead of building
 * the string again (a scrape writes one point for each of up to 100,000 series, and the key
 * was built three times per series per write). The key sits in a private field, so a copy made
 * with spread syntax (`{ ...s, times }`) does not carry it and gets its key computed again: a
 * key can only belong to the object it was computed for. The fields are as read-only as any
 * SeriesBatch's: neither the store nor a caller may change them after construction.
 */
export class KeyedSeries implements SeriesData {
  readonly #key: string;
  constructor(
    readonly measurement: string,
    /** Sorted by key (the key was computed from this order). */
    readonly tags: readonly (readonly [string, string])[],
    readonly field: string,
    readonly type: FieldType,
    readonly times: BigInt64Array,
    readonly values: FieldValues,
    key: string,
  ) {
    this.#key = key;
  }

  /** The series key of `s` (tags sorted by key): the one it carries, or computed. */
  static keyOf(s: SeriesData): string {
    return #key in s ? s.#key : seriesKey(s.measurement, s.field, s.tags);
  }
}

/** The series key of a series whose tags are sorted by key (`seriesKey`; see KeyedSeries). */
export const seriesKeyOf: (s: SeriesData) => string = KeyedSeries.keyOf;

/** Payloads shorter than this stay raw (see compress). */
const COMPRESS_MIN = 64;

/**
 * A block: one codec byte (0 raw, 1 deflate-raw) and the payload. Small blocks (one scrape
 * of a series) stay raw: a zlib call costs more CPU than it saves bytes there.
 */
function compress(b: Uint8Array): Uint8Array {
  if (b.length >= COMPRESS_MIN) {
    const c = deflateRawSync(b, { level: 6 });
    if (c.length + 1 < b.length) {
      const out = new Uint8Array(c.length + 1);
      out[0] = 1;
      out.set(c, 1);
      return out;
    }
  }
  const out = new Uint8Array(b.length + 1);
  out.set(b, 1);
  return out;
}

function decompress(block: Uint8Array): Uint8Array {
  if (block.length === 0) throw new CorruptSegmentError('empty block');
  const payload = block.subarray(1);
  if (block[0] === 0) return payload;
  if (block[0] === 1) return inflateRawSync(payload);
  throw new CorruptSegmentError(`unknown block codec ${block[0]}`);
}

/** Encode series (times ascending and unique, tags sorted) into a segment file image. */
export function encodeSegment(series: readonly SeriesData[]): { bytes: Uint8Array; minT: bigint; maxT: bigint; points: number } {
  // Sort by series key. Once per series: its key (carried by a KeyedSeries), and a check
  // whether the input already is in strict key order, which spares the sort. Two series of
  // one key are out of contract (an internal error), as for SegmentWriter.add.
  const items: SeriesData[] = [];
  const keys: string[] = [];
  let inOrder = true;
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    if (s.times.length === 0) continue;
    const key = seriesKeyOf(s);
    if (inOrder && keys.length > 0 && !(key > keys[keys.length - 1]!)) inOrder = false;
    items.push(s);
    keys.push(key);
  }
  let order: number[] | undefined;
  if (!inOrder) {
    order = Array.from({ length: items.length }, (_, i) => i);
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    // Sorted: the keys ascend strictly unless two are equal, and equal ones are neighbours.
    for (let i = 1; i < order.length; i++) if (keys[order[i]!] === keys[order[i - 1]!]) throw outOfContract(keys[order[i]!]!, items[order[i]!]!.times.length);
  }
  const w = SegmentWriter.ofOrdered(items, keys, order);
  const { minT, maxT, points } = w.finish();
  return { bytes: w.take(), minT, maxT, points };
}

function outOfContract(key: string, n: number): Error {
  return new Error(`internal error: SegmentWriter.add out of contract (series ${JSON.stringify(key)}, ${n} points)`);
}

/** Size of the chunks small blocks are written into (see SegmentWriter.reserve). */
const CHUNK = 64 * 1024;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/**
 * CRC-32 (ISO-HDLC, the one of zlib and gzip: reflected polynomial 0xEDB88320, initial and
 * final XOR 0xFFFFFFFF) of b[from, to), as `zlib.crc32(b.subarray(from, to))` gives it. For
 * blocks of a few bytes, where the call into zlib costs many times the table loop here; larger
 * ones go to zlib.
 */
export function crc32Small(b: Uint8Array, from: number, to: number): number {
  let c = -1;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

interface TimeBlock {
  readonly off: number;
  readonly len: number;
  readonly crc: number;
  /** The first and last time (read once per block, not once per series sharing it). */
  readonly first: bigint;
  readonly last: bigint;
  /** The uncompressed encoding when small, else its SHA-256 (to tell CRC collisions apart). */
  readonly raw?: Uint8Array;
  readonly sha?: string;
}

/** Time encodings up to this size are kept to compare; larger ones are compared by SHA-256. */
const SMALL_TIME_BLOCK = 256;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

/**
 * Writes a segment file front to back, series by series, in ascending series key order: the
 * caller adds series, takes the bytes produced so far (`take`) whenever `pending` is large
 * enough, and after `finish` takes the rest (index and footer). What it keeps between series is
 * per-series index data (a few numbers and the string table) and one small record per distinct
 * time block, never a series' points: a compaction writes an output of any size in bounded
 * memory. `encodeSegment` is this writer taken once at the end.
 */
export class SegmentWriter {
  private parts: Uint8Array[] = [MAGIC];
  private pendingBytes = MAGIC.length;
  /** Bytes produced so far (taken or pending). */
  size = MAGIC.length;
  private lastKey: string | undefined;
  private finished = false;
  private readonly strings = new Map<string, number>();
  // Shared time blocks: keyed by CRC + length of the uncompressed encoding, verified byte-wise
  // (small) or by SHA-256 (large). Series of one scrape usually pass the very same times array:
  // then not even re-encoded (a WeakMap: it must not keep a compaction's arrays alive).
  private readonly timeBlocks = new Map<string, TimeBlock[]>();
  private readonly byArray = new WeakMap<BigInt64Array, TimeBlock>();
  private readonly cMeas: number[] = [];
  private readonly cField: number[] = [];
  private readonly cTagStart: number[] = [];
  private readonly tagKs: number[] = [];
  private readonly tagVs: number[] = [];
  private readonly cTypes: number[] = [];
  private readonly cCounts: number[] = [];
  private readonly cFirst: bigint[] = [];
  private readonly cLast: bigint[] = [];
  private readonly cBlocks: number[] = [];
  private readonly cCrcs: number[] = [];
  private minT = 0n;
  private maxT = 0n;
  private points = 0;
  private readonly tw = new ByteWriter(4096);
  private readonly vw = new ByteWriter(4096);
  /** Small blocks not in `parts` yet are chunk[chunkStart, chunkPos) (see reserve). */
  private chunk = new Uint8Array(0);
  private chunkStart = 0;
  private chunkPos = 0;

  /** Bytes produced and not taken yet. */
  get pending(): number {
    return this.pendingBytes;
  }

  /** Series added so far. */
  get series(): number {
    return this.cCounts.length;
  }

  private put(b: Uint8Array): number {
    this.sealChunk();
    this.parts.push(b);
    const at = this.size;
    this.size += b.length;
    this.pendingBytes += b.length;
    return at;
  }

  /**
   * Room for `n` bytes at the end of the file, in `chunk` (returned: the position there). Small
   * blocks (a series' one-point value block) are written into a shared chunk instead of an
   * allocation and a part each; the chunk is only appended to, never rewritten, so the views
   * of it in `parts` (and the bytes `take` returned) stay as they were.
   */
  private reserve(n: number): number {
    if (this.chunkPos + n > this.chunk.length) {
      this.sealChunk();
      this.chunk = new Uint8Array(Math.max(CHUNK, n));
      this.chunkStart = 0;
      this.chunkPos = 0;
    }
    const at = this.chunkPos;
    this.chunkPos += n;
    this.size += n;
    this.pendingBytes += n;
    return at;
  }

  /** Move what was written into the chunk since the last seal to `parts` (before any put). */
  private sealChunk(): void {
    if (this.chunkPos === this.chunkStart) return;
    this.parts.push(this.chunk.subarray(this.chunkStart, this.chunkPos));
    this.chunkStart = this.chunkPos;
  }

  private sid(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) this.strings.set(s, (id = this.strings.size));
    return id;
  }

  private timeBlock(times: BigInt64Array): TimeBlock {
    const known = this.byArray.get(times);
    if (known) return known;
    const tw = this.tw;
    tw.pos = 0;
    encodeTimes(tw, times);
    const raw = tw.finish();
    const h = `${crc32(raw)}:${raw.length}`;
    const small = raw.length <= SMALL_TIME_BLOCK;
    const list = this.timeBlocks.get(h);
    let sha: string | undefined;
    let tb = list?.find((b) => (small ? Buffer.compare(b.raw!, raw) === 0 : b.sha === (sha ??= sha256(raw))));
    if (!tb) {
      const c = compress(raw);
      const first = times[0]!;
      const last = times[times.length - 1]!;
      tb = { off: this.put(c), len: c.length, crc: crc32(c), first, last, ...(small ? { raw: raw.slice() } : { sha: sha ?? sha256(raw) }) };
      if (list) list.push(tb);
      else this.timeBlocks.set(h, [tb]);
    }
    this.byArray.set(times, tb);
    return tb;
  }

  /**
   * Add a series: times ascending and unique, tags sorted by key, at least one point, and a
   * series key (`seriesKey`) greater than the previous series' one.
   */
  add(s: SeriesData, key = seriesKey(s.measurement, s.field, s.tags)): void {
    if (this.lastKey !== undefined && !(key > this.lastKey)) throw outOfContract(key, s.times.length);
    this.#append(s, key);
    this.lastKey = key;
  }

  /**
   * A writer given `series[order[0]], series[order[1]], ...` (or `series` as they are), whose
   * keys the caller has checked to ascend strictly (encodeSegment: it compared them already,
   * and a long key's comparison costs as much as the rest of a one-point series' add).
   */
  static ofOrdered(series: readonly SeriesData[], keys: readonly string[], order: readonly number[] | undefined): SegmentWriter {
    const w = new SegmentWriter();
    if (order === undefined) for (let i = 0; i < series.length; i++) w.#append(series[i]!, keys[i]!);
    else for (let i = 0; i < order.length; i++) w.#append(series[order[i]!]!, keys[order[i]!]!);
    return w;
  }

  #append(s: SeriesData, key: string): void {
    const n = s.times.length;
    if (this.finished || n === 0 || s.values.length !== n) throw outOfContract(key, n);
    const tb = this.timeBlock(s.times);
    const vw = this.vw;
    vw.pos = 0;
    encodeValues(vw, s.type, s.values);
    let vOff: number;
    let vLen: number;
    let vCrc: number;
    if (vw.pos < COMPRESS_MIN) {
      // The block compress() makes of a small payload (codec byte 0, the payload), written
      // in place: `vOff = this.put(compress(vw.finish()))` without the allocations.
      vOff = this.size;
      vLen = vw.pos + 1;
      const at = this.reserve(vLen);
      const c = this.chunk;
      const src = vw.buf;
      c[at] = 0;
      for (let i = 0; i < vw.pos; i++) c[at + 1 + i] = src[i]!;
      vCrc = crc32Small(c, at, at + vLen);
    } else {
      const vc = compress(vw.finish());
      vOff = this.put(vc);
      vLen = vc.length;
      vCrc = crc32(vc);
    }
    const first = tb.first;
    const last = tb.last;
    if (this.points === 0 || first < this.minT) this.minT = first;
    if (this.points === 0 || last > this.maxT) this.maxT = last;
    this.points += n;
    this.cMeas.push(this.sid(s.measurement));
    this.cField.push(this.sid(s.field));
    this.cTagStart.push(this.tagKs.length);
    const tags = s.tags;
    for (let i = 0; i < tags.length; i++) {
      this.tagKs.push(this.sid(tags[i]![0]));
      this.tagVs.push(this.sid(tags[i]![1]));
    }
    this.cTypes.push(TYPE_CODE[s.type]);
    this.cCounts.push(n);
    this.cFirst.push(first);
    this.cLast.push(last);
    this.cBlocks.push(tb.off, tb.len, vOff, vLen);
    this.cCrcs.push(tb.crc, vCrc);
  }

  /** The bytes produced since the last call (in file order). */
  take(): Uint8Array {
    this.sealChunk();
    const out = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.pendingBytes = 0;
    return out;
  }

  /** Append the index and the footer; then `take` the last bytes. */
  finish(): { minT: bigint; maxT: bigint; points: number; bytes: number } {
    if (this.finished) throw new Error('internal error: SegmentWriter.finish called twice');
    this.finished = true;
    const ns = this.cCounts.length;
    const tagStart = Int32Array.from(this.cTagStart);
    const withEnd = new Int32Array(ns + 1);
    withEnd.set(tagStart);
    withEnd[ns] = this.tagKs.length;
    // Index version 2: a string table, then fixed-width columns, each 8-byte aligned, so a reader
    // maps them as typed arrays without decoding entry by entry.
    const head = new ByteWriter(16 * 1024);
    head.byte(2);
    head.uvarint(this.strings.size);
    for (const str of this.strings.keys()) head.string(str);
    head.uvarint(ns);
    head.uvarint(this.tagKs.length);
    const column = (a: ArrayBufferView) => {
      while (head.pos % 8 !== 0) head.byte(0);
      head.bytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    };
    const columns = [
      Int32Array.from(this.cMeas),
      Int32Array.from(this.cField),
      withEnd,
      Int32Array.from(this.tagKs),
      Int32Array.from(this.tagVs),
      Uint8Array.from(this.cTypes),
      Float64Array.from(this.cCounts),
      BigInt64Array.from(this.cFirst),
      BigInt64Array.from(this.cLast),
      Float64Array.from(this.cBlocks),
      Uint32Array.from(this.cCrcs),
    ];
    for (const c of columns) column(c);
    const index = compress(head.finish());
    const indexOff = this.put(index);
    const footer = new ByteWriter(FOOTER);
    footer.f64(indexOff);
    footer.u32(index.length);
    footer.u32(crc32(index));
    footer.bytes(END);
    this.put(footer.finish().slice());
    return { minT: this.minT, maxT: this.maxT, points: this.points, bytes: this.size };
  }
}

/** Read and check a segment's index through an open handle. */
export async function readSegmentIndex(h: ReadHandle): Promise<SegmentIndex> {
  if (h.size < MAGIC.length + FOOTER) throw new CorruptSegmentError('segment too short');
  const f = await h.read(h.size - FOOTER, FOOTER);
  const fr = new ByteReader(f);
  const indexOff = fr.f64();
  const indexLen = fr.u32();
  const crc = fr.u32();
  if (Buffer.compare(fr.bytes(8), END) !== 0) throw new CorruptSegmentError('bad segment footer');
  if (indexOff + indexLen + FOOTER !== h.size) throw new CorruptSegmentError('bad index offset');
  const ib = await h.read(indexOff, indexLen);
  if (crc32(ib) !== crc) throw new CorruptSegmentError('index checksum mismatch');
  return decodeIndex(decompress(ib), indexLen + FOOTER);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decodeIndex(raw: Uint8Array, indexBytes: number): SegmentIndex {
  if (!LITTLE_ENDIAN) throw new Error('internal error: the store needs a little-endian machine');
  // Typed-array views need 8-byte alignment of the buffer itself.
  if (raw.byteOffset % 8 !== 0) raw = raw.slice();
  const r = new ByteReader(raw);
  const version = r.byte();
  if (version !== 2) throw new CorruptSegmentError(`unknown index version ${version}`);
  const nStrings = r.uvarint();
  const strings: string[] = new Array(nStrings);
  for (let i = 0; i < nStrings; i++) strings[i] = r.string();
  const n = r.uvarint();
  const nt = r.uvarint();
  const col = <T>(make: (buf: ArrayBuffer, off: number, len: number) => T, count: number, width: number): T => {
    while (r.pos % 8 !== 0) r.byte();
    const at = r.pos;
    r.bytes(count * width); // bounds check
    return make(raw.buffer as ArrayBuffer, raw.byteOffset + at, count);
  };
  const i32 = (c: number) => col((b, o, l) => new Int32Array(b, o, l), c, 4);
  const meas = i32(n);
  const field = i32(n);
  const tagStart = i32(n + 1);
  const tagK = i32(nt);
  const tagV = i32(nt);
  const types = col((b, o, l) => new Uint8Array(b, o, l), n, 1);
  const counts = col((b, o, l) => new Float64Array(b, o, l), n, 8);
  const firstT = col((b, o, l) => new BigInt64Array(b, o, l), n, 8);
  const lastT = col((b, o, l) => new BigInt64Array(b, o, l), n, 8);
  const blocks = col((b, o, l) => new Float64Array(b, o, l), 4 * n, 8);
  const crcs = col((b, o, l) => new Uint32Array(b, o, l), 2 * n, 4);
  // Validate ids once, so later lookups cannot go out of range.
  for (let i = 0; i < n; i++) {
    if (meas[i]! >= nStrings || field[i]! >= nStrings || types[i]! >= TYPES.length) throw new CorruptSegmentError('bad index entry');
    if (tagStart[i]! > tagStart[i + 1]! || tagStart[i + 1]! > nt) throw new CorruptSegmentError('bad tag range');
  }
  for (let j = 0; j < nt; j++) if (tagK[j]! >= nStrings || tagV[j]! >= nStrings) throw new CorruptSegmentError('bad string id');
  return new SegmentIndex(strings, n, meas, field, tagStart, tagK, tagV, types, counts, firstT, lastT, blocks, crcs, indexBytes);
}

/** Decode one series from its two compressed blocks (CRC-checked); `times` when already decoded. */
export function decodeSeries(
  e: IndexEntry,
  tsBlock: Uint8Array | BigInt64Array,
  vBlock: Uint8Array,
): { times: BigInt64Array; values: FieldValues } {
  const times = tsBlock instanceof BigInt64Array ? tsBlock : decodeTimeBlock(e, tsBlock);
  if (times.length !== e.count) throw new CorruptSegmentError('time block length mismatch');
  if (crc32(vBlock) !== e.vCrc) throw new CorruptSegmentError('block checksum mismatch');
  const values = decodeValues(new ByteReader(decompress(vBlock)), e.type, e.count);
  return { times, values };
}

/** Decode a (possibly shared) time block. */
export function decodeTimeBlock(e: IndexEntry, tsBlock: Uint8Array): BigInt64Array {
  if (crc32(tsBlock) !== e.tsCrc) throw new CorruptSegmentError('block checksum mismatch');
  return decodeTimes(new ByteReader(decompress(tsBlock)));
}

/**
 * Check a whole segment: its footer and index, then every series' blocks (in range, checksums,
 * decoding, point counts, first and last times as the index says). Resolves when the segment
 * is sound; rejects with a CorruptSegmentError that says what is wrong. Reads block by block:
 * memory stays at one series (a shared time block is decoded once while its series follow
 * one another).
 */
export async function verifySegment(h: ReadHandle): Promise<void> {
  const index = await readSegmentIndex(h);
  const block = async (off: number, len: number): Promise<Uint8Array> => {
    if (!(off >= MAGIC.length && len > 0 && off + len <= h.size)) throw new CorruptSegmentError('block outside the file');
    const b = await h.read(off, len);
    if (b.length !== len) throw new CorruptSegmentError('block cut short');
    return b;
  };
  let lastOff = -1;
  let times: BigInt64Array | undefined;
  for (let i = 0; i < index.length; i++) {
    const e = index.entryUncached(i);
    if (e.tsOff !== lastOff || times === undefined) {
      times = decodeTimeBlock(e, await block(e.tsOff, e.tsLen));
      lastOff = e.tsOff;
    }
    const s = decodeSeries(e, times, await block(e.vOff, e.vLen));
    if (s.times[0] !== e.minT || s.times[s.times.length - 1] !== e.maxT) throw new CorruptSegmentError('times differ from the index');
  }
}
