// Table-driven lexer tests: numbers, durations, date-times, escapes, regex vs division.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDateTime, parseDuration, tokenize } from '../../src/lang/index.js';

const kinds = (src: string): string[] => tokenize(src).tokens.map((t) => t.type);
const ids = (src: string): string[] => tokenize(src).diagnostics.map((d) => d.id);
const single = (src: string) => {
  const r = tokenize(src);
  assert.equal(r.tokens.length, 1, `one token for ${JSON.stringify(src)}: ${r.tokens.map((t) => t.type).join(' ')}`);
  return r.tokens[0]!;
};

describe('lexer: numbers', () => {
  const cases: { input: string; type: string; want: unknown }[] = [
    { input: '0', type: 'int', want: 0n },
    { input: '42', type: 'int', want: 42n },
    { input: '9223372036854775807', type: 'int', want: 9223372036854775807n },
    { input: '1.5', type: 'float', want: 1.5 },
    { input: '1.', type: 'float', want: 1 },
    { input: '.5', type: 'float', want: 0.5 },
    { input: '0.000001', type: 'float', want: 0.000001 },
  ];
  for (const c of cases) {
    it(c.input, () => {
      const t = single(c.input);
      assert.equal(t.type, c.type);
      assert.equal(t.value, c.want);
      assert.deepEqual(ids(c.input), []);
    });
  }
  it('rejects integers beyond int64 with lex.intOverflow and its span', () => {
    const r = tokenize('x = 9223372036854775808');
    assert.deepEqual(r.diagnostics.map((d) => d.id), ['lex.intOverflow']);
    assert.equal(r.diagnostics[0]!.span!.start.column, 5);
    assert.equal(r.diagnostics[0]!.span!.end.column, 24);
  });
  it('`a.5` and `1.5.3` are not floats after an operand', () => {
    assert.deepEqual(kinds('a.5'), ['ident', 'dot', 'int']);
    assert.deepEqual(kinds('1.5.3'), ['float', 'dot', 'int']);
    assert.deepEqual(kinds('a .5'), ['ident', 'float']);
  });
});

describe('lexer: durations', () => {
  const cases: { input: string; want: [bigint, string][] }[] = [
    { input: '1ns', want: [[1n, 'ns']] },
    { input: '5us', want: [[5n, 'us']] },
    { input: '5µs', want: [[5n, 'us']] },
    { input: '10ms', want: [[10n, 'ms']] },
    { input: '1h30m', want: [[1n, 'h'], [30n, 'm']] },
    { input: '1mo2w', want: [[1n, 'mo'], [2n, 'w']] },
    { input: '2y', want: [[2n, 'y']] },
    { input: '1d12h', want: [[1n, 'd'], [12n, 'h']] },
    { input: '3m4s5ms', want: [[3n, 'm'], [4n, 's'], [5n, 'ms']] },
  ];
  for (const c of cases) {
    it(c.input, () => {
      const t = single(c.input);
      assert.equal(t.type, 'duration');
      assert.deepEqual(
        (t.value as { magnitude: bigint; unit: string }[]).map((p) => [p.magnitude, p.unit]),
        c.want,
      );
      assert.deepEqual(ids(c.input), []);
    });
  }
  for (const bad of ['1hx', '1.5h', '5q', '1h2', '3mos']) {
    it(`rejects ${bad}`, () => {
      assert.deepEqual(ids(bad), ['lex.badDuration']);
      assert.equal(parseDuration(bad), undefined);
    });
  }
  // Flux SPEC, Duration literals: "larger units must appear before smaller ones, and there can
  // be no repeated units".
  for (const bad of ['1h1h', '1m1h', '1d1w', '1us1µs', '1s1mo']) {
    it(`rejects units out of order or repeated: ${bad}`, () => {
      assert.deepEqual(ids(bad), ['lex.durationUnitOrder']);
    });
  }
  it('reports where exponent notation was meant', () => {
    const r = tokenize('x = 1e3');
    assert.deepEqual(r.diagnostics.map((d) => d.id), ['lex.badDuration']);
    assert.match(r.diagnostics[0]!.message, /exponent/);
  });
  it('negative durations are unary minus', () => {
    assert.deepEqual(kinds('x = -5m'), ['ident', 'assign', 'minus', 'duration']);
  });
});

describe('lexer: date-times', () => {
  const cases: { input: string; nanos: bigint }[] = [
    { input: '1970-01-01', nanos: 0n },
    { input: '1970-01-01T00:00:00Z', nanos: 0n },
    { input: '2024-01-02', nanos: 1704153600000000000n },
    { input: '2024-01-02T03:04:05Z', nanos: 1704164645000000000n },
    { input: '2024-01-02T03:04:05.123456789Z', nanos: 1704164645123456789n },
    { input: '2024-01-02T03:04:05.5+01:00', nanos: 1704161045500000000n },
    { input: '2024-01-02T03:04:05-07:30', nanos: 1704191645000000000n },
    { input: '1969-12-31T23:59:59.999999999Z', nanos: -1n },
    { input: '2000-02-29', nanos: 951782400000000000n },
  ];
  for (const c of cases) {
    it(c.input, () => {
      const t = single(c.input);
      assert.equal(t.type, 'datetime');
      assert.equal((t.value as { nanos: bigint }).nanos, c.nanos);
      assert.equal(parseDateTime(c.input)?.nanos, c.nanos);
    });
  }
  for (const bad of ['2023-02-29', '2023-13-01', '2023-01-32', '2023-01-01T24:00:00Z', '2023-01-01T00:00', '2023-01-01T00:00:00', '2023-01-01T00:00:00.1234567891Z']) {
    it(`rejects ${bad}`, () => assert.deepEqual(ids(bad), ['lex.badDateTime']));
  }
  // Times are int64 nanoseconds: the first and last representable seconds, and one past each.
  it('accepts the ends of the time range', () => {
    assert.deepEqual(ids('2262-04-11T23:47:16.854775807Z'), []);
    assert.deepEqual(ids('1677-09-21T00:12:43.145224192Z'), []);
  });
  for (const bad of ['2262-04-11T23:47:16.854775808Z', '1677-09-21T00:12:43.145224191Z', '2263-01-01', '9999-12-31T23:59:59Z']) {
    it(`rejects ${bad} as out of range`, () => assert.deepEqual(ids(bad), ['lex.timeOutOfRange']));
  }
});

describe('lexer: strings', () => {
  const text = (src: string): string =>
    tokenize(src)
      .tokens.filter((t) => t.type === 'strText')
      .map((t) => t.value as string)
      .join('|');
  const cases: { input: string; want: string }[] = [
    { input: '"abc"', want: 'abc' },
    { input: '"a\\nb"', want: 'a\nb' },
    { input: '"\\r\\t\\\\\\"\\$"', want: '\r\t\\"$' },
    { input: '"\\x41\\x42"', want: 'AB' },
    { input: '"\\xe2\\x82\\xac"', want: '€' },
    { input: '"cost $5"', want: 'cost $5' },
    { input: '"two\nlines"', want: 'two\nlines' },
    { input: '"a${x}b"', want: 'a|b' },
  ];
  for (const c of cases) it(JSON.stringify(c.input), () => {
    assert.equal(text(c.input), c.want);
    assert.deepEqual(ids(c.input), []);
  });
  it('interpolation is lexed as code, nested strings and braces included', () => {
    assert.deepEqual(kinds('"a${ {b: "}"}.b }c"'), [
      'strStart', 'strText', 'interpStart', 'lbrace', 'ident', 'colon', 'strStart', 'strText', 'strEnd', 'rbrace',
      'dot', 'ident', 'interpEnd', 'strText', 'strEnd',
    ]);
  });
  it('bad escapes, invalid UTF-8 and unterminated strings are errors', () => {
    assert.deepEqual(ids('"\\q"'), ['lex.badEscape']);
    assert.deepEqual(ids('"\\xff"'), ['lex.badEscape']);
    assert.deepEqual(ids('"abc'), ['lex.unterminatedString']);
    assert.deepEqual(ids('"a ${x'), ['lex.unterminatedString']);
  });
});

describe('lexer: regex vs division', () => {
  const cases: { input: string; want: string[] }[] = [
    { input: 'a / b', want: ['ident', 'slash', 'ident'] },
    { input: 'a/b/c', want: ['ident', 'slash', 'ident', 'slash', 'ident'] },
    { input: '6 / 2', want: ['int', 'slash', 'int'] },
    { input: 'f() / 2', want: ['ident', 'lparen', 'rparen', 'slash', 'int'] },
    { input: 'x =~ /a.b/', want: ['ident', 'regexEq', 'regex'] },
    { input: 'f(r: /x/)', want: ['ident', 'lparen', 'ident', 'colon', 'regex', 'rparen'] },
    { input: '[/a/, /b/]', want: ['nlLbracket', 'regex', 'comma', 'regex', 'rbracket'] },
    { input: 'x = /a\\/b/', want: ['ident', 'assign', 'regex'] },
  ];
  for (const c of cases) it(c.input, () => assert.deepEqual(kinds(c.input), c.want));
  it('regex value unescapes \\/ only', () => {
    const t = tokenize('x = /a\\/b\\d/').tokens[2]!;
    assert.equal(t.value, 'a/b\\d');
  });
  // Flux SPEC, Regular expression literals: the \x byte values of string literals may appear,
  // so /^\xe6\x97\xa5$/ and /^日$/ are the same pattern.
  it('regex value decodes \\x runs that spell UTF-8', () => {
    assert.equal(tokenize('/^\\xe6\\x97\\xa5(ZZ)?$/').tokens[0]!.value, '^日(ZZ)?$');
    assert.equal(tokenize('/[\\xc3\\xa9]x/').tokens[0]!.value, '[é]x');
  });
  it('regex value keeps ASCII \\x, escaped backslashes and bytes that are not UTF-8 for RE2', () => {
    assert.equal(tokenize('/a\\x2e/').tokens[0]!.value, 'a\\x2e');
    assert.equal(tokenize('/\\\\xe6\\x97\\xa5/').tokens[0]!.value, '\\\\xe6\\x97\\xa5');
    assert.equal(tokenize('/\\xe9/').tokens[0]!.value, '\\xe9');
  });
  it('an unterminated regex is an error', () => {
    assert.deepEqual(ids('x = /abc\ny = 1'), ['lex.unterminatedRegex']);
  });
});

describe('lexer: newline marking and comments', () => {
  it('marks ( [ - + that begin a line or follow {', () => {
    assert.deepEqual(kinds('a (b)\n(c)'), ['ident', 'lparen', 'ident', 'rparen', 'nlLparen', 'ident', 'rparen']);
    assert.deepEqual(kinds('a - 1\n-1'), ['ident', 'minus', 'int', 'nlMinus', 'int']);
    assert.deepEqual(kinds('{(a)}'), ['lbrace', 'nlLparen', 'ident', 'rparen', 'rbrace']);
  });
  it('remembers comment lines directly above a token', () => {
    const r = tokenize('// a\n//b\nx = 1 // not a doc\n\n// gap\n\ny = 2');
    assert.deepEqual([...r.comments.entries()], [[9, [' a', 'b']]]);
  });
  it('reports invalid characters and goes on', () => {
    const r = tokenize('x = 1 @ 2');
    assert.deepEqual(r.diagnostics.map((d) => d.id), ['lex.invalidCharacter']);
    assert.deepEqual(r.tokens.map((t) => t.type), ['ident', 'assign', 'int', 'int']);
  });
  it('keywords are keywords, contextual words are identifiers', () => {
    assert.deepEqual(kinds('and or not exists if then else with'), [
      'kw_and', 'kw_or', 'kw_not', 'kw_exists', 'kw_if', 'kw_then', 'kw_else', 'kw_with',
    ]);
    assert.deepEqual(kinds('where stream extends vector'), ['ident', 'ident', 'ident', 'ident']);
  });
  it('positions are 1-based lines and columns with offsets', () => {
    const t = tokenize('a =\n  "x\ny" + b').tokens;
    assert.deepEqual(t.map((x) => `${x.start.line}:${x.start.column}-${x.end.line}:${x.end.column}`), [
      '1:1-1:2', '1:3-1:4', '2:3-2:4', '2:4-3:2', '3:2-3:3', '3:4-3:5', '3:6-3:7',
    ]);
  });
});
