// strings.toUpper / toLower / toTitle / title / equalFold / compare.
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { str, strOrNull } from './args.js';

// Flux runs Go's strings.ToUpper / ToLower / ToTitle / EqualFold, which map each character by
// Unicode's simple (one-character) case mapping. JavaScript applies the full mapping, which
// can change the length ("ß" -> "SS", "İ" -> "i̇"); per character, a multi-character upper case
// keeps the character (Go has no simple mapping for it) and a multi-character lower case keeps
// its first character (İ -> i, Go's simple mapping).
function upperChar(ch: string): string {
  const u = ch.toUpperCase();
  return u.length === ch.length || [...u].length === 1 ? u : ch;
}
function lowerChar(ch: string): string {
  const l = ch.toLowerCase();
  return l.length === ch.length || [...l].length === 1 ? l : String.fromCodePoint(l.codePointAt(0)!);
}
/** Go's strings.ToUpper. */
export function goUpper(v: string): string {
  let out = '';
  for (const ch of v) out += upperChar(ch);
  return out;
}
/** Go's strings.ToLower. */
export function goLower(v: string): string {
  let out = '';
  for (const ch of v) out += lowerChar(ch);
  return out;
}

export const toUpper: NativeFunction = (a) => strOrNull(a, 'v', goUpper);
export const toLower: NativeFunction = (a) => strOrNull(a, 'v', goLower);
export const toTitle: NativeFunction = (a) => strOrNull(a, 'v', goUpper);

/** Go's isSeparator (strings.Title): ASCII other than [0-9A-Za-z_] separates; beyond ASCII, spaces only. */
function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** Go's strings.Title: upper-case each letter that starts a word. */
export const title: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    let out = '';
    let prevSep = true;
    for (const ch of v) {
      out += prevSep ? upperChar(ch) : ch;
      prevSep = isSeparator(ch);
    }
    return out;
  });

/** Go's strings.EqualFold: equal under simple case folding (so "ß" is not "SS"). */
export const equalFold: NativeFunction = (a) => {
  const fold = (s: string) => goLower(goUpper(s));
  return fold(str(a, 'v')) === fold(str(a, 't'));
};

export const compare: NativeFunction = (a) => {
  const v = Buffer.from(str(a, 'v'));
  const t = Buffer.from(str(a, 't'));
  return BigInt(Buffer.compare(v, t));
};
