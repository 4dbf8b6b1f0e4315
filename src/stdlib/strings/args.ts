// Argument access for the strings natives. Types were checked against the declaration
// before the call; a null argument makes a function return null.
import type { Value } from '../../values/value.js';

export function str(a: ReadonlyMap<string, Value>, name: string): string {
  const v = a.get(name);
  return typeof v === 'string' ? v : '';
}

export function int(a: ReadonlyMap<string, Value>, name: string): bigint {
  const v = a.get(name);
  return typeof v === 'bigint' ? v : 0n;
}

/** Apply f to the string argument `name`, or return null when it is null. */
export function strOrNull(a: ReadonlyMap<string, Value>, name: string, f: (s: string) => Value): Value {
  const v = a.get(name);
  return typeof v === 'string' ? f(v) : null;
}

/** Byte offset (UTF-8) of a JS string index. */
export function byteOffset(s: string, index: number): bigint {
  return index < 0 ? -1n : BigInt(Buffer.byteLength(s.slice(0, index)));
}
