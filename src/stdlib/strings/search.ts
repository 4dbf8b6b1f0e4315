// strings.hasPrefix / hasSuffix / containsStr / containsAny / countStr / index / lastIndex /
// indexAny. Offsets are UTF-8 byte offsets, as in Go.
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { byteOffset, str, strOrNull } from './args.js';

export const hasPrefix: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.startsWith(str(a, 'prefix')));
export const hasSuffix: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.endsWith(str(a, 'suffix')));
export const containsStr: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.includes(str(a, 'substr')));
export const containsAny: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const set = new Set(str(a, 'chars'));
    for (const ch of v) if (set.has(ch)) return true;
    return false;
  });
export const countStr: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const sub = str(a, 'substr');
    if (sub === '') return BigInt([...v].length + 1);
    let n = 0n;
    for (let i = v.indexOf(sub); i >= 0; i = v.indexOf(sub, i + sub.length)) n++;
    return n;
  });
export const index: NativeFunction = (a) => strOrNull(a, 'v', (v) => byteOffset(v, v.indexOf(str(a, 'substr'))));
export const lastIndex: NativeFunction = (a) => strOrNull(a, 'v', (v) => byteOffset(v, v.lastIndexOf(str(a, 'substr'))));
export const indexAny: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const set = new Set(str(a, 'chars'));
    let i = 0;
    for (const ch of v) {
      if (set.has(ch)) return byteOffset(v, i);
      i += ch.length;
    }
    return -1n;
  });
