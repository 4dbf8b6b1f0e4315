// strings.replace / replaceAll / split / splitN / splitAfter / joinStr / repeat (Go semantics).
import { FluxError } from '../../errors/index.js';
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { ArrayValue } from '../../values/value.js';
import { int, str, strOrNull } from './args.js';

/** Go's strings.Replace with n replacements (all when n < 0). */
function replaceN(v: string, t: string, u: string, n: number): string {
  if (n === 0 || t === u) return v;
  if (t === '') {
    const chars = [...v];
    let out = '';
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || done < n) {
        out += u;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  let out = '';
  let from = 0;
  let done = 0;
  for (let i = v.indexOf(t); i >= 0 && (n < 0 || done < n); i = v.indexOf(t, from)) {
    out += v.slice(from, i) + u;
    from = i + t.length;
    done++;
  }
  return out + v.slice(from);
}

export const replace: NativeFunction = (a) => strOrNull(a, 'v', (v) => replaceN(v, str(a, 't'), str(a, 'u'), Number(int(a, 'i'))));
export const replaceAll: NativeFunction = (a) => strOrNull(a, 'v', (v) => replaceN(v, str(a, 't'), str(a, 'u'), -1));

/** Go's strings.SplitN / SplitAfterN. */
function splitN(v: string, t: string, n: number, after: boolean): string[] {
  if (n === 0) return [];
  if (t === '') {
    const chars = [...v];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const out: string[] = [];
  let from = 0;
  for (let i = v.indexOf(t); i >= 0 && (n < 0 || out.length < n - 1); i = v.indexOf(t, from)) {
    out.push(v.slice(from, after ? i + t.length : i));
    from = i + t.length;
  }
  out.push(v.slice(from));
  return out;
}

const arr = (xs: string[]) => new ArrayValue(xs);

export const split: NativeFunction = (a) => strOrNull(a, 'v', (v) => arr(splitN(v, str(a, 't'), -1, false)));
export const splitN_: NativeFunction = (a) => strOrNull(a, 'v', (v) => arr(splitN(v, str(a, 't'), Number(int(a, 'i')), false)));
export const splitAfter: NativeFunction = (a) => strOrNull(a, 'v', (v) => arr(splitN(v, str(a, 't'), -1, true)));

export const joinStr: NativeFunction = (a) => {
  const xs = a.get('arr');
  if (!(xs instanceof ArrayValue)) return null;
  return xs.elements.map((x) => (typeof x === 'string' ? x : '')).join(str(a, 'v'));
};

export const repeat: NativeFunction = (a) =>
  strOrNull(a, 'v', (v) => {
    const i = int(a, 'i');
    if (i < 0n) throw new FluxError('invalid', 'strings.negativeCount', `repeat count must not be negative, got ${i}`);
    if (BigInt(v.length) * i > 256n * 1024n * 1024n) throw new FluxError('resourceExhausted', 'strings.tooLong', 'repeat would build a string longer than 256 MiB');
    return v.repeat(Number(i));
  });
