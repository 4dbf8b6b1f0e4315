// Flux regular expressions are RE2 (Go's regexp/syntax). They run here on JavaScript's
// RegExp engine; this module translates the RE2 pattern and rejects what JavaScript cannot
// honour with RE2's meaning (FluxError `regexp.unsupported`) or what RE2 itself rejects
// (`regexp.invalid`).
//
// Translation rules:
// - Leading flag groups `(?i)`, `(?m)`, `(?s)` (any combination) become JS flags `i`, `m`,
//   `s`. Flags anywhere else, scoped flag groups `(?i:...)` and the ungreedy flag `U` are
//   rejected (JS has no inline modifiers in node 20).
// - `(?P<name>re)` becomes `(?<name>re)`; `\A` becomes `^` (with `m` it is written
//   `(?<![\s\S])`); `\z` becomes `(?![\s\S])`; `\Q...\E` quotes literally.
// - `.` is any character but `\n` (`[^\n]`; JavaScript's `.` also stops at `\r`, U+2028 and
//   U+2029).
// - `\s` is RE2's ASCII class `[\t\n\f\r ]` (JS's `\s` also matches Unicode spaces);
//   `\S` outside a class becomes `[^\t\n\f\r ]`.
// - POSIX classes inside brackets (`[[:alpha:]]`, `[[:^digit:]]` is rejected) become ASCII
//   ranges; `\pL` / `\p{Greek}` switch on the JS `u` flag, and a name that is not a general
//   category (`Greek`, `Han`) is a script, written `\p{Script=Greek}` in JavaScript.
// - `\x{HHHH}` is a code point (`\uHHHH`, or `\u{...}` with the `u` flag beyond U+FFFF).
// - Because the `u` flag may be on, everything is emitted in a form valid with and without it:
//   an escaped punctuation character JavaScript does not allow to escape (`\-` outside a class,
//   `\!`, `\@`, ...) is emitted bare; a `{` that does not begin a repetition `{n}`, `{n,}`,
//   `{n,m}` and a lone `}` or `]` are escaped (RE2 reads them as literals).
// - `\a` is the bell character; escapes RE2 does not know (`\Z`, `\e`, `\k`, ...) are rejected
//   (JavaScript would read some of them as plain letters).
// - Backreferences (`\1`) and lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`) are not RE2 syntax:
//   rejected as `regexp.invalid`, as Go would.
// Everything else (classes, alternation, repetition `* + ? {n,m}` and their lazy forms,
// anchors `^ $`, `\b \B \d \D \w \W`, escapes) means the same in both engines: both are
// leftmost-first (Perl-like) matchers.
import { FluxError } from '../errors/index.js';
import { Regexp } from './value.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const SPECIAL = /[.*+?^${}()|[\]\\\/]/g;
const SPECIAL_IN_CLASS = /[.*+?^${}()|[\]\\\/-]/g;

function quoteLiteral(s: string, inClass: boolean): string {
  return s.replace(inClass ? SPECIAL_IN_CLASS : SPECIAL, '\\$&');
}

/** Characters JavaScript lets a pattern escape in `u` mode (SyntaxCharacter and `/`; `-` in a class). */
const JS_ESCAPABLE = new Set('^$\\.*+?()[]{}|/');

/** Unicode general categories (RE2 `\pL`, `\p{Lu}`); any other name is a script. */
const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

const cache = new Map<string, Regexp>();

/** Compile an RE2 pattern to a Regexp value (cached). */
export function compileRegexp(source: string): Regexp {
  let r = cache.get(source);
  if (r === undefined) {
    const { pattern, flags } = translateRe2(source);
    let re: RegExp;
    try {
      re = new RegExp(pattern, flags);
    } catch (e) {
      // JavaScript's message repeats the translated pattern ("Invalid regular expression:
      // /a(b/u: Unterminated group"); keep only the reason, after the user's own pattern.
      const reason = (e as Error).message.replace(/^Invalid regular expression: /, '').replace(`/${pattern}/${flags}: `, '');
      throw new FluxError('invalid', 'regexp.invalid', `invalid regular expression /${source}/: ${reason}`);
    }
    r = new Regexp(source, re);
    if (cache.size > 1000) cache.clear();
    cache.set(source, r);
  }
  return r;
}

function unsupported(source: string, what: string): FluxError {
  return new FluxError('invalid', 'regexp.unsupported', `regular expression /${source}/ uses ${what}, which promflux cannot run with RE2 semantics`);
}
function invalid(source: string, what: string): FluxError {
  return new FluxError('invalid', 'regexp.invalid', `invalid regular expression /${source}/: ${what}`);
}

/**
 * The JavaScript pattern and flags of an RE2 pattern. `dotAll`: as if the pattern began with
 * `(?s)` (Prometheus's relabel regexes are compiled as `^(?s:pattern)$`).
 */
export function translateRe2(source: string, options: { readonly dotAll?: boolean } = {}): { pattern: string; flags: string } {
  let i = 0;
  const flagSet = new Set<string>(options.dotAll === true ? ['s'] : []);
  // Leading flag groups.
  for (;;) {
    const m = /^\(\?([a-zA-Z]+)\)/.exec(source.slice(i));
    if (!m) break;
    for (const f of m[1]!) {
      if (f === 'i' || f === 'm' || f === 's') flagSet.add(f);
      else if (f === 'U') throw unsupported(source, 'the ungreedy flag (?U)');
      else throw invalid(source, `unknown flag ${f}`);
    }
    i += m[0].length;
  }
  let out = '';
  let inClass = false;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) throw invalid(source, 'trailing backslash');
      if (n === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const lit = end < 0 ? source.slice(i + 2) : source.slice(i + 2, end);
        out += quoteLiteral(lit, inClass);
        i = end < 0 ? source.length : end + 2;
        continue;
      }
      if (/[1-9]/.test(n)) throw invalid(source, `backreference \\${n} (RE2 has none)`);
      if (n === 'C') throw unsupported(source, '\\C');
      if (!inClass && n === 'A') {
        out += flagSet.has('m') ? '(?<![\\s\\S])' : '^';
        i += 2;
        continue;
      }
      if (!inClass && n === 'z') {
        out += '(?![\\s\\S])';
        i += 2;
        continue;
      }
      if (n === 's') {
        out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
        i += 2;
        continue;
      }
      if (n === 'S' && !inClass) {
        out += '[^\\t\\n\\f\\r ]';
        i += 2;
        continue;
      }
      if (n === 'p' || n === 'P') {
        flagSet.add('u');
        const m = /^\\[pP](\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(source.slice(i));
        if (!m) throw invalid(source, 'bad \\p escape');
        let name = m[1]!;
        let neg = n === 'P';
        if (name.startsWith('{^')) {
          neg = !neg;
          name = '{' + name.slice(2);
        }
        if (!name.startsWith('{')) name = `{${name}}`;
        const bare = name.slice(1, -1);
        if (!GENERAL_CATEGORIES.has(bare) && bare !== 'Any') name = `{Script=${bare}}`;
        out += `\\${neg ? 'P' : 'p'}${name}`;
        i += m[0].length;
        continue;
      }
      if (n === 'a') {
        out += '\\x07'; // RE2 bell; JS reads \a as a plain "a"
        i += 2;
        continue;
      }
      if (n === 'x' && source[i + 2] === '{') {
        const m = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(source.slice(i));
        const cp = m ? parseInt(m[1]!, 16) : NaN;
        if (!m || cp > 0x10ffff) throw invalid(source, 'bad \\x{...} escape');
        if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
        else {
          flagSet.add('u');
          out += `\\u{${cp.toString(16)}}`;
        }
        i += m[0].length;
        continue;
      }
      if (/[A-Za-z]/.test(n) && !/[fntrvxdDsSwWbBx]/.test(n)) throw invalid(source, `unknown escape \\${n}`);
      if (!/[A-Za-z0-9]/.test(n) && !JS_ESCAPABLE.has(n) && !(inClass && n === '-')) {
        // RE2 escapes any punctuation; JavaScript's u mode allows only its syntax characters.
        out += n;
        i += 2;
        continue;
      }
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && source[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
        if (m) {
          if (m[1]) throw unsupported(source, `a negated POSIX class [:^${m[2]}:]`);
          const cls = POSIX[m[2]!];
          if (cls === undefined) throw invalid(source, `unknown POSIX class [:${m[2]}:]`);
          out += cls;
          i += m[0].length;
          continue;
        }
      }
      if (c === '[') {
        out += '\\[';
        i++;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      // A `]` right after `[` or `[^` is a literal in RE2.
      if (source[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 3;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(rest)) throw invalid(source, 'lookaround assertions are not RE2 syntax');
      if (rest.startsWith('<')) throw invalid(source, 'named groups are written (?P<name>re) in RE2');
      throw unsupported(source, 'a flag group that is not at the start of the pattern');
    }
    if (c === '/') {
      out += '\\/';
      i++;
      continue;
    }
    if (c === '.' && !flagSet.has('s')) {
      // RE2's `.` is any character but `\n`; JavaScript's also leaves out `\r`, U+2028 and
      // U+2029. (With `s` both match every character.)
      out += '[^\\n]';
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{\d+(?:,\d*)?\}/.exec(source.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
      } else {
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}' || c === ']') {
      out += '\\' + c;
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) throw invalid(source, 'missing closing ]');
  return { pattern: out, flags: [...flagSet].sort().join('') };
}
