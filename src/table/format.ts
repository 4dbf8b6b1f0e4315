// Human-readable forms of tables: the text table format (`promflux run`, the REPL) and
// JSON (`--format json`).
//
// Text format, per table:
//
//     Table: keys: [_field, host]
//         _field:string      host:string                      _time:time      _value:float
//     ----------------------  -----------  ------------------------------  ----------------
//                      usage            a  2030-01-01T00:00:10.000000000Z               1.5
//
// Group-key columns come first (in key order; after a `_diff` column of testing.diff output),
// then the others in table order; each column
// is as wide as its widest cell or its `name:type` header, cells are right-aligned and
// separated by two spaces; times show all nine fractional digits (so they line up); null
// is an empty cell. A cell longer than `maxCellWidth` is cut and ends with `…` unless
// `wide` is set.
import { ArrayValue, DictValue, Duration, RecordValue, Regexp, Time, UInt, isFunction } from '../values/value.js';
import type { Value } from '../values/value.js';
import { formatDuration } from '../values/format.js';
import { formatFloat, formatTimeNs } from './values.js';
import type { Column, Table } from './types.js';

export interface FormatTableOptions {
  /** Longest cell shown before it is cut (default 64). */
  readonly maxCellWidth?: number;
  /** Show every cell whole. */
  readonly wide?: boolean;
  /** Show at most this many rows per table (default: all); the rest is summarised. */
  readonly maxRows?: number;
}

/** RFC3339 with all nine fractional digits (the text format aligns times). */
export function formatTimeFixed(ns: bigint): string {
  const s = formatTimeNs(ns);
  const dot = s.indexOf('.', 10);
  const z = s.length - 1;
  if (dot < 0) return `${s.slice(0, z)}.000000000Z`;
  return `${s.slice(0, dot + 1)}${s.slice(dot + 1, z).padEnd(9, '0')}Z`;
}

function cellText(col: Column, i: number): string {
  if (col.valid !== null && col.valid[i] === 0) return '';
  switch (col.type) {
    case 'float':
      return formatFloat(col.floats![i]!);
    case 'int':
      return col.ints![i]!.toString();
    case 'uint':
      return col.uints![i]!.toString();
    case 'time':
      return formatTimeFixed(col.ints![i]!);
    case 'bool':
      return col.bools![i] ? 'true' : 'false';
    case 'string': {
      const s = col.strings!.dictionary[col.strings!.codes[i]!]!;
      return s.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
    }
  }
}

/** A key value as shown in `Table: keys: [...]` listings. */
function keyText(v: Value): string {
  if (v === null) return '';
  if (v instanceof Time) return formatTimeNs(v.ns);
  if (v instanceof UInt) return v.value.toString();
  if (typeof v === 'number') return formatFloat(v);
  return String(v);
}

/** Display width of a string (code points; good enough for the monospace output). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function cut(s: string, max: number): string {
  if (width(s) <= max) return s;
  const cps = [...s];
  return cps.slice(0, Math.max(1, max - 1)).join('') + '…';
}

/** One table in the text format (ends with a newline). */
export function formatTable(t: Table, options: FormatTableOptions = {}): string {
  const max = options.wide ? Infinity : (options.maxCellWidth ?? 64);
  const keyNames = t.key.columns.map((c) => c.name);
  const order: number[] = [];
  // The `_diff` column of testing.diff output leads, so `-`/`+` start each row.
  const diffCol = t.columnIndex('_diff');
  if (diffCol >= 0 && !keyNames.includes('_diff')) order.push(diffCol);
  for (const k of keyNames) {
    const i = t.columnIndex(k);
    if (i >= 0) order.push(i);
  }
  for (let i = 0; i < t.columns.length; i++) if (!order.includes(i)) order.push(i);
  const headers = order.map((i) => `${t.columns[i]!.name}:${t.columns[i]!.type}`);
  const rows = Math.min(t.length, options.maxRows ?? t.length);
  const cells: string[][] = order.map((i) => {
    const col = t.column(i);
    const out: string[] = new Array(rows);
    for (let r = 0; r < rows; r++) out[r] = cut(cellText(col, r), max);
    return out;
  });
  const widths = order.map((_, j) => {
    let w = width(headers[j]!);
    for (const c of cells[j]!) w = Math.max(w, width(c));
    return w;
  });
  const lines: string[] = [];
  lines.push(`Table: keys: [${keyNames.join(', ')}]`);
  if (keyNames.length > 0 && t.length === 0) {
    lines.push(`(empty table: ${keyNames.map((k, i) => `${k}=${keyText(t.key.values[i]!)}`).join(', ')})`);
  }
  const padLeft = (s: string, w: number) => ' '.repeat(Math.max(0, w - width(s))) + s;
  lines.push(headers.map((h, j) => padLeft(h, widths[j]!)).join('  '));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (let r = 0; r < rows; r++) lines.push(cells.map((c, j) => padLeft(c[r]!, widths[j]!)).join('  '));
  if (rows < t.length) lines.push(`... ${t.length - rows} more rows`);
  return lines.map((l) => l.replace(/\s+$/, '')).join('\n') + '\n';
}

/** Every table of a result in the text format, one after another. */
export function formatTables(tables: Iterable<Table>, options: FormatTableOptions = {}): string {
  const parts: string[] = [];
  for (const t of tables) parts.push(formatTable(t, options));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------
// JSON.

/**
 * A Flux value as JSON text. int and uint are written as exact JSON integers (which some
 * JSON readers cannot hold exactly); NaN and infinities, which JSON has no numbers for, as
 * the strings "NaN", "+Inf", "-Inf"; times as RFC3339 strings; durations in Flux syntax.
 */
export function valueToJson(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? formatFloat(v) : JSON.stringify(formatFloat(v));
    case 'string':
      return JSON.stringify(v);
  }
  if (v instanceof UInt) return v.value.toString();
  if (v instanceof Time) return JSON.stringify(formatTimeNs(v.ns));
  if (v instanceof Duration) return JSON.stringify(formatDuration(v));
  if (v instanceof Regexp) return JSON.stringify(v.source);
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (v instanceof ArrayValue) return `[${v.elements.map(valueToJson).join(',')}]`;
  if (v instanceof RecordValue) {
    const parts: string[] = [];
    for (const [k, x] of v.fields) parts.push(`${JSON.stringify(k)}:${valueToJson(x)}`);
    return `{${parts.join(',')}}`;
  }
  if (v instanceof DictValue) {
    const parts: string[] = [];
    for (const { key, value } of v.entries.values()) parts.push(`{"key":${valueToJson(key)},"value":${valueToJson(value)}}`);
    return `[${parts.join(',')}]`;
  }
  if (isFunction(v)) return JSON.stringify(`<function ${v.name}>`);
  return JSON.stringify('<stream>');
}

/**
 * One table as a JSON object:
 * `{"key":{"host":"a"},"columns":[{"name":"host","type":"string"},...],"rows":[["a",1.5],...]}`
 * (rows in column order).
 */
export function tableToJson(t: Table): string {
  const key: string[] = t.key.columns.map((c, i) => `${JSON.stringify(c.name)}:${valueToJson(t.key.values[i]!)}`);
  const columns = t.columns.map((c) => `{"name":${JSON.stringify(c.name)},"type":"${c.type}"}`);
  const cols = t.columns.map((_, j) => t.column(j));
  const rows: string[] = new Array(t.length);
  for (let r = 0; r < t.length; r++) {
    const cells: string[] = new Array(cols.length);
    for (let j = 0; j < cols.length; j++) cells[j] = valueToJson(cols[j]!.get(r));
    rows[r] = `[${cells.join(',')}]`;
  }
  return `{"key":{${key.join(',')}},"columns":[${columns.join(',')}],"rows":[${rows.join(',')}]}`;
}
