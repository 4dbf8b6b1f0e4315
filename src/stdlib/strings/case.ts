// strings.toUpper / toLower / toTitle / title / equalFold / compare.
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { str, strOrNull } from './args.js';

export const toUpper: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.toUpperCase());
export const toLower: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.toLowerCase());
export const toTitle: NativeFunction = (a) => strOrNull(a, 'v', (v) => v.toUpperCase());

const WORD = /[\p{L}\p{N}_']/u;

/** Go's strings.Title: upper-case each letter that starts a word. */
export const title: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    let out = '';
    let prevSep = true;
    for (const ch of v) {
      out += prevSep ? ch.toUpperCase() : ch;
      prevSep = !WORD.test(ch);
    }
    return out;
  });

export const equalFold: NativeFunction = (a) => {
  const v = str(a, 'v');
  const t = str(a, 't');
  return v.toLowerCase() === t.toLowerCase() || v.toUpperCase() === t.toUpperCase();
};

export const compare: NativeFunction = (a) => {
  const v = Buffer.from(str(a, 'v'));
  const t = Buffer.from(str(a, 't'));
  return BigInt(Buffer.compare(v, t));
};
