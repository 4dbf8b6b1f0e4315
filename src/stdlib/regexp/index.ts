// The regexp package (stdlib/regexp/regexp.flux): Go regexp semantics on translated
// patterns (src/values/regexp.ts). Offsets are UTF-8 byte offsets; "all matches" skip an
// empty match that touches the previous match, as Go's FindAll does.
import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { compileRegexp } from '../../values/regexp.js';
import { ArrayValue, Regexp } from '../../values/value.js';
import type { Value } from '../../values/value.js';

const globals = new WeakMap<Regexp, RegExp>();
function globalOf(r: Regexp): RegExp {
  let g = globals.get(r);
  if (!g) globals.set(r, (g = new RegExp(r.re.source, r.re.flags + 'g')));
  return g;
}

/** Every match (Go FindAll semantics), up to n (all when n < 0). */
export function findAll(r: Regexp, s: string, n = -1): RegExpExecArray[] {
  const g = globalOf(r);
  g.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  let prevEnd = -1;
  while (n < 0 || out.length < n) {
    const m = g.exec(s);
    if (!m) break;
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      if (m.index === prevEnd) {
        g.lastIndex = m.index + 1;
        if (g.lastIndex > s.length) break;
        continue;
      }
      g.lastIndex = m.index + 1;
    }
    out.push(m);
    prevEnd = end;
    if (m.index >= s.length && m[0].length === 0) break;
  }
  return out;
}

const bytes = (s: string, i: number) => BigInt(Buffer.byteLength(s.slice(0, i)));

/** Go's Regexp.Expand template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let j: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = template.slice(i + 2, close);
      j = close;
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!mm) {
        out += c;
        continue;
      }
      name = mm[0];
      j = i + mm[0].length;
    }
    if (/^[0-9]+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
    i = j;
  }
  return out;
}

const rx = (a: ReadonlyMap<string, Value>) => a.get('r') as Regexp | null;
const sv = (a: ReadonlyMap<string, Value>, k: string) => a.get(k) as string | null;

export const compile: NativeFunction = (a) => {
  const v = sv(a, 'v');
  return v === null ? null : compileRegexp(v);
};

export const matchRegexpString: NativeFunction = (a) => {
  const r = rx(a);
  const v = sv(a, 'v');
  return r === null || v === null ? null : r.re.test(v);
};

export const findString: NativeFunction = (a) => {
  const r = rx(a);
  const v = sv(a, 'v');
  if (r === null || v === null) return null;
  const m = r.re.exec(v);
  return m ? m[0] : '';
};

export const findStringIndex: NativeFunction = (a) => {
  const r = rx(a);
  const v = sv(a, 'v');
  if (r === null || v === null) return null;
  const m = r.re.exec(v);
  return new ArrayValue(m ? [bytes(v, m.index), bytes(v, m.index + m[0].length)] : []);
};

export const replaceAllString: NativeFunction = (a) => {
  const r = rx(a);
  const v = sv(a, 'v');
  const t = sv(a, 't') ?? '';
  if (r === null || v === null) return null;
  let out = '';
  let last = 0;
  for (const m of findAll(r, v)) {
    out += v.slice(last, m.index) + expand(t, m);
    last = m.index + m[0].length;
  }
  return out + v.slice(last);
};

/** Go's Regexp.Split. */
export const splitRegexp: NativeFunction = (a) => {
  const r = rx(a);
  const v = sv(a, 'v');
  const n = Number(a.get('i') as bigint);
  if (r === null || v === null) return null;
  if (n === 0) return new ArrayValue([]);
  if (r.source.length > 0 && v.length === 0) return new ArrayValue(['']);
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(r, v, n)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) parts.push(v.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== v.length) parts.push(v.slice(beg));
  return new ArrayValue(parts);
};

export const quoteMeta: NativeFunction = (a) => {
  const v = sv(a, 'v');
  return v === null ? null : v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
};

export const getString: NativeFunction = (a) => {
  const r = rx(a);
  return r === null ? null : r.source;
};

export const regexpPackage: NativePackage = {
  path: 'regexp',
  builtins: { compile, matchRegexpString, findString, findStringIndex, replaceAllString, splitRegexp, quoteMeta, getString },
};
