// Tables -> line protocol, following Flux's `to()` (influxdata/influxdb):
//
// - the measurement is `measurementColumn` (default `_measurement`, a string column), the
//   timestamp `timeColumn` (default `_time`, a time column, written in nanoseconds);
// - fields: by default one field per row, named by `_field` with the value of `_value`
//   (`fieldFn: (r) => ({[r._field]: r._value})`); with a `fieldFn`, the record it returns;
// - tags: `tagColumns` when given; otherwise every string column except `_value`, `_field`,
//   the measurement and time columns and the columns `fieldFn` reads;
// - field types follow the value: float (plain), int (`i`), uint (`u`), bool, string (quoted);
// - skips: a row with a null time or null/empty measurement is dropped; empty (or null) tag
//   values are omitted; null fields are omitted; NaN and ±Inf floats are dropped (InfluxDB
//   cannot store them); a row left with no field is dropped; a row whose measurement, tag or
//   field key cannot be represented in line protocol (a newline, a measurement starting
//   with `#`, a tag or field key `time` for InfluxDB 1.x) is dropped. Every skip is
//   counted in `SkipCounts`; the caller reports the totals once per run.
//
// The default mapping is the fast path: it reads the typed arrays directly and escapes each
// distinct dictionary string once. A `fieldFn` is called once per row through the
// interpreter (`FunctionValue.call`), which is far slower.
import { FluxError, assert } from '../errors/index.js';
import { RecordValue, Time, UInt, isPromise, typeOf } from '../values/value.js';
import type { FunctionValue, MaybePromise, Value } from '../values/value.js';
import type { Column, ColumnMeta, Table } from '../table/types.js';
import {
  escapeKey,
  escapeMeasurement,
  escapeName,
  formatBoolField,
  formatFloatField,
  formatIntField,
  formatStringField,
  formatUIntField,
} from './line-protocol.js';
import type { LineProtocolDialect } from './line-protocol.js';
import type { LineBuffer } from './line-buffer.js';

export interface ToMapping {
  readonly timeColumn: string;
  readonly measurementColumn: string;
  /** Explicit tag columns; undefined means the default rule. */
  readonly tagColumns?: readonly string[];
  /** A custom field function; undefined means `(r) => ({[r._field]: r._value})`. */
  readonly fieldFn?: FunctionValue;
}

export const DEFAULT_MAPPING: ToMapping = { timeColumn: '_time', measurementColumn: '_measurement' };

/** What was written and what was skipped (and why). */
export interface SkipCounts {
  /** Lines (points) produced. */
  points: number;
  /** Rows dropped because the time was null. */
  nullTime: number;
  /** Rows dropped because the measurement was null or empty. */
  nullMeasurement: number;
  /** Rows dropped because no field was left. */
  noFields: number;
  /** Rows dropped because a name cannot be written in line protocol (e.g. contains a newline). */
  unrepresentable: number;
  /** Field values dropped because they were NaN or infinite. */
  nonFiniteFields: number;
  /** Field values omitted because they were null. */
  nullFields: number;
}

export function emptyCounts(): SkipCounts {
  return { points: 0, nullTime: 0, nullMeasurement: 0, noFields: 0, unrepresentable: 0, nonFiniteFields: 0, nullFields: 0 };
}

export function addCounts(into: SkipCounts, c: SkipCounts): void {
  into.points += c.points;
  into.nullTime += c.nullTime;
  into.nullMeasurement += c.nullMeasurement;
  into.noFields += c.noFields;
  into.unrepresentable += c.unrepresentable;
  into.nonFiniteFields += c.nonFiniteFields;
  into.nullFields += c.nullFields;
}

/** One sentence describing the skips, or undefined when nothing was skipped. */
export function describeSkips(c: SkipCounts, timeColumn = '_time'): string | undefined {
  const rows: string[] = [];
  if (c.nullTime) rows.push(`${c.nullTime} with a null ${timeColumn}`);
  if (c.nullMeasurement) rows.push(`${c.nullMeasurement} with a null or empty measurement`);
  if (c.noFields) rows.push(`${c.noFields} with no field left`);
  if (c.unrepresentable) rows.push(`${c.unrepresentable} with a name line protocol cannot represent`);
  const parts: string[] = [];
  const skippedRows = c.nullTime + c.nullMeasurement + c.noFields + c.unrepresentable;
  if (skippedRows) parts.push(`skipped ${skippedRows} row${skippedRows === 1 ? '' : 's'} (${rows.join(', ')})`);
  if (c.nonFiniteFields) parts.push(`dropped ${c.nonFiniteFields} NaN or infinite field value${c.nonFiniteFields === 1 ? '' : 's'}`);
  if (c.nullFields) parts.push(`omitted ${c.nullFields} null field value${c.nullFields === 1 ? '' : 's'}`);
  return parts.length ? parts.join('; ') : undefined;
}

export interface EncodeOptions {
  readonly dialect: LineProtocolDialect;
}

/** A field value as a point carries it: float, int (bigint), uint, bool or string. */
export type PointValue = number | bigint | UInt | boolean | string;

/**
 * Where `encodePoints` puts points (the embedded store's BatchBuilder has this shape): raw,
 * unescaped names; tags without empty values, sorted by key.
 */
export interface PointSink {
  add(measurement: string, tags: readonly (readonly [string, string])[], field: string, time: bigint, value: PointValue): void;
  /**
   * Optional: a run of points of one series at once (`values` as the store keeps a column of
   * `type`: float Float64Array, int BigInt64Array, uint BigUint64Array, bool Uint8Array of
   * 0/1, string an array; the arrays are views of the table's columns, never to be modified).
   * Equivalent to `add` for each point in order.
   */
  addSeries?(measurement: string, tags: readonly (readonly [string, string])[], field: string, type: PointType, times: BigInt64Array, values: PointColumn): void;
}

/** The field type of a run of points given to `PointSink.addSeries`. */
export type PointType = 'float' | 'int' | 'uint' | 'bool' | 'string';
/** The values of such a run (see `PointSink.addSeries`). */
export type PointColumn = Float64Array | BigInt64Array | BigUint64Array | Uint8Array | readonly string[];

/** The tags of row `i`: null and empty values omitted (InfluxDB has no empty tag). */
function rowTags(tags: readonly TagPlan[], i: number): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  for (const tp of tags) {
    const c = tp.col;
    if (c.valid !== null && c.valid[i] === 0) continue;
    const v = c.strings!.dictionary[c.strings!.codes[i]!]!;
    if (v !== '') out.push([tp.name, v]);
  }
  return out;
}

/** Whether string column `c` has one code and one validity over rows [start, end). */
function constantOver(c: Column, start: number, end: number): boolean {
  const codes = c.strings!.codes;
  const code = codes[start]!;
  for (let i = start + 1; i < end; i++) if (codes[i] !== code) return false;
  const valid = c.valid;
  if (valid !== null) {
    const v = valid[start];
    for (let i = start + 1; i < end; i++) if (valid[i] !== v) return false;
  }
  return true;
}

function noNull(c: Column, start: number, end: number): boolean {
  const valid = c.valid;
  if (valid === null) return true;
  for (let i = start; i < end; i++) if (valid[i] === 0) return false;
  return true;
}

/** Rows [start, end) of a typed array, the array itself when that is all of it (zero copy). */
function rowsOf<A extends Float64Array | BigInt64Array | BigUint64Array>(a: A, start: number, end: number): A {
  if (start === 0 && end === a.length) return a;
  // The constructor, not subarray (a species lookup per call).
  const C = a.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => A;
  return new C(a.buffer, a.byteOffset + start * a.BYTES_PER_ELEMENT, end - start);
}

function missingColumn(what: string, name: string): FluxError {
  return new FluxError('invalid', 'to.missingColumn', `${what} column "${name}" is not in the table`);
}

/** Per-dictionary cache of escaped strings (undefined: not computed yet; null: unrepresentable). */
type EscapeCache = (string | null | undefined)[];

interface TagPlan {
  readonly name: string;
  readonly col: Column;
  /** `,key=` escaped once, or null when the key itself cannot be represented. */
  readonly prefix: string | null;
  /** Escaped values by dictionary code (shared by every table using that dictionary). */
  readonly cache: EscapeCache;
}

/** The tag columns of one table shape (column names and types), sorted, with escaped keys. */
interface TagShape {
  readonly names: readonly string[];
  readonly prefixes: readonly (string | null)[];
}

const DEFAULT_FIELD_COLUMNS: ReadonlySet<string> = new Set(['_field', '_value']);
const EMPTY_BYTES = new Uint8Array(0);
const TEXT = new TextEncoder();

function cachedEscape(cache: EscapeCache, code: number, s: string, esc: (s: string) => string | undefined): string | null {
  let e = cache[code];
  if (e === undefined) {
    e = esc(s) ?? null;
    cache[code] = e;
  }
  return e;
}

/** A record whose reads are recorded (to learn which columns `fieldFn` reads). */
class TrackingMap extends Map<string, Value> {
  readonly read = new Set<string>();
  all = false;
  override get(k: string): Value | undefined {
    this.read.add(k);
    return super.get(k);
  }
  override has(k: string): boolean {
    this.read.add(k);
    return super.has(k);
  }
  override forEach(cb: (v: Value, k: string, m: Map<string, Value>) => void, thisArg?: unknown): void {
    this.all = true;
    super.forEach(cb, thisArg);
  }
  override entries(): MapIterator<[string, Value]> {
    this.all = true;
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.all = true;
    return super.keys();
  }
  override values(): MapIterator<Value> {
    this.all = true;
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[string, Value]> {
    this.all = true;
    return super[Symbol.iterator]();
  }
}

/**
 * Encodes tables into line protocol lines. One encoder serves one `to()` call: it keeps the
 * running `counts`.
 */
export class LineEncoder {
  readonly counts: SkipCounts = emptyCounts();
  private readonly dialect: LineProtocolDialect;
  private readonly escM: (s: string) => string | undefined;
  private readonly escK: (s: string) => string | undefined;
  /** Tag keys and field keys (escK is for tag values). */
  private readonly escN: (s: string) => string | undefined;
  /**
   * Escape caches per dictionary array: the tables of one scrape share their dictionaries,
   * so each distinct string is escaped once per to() call, not once per table.
   */
  private readonly keyCaches = new Map<readonly string[], EscapeCache>();
  private readonly measurementCaches = new Map<readonly string[], EscapeCache>();
  private readonly fieldCaches = new Map<readonly string[], EscapeCache>();
  private readonly shapes = new Map<string, TagShape>();
  private readonly shapesByColumns = new WeakMap<readonly ColumnMeta[], TagShape>();

  /** `escaped field name=` of row `i` (cached per dictionary code), or null when unrepresentable. */
  private fieldKey(fStrings: { readonly codes: Int32Array; readonly dictionary: readonly string[] }, fCache: EscapeCache, i: number): string | null {
    const fCode = fStrings.codes[i]!;
    let fk = fCache[fCode];
    if (fk === undefined) {
      const name = fStrings.dictionary[fCode]!;
      const e = name === '' ? undefined : this.escN(name);
      fk = e === undefined ? null : e + '=';
      fCache[fCode] = fk;
    }
    return fk;
  }

  /**
   * Rows [start, end) as one `addSeries` run, when they are one series and nothing in them is
   * skipped (measurement, field and tags constant and set, times and values set, floats
   * finite); false (nothing added) otherwise.
   */
  private addRun(sink: PointSink, tags: readonly TagPlan[], timeCol: Column, mCol: Column, fCol: Column, vCol: Column, start: number, end: number): boolean {
    if (!noNull(timeCol, start, end) || !noNull(vCol, start, end) || !noNull(mCol, start, end) || !noNull(fCol, start, end)) return false;
    if (!constantOver(mCol, start, end) || !constantOver(fCol, start, end)) return false;
    for (const tp of tags) if (!constantOver(tp.col, start, end)) return false;
    const ms = mCol.strings!;
    const m = ms.dictionary[ms.codes[start]!]!;
    if (m === '') return false;
    const fs = fCol.strings!;
    const field = fs.dictionary[fs.codes[start]!]!;
    let type: PointType;
    let values: PointColumn;
    switch (vCol.type) {
      case 'float': {
        const f = vCol.floats!;
        for (let i = start; i < end; i++) if (!Number.isFinite(f[i]!)) return false;
        type = 'float';
        values = rowsOf(f, start, end);
        break;
      }
      case 'int':
        type = 'int';
        values = rowsOf(vCol.ints!, start, end);
        break;
      case 'uint':
        type = 'uint';
        values = rowsOf(vCol.uints!, start, end);
        break;
      case 'bool': {
        type = 'bool';
        const b = vCol.bools!;
        const out = new Uint8Array(end - start);
        for (let i = start; i < end; i++) out[i - start] = b[i] !== 0 ? 1 : 0;
        values = out;
        break;
      }
      case 'string': {
        type = 'string';
        const vs = vCol.strings!;
        const out: string[] = new Array(end - start);
        for (let i = start; i < end; i++) out[i - start] = vs.dictionary[vs.codes[i]!]!;
        values = out;
        break;
      }
      default:
        return false;
    }
    sink.addSeries!(m, rowTags(tags, start), field, type, rowsOf(timeCol.ints!, start, end), values);
    this.counts.points += end - start;
    return true;
  }

  private static cacheFor(map: Map<readonly string[], EscapeCache>, dict: readonly string[]): EscapeCache {
    let c = map.get(dict);
    if (c === undefined) {
      c = new Array<string | null | undefined>(dict.length);
      map.set(dict, c);
    }
    return c;
  }

  constructor(
    readonly mapping: ToMapping,
    options: EncodeOptions = { dialect: 'v2' },
  ) {
    this.dialect = options.dialect;
    const d = this.dialect;
    this.escM = (s) => escapeMeasurement(s, d);
    this.escK = (s) => escapeKey(s, d);
    this.escN = (s) => escapeName(s, d);
  }

  /**
   * Append the lines of rows [start, end) of `t` to `out`. Synchronous for the default field
   * mapping; may return a promise when `fieldFn` does.
   */
  encode(t: Table, out: string[], start = 0, end = t.length): MaybePromise<void> {
    if (start >= end) return;
    const { timeCol, mCol } = this.resolveBase(t);
    if (this.mapping.fieldFn === undefined) {
      const { fCol, vCol } = this.resolveDefaultFields(t);
      const tags = this.tagPlans(t, DEFAULT_FIELD_COLUMNS, true);
      this.encodeDefault(t, timeCol, mCol, tags, fCol, vCol, out, start, end);
      return;
    }
    return this.encodeWithFn(t, timeCol, mCol, out, start, end);
  }

  /**
   * The fast path of `encode` for the default field mapping: the same lines, written as
   * UTF-8 bytes into `out` (one `\n` after each line). Not for a `fieldFn` (use `encode`).
   */
  encodeBytes(t: Table, out: LineBuffer, start = 0, end = t.length): void {
    if (start >= end) return;
    assert(this.mapping.fieldFn === undefined, 'encodeBytes is for the default field mapping');
    const { timeCol, mCol } = this.resolveBase(t);
    const { fCol, vCol } = this.resolveDefaultFields(t);
    const tags = this.tagPlans(t, DEFAULT_FIELD_COLUMNS, true);
    const counts = this.counts;
    const times = timeCol.ints!;
    const tValid = timeCol.valid;
    const mCache = LineEncoder.cacheFor(this.measurementCaches, mCol.strings!.dictionary);
    const fStrings = fCol.strings!;
    const fCache = LineEncoder.cacheFor(this.fieldCaches, fStrings.dictionary);
    const fValid = fCol.valid;
    const vValid = vCol.valid;
    let constantSeries = inKey(t, this.mapping.measurementColumn);
    for (let j = 0; constantSeries && j < tags.length; j++) constantSeries = inKey(t, tags[j]!.name);
    let constPrefix: string | null | undefined;
    const floats = vCol.type === 'float' ? vCol.floats! : undefined;
    const format = floats === undefined ? valueFormatter(vCol, this.dialect) : undefined;
    let lastPrefix: string | undefined;
    let lastFk: string | undefined;
    let head: Uint8Array = EMPTY_BYTES;
    for (let i = start; i < end; i++) {
      if (tValid !== null && tValid[i] === 0) {
        counts.nullTime++;
        continue;
      }
      let prefix: string | null;
      if (constantSeries) {
        if (constPrefix === undefined) constPrefix = this.seriesPrefix(mCol, mCache, tags, i);
        prefix = constPrefix;
      } else {
        prefix = this.seriesPrefix(mCol, mCache, tags, i);
      }
      if (prefix === '') {
        counts.nullMeasurement++;
        continue;
      }
      if (prefix === null) {
        counts.unrepresentable++;
        continue;
      }
      if ((fValid !== null && fValid[i] === 0) || (vValid !== null && vValid[i] === 0)) {
        counts.nullFields++;
        counts.noFields++;
        continue;
      }
      const fk = this.fieldKey(fStrings, fCache, i);
      if (fk === null) {
        counts.unrepresentable++;
        continue;
      }
      let fv: number | undefined;
      let sv: string | undefined;
      if (floats !== undefined) {
        fv = floats[i]!;
        if (!Number.isFinite(fv)) {
          counts.nonFiniteFields++;
          counts.noFields++;
          continue;
        }
      } else {
        sv = format!(i);
        if (sv === undefined) {
          counts.nonFiniteFields++;
          counts.noFields++;
          continue;
        }
      }
      if (prefix !== lastPrefix || fk !== lastFk) {
        lastPrefix = prefix;
        lastFk = fk;
        head = this.headBytes(prefix + ' ' + fk);
      }
      out.appendBytes(head);
      if (fv !== undefined) out.appendFloat(fv);
      else out.appendBytes(TEXT.encode(sv!));
      out.appendBytes(this.timeBytes(times[i]!));
      out.lines++;
      counts.points++;
    }
  }

  private readonly heads = new Map<string, Uint8Array>();
  private headBytes(s: string): Uint8Array {
    let b = this.heads.get(s);
    if (b === undefined) {
      if (this.heads.size >= 65536) this.heads.clear();
      b = TEXT.encode(s);
      this.heads.set(s, b);
    }
    return b;
  }

  /** ` <time>\n` as bytes, cached like `timeString`. */
  private readonly timeBytesCache = new Map<bigint, Uint8Array>();
  private lastTimeKey = -1n;
  private lastTimeBytes: Uint8Array = EMPTY_BYTES;
  private timeBytes(t: bigint): Uint8Array {
    if (t === this.lastTimeKey) return this.lastTimeBytes;
    let b = this.timeBytesCache.get(t);
    if (b === undefined) {
      if (this.timeBytesCache.size >= 8192) this.timeBytesCache.clear();
      b = TEXT.encode(' ' + t.toString() + '\n');
      this.timeBytesCache.set(t, b);
    }
    this.lastTimeKey = t;
    this.lastTimeBytes = b;
    return b;
  }

  /**
   * Like `encode`, but hands each point to `sink` with raw names instead of writing line
   * protocol (for the embedded store). The same mapping and skip rules apply, except that
   * every name is representable.
   */
  encodePoints(t: Table, sink: PointSink, start = 0, end = t.length): MaybePromise<void> {
    if (start >= end) return;
    const { timeCol, mCol } = this.resolveBase(t);
    const counts = this.counts;
    const times = timeCol.ints!;
    const tValid = timeCol.valid;
    const ms = mCol.strings!;
    const measurementOf = (i: number): string | undefined => {
      if (mCol.valid !== null && mCol.valid[i] === 0) return undefined;
      const m = ms.dictionary[ms.codes[i]!]!;
      return m === '' ? undefined : m;
    };
    if (this.mapping.fieldFn === undefined) {
      const { fCol, vCol } = this.resolveDefaultFields(t);
      const tags = this.tagPlans(t, DEFAULT_FIELD_COLUMNS, true);
      const fs = fCol.strings!;
      // The rows are usually one series (a table grouped by measurement, field and tags):
      // then one run for the whole range, the tags made once.
      if (sink.addSeries !== undefined && this.addRun(sink, tags, timeCol, mCol, fCol, vCol, start, end)) return;
      for (let i = start; i < end; i++) {
        if (tValid !== null && tValid[i] === 0) {
          counts.nullTime++;
          continue;
        }
        const m = measurementOf(i);
        if (m === undefined) {
          counts.nullMeasurement++;
          continue;
        }
        if ((fCol.valid !== null && fCol.valid[i] === 0) || (vCol.valid !== null && vCol.valid[i] === 0)) {
          counts.nullFields++;
          counts.noFields++;
          continue;
        }
        const field = fs.dictionary[fs.codes[i]!]!;
        const v = vCol.get(i) as PointValue;
        if (typeof v === 'number' && !Number.isFinite(v)) {
          counts.nonFiniteFields++;
          counts.noFields++;
          continue;
        }
        sink.add(m, rowTags(tags, i), field, times[i]!, v);
        counts.points++;
      }
      return;
    }
    const fn = this.mapping.fieldFn;
    let tags: TagPlan[] | undefined;
    const finish = (i: number, result: Value): void => {
      if (!(result instanceof RecordValue)) {
        throw new FluxError('invalid', 'to.fieldFnResult', `fieldFn must return a record, got ${typeOf(result)}`);
      }
      const m = measurementOf(i);
      if (m === undefined) {
        counts.nullMeasurement++;
        return;
      }
      const rt = rowTags(tags!, i);
      let any = false;
      for (const [name, v] of result.fields) {
        if (v === null) {
          counts.nullFields++;
          continue;
        }
        if (formatValue(v, 'v2', name) === undefined) {
          counts.nonFiniteFields++;
          continue;
        }
        sink.add(m, rt, name, times[i]!, v as PointValue);
        any = true;
      }
      if (any) counts.points++;
      else counts.noFields++;
    };
    let i = start;
    const loop = (): MaybePromise<void> => {
      for (; i < end; i++) {
        if (tValid !== null && tValid[i] === 0) {
          counts.nullTime++;
          continue;
        }
        let r: MaybePromise<Value>;
        if (tags === undefined) {
          const tracking = new TrackingMap();
          for (const [k, v] of t.record(i).fields) tracking.set(k, v);
          tracking.read.clear();
          const decided = (v: Value): Value => {
            tags = this.tagPlans(t, tracking.all ? new Set(t.columns.map((c) => c.name)) : tracking.read);
            return v;
          };
          const raw = fn.call(new Map([['r', new RecordValue(tracking)]]));
          r = isPromise(raw) ? raw.then(decided) : decided(raw);
        } else {
          r = fn.call(new Map([['r', t.record(i)]]));
        }
        if (isPromise(r)) {
          const row = i++;
          return r.then((v) => {
            finish(row, v);
            return loop();
          });
        }
        finish(i, r);
      }
    };
    return loop();
  }

  private resolveBase(t: Table): { timeCol: Column; mCol: Column } {
    const timeIdx = t.columnIndex(this.mapping.timeColumn);
    if (timeIdx < 0) throw missingColumn('time', this.mapping.timeColumn);
    const timeCol = t.column(timeIdx);
    if (timeCol.type !== 'time') {
      throw new FluxError('invalid', 'to.timeColumnType', `time column "${this.mapping.timeColumn}" must have type time, got ${timeCol.type}`);
    }
    const mIdx = t.columnIndex(this.mapping.measurementColumn);
    if (mIdx < 0) throw missingColumn('measurement', this.mapping.measurementColumn);
    const mCol = t.column(mIdx);
    if (mCol.type !== 'string') {
      throw new FluxError(
        'invalid',
        'to.measurementColumnType',
        `measurement column "${this.mapping.measurementColumn}" must have type string, got ${mCol.type}`,
      );
    }
    return { timeCol, mCol };
  }

  private resolveDefaultFields(t: Table): { fCol: Column; vCol: Column } {
    const fIdx = t.columnIndex('_field');
    if (fIdx < 0) throw missingColumn('field', '_field');
    const vIdx = t.columnIndex('_value');
    if (vIdx < 0) throw missingColumn('value', '_value');
    const fCol = t.column(fIdx);
    if (fCol.type !== 'string') throw new FluxError('invalid', 'to.fieldColumnType', `column "_field" must have type string, got ${fCol.type}`);
    const vCol = t.column(vIdx);
    if (vCol.type === 'time') throw new FluxError('invalid', 'to.fieldType', 'column "_value" has type time, which InfluxDB cannot store as a field');
    return { fCol, vCol };
  }

  private tagPlans(t: Table, fieldColumns: ReadonlySet<string>, cacheable = false): TagPlan[] {
    let shape: TagShape | undefined;
    let sig: string | undefined;
    if (cacheable) {
      // Tables of one shape usually share their column list (every table of a scrape with
      // one label set does): look it up by identity before building the signature.
      shape = this.shapesByColumns.get(t.columns);
      if (shape === undefined) {
        sig = '';
        for (const c of t.columns) sig += c.name + '\u0000' + c.type + '\u0001';
        shape = this.shapes.get(sig);
        if (shape !== undefined) this.shapesByColumns.set(t.columns, shape);
      }
    }
    if (shape === undefined) {
      shape = this.tagShape(t, fieldColumns);
      if (sig !== undefined) {
        this.shapes.set(sig, shape);
        this.shapesByColumns.set(t.columns, shape);
      }
    }
    const plans: TagPlan[] = new Array(shape.names.length);
    for (let j = 0; j < shape.names.length; j++) {
      const name = shape.names[j]!;
      const col = t.column(t.columnIndex(name));
      plans[j] = { name, col, prefix: shape.prefixes[j]!, cache: LineEncoder.cacheFor(this.keyCaches, col.strings!.dictionary) };
    }
    return plans;
  }

  private tagShape(t: Table, fieldColumns: ReadonlySet<string>): TagShape {
    let names: string[];
    if (this.mapping.tagColumns !== undefined) {
      names = [...new Set(this.mapping.tagColumns)];
      for (const n of names) {
        const i = t.columnIndex(n);
        if (i < 0) throw missingColumn('tag', n);
        const type = t.column(i).type;
        if (type !== 'string') throw new FluxError('invalid', 'to.tagColumnType', `tag column "${n}" must have type string, got ${type}`);
      }
    } else {
      names = [];
      for (const c of t.columns) {
        if (c.type !== 'string') continue;
        if (c.name === '_value' || c.name === '_field' || c.name === this.mapping.measurementColumn || c.name === this.mapping.timeColumn) continue;
        if (fieldColumns.has(c.name)) continue;
        names.push(c.name);
      }
    }
    // Line protocol wants tags sorted by key (byte order), as InfluxDB stores them.
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const prefixes = names.map((n) => {
      const k = this.escN(n);
      return k === undefined || n === '' ? null : `,${k}=`;
    });
    return { names, prefixes };
  }

  /** The `measurement,tags` prefix of row i; null when unrepresentable; '' when the measurement is null/empty. */
  private seriesPrefix(mCol: Column, mCache: EscapeCache, tags: readonly TagPlan[], i: number): string | null {
    if (mCol.valid !== null && mCol.valid[i] === 0) return '';
    const ms = mCol.strings!;
    const mCode = ms.codes[i]!;
    const mName = ms.dictionary[mCode]!;
    if (mName === '') return '';
    const m = cachedEscape(mCache, mCode, mName, this.escM);
    if (m === null) return null;
    let p = m;
    for (let j = 0; j < tags.length; j++) {
      const tp = tags[j]!;
      const c = tp.col;
      if (c.valid !== null && c.valid[i] === 0) continue;
      const s = c.strings!;
      const code = s.codes[i]!;
      const v = s.dictionary[code]!;
      if (v === '') continue;
      if (tp.prefix === null) return null;
      const e = cachedEscape(tp.cache, code, v, this.escK);
      if (e === null) return null;
      p += tp.prefix + e;
    }
    return p;
  }

  private encodeDefault(
    t: Table,
    timeCol: Column,
    mCol: Column,
    tags: readonly TagPlan[],
    fCol: Column,
    vCol: Column,
    out: string[],
    start: number,
    end: number,
  ): void {
    const counts = this.counts;
    const times = timeCol.ints!;
    const tValid = timeCol.valid;
    const mCache = LineEncoder.cacheFor(this.measurementCaches, mCol.strings!.dictionary);
    const fStrings = fCol.strings!;
    const fCache = LineEncoder.cacheFor(this.fieldCaches, fStrings.dictionary);
    const fValid = fCol.valid;
    const vValid = vCol.valid;
    // When the measurement and every tag are constant (group-key columns), the series prefix
    // is computed once.
    let constantSeries = inKey(t, this.mapping.measurementColumn);
    for (let j = 0; constantSeries && j < tags.length; j++) constantSeries = inKey(t, tags[j]!.name);
    let constPrefix: string | null | undefined;
    const format = valueFormatter(vCol, this.dialect);
    let lastPrefix: string | undefined;
    let lastFk: string | undefined;
    let head = '';
    for (let i = start; i < end; i++) {
      if (tValid !== null && tValid[i] === 0) {
        counts.nullTime++;
        continue;
      }
      let prefix: string | null;
      if (constantSeries) {
        if (constPrefix === undefined) constPrefix = this.seriesPrefix(mCol, mCache, tags, i);
        prefix = constPrefix;
      } else {
        prefix = this.seriesPrefix(mCol, mCache, tags, i);
      }
      if (prefix === '') {
        counts.nullMeasurement++;
        continue;
      }
      if (prefix === null) {
        counts.unrepresentable++;
        continue;
      }
      if ((fValid !== null && fValid[i] === 0) || (vValid !== null && vValid[i] === 0)) {
        counts.nullFields++;
        counts.noFields++;
        continue;
      }
      const fk = this.fieldKey(fStrings, fCache, i);
      if (fk === null) {
        counts.unrepresentable++;
        continue;
      }
      const v = format(i);
      if (v === undefined) {
        counts.nonFiniteFields++;
        counts.noFields++;
        continue;
      }
      // `measurement,tags field=` is the same for long runs of rows (one series per table).
      if (prefix !== lastPrefix || fk !== lastFk) {
        lastPrefix = prefix;
        lastFk = fk;
        head = prefix + ' ' + fk;
      }
      out.push(head + v + ' ' + this.timeString(times[i]!));
      counts.points++;
    }
  }

  /**
   * Formatting a bigint is slow; the rows of one scrape share a time and the tables of a
   * query share their window times, so formatted times are cached (the last one, then a
   * bounded map).
   */
  private lastTime = -1n;
  private lastTimeString = '-1';
  private readonly timeCache = new Map<bigint, string>();
  private timeString(t: bigint): string {
    if (t === this.lastTime) return this.lastTimeString;
    let s = this.timeCache.get(t);
    if (s === undefined) {
      if (this.timeCache.size >= 8192) this.timeCache.clear();
      s = t.toString();
      this.timeCache.set(t, s);
    }
    this.lastTime = t;
    this.lastTimeString = s;
    return s;
  }

  private encodeWithFn(t: Table, timeCol: Column, mCol: Column, out: string[], start: number, end: number): MaybePromise<void> {
    const fn = this.mapping.fieldFn!;
    const counts = this.counts;
    const times = timeCol.ints!;
    const tValid = timeCol.valid;
    const mCache = LineEncoder.cacheFor(this.measurementCaches, mCol.strings!.dictionary);
    let tags: TagPlan[] | undefined;
    const keyCache = new Map<string, string | null>();

    const finishRow = (i: number, result: Value): void => {
      if (!(result instanceof RecordValue)) {
        throw new FluxError('invalid', 'to.fieldFnResult', `fieldFn must return a record, got ${typeOf(result)}`);
      }
      const prefix = this.seriesPrefix(mCol, mCache, tags!, i);
      if (prefix === '') {
        counts.nullMeasurement++;
        return;
      }
      if (prefix === null) {
        counts.unrepresentable++;
        return;
      }
      let fields = '';
      let bad = false;
      for (const [name, v] of result.fields) {
        if (v === null) {
          counts.nullFields++;
          continue;
        }
        const formatted = formatValue(v, this.dialect, name);
        if (formatted === undefined) {
          counts.nonFiniteFields++;
          continue;
        }
        let k = keyCache.get(name);
        if (k === undefined) {
          k = name === '' ? null : (this.escN(name) ?? null);
          keyCache.set(name, k);
        }
        if (k === null) {
          bad = true;
          break;
        }
        fields += (fields === '' ? '' : ',') + k + '=' + formatted;
      }
      if (bad) {
        counts.unrepresentable++;
        return;
      }
      if (fields === '') {
        counts.noFields++;
        return;
      }
      out.push(prefix + ' ' + fields + ' ' + this.timeString(times[i]!));
      counts.points++;
    };

    const callFn = (i: number): MaybePromise<Value> => {
      if (tags === undefined) {
        // The first row learns which columns fieldFn reads (they are not default tags).
        const tracking = new TrackingMap();
        const rec = t.record(i);
        for (const [k, v] of rec.fields) tracking.set(k, v);
        tracking.read.clear();
        const r = fn.call(new Map([['r', new RecordValue(tracking)]]));
        const decide = (v: Value): Value => {
          const read = tracking.all ? new Set(t.columns.map((c) => c.name)) : tracking.read;
          tags = this.tagPlans(t, read);
          return v;
        };
        return isPromise(r) ? r.then(decide) : decide(r);
      }
      return fn.call(new Map([['r', t.record(i)]]));
    };

    let i = start;
    const loop = (): MaybePromise<void> => {
      for (; i < end; i++) {
        if (tValid !== null && tValid[i] === 0) {
          counts.nullTime++;
          continue;
        }
        const r = callFn(i);
        if (isPromise(r)) {
          const row = i;
          i++;
          return r.then((v) => {
            finishRow(row, v);
            return loop();
          });
        }
        finishRow(i, r);
      }
    };
    return loop();
  }
}

function inKey(t: Table, name: string): boolean {
  const cols = t.key.columns;
  for (let k = 0; k < cols.length; k++) if (cols[k]!.name === name) return true;
  return false;
}

/** Formats the `_value` cell of row i; undefined for NaN/±Inf (or a uint a 1.x server cannot store). */
function valueFormatter(c: Column, dialect: LineProtocolDialect): (i: number) => string | undefined {
  switch (c.type) {
    case 'float': {
      const a = c.floats!;
      return (i) => formatFloatField(a[i]!);
    }
    case 'int': {
      const a = c.ints!;
      return (i) => formatIntField(a[i]!);
    }
    case 'uint': {
      const a = c.uints!;
      return (i) => formatUIntField(a[i]!, dialect);
    }
    case 'bool': {
      const a = c.bools!;
      return (i) => formatBoolField(a[i] !== 0);
    }
    case 'string': {
      const s = c.strings!;
      const cache: string[] = [];
      return (i) => {
        const code = s.codes[i]!;
        let v = cache[code];
        if (v === undefined) {
          v = formatStringField(s.dictionary[code]!);
          cache[code] = v;
        }
        return v;
      };
    }
    default:
      throw new FluxError('invalid', 'to.fieldType', `column "_value" has type ${c.type}, which InfluxDB cannot store as a field`);
  }
}

/** A fieldFn result value as a field; undefined for NaN/±Inf; FluxError for types InfluxDB cannot store. */
function formatValue(v: Value, dialect: LineProtocolDialect, name: string): string | undefined {
  switch (typeof v) {
    case 'number':
      return formatFloatField(v);
    case 'bigint':
      return formatIntField(v);
    case 'boolean':
      return formatBoolField(v);
    case 'string':
      return formatStringField(v);
  }
  if (v instanceof UInt) return formatUIntField(v.value, dialect);
  const type = v instanceof Time ? 'time' : typeOf(v);
  throw new FluxError('invalid', 'to.fieldType', `field "${name}" has type ${type}; a field must be a float, int, uint, bool or string`);
}
