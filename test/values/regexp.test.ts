// RE2 -> JavaScript translation: what is translated, what is rejected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegexp, translateRe2 } from '../../src/values/regexp.js';
import { FluxError } from '../../src/errors/index.js';

const matches = (re: string, s: string) => compileRegexp(re).re.test(s);

test('translation of RE2-only syntax', () => {
  assert.deepEqual(translateRe2('(?i)abc'), { pattern: 'abc', flags: 'i' });
  assert.deepEqual(translateRe2('(?P<year>\\d+)'), { pattern: '(?<year>\\d+)', flags: '' });
  assert.ok(matches('\\Aab\\z', 'ab'));
  assert.ok(!matches('\\Aab\\z', 'ab\n'));
  assert.ok(matches('[[:digit:]]+x', '12x'));
  assert.ok(matches('^\\Qa.b\\E$', 'a.b'));
  assert.ok(!matches('^\\Qa.b\\E$', 'axb'));
  assert.ok(matches('\\pL', 'é'));
  assert.ok(!matches('^\\s$', '\u00a0'), 'RE2 \\s is ASCII white space only');
  assert.ok(matches('(?s)a.b', 'a\nb'));
  assert.ok(!matches('a.b', 'a\nb'));
  // RE2's `.` stops only at \n (JavaScript's also at \r, U+2028, U+2029).
  assert.ok(matches('^a.b$', 'a\rb'));
  assert.ok(matches('^a.b$', 'a\u2028b'));
  assert.ok(matches('^a.+b$', 'a\u2029\rb'));
  assert.ok(matches('^a\\.b$', 'a.b') && !matches('^a\\.b$', 'axb'), 'an escaped dot stays a dot');
  assert.ok(matches('^a[.]b$', 'a.b') && !matches('^a[.]b$', 'axb'), 'a dot in a class stays a dot');
  assert.ok(matches('^.$', '😀'.slice(0, 1)) && matches('^\\pL.$', 'é😀'), 'one unit, or one code point with the u flag');
  assert.ok(matches('[]a]', ']'));
});

test('what RE2 or JavaScript cannot honour is rejected', () => {
  const rejects = (re: string, id: string) => assert.throws(() => compileRegexp(re), (e: unknown) => e instanceof FluxError && e.id === id, re);
  rejects('(a)\\1', 'regexp.invalid');
  rejects('a(?=b)', 'regexp.invalid');
  rejects('a(?<!b)', 'regexp.invalid');
  rejects('(?U)a+', 'regexp.unsupported');
  rejects('a(?i)b', 'regexp.unsupported');
  rejects('[[:^alpha:]]', 'regexp.unsupported');
  rejects('(unclosed', 'regexp.invalid');
  rejects('[abc', 'regexp.invalid');
});

test('escapes: \\a is the bell, unknown letter escapes are rejected', () => {
  assert.ok(matches('^\\a$', '\u0007'));
  for (const re of ['\\Z', '\\e', '\\k<x>', '\\y']) {
    assert.throws(() => compileRegexp(re), (e: unknown) => e instanceof FluxError && e.id === 'regexp.invalid', re);
  }
  assert.ok(matches('\\x41\\t', 'A\t'));
});

test('an invalid pattern is named once in the message, as the user wrote it', () => {
  // JavaScript's message repeats the translated pattern ("/a(b/: /a(b/: Unterminated group").
  for (const re of ['a(b', '(?i)x(']) {
    assert.throws(
      () => compileRegexp(re),
      (e: unknown) => e instanceof FluxError && e.id === 'regexp.invalid' && e.message.split(`/${re}/`).length === 2 && !/\/[a-z]*: \//.test(e.message),
      re,
    );
  }
});

// RE2 syntax (github.com/google/re2/wiki/Syntax) that JavaScript spells differently.
test('RE2 script classes, \\x{...} and escaped punctuation next to a Unicode class', () => {
  assert.ok(matches('^\\p{Greek}+$', 'αβγ'), '\\p{Greek} is a script in RE2');
  assert.ok(!matches('^\\p{Greek}$', 'a'));
  assert.ok(matches('^\\p{Han}$', '日'));
  assert.ok(matches('^\\P{Han}$', 'a'));
  assert.ok(matches('^\\p{^Han}$', 'a'));
  assert.ok(matches('^[\\p{Greek}x]+$', 'αx'));
  assert.ok(matches('^\\pL\\-x$', 'é-x'), 'RE2 lets any punctuation be escaped, also with a \\p class');
  assert.ok(matches('^\\pN\\!\\@\\#\\%\\&\\~$', '5!@#%&~'));
  assert.ok(matches('^\\x{78}\\x{65E5}\\x{1F600}$', 'x日😀'), '\\x{...} is a code point');
  assert.ok(!matches('^\\x{78}$', 'x{78}'));
});
