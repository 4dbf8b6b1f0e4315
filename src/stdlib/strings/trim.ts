// strings.trimSpace / trim / trimLeft / trimRight / trimPrefix / trimSuffix.
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { str, strOrNull } from './args.js';

// Go's unicode.IsSpace for trimSpace.
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

export const trimSpace: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.replace(SPACE, ''));

function trimChars(v: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set(cutset);
  const chars = [...v];
  let i = 0;
  let j = chars.length;
  if (left) while (i < j && set.has(chars[i]!)) i++;
  if (right) while (j > i && set.has(chars[j - 1]!)) j--;
  return chars.slice(i, j).join('');
}

export const trim: NativeFunction = (a) => strOrNull(a, 'v', (v) => trimChars(v, str(a, 'cutset'), true, true));
export const trimLeft: NativeFunction = (a) => strOrNull(a, 'v', (v) => trimChars(v, str(a, 'cutset'), true, false));
export const trimRight: NativeFunction = (a) => strOrNull(a, 'v', (v) => trimChars(v, str(a, 'cutset'), false, true));
export const trimPrefix: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const p = str(a, 'prefix');
    return v.startsWith(p) ? v.slice(p.length) : v;
  });
export const trimSuffix: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const s = str(a, 'suffix');
    return s !== '' && v.endsWith(s) ? v.slice(0, v.length - s.length) : v;
  });
