// Annotated CSV: Flux's result format (InfluxDB "Annotated CSV", Flux csv package).
//
// Encoder (what Flux's csv.ResultEncoder + DelimitedMultiResultEncoder write):
//   - per result, table ids count from 0; each table is preceded by an annotation block
//     (`#datatype`, `#group`, `#default` rows and the header `,result,table,<columns>`)
//     when it is the first table, the schema (column names and types) changed, the
//     previous table was empty, or the table itself is empty. promflux also starts a new
//     block when the set of group-key columns changes (Flux does not, which loses the key
//     of such tables; it never happens with Flux's own producers).
//   - blocks after the first are preceded by an empty line; each result ends with an empty
//     line (the multi-result delimiter).
//   - `#default` carries the result name (data rows leave `result` empty); for an empty
//     table it also carries the table id and the group-key values, and no data row follows.
//   - types: boolean, long, unsignedLong, double, string, dateTime:RFC3339.
//   - floats: Go's FormatFloat(f, 'f', -1, 64) (shortest round trip, never an exponent),
//     NaN, +Inf, -Inf; times: RFC3339 with nanoseconds, trailing zeros trimmed; null: empty.
//   - RFC 4180 quoting as Go's encoding/csv writes it, CRLF line endings (a newline inside a
//     quoted field is written as CRLF, a lone CR is dropped).
//   - when a query fails after output began: an empty line, then the error table
//     `#datatype,string,string` / `#group,true,true` / `#default,,` / `,error,reference` /
//     `,<message>,`.
// Decoder: Flux's csv.ResultDecoder rules (annotations in any order, unknown ones ignored;
// empty cells take the column default; group-key values from the first row or, for a table
// without rows, from `#default`; a new table starts at an annotation row or a new table id;
// `dateTime:RFC3339` and `dateTime:RFC3339Nano`; the error table becomes an error), and the
// `raw` mode (no annotations: the first row is the header, every column a string, one table).
import { FluxError } from '../errors/index.js';
import type { Value } from '../values/value.js';
import { TableBuilder } from './builder.js';
import type { ColumnBuilder } from './builder.js';
import { inKey, keyValue, valueId } from './group-key.js';
import type { ColumnMeta, ColumnType, Table } from './types.js';
import { formatFloat, formatTimeNs, parseBool, parseFloat64, parseInt64, parseRfc3339, parseUint64 } from './values.js';
import { Time, UInt } from '../values/value.js';
import { emptyTable } from './table.js';

// ---------------------------------------------------------------------------------------
// Quoting (Go encoding/csv Writer with UseCRLF).

const CRLF = '\r\n';

function isGoSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** One CSV field as Go's csv.Writer writes it (quoted only when needed). */
export function csvField(s: string): string {
  if (s === '') return s;
  let needs = s === '\\.' || isGoSpace(s.charCodeAt(0));
  if (!needs) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x2c || c === 0x22 || c === 0x0a || c === 0x0d) {
        needs = true;
        break;
      }
    }
  }
  if (!needs) return s;
  return '"' + s.replace(/"/g, '""').replace(/\r/g, '').replace(/\n/g, CRLF) + '"';
}

function csvRow(fields: readonly string[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ',';
    out += csvField(fields[i]!);
  }
  return out + CRLF;
}

// ---------------------------------------------------------------------------------------
// Encoder.

const DATATYPE: Record<ColumnType, string> = {
  bool: 'boolean',
  int: 'long',
  uint: 'unsignedLong',
  float: 'double',
  string: 'string',
  time: 'dateTime:RFC3339',
};

/** A cell value as annotated CSV text (unquoted); '' for null. */
export function encodeCell(v: Value): string {
  if (v === null) return '';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return formatFloat(v);
    case 'string':
      return v;
  }
  if (v instanceof Time) return formatTimeNs(v.ns);
  if (v instanceof UInt) return v.value.toString();
  throw new FluxError('invalid', 'csv.unsupportedValue', `cannot encode a value of this type in CSV`);
}

/** Per-row encoders of one column (already quoted), built once per table. */
function cellEncoder(t: Table, j: number): (i: number) => string {
  const col = t.column(j);
  const valid = col.valid;
  let f: (i: number) => string;
  switch (col.type) {
    case 'float': {
      const a = col.floats!;
      f = (i) => formatFloat(a[i]!);
      break;
    }
    case 'int': {
      const a = col.ints!;
      f = (i) => a[i]!.toString();
      break;
    }
    case 'uint': {
      const a = col.uints!;
      f = (i) => a[i]!.toString();
      break;
    }
    case 'time': {
      const a = col.ints!;
      f = (i) => formatTimeNs(a[i]!);
      break;
    }
    case 'bool': {
      const a = col.bools!;
      f = (i) => (a[i] ? 'true' : 'false');
      break;
    }
    case 'string': {
      const { codes, dictionary } = col.strings!;
      const cache: (string | undefined)[] = new Array(dictionary.length);
      f = (i) => {
        const c = codes[i]!;
        let s = cache[c];
        if (s === undefined) s = cache[c] = csvField(dictionary[c]!);
        return s;
      };
      break;
    }
  }
  if (valid === null) return f;
  return (i) => (valid[i] === 0 ? '' : f(i));
}

function schemaId(t: Table): string {
  let s = '';
  for (const c of t.columns) s += `${c.name}\u0000${c.type}\u0001`;
  s += '|';
  for (const c of t.key.columns) s += `${c.name}\u0000`;
  return s;
}

/**
 * Writes annotated CSV to `out` (called with chunks of text), one result after another.
 * Use `writeResult` for each result and `writeError` when the query fails.
 */
export class CsvEncoder {
  private written = false;
  constructor(private readonly out: (chunk: string) => void) {}

  /** Encode one result; the stream's error (if any) propagates after the tables written so far. */
  async writeResult(name: string, tables: Iterable<Table> | AsyncIterable<Table>): Promise<void> {
    const state = { id: 0, lastSchema: undefined as string | undefined, lastEmpty: false };
    for await (const t of tables as AsyncIterable<Table>) this.writeTable(name, t, state);
    this.out(CRLF);
  }

  /** Encode one result whose tables are at hand (synchronous). */
  writeResultSync(name: string, tables: Iterable<Table>): void {
    const state = { id: 0, lastSchema: undefined as string | undefined, lastEmpty: false };
    for (const t of tables) this.writeTable(name, t, state);
    this.out(CRLF);
  }

  private writeTable(name: string, t: Table, state: { id: number; lastSchema: string | undefined; lastEmpty: boolean }): void {
    this.written = true;
    const schema = schemaId(t);
    const empty = t.length === 0;
    const id = String(state.id);
    if (state.lastEmpty || schema !== state.lastSchema || empty) {
      let block = state.lastSchema === undefined ? '' : CRLF;
      const dt = ['#datatype', 'string', 'long'];
      const gr = ['#group', 'false', 'false'];
      const df = ['#default', name, empty ? id : ''];
      const hd = ['', 'result', 'table'];
      for (const c of t.columns) {
        dt.push(DATATYPE[c.type]);
        const k = inKey(t.key, c.name);
        gr.push(k ? 'true' : 'false');
        df.push(empty && k ? encodeCell(keyValue(t.key, c.name) ?? null) : '');
        hd.push(c.name);
      }
      block += csvRow(dt) + csvRow(gr) + csvRow(df) + csvRow(hd);
      this.out(block);
    }
    if (!empty) {
      const encs = t.columns.map((_, j) => cellEncoder(t, j));
      const prefix = `,,${id}`;
      const n = t.length;
      const CHUNK = 4096;
      for (let start = 0; start < n; start += CHUNK) {
        const end = Math.min(n, start + CHUNK);
        const lines: string[] = new Array(end - start);
        for (let i = start; i < end; i++) {
          let line = prefix;
          for (let j = 0; j < encs.length; j++) line += ',' + encs[j]!(i);
          lines[i - start] = line;
        }
        this.out(lines.join(CRLF) + CRLF);
      }
    }
    state.id++;
    state.lastSchema = schema;
    state.lastEmpty = empty;
  }

  /** The error table Flux writes when a query fails after (or before) output began. */
  writeError(message: string): void {
    let s = this.written ? CRLF : '';
    s += csvRow(['#datatype', 'string', 'string']);
    s += csvRow(['#group', 'true', 'true']);
    s += csvRow(['#default', '', '']);
    s += csvRow(['', 'error', 'reference']);
    s += csvRow(['', message, '']);
    this.out(s);
  }
}

export interface CsvResult {
  readonly name: string;
  readonly tables: readonly Table[];
}

/** Annotated CSV of whole results (and of the error that ended the query, if any). */
export function encodeCsv(results: readonly CsvResult[], error?: string): string {
  const parts: string[] = [];
  const enc = new CsvEncoder((s) => parts.push(s));
  for (const r of results) enc.writeResultSync(r.name, r.tables);
  if (error !== undefined) enc.writeError(error);
  return parts.join('');
}

// ---------------------------------------------------------------------------------------
// CSV records (Go encoding/csv Reader with LazyQuotes and variable field counts: empty
// lines are skipped; CRLF inside a quoted field reads as LF).

interface CsvRecord {
  readonly fields: string[];
  /** 1-based line number where the record starts. */
  readonly line: number;
}

class RecordReader {
  private pos = 0;
  private line = 1;
  private pending: CsvRecord | undefined;
  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  unread(r: CsvRecord): void {
    this.pending = r;
  }

  next(): CsvRecord | undefined {
    if (this.pending !== undefined) {
      const r = this.pending;
      this.pending = undefined;
      return r;
    }
    const s = this.text;
    // Skip empty lines.
    for (;;) {
      if (this.pos >= s.length) return undefined;
      const c = s.charCodeAt(this.pos);
      if (c === 0x0a) {
        this.pos++;
        this.line++;
      } else if (c === 0x0d && s.charCodeAt(this.pos + 1) === 0x0a) {
        this.pos += 2;
        this.line++;
      } else break;
    }
    const startLine = this.line;
    const fields: string[] = [];
    for (;;) {
      // One field.
      if (s.charCodeAt(this.pos) === 0x22) {
        let out = '';
        let i = this.pos + 1;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) {
            // Unterminated quote: with lazy quotes, the field runs to the end of input.
            out += s.slice(i);
            i = s.length;
            break;
          }
          out += s.slice(i, q);
          const nc = s.charCodeAt(q + 1);
          if (nc === 0x22) {
            out += '"';
            i = q + 2;
          } else if (nc === 0x2c || nc === 0x0a || Number.isNaN(nc) || (nc === 0x0d && s.charCodeAt(q + 2) === 0x0a)) {
            i = q + 1;
            break;
          } else {
            out += '"';
            i = q + 1;
          }
        }
        // Normalise CRLF within the field; count lines.
        for (let k = 0; k < out.length; k++) if (out.charCodeAt(k) === 0x0a) this.line++;
        fields.push(out.replace(/\r\n/g, '\n'));
        this.pos = i;
      } else {
        let i = this.pos;
        while (i < s.length) {
          const c = s.charCodeAt(i);
          if (c === 0x2c || c === 0x0a || (c === 0x0d && s.charCodeAt(i + 1) === 0x0a)) break;
          i++;
        }
        fields.push(s.slice(this.pos, i));
        this.pos = i;
      }
      const c = s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        continue;
      }
      if (c === 0x0d) this.pos += 2;
      else if (c === 0x0a) this.pos++;
      this.line++;
      return { fields, line: startLine };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Decoder.

export interface DecodeCsvOptions {
  /** `annotations` (default): Flux's annotated CSV; `raw`: no annotations, every column a string. */
  readonly mode?: 'annotations' | 'raw';
  /** Name of the input for error messages (a file path, `csv`). */
  readonly source?: string;
}

export interface DecodedCsv {
  readonly results: CsvResult[];
  /** The message of an error table, when the input ends with one. */
  readonly error?: string;
}

interface ColumnSpec {
  /** Name and type (`dateTime:RFC3339` and `dateTime:RFC3339Nano` both read as time, parsed alike). */
  readonly meta: ColumnMeta;
  /** In the group key (`#group` true). */
  readonly group: boolean;
  /** The `#default` value for empty cells (null when the default is empty). */
  readonly defaultValue: Value;
}

interface BlockMeta {
  readonly resultId: string;
  readonly tableId: string;
  readonly cols: readonly ColumnSpec[];
  readonly numFields: number;
  readonly start: number;
}

function csvError(id: string, message: string, line: number | undefined, source: string | undefined): FluxError {
  const where = line === undefined ? '' : ` (${source ?? 'csv'} line ${line})`;
  return new FluxError('invalid', id, `${message}${where}`);
}

function decodeType(datatype: string): ColumnType | undefined {
  const colon = datatype.indexOf(':');
  const base = colon < 0 ? datatype : datatype.slice(0, colon);
  switch (base) {
    case 'boolean':
      return 'bool';
    case 'long':
      return 'int';
    case 'unsignedLong':
      return 'uint';
    case 'double':
      return 'float';
    case 'string':
      return 'string';
    case 'dateTime':
      return 'time';
  }
  return undefined;
}

/** Parse one cell of a column type; undefined when malformed. '' is handled by the caller. */
export function decodeCell(type: ColumnType, s: string): Value | undefined {
  switch (type) {
    case 'bool':
      return parseBool(s);
    case 'int':
      return parseInt64(s);
    case 'uint': {
      const v = parseUint64(s);
      return v === undefined ? undefined : new UInt(v);
    }
    case 'float':
      return parseFloat64(s);
    case 'string':
      return s;
    case 'time': {
      const ns = parseRfc3339(s);
      return ns === undefined ? undefined : new Time(ns);
    }
  }
}

/** Whether two cells of a column hold the same value (empty meaning the column default). */
function sameCell(spec: ColumnSpec, a: string, b: string): boolean {
  const va = a === '' ? spec.defaultValue : decodeCell(spec.meta.type, a);
  const vb = b === '' ? spec.defaultValue : decodeCell(spec.meta.type, b);
  return va !== undefined && vb !== undefined && valueId(va) === valueId(vb);
}

/** Parses a non-empty cell straight into a column builder; false when malformed. */
function appenderFor(cb: ColumnBuilder): (s: string) => boolean {
  switch (cb.type) {
    case 'float':
      return (s) => {
        const v = parseFloat64(s);
        if (v === undefined) return false;
        cb.appendFloat(v);
        return true;
      };
    case 'int':
      return (s) => {
        const v = parseInt64(s);
        if (v === undefined) return false;
        cb.appendInt(v);
        return true;
      };
    case 'uint':
      return (s) => {
        const v = parseUint64(s);
        if (v === undefined) return false;
        cb.appendUInt(v);
        return true;
      };
    case 'time':
      return (s) => {
        const v = parseRfc3339(s);
        if (v === undefined) return false;
        cb.appendTime(v);
        return true;
      };
    case 'bool':
      return (s) => {
        const v = parseBool(s);
        if (v === undefined) return false;
        cb.appendBool(v);
        return true;
      };
    case 'string':
      return (s) => {
        cb.appendString(s);
        return true;
      };
  }
}

/**
 * Decode annotated CSV (or, with `mode: 'raw'`, plain CSV) into results of tables. Errors
 * are FluxErrors with ids `csv.*` naming the line.
 */
export function decodeCsv(text: string, options: DecodeCsvOptions = {}): DecodedCsv {
  const reader = new RecordReader(text);
  const src = options.source;
  if (options.mode === 'raw') return decodeRaw(reader, src);

  const results: { name: string; tables: Table[] }[] = [];
  let error: string | undefined;
  for (;;) {
    const meta = readMetadata(reader, src);
    if (meta === undefined) break;
    if ('error' in meta) {
      error = meta.error;
      break;
    }
    let result = results[results.length - 1];
    if (result === undefined || result.name !== meta.resultId) {
      result = { name: meta.resultId, tables: [] };
      results.push(result);
    }
    // Tables of this block.
    for (;;) {
      const { table, more } = readTable(reader, meta, src);
      result.tables.push(table);
      if (!more) break;
    }
  }
  return error === undefined ? { results } : { results, error };
}

function readMetadata(reader: RecordReader, src: string | undefined): BlockMeta | { error: string } | undefined {
  let datatypes: string[] | undefined;
  let groups: string[] | undefined;
  let defaults: string[] | undefined;
  let resultId = '';
  let tableId = '';
  let n = -1;
  let header: CsvRecord | undefined;
  let first: CsvRecord | undefined;
  for (;;) {
    const r = reader.next();
    if (r === undefined) {
      if (first === undefined) return undefined;
      throw csvError('csv.missingHeader', 'missing expected header row', first.line, src);
    }
    first ??= r;
    if (n === -1) n = r.fields.length;
    const a = r.fields[0]!;
    if (a.startsWith('#')) {
      if (r.fields.length !== n) throw csvError('csv.fieldCount', `wrong number of fields in annotation row: got ${r.fields.length}, want ${n}`, r.line, src);
      switch (a.slice(1)) {
        case 'datatype':
          datatypes = r.fields.slice(3);
          break;
        case 'group':
          groups = r.fields.slice(3);
          break;
        case 'default':
          resultId = r.fields[1] ?? '';
          tableId = r.fields[2] ?? '';
          if (tableId !== '' && parseInt64(tableId) === undefined) throw csvError('csv.tableId', `default table id ${JSON.stringify(tableId)} is not an integer`, r.line, src);
          defaults = r.fields.slice(3);
          break;
        default:
        // Unknown annotations are ignored.
      }
      continue;
    }
    header = r;
    break;
  }
  if (datatypes === undefined) throw csvError('csv.missingDatatype', 'missing expected annotation datatype', header.line, src);
  if (header.fields.length !== n) throw csvError('csv.fieldCount', `wrong number of fields in header row: got ${header.fields.length}, want ${n}`, header.line, src);
  if (header.fields.length > 1 && header.fields[1] === 'error') {
    const row = reader.next();
    if (row === undefined) throw csvError('csv.unexpectedEOF', 'unexpected end of input after the error table header', header.line, src);
    return { error: row.fields[1] ?? '' };
  }
  const labels = header.fields.slice(3);
  const seen = new Set<string>();
  const cols: ColumnSpec[] = labels.map((label, j) => {
    const dt = datatypes![j] ?? '';
    const type = decodeType(dt);
    if (type === undefined) throw csvError('csv.datatype', `column ${JSON.stringify(label)} has invalid datatype ${JSON.stringify(dt)}`, header!.line, src);
    if (seen.has(label)) throw csvError('csv.duplicateColumn', `duplicate column ${JSON.stringify(label)}`, header!.line, src);
    seen.add(label);
    const d = defaults?.[j] ?? '';
    let defaultValue: Value = null;
    if (d !== '') {
      const v = decodeCell(type, d);
      if (v === undefined) throw csvError('csv.defaultValue', `column ${JSON.stringify(label)} has invalid default value ${JSON.stringify(d)}`, header!.line, src);
      defaultValue = v;
    }
    return { meta: { name: label, type }, group: groups?.[j] === 'true', defaultValue };
  });
  return { resultId, tableId, cols, numFields: n, start: 3 };
}

/** Reads one table of a block; `more` is true when the next record is another table of the same block. */
function readTable(reader: RecordReader, meta: BlockMeta, src: string | undefined): { table: Table; more: boolean } {
  const columns = meta.cols.map((c) => c.meta);
  const keyColumns = meta.cols.filter((c) => c.group).map((c) => c.meta.name);
  const b = new TableBuilder(columns, keyColumns);
  const appenders = b.builders.map(appenderFor);
  const keyIdx = meta.cols.flatMap((c, j) => (c.group ? [j] : []));
  const firstKey: (string | undefined)[] = [];
  let id: string | undefined;
  let more = false;
  for (;;) {
    const r = reader.next();
    if (r === undefined) break;
    if (r.fields.length !== meta.numFields) {
      if (r.fields[0] === '') throw csvError('csv.fieldCount', `wrong number of fields: got ${r.fields.length}, want ${meta.numFields}`, r.line, src);
      reader.unread(r);
      break;
    }
    if (r.fields[0] !== '') {
      reader.unread(r);
      break;
    }
    const tid = r.fields[2]!;
    if (id === undefined) id = tid;
    else if (tid !== '' && tid !== id) {
      reader.unread(r);
      more = true;
      break;
    }
    // Every row of a table holds the same group-key values (compared as text, then as values).
    for (const j of keyIdx) {
      const s = r.fields[meta.start + j]!;
      if (firstKey[j] === undefined) firstKey[j] = s;
      else if (s !== firstKey[j] && !sameCell(meta.cols[j]!, s, firstKey[j]!)) {
        throw csvError('csv.keyValues', `group key column ${JSON.stringify(meta.cols[j]!.meta.name)} changes value within table ${id}`, r.line, src);
      }
    }
    for (let j = 0; j < appenders.length; j++) {
      const s = r.fields[meta.start + j]!;
      if (s === '') {
        b.builders[j]!.appendValue(meta.cols[j]!.defaultValue);
      } else if (!appenders[j]!(s)) {
        const spec = meta.cols[j]!;
        throw csvError('csv.badValue', `invalid ${spec.meta.type} value ${JSON.stringify(s)} in column ${JSON.stringify(spec.meta.name)}`, r.line, src);
      }
    }
  }
  if (b.length === 0) {
    const keyValues = meta.cols.filter((c) => c.group).map((c) => c.defaultValue);
    return { table: emptyTable(columns, keyColumns, keyValues), more };
  }
  return { table: b.build(), more };
}

function decodeRaw(reader: RecordReader, src: string | undefined): DecodedCsv {
  const header = reader.next();
  if (header === undefined) return { results: [{ name: '_result', tables: [] }] };
  const columns: ColumnMeta[] = header.fields.map((name) => ({ name, type: 'string' as const }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw csvError('csv.duplicateColumn', `duplicate column ${JSON.stringify(c.name)}`, header.line, src);
    seen.add(c.name);
  }
  const b = new TableBuilder(columns, []);
  for (;;) {
    const r = reader.next();
    if (r === undefined) break;
    if (r.fields.length !== columns.length) throw csvError('csv.fieldCount', `wrong number of fields: got ${r.fields.length}, want ${columns.length}`, r.line, src);
    // As in Flux's raw mode, an empty cell is a null string.
    for (let j = 0; j < columns.length; j++) {
      const f = r.fields[j]!;
      if (f === '') b.appendNull(j);
      else b.appendString(j, f);
    }
  }
  return { results: [{ name: '_result', tables: [b.build([])] }] };
}
