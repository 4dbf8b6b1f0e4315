// The display form of a value: Flux source syntax where one exists, used by the REPL, the
// CLI (`promflux run`) and the table renderer for scalar results.
//
//   int 1, uint 1, float 1.0 / 0.5 / NaN / +Inf, string "a\"b", bool true, null null,
//   time 2030-01-01T00:00:00Z, duration 1h30m, regexp /a.*/, bytes 0x6869,
//   array [1, 2], record {a: 1, "b c": 2}, dict ["a": 1] / [:],
//   function (a, ?b, <-tables) => ..., stream <stream>.
import {
  ArrayValue,
  DictValue,
  Duration,
  RecordValue,
  Regexp,
  Time,
  UInt,
  isFunction,
} from './value.js';
import type { Value } from './value.js';
import { formatDuration, formatFloatLiteral, formatTime, quoteString } from './format.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function displayValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return formatFloatLiteral(v);
    case 'string':
      return quoteString(v);
  }
  if (v instanceof UInt) return v.value.toString();
  if (v instanceof Time) return formatTime(v);
  if (v instanceof Duration) return formatDuration(v);
  if (v instanceof Regexp) return `/${v.source.replace(/\//g, '\\/')}/`;
  if (v instanceof Uint8Array) return '0x' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (v instanceof ArrayValue) return `[${v.elements.map(displayValue).join(', ')}]`;
  if (v instanceof RecordValue) {
    const parts: string[] = [];
    for (const [k, x] of v.fields) parts.push(`${IDENT.test(k) ? k : quoteString(k)}: ${displayValue(x)}`);
    return `{${parts.join(', ')}}`;
  }
  if (v instanceof DictValue) {
    if (v.entries.size === 0) return '[:]';
    const parts: string[] = [];
    for (const { key, value } of v.entries.values()) parts.push(`${displayValue(key)}: ${displayValue(value)}`);
    return `[${parts.join(', ')}]`;
  }
  if (isFunction(v)) {
    const ps = v.params.map((p) => (p.pipe ? `<-${p.name}` : p.optional ? `?${p.name}` : p.name));
    return `(${ps.join(', ')}) => ...`;
  }
  return '<stream>';
}
