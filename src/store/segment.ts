// Segment files: immutable, columnar, one per flush (or per compaction output).
//
// Layout (little-endian):
//   "PFXSEG01"
//   blocks: each a deflate-raw stream; a time block (see codec.encodeTimes) or a value block
//   index:  deflate-raw of: version byte, string table, then per series (sorted by series key)
//           measurement/field/tag string ids, type, count, min/max time, and the offset,
//           length and CRC-32 of its time block and its value block
//   footer: f64 index offset, u32 index length, u32 CRC-32 of the index, "PFXEND01"
//
// Series whose timestamps are identical (every series of one scrape) share one time block,
// so regular scrape data pays for its timestamps once per target, not once per series.
// A reader reads the footer and the index, picks the series it needs and reads only their
// blocks (predicate and range pushdown): a one-series query reads a few KB of a large file.
import { deflateRawSync, inflateRawSync, crc32 } from 'node:zlib';
import { ByteReader, ByteWriter, CorruptSegmentError, decodeTimes, decodeValues, encodeTimes, encodeValues } from './codec.js';
import type { FieldType, FieldValues, SeriesData } from './types.js';
import type { ReadHandle } from '../host/fs.js';

const MAGIC = Buffer.from('PFXSEG01', 'latin1');
const END = Buffer.from('PFXEND01', 'latin1');
const FOOTER = 24;
const TYPES: readonly FieldType[] = ['float', 'int', 'uint', 'bool', 'string'];

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

export interface SegmentIndex {
  readonly entries: readonly IndexEntry[];
  readonly minT: bigint;
  readonly maxT: bigint;
  readonly points: number;
  /** Bytes of index + footer read to load this index. */
  readonly indexBytes: number;
}

export function seriesKey(measurement: string, field: string, tags: readonly (readonly [string, string])[]): string {
  let k = measurement + '\0' + field;
  for (const [tk, tv] of tags) k += '\0' + tk + '\u0001' + tv;
  return k;
}

const compress = (b: Uint8Array) => deflateRawSync(b, { level: 6 });

/** Encode series (times ascending and unique, tags sorted) into a segment file image. */
export function encodeSegment(series: readonly SeriesData[]): { bytes: Uint8Array; minT: bigint; maxT: bigint; points: number } {
  const sorted = series
    .filter((s) => s.times.length > 0)
    .map((s) => ({ s, key: seriesKey(s.measurement, s.field, s.tags) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const put = (b: Uint8Array) => {
    parts.push(b);
    const at = offset;
    offset += b.length;
    return at;
  };
  const strings = new Map<string, number>();
  const sid = (s: string) => {
    let id = strings.get(s);
    if (id === undefined) strings.set(s, (id = strings.size));
    return id;
  };
  // Shared time blocks: keyed by CRC + length of the uncompressed encoding, verified byte-wise.
  const timeBlocks = new Map<string, { raw: Uint8Array; off: number; len: number; crc: number }[]>();
  const byArray = new Map<BigInt64Array, { raw: Uint8Array; off: number; len: number; crc: number }>();
  const idx = new ByteWriter(64 * 1024);
  let minT = 0n;
  let maxT = 0n;
  let points = 0;
  const tw = new ByteWriter(4096);
  const vw = new ByteWriter(4096);
  for (const { s } of sorted) {
    const n = s.times.length;
    // Series of one scrape usually share the very same times array: skip re-encoding it.
    let tb = byArray.get(s.times);
    if (!tb) {
      tw.pos = 0;
      encodeTimes(tw, s.times);
      const raw = tw.finish();
      const h = `${crc32(raw)}:${raw.length}`;
      tb = timeBlocks.get(h)?.find((b) => Buffer.compare(b.raw, raw) === 0);
      if (!tb) {
        const c = compress(raw);
        tb = { raw: raw.slice(), off: put(c), len: c.length, crc: crc32(c) };
        const list = timeBlocks.get(h);
        if (list) list.push(tb);
        else timeBlocks.set(h, [tb]);
      }
      byArray.set(s.times, tb);
    }
    vw.pos = 0;
    encodeValues(vw, s.type, s.values);
    const vc = compress(vw.finish());
    const vOff = put(vc);
    const first = s.times[0]!;
    const last = s.times[n - 1]!;
    if (points === 0 || first < minT) minT = first;
    if (points === 0 || last > maxT) maxT = last;
    points += n;
    idx.uvarint(sid(s.measurement));
    idx.uvarint(sid(s.field));
    idx.uvarint(s.tags.length);
    for (const [k, v] of s.tags) {
      idx.uvarint(sid(k));
      idx.uvarint(sid(v));
    }
    idx.byte(TYPES.indexOf(s.type));
    idx.uvarint(n);
    idx.i64(first);
    idx.i64(last);
    idx.uvarint(tb.off);
    idx.uvarint(tb.len);
    idx.u32(tb.crc);
    idx.uvarint(vOff);
    idx.uvarint(vc.length);
    idx.u32(crc32(vc));
  }
  const head = new ByteWriter(16 * 1024);
  head.byte(1);
  head.uvarint(strings.size);
  for (const s of strings.keys()) head.string(s);
  head.uvarint(sorted.length);
  head.bytes(idx.finish());
  const index = compress(head.finish());
  const indexOff = put(index);
  const footer = new ByteWriter(FOOTER);
  footer.f64(indexOff);
  footer.u32(index.length);
  footer.u32(crc32(index));
  footer.bytes(END);
  put(footer.finish());
  return { bytes: Buffer.concat(parts), minT, maxT, points };
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
  return decodeIndex(inflateRawSync(ib), indexLen + FOOTER);
}

function decodeIndex(raw: Uint8Array, indexBytes: number): SegmentIndex {
  const r = new ByteReader(raw);
  const version = r.byte();
  if (version !== 1) throw new CorruptSegmentError(`unknown index version ${version}`);
  const ns = r.uvarint();
  const strings: string[] = new Array(ns);
  for (let i = 0; i < ns; i++) strings[i] = r.string();
  const str = (id: number) => {
    const s = strings[id];
    if (s === undefined) throw new CorruptSegmentError('bad string id');
    return s;
  };
  const n = r.uvarint();
  const entries: IndexEntry[] = new Array(n);
  let minT = 0n;
  let maxT = 0n;
  let points = 0;
  for (let i = 0; i < n; i++) {
    const measurement = str(r.uvarint());
    const field = str(r.uvarint());
    const nt = r.uvarint();
    const tags: [string, string][] = new Array(nt);
    for (let j = 0; j < nt; j++) tags[j] = [str(r.uvarint()), str(r.uvarint())];
    const type = TYPES[r.byte()];
    if (type === undefined) throw new CorruptSegmentError('bad field type');
    const count = r.uvarint();
    const first = r.i64();
    const last = r.i64();
    const e: IndexEntry = {
      key: seriesKey(measurement, field, tags),
      measurement,
      field,
      tags,
      type,
      count,
      minT: first,
      maxT: last,
      tsOff: r.uvarint(),
      tsLen: r.uvarint(),
      tsCrc: r.u32(),
      vOff: r.uvarint(),
      vLen: r.uvarint(),
      vCrc: r.u32(),
    };
    entries[i] = e;
    if (i === 0 || first < minT) minT = first;
    if (i === 0 || last > maxT) maxT = last;
    points += count;
  }
  return { entries, minT, maxT, points, indexBytes };
}

/** Decode one series from its two compressed blocks (CRC-checked). */
export function decodeSeries(e: IndexEntry, tsBlock: Uint8Array, vBlock: Uint8Array): { times: BigInt64Array; values: FieldValues } {
  if (crc32(tsBlock) !== e.tsCrc || crc32(vBlock) !== e.vCrc) throw new CorruptSegmentError('block checksum mismatch');
  const times = decodeTimes(new ByteReader(inflateRawSync(tsBlock)));
  if (times.length !== e.count) throw new CorruptSegmentError('time block length mismatch');
  const values = decodeValues(new ByteReader(inflateRawSync(vBlock)), e.type, e.count);
  return { times, values };
}
