// strings.substring / strlen (positions count Unicode characters) and the single-character
// classifiers isDigit / isLetter / isLower / isUpper / isSpace (Go's unicode package).
import { FluxError } from '../../errors/index.js';
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { int, strOrNull } from './args.js';

export const substring: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const chars = [...v];
    const start = int(a, 'start');
    const end = int(a, 'end');
    if (start < 0n || end > BigInt(chars.length) || start > end) {
      throw new FluxError('invalid', 'strings.outOfRange', `substring range [${start}, ${end}) is out of bounds for a string of ${chars.length} characters`);
    }
    return chars.slice(Number(start), Number(end)).join('');
  });

export const strlen: NativeFunction = (a) => strOrNull(a, 'v', (v) => BigInt([...v].length));

const classifier =
  (name: string, re: RegExp): NativeFunction =>
  (a) =>
    strOrNull(a, 'v', (v) => {
      const chars = [...v];
      if (chars.length !== 1) {
        throw new FluxError('invalid', 'strings.notOneCharacter', `${name} needs a string of exactly one character, got ${JSON.stringify(v)}`);
      }
      return re.test(chars[0]!);
    });

export const isDigit = classifier('isDigit', /^\p{Nd}$/u);
export const isLetter = classifier('isLetter', /^\p{L}$/u);
export const isLower = classifier('isLower', /^\p{Ll}$/u);
export const isUpper = classifier('isUpper', /^\p{Lu}$/u);
export const isSpace = classifier('isSpace', /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u);
