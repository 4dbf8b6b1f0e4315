// The Flux lexer: a `moo` state machine plus a thin pass that turns raw moo tokens into the
// tokens the nearley grammar consumes.
//
// Design: tokenizing happens once, up front, into an array (`tokenize`). The pass over moo's
// output does what a regular lexer cannot:
//   - regular expression vs division (Flux SPEC "Regular expression literals"): a `/` starts a
//     regex unless the previous token ends an operand (identifier, literal, `)`, `]`, `}`);
//   - newline sensitivity for an otherwise newline-insensitive grammar: `(`, `[`, `-` and `+`
//     that begin a line (or follow `{`, or start the input), at the top level or directly
//     inside `{ }` (where statements can start), get the distinct types `nlLparen`,
//     `nlLbracket`, `nlMinus`, `nlPlus`. The grammar accepts those only where an expression
//     starts, never as a call, an index or a binary operator, so `a = b\n(c)` is two statements
//     and every input has exactly one parse (see grammar.md);
//   - string contents are merged into one `strText` token per run of text with escapes
//     decoded; `${` ... `}` interpolation is lexed in the `interp` state as ordinary code;
//   - literal validation: int64 overflow, durations, date-times (exact nanoseconds), escapes;
//   - `//` comment lines directly above a token are remembered for statement doc comments.
// Lexical errors become FluxErrors (ids `lex.*`); the token stream stays usable so the parser
// can report syntax errors after them.
import moo from 'moo';
import { FluxError } from '../errors/index.js';
import type { Position, Span } from '../errors/index.js';
import type { DurationUnit } from './ast.js';

/** A token as the grammar sees it. `type` is what grammar rules match on. */
export interface Token {
  type: string;
  /** Decoded value: bigint for int, number for float, string for strText/regex, etc. */
  value: unknown;
  /** The source text of the token. */
  text: string;
  offset: number;
  line: number;
  col: number;
  start: Position;
  end: Position;
  /** True when a newline (or the start of input) precedes the token. */
  nl: boolean;
}

export interface DurationValue {
  readonly magnitude: bigint;
  readonly unit: DurationUnit;
}

export interface DateTimeValue {
  readonly value: string;
  readonly nanos: bigint;
}

export interface LexResult {
  tokens: Token[];
  diagnostics: FluxError[];
  /** Comment lines (text after `//`) directly above the token starting at an offset. */
  comments: Map<number, string[]>;
}

export const KEYWORDS = [
  'and',
  'or',
  'not',
  'exists',
  'if',
  'then',
  'else',
  'import',
  'package',
  'return',
  'option',
  'builtin',
  'testcase',
  'with',
] as const;

const keywordTypes: Record<string, string[]> = {};
for (const k of KEYWORDS) keywordTypes[`kw_${k}`] = [k];

const code: moo.Rules = {
  // Single characters that never begin a longer token come first: moo matches them through
  // its per-character fast table without running the combined regular expression.
  lparen: '(',
  rparen: ')',
  lbracket: '[',
  rbracket: ']',
  comma: ',',
  colon: ':',
  question: '?',
  caret: '^',
  percent: '%',
  star: '*',
  plus: '+',
  minus: '-',
  quote: { match: '"', push: 'str' },
  ws: { match: /[ \t\r\n\f\v\u00a0\ufeff]+/u, lineBreaks: true },
  comment: /\/\/[^\n]*/u,
  // Lenient shapes, validated afterwards so that malformed literals get a precise error.
  ident: { match: /[\p{L}_][\p{L}\p{N}_]*/u, type: moo.keywords(keywordTypes) },
  datetime: /[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9:.]*(?:Z|z|[+-][0-9]{2}:[0-9]{2})?)?/u,
  numword: /[0-9]+(?:\.[0-9]*)?[\p{L}_][\p{L}\p{N}_]*/u,
  float: /[0-9]+\.[0-9]*|\.[0-9]+/u,
  int: /[0-9]+/u,
  pipeForward: '|>',
  pipeReceive: '<-',
  arrow: '=>',
  eq: '==',
  neq: '!=',
  lte: '<=',
  gte: '>=',
  regexEq: '=~',
  regexNeq: '!~',
  lt: '<',
  gt: '>',
  assign: '=',
  slash: '/',
  dot: '.',
};

const rawLexer = moo.states({
  main: {
    lbrace: '{',
    rbrace: '}',
    include: ['code'],
    invalid: { match: /[^]/u, lineBreaks: true },
  },
  code,
  // Inside `${ ... }`: the first unmatched `}` ends the interpolation.
  interp: {
    lbrace: { match: '{', push: 'nested' },
    interpEnd: { match: '}', pop: 1 },
    include: ['code'],
    invalid: { match: /[^]/u, lineBreaks: true },
  },
  nested: {
    lbrace: { match: '{', push: 'nested' },
    rbrace: { match: '}', pop: 1 },
    include: ['code'],
    invalid: { match: /[^]/u, lineBreaks: true },
  },
  str: {
    strEnd: { match: '"', pop: 1 },
    interpStart: { match: '${', push: 'interp' },
    escape: { match: /\\x[0-9a-fA-F]{2}|\\[^]?/u, lineBreaks: true },
    text: { match: /[^"\\$]+/u, lineBreaks: true },
    dollar: '$',
  },
  regex: {
    regexEnd: { match: '/', pop: 1 },
    regexBody: /(?:\\[^\n]|[^\\/\n])+/u,
    regexBreak: { match: /[\\\n]/u, lineBreaks: true, pop: 1 },
  },
});

/** Token types after which `/` is division (the previous token ends an operand). */
const OPERAND_END = new Set([
  'ident',
  'int',
  'float',
  'duration',
  'datetime',
  'strEnd',
  'regex',
  'rparen',
  'rbracket',
  'rbrace',
]);

const NL_TYPES: Record<string, string> = {
  lparen: 'nlLparen',
  lbracket: 'nlLbracket',
  minus: 'nlMinus',
  plus: 'nlPlus',
};

const INT64_MAX = 9223372036854775807n;

/** Duration units from largest to smallest (Flux SPEC, Duration literals). */
const UNIT_RANK: Record<DurationUnit, number> = { y: 0, mo: 1, w: 2, d: 3, h: 4, m: 5, s: 6, ms: 7, us: 8, ns: 9 };
const DURATION_UNITS = /([0-9]+)(mo|ms|ns|us|µs|s|m|h|d|w|y)/uy;

function advance(pos: Position, text: string): Position {
  let line = pos.line;
  let column = pos.column;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column, offset: pos.offset + text.length };
}

/**
 * Tokenize Flux source. Never throws for any input: every problem becomes a diagnostic.
 * `name` is the source name diagnostics carry.
 */
export function tokenize(source: string, name = '<input>'): LexResult {
  const tokens: Token[] = [];
  const diagnostics: FluxError[] = [];
  const comments = new Map<number, string[]>();
  const err = (id: string, message: string, span: Span): void => {
    diagnostics.push(new FluxError('invalid', id, message, { span, source: name }));
  };

  const lexer = rawLexer.reset(source);
  let sawNewline = true;
  let afterBrace = false;
  /** Open brackets (`lparen`, `lbracket`, `lbrace`, `interp`), innermost last. */
  const openers: string[] = [];
  let pendingComments: string[] = [];
  let lastCommentLine = -1;
  // Open string / regex being assembled.
  let str: { start: Position; parts: Token[] } | null = null;
  let textRun: { start: Position; end: Position; text: string; value: string; bytes: number[] } | null = null;
  let regexTok: { start: Position; text: string; value: string; ok: boolean } | null = null;

  const flushBytes = (): void => {
    if (!textRun || textRun.bytes.length === 0) return;
    try {
      textRun.value += new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(textRun.bytes));
    } catch {
      err('lex.badEscape', 'invalid UTF-8 byte sequence in \\x escapes', { start: textRun.start, end: textRun.end });
      textRun.value += '\ufffd';
    }
    textRun.bytes = [];
  };
  const flushText = (): void => {
    if (!textRun) return;
    flushBytes();
    push({
      type: 'strText',
      value: textRun.value,
      text: textRun.text,
      offset: textRun.start.offset,
      line: textRun.start.line,
      col: textRun.start.column,
      start: textRun.start,
      end: textRun.end,
      nl: false,
    });
    textRun = null;
  };
  const push = (t: Token): void => {
    tokens.push(t);
  };

  let pos: Position = { line: 1, column: 1, offset: 0 };
  for (;;) {
    let raw: moo.Token | undefined;
    try {
      raw = lexer.next();
    } catch {
      // moo throws only when no rule matches; every state ends with a catch-all, but be safe.
      err('lex.invalidCharacter', `invalid character ${JSON.stringify(source[pos.offset] ?? '')}`, {
        start: pos,
        end: advance(pos, source[pos.offset] ?? ''),
      });
      break;
    }
    if (raw === undefined) break;
    const type = raw.type ?? 'invalid';
    if (type === 'ws' && regexTok === null) {
      // Hot path: whitespace needs no positions, only whether it holds a newline.
      if (raw.lineBreaks > 0) sawNewline = true;
      continue;
    }
    // moo tracks line and column (every rule that can match a newline sets lineBreaks).
    const start: Position = { line: raw.line, column: raw.col, offset: raw.offset };
    const end: Position =
      raw.lineBreaks === 0
        ? { line: raw.line, column: raw.col + raw.text.length, offset: raw.offset + raw.text.length }
        : {
            line: raw.line + raw.lineBreaks,
            column: raw.text.length - raw.text.lastIndexOf('\n'),
            offset: raw.offset + raw.text.length,
          };
    pos = end;

    // --- inside a regular expression
    if (regexTok) {
      if (type === 'regexBody') {
        regexTok.text += raw.text;
        regexTok.value += raw.text.replace(/\\\//g, '/');
        continue;
      }
      const r = regexTok;
      regexTok = null;
      if (type === 'regexEnd') {
        r.text += raw.text;
        push(mk('regex', decodeRegexBytes(r.value), r.text, r.start, end, false));
      } else {
        err('lex.unterminatedRegex', 'unterminated regular expression: expected a closing "/" on the same line', {
          start: r.start,
          end: start,
        });
        push(mk('regex', r.value, r.text, r.start, start, false));
        if (raw.text === '\n') sawNewline = true;
      }
      continue;
    }

    // --- inside a string
    if (str && (type === 'text' || type === 'dollar' || type === 'escape')) {
      if (!textRun) textRun = { start, end, text: '', value: '', bytes: [] };
      textRun.end = end;
      textRun.text += raw.text;
      if (type === 'escape') {
        const e = raw.text;
        if (e.length === 4 && e[1] === 'x') {
          textRun.bytes.push(parseInt(e.slice(2), 16));
          continue;
        }
        flushBytes();
        switch (e[1]) {
          case 'n':
            textRun.value += '\n';
            break;
          case 'r':
            textRun.value += '\r';
            break;
          case 't':
            textRun.value += '\t';
            break;
          case '\\':
          case '"':
          case '$':
            textRun.value += e[1];
            break;
          default:
            err(
              'lex.badEscape',
              e.length < 2
                ? 'invalid escape: "\\" at end of input'
                : `invalid escape sequence ${JSON.stringify(e)}: expected one of \\n \\r \\t \\\\ \\" \\$ \\xHH`,
              { start, end },
            );
            textRun.value += e.slice(1);
        }
      } else {
        flushBytes();
        textRun.value += raw.text;
      }
      continue;
    }
    if (type === 'strEnd' || type === 'interpStart') {
      flushText();
      push(mk(type, raw.text, raw.text, start, end, false));
      if (type === 'interpStart') openers.push('interp');
      str = null; // after strEnd: code; after interpStart: code until interpEnd
      continue;
    }
    if (type === 'interpEnd') {
      openers.pop();
      push(mk(type, raw.text, raw.text, start, end, false));
      str = { start, parts: [] };
      continue;
    }

    // --- code
    if (type === 'ws') {
      if (raw.text.includes('\n')) sawNewline = true;
      continue;
    }
    if (type === 'comment') {
      const text = raw.text.endsWith('\r') ? raw.text.slice(2, -1) : raw.text.slice(2); // CRLF files
      if (sawNewline || tokens.length === 0) {
        if (lastCommentLine === start.line - 1 && pendingComments.length > 0) pendingComments.push(text);
        else pendingComments = [text];
        lastCommentLine = start.line;
      }
      continue;
    }
    if (type === 'invalid') {
      err('lex.invalidCharacter', `invalid character ${JSON.stringify(raw.text)}`, { start, end });
      continue;
    }
    const nl = sawNewline || tokens.length === 0;
    if (pendingComments.length > 0) {
      if (nl && lastCommentLine === start.line - 1) comments.set(start.offset, pendingComments);
      pendingComments = [];
    }
    lastCommentLine = -1;
    let outType = type;
    let value: unknown = raw.text;
    switch (type) {
      case 'quote':
        outType = 'strStart';
        str = { start, parts: [] };
        break;
      case 'int':
        value = checkInt(raw.text, { start, end });
        break;
      case 'float': {
        const prev = tokens[tokens.length - 1];
        if (raw.text.startsWith('.') && prev !== undefined && prev.end.offset === start.offset && OPERAND_END.has(prev.type)) {
          // `a.5`, `1.5.3`: a member access with a number, not a float `.5` (a syntax error later).
          const dotEnd = advance(start, '.');
          push(mk('dot', '.', '.', start, dotEnd, false));
          push(mk('int', BigInt(raw.text.slice(1)), raw.text.slice(1), dotEnd, end, false));
          sawNewline = false;
          afterBrace = false;
          continue;
        }
        value = Number(raw.text);
        break;
      }
      case 'numword': {
        const d = parseDuration(raw.text);
        if (d === undefined) {
          const exponent = /^[0-9]*\.?[0-9]*[eE][0-9]*$/u.test(raw.text);
          err(
            'lex.badDuration',
            exponent
              ? `invalid number ${JSON.stringify(raw.text)}: Flux has no exponent notation; write the digits out (1000.0, 0.001) or use float(v: "1e3")`
              : `invalid duration ${JSON.stringify(raw.text)}: expected magnitude/unit pairs such as 1h30m (units ns us µs ms s m h d w mo y)`,
            { start, end },
          );
          value = [];
        } else {
          // Flux SPEC, Duration literals: "larger units must appear before smaller ones, and
          // there can be no repeated units".
          for (let k = 1; k < d.length; k++) {
            if (UNIT_RANK[d[k]!.unit] <= UNIT_RANK[d[k - 1]!.unit]) {
              err(
                'lex.durationUnitOrder',
                `invalid duration ${JSON.stringify(raw.text)}: ${d[k]!.unit === d[k - 1]!.unit ? `unit ${d[k]!.unit} is repeated` : `${d[k]!.unit} comes after the smaller unit ${d[k - 1]!.unit}`}; write units once, largest first (y mo w d h m s ms us ns)`,
                { start, end },
              );
              break;
            }
          }
          for (const part of d) {
            if (part.magnitude > INT64_MAX) {
              err('lex.intOverflow', `duration magnitude ${part.magnitude} does not fit in a 64-bit signed integer`, {
                start,
                end,
              });
              break;
            }
          }
          value = d;
        }
        outType = 'duration';
        break;
      }
      case 'datetime': {
        const dt = parseDateTime(raw.text);
        if (dt === undefined) {
          err(
            'lex.badDateTime',
            `invalid date-time ${JSON.stringify(raw.text)}: expected RFC3339 such as 2024-01-02T03:04:05Z or a date such as 2024-01-02`,
            { start, end },
          );
          value = { value: raw.text, nanos: 0n } satisfies DateTimeValue;
        } else if (dt.nanos < -(2n ** 63n) || dt.nanos >= 2n ** 63n) {
          // Flux SPEC, Date and time literals: a time is int64 nanoseconds since the epoch.
          err(
            'lex.timeOutOfRange',
            `date-time ${raw.text} is out of range: times are int64 nanoseconds, 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z`,
            { start, end },
          );
          value = { value: raw.text, nanos: 0n } satisfies DateTimeValue;
        } else value = dt;
        break;
      }
      case 'slash': {
        const prev = tokens[tokens.length - 1];
        if (prev === undefined || !OPERAND_END.has(prev.type)) {
          lexer.pushState('regex');
          regexTok = { start, text: raw.text, value: '', ok: true };
          sawNewline = false;
          afterBrace = false;
          continue;
        }
        break;
      }
      default:
        // Only where a statement can start: at top level or directly inside `{` (a block).
        // Inside `(`, `[` and `${}` a newline never separates statements.
        if ((nl || afterBrace) && NL_TYPES[type] !== undefined) {
          const inner = openers[openers.length - 1];
          if (inner === undefined || inner === 'lbrace') outType = NL_TYPES[type]!;
        }
    }
    if (type === 'lparen' || type === 'lbracket' || type === 'lbrace') openers.push(type);
    else if (type === 'rparen' || type === 'rbracket' || type === 'rbrace') openers.pop();
    push(mk(outType, value, raw.text, start, end, nl));
    sawNewline = false;
    afterBrace = type === 'lbrace';
  }
  if (regexTok) {
    err('lex.unterminatedRegex', 'unterminated regular expression: expected a closing "/"', {
      start: regexTok.start,
      end: pos,
    });
    push(mk('regex', regexTok.value, regexTok.text, regexTok.start, pos, false));
  }
  const state = lexer as unknown as { state: string; stack: string[] };
  if (str || textRun || state.state === 'str' || state.stack.includes('str')) {
    flushText();
    // Find the opening quote of the innermost unterminated string for the span.
    let open = tokens.length - 1;
    while (open > 0 && tokens[open]!.type !== 'strStart') open--;
    const startPos = tokens[open]?.start ?? pos;
    err('lex.unterminatedString', 'unterminated string: expected a closing \'"\'', { start: startPos, end: pos });
  }
  return { tokens, diagnostics, comments };

  function checkInt(text: string, span: Span): bigint {
    const v = BigInt(text);
    if (v > INT64_MAX) {
      err('lex.intOverflow', `integer ${text} does not fit in a 64-bit signed integer (max ${INT64_MAX})`, span);
    }
    return v;
  }
}

function mk(type: string, value: unknown, text: string, start: Position, end: Position, nl: boolean): Token {
  return { type, value, text, offset: start.offset, line: start.line, col: start.column, start, end, nl };
}

/** `1h30m` -> parts; undefined when the text is not a well-formed duration. */
export function parseDuration(text: string): DurationValue[] | undefined {
  const parts: DurationValue[] = [];
  DURATION_UNITS.lastIndex = 0;
  while (DURATION_UNITS.lastIndex < text.length) {
    const m = DURATION_UNITS.exec(text);
    if (m === null) return undefined;
    const unit = (m[2] === 'µs' ? 'us' : m[2]) as DurationUnit;
    parts.push({ magnitude: BigInt(m[1]!), unit });
  }
  return parts.length > 0 ? parts : undefined;
}

const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(Z|z|([+-])([0-9]{2}):([0-9]{2})))?$/u;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * RFC3339 date-time with a `Z` or `±hh:mm` offset, or a bare `YYYY-MM-DD` (midnight UTC),
 * as the exact number of nanoseconds since the Unix epoch. Undefined when malformed.
 */
export function parseDateTime(text: string): DateTimeValue | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  let seconds = BigInt(daysFromCivil(y, mo, d)) * 86400n;
  let nanos = 0n;
  if (m[4] !== undefined) {
    const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
    if (h > 23 || mi > 59 || s > 59) return undefined;
    seconds += BigInt(h * 3600 + mi * 60 + s);
    if (m[7] !== undefined) nanos = BigInt(m[7].padEnd(9, '0'));
    if (m[9] !== undefined) {
      const oh = Number(m[10]);
      const om = Number(m[11]);
      if (oh > 23 || om > 59) return undefined;
      const off = BigInt(oh * 3600 + om * 60);
      seconds += m[9] === '+' ? -off : off;
    }
  }
  return { value: text, nanos: seconds * 1_000_000_000n + nanos };
}

/**
 * Flux SPEC, Regular expression literals: "The `\x` hex byte value representation from string
 * literals may also be present", and the SPEC's example makes `/^\xe6\x97\xa5/` equal to
 * `/^日/`. So a run of `\xHH` escapes with bytes 0x80-0xFF that decodes as UTF-8 becomes the
 * characters it spells (never a metacharacter: they are all non-ASCII). ASCII bytes (`\x2e`)
 * and runs that are not UTF-8 (`\xe9` alone) are left to RE2, where `\xHH` is code point U+00HH.
 * An escaped backslash (`\\xe6`) is not an escape of `x`.
 */
export function decodeRegexBytes(body: string): string {
  if (!body.includes('\\x')) return body;
  let out = '';
  let i = 0;
  const highByte = (at: number): number | undefined => {
    const m = /^\\x([89a-fA-F][0-9a-fA-F])/.exec(body.slice(at, at + 4));
    return m ? parseInt(m[1]!, 16) : undefined;
  };
  while (i < body.length) {
    if (body[i] !== '\\') {
      out += body[i++];
      continue;
    }
    const start = i;
    const bytes: number[] = [];
    for (let b = highByte(i); b !== undefined; b = highByte(i)) {
      bytes.push(b);
      i += 4;
    }
    if (bytes.length === 0) {
      out += body.slice(i, i + 2); // any other escape pair, kept whole
      i += 2;
      continue;
    }
    try {
      out += new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      out += body.slice(start, i);
    }
  }
  return out;
}
