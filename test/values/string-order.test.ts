// Strings order by their UTF-8 bytes (code points), as Flux (Go) orders them, not by
// JavaScript's UTF-16 code units. The two disagree only when the first difference is a
// surrogate pair (a code point above U+FFFF) against a unit in U+E000..U+FFFF.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStrings, compareValues, stringComparatorFor } from '../../src/values/compare.js';
import { rng } from '../support/rng.js';

const utf8Order = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

const cases: { name: string; a: string; b: string; want: number }[] = [
  { name: 'fullwidth ! (U+FF01) before grinning face (U+1F600)', a: '\u{FF01}', b: '\u{1F600}', want: -1 },
  { name: 'private use U+E000 before U+10000', a: '\u{E000}', b: '\u{10000}', want: -1 },
  { name: 'U+FFFF before U+10FFFF', a: 'x\u{FFFF}', b: 'x\u{10FFFF}', want: -1 },
  { name: 'U+D7FF (below surrogates) before a surrogate pair', a: '\u{D7FF}', b: '\u{1F600}', want: -1 },
  { name: 'two astral characters by code point', a: '\u{1F600}', b: '\u{1F601}', want: -1 },
  { name: 'a prefix first', a: '\u{1F600}', b: '\u{1F600}a', want: -1 },
  { name: 'ASCII', a: 'abc', b: 'abd', want: -1 },
  { name: 'equal', a: 'é\u{1F600}', b: 'é\u{1F600}', want: 0 },
  { name: 'difference before the high characters decides', a: 'a\u{1F600}', b: 'b\u{FF01}', want: -1 },
];

for (const c of cases) {
  test(`compareStrings: ${c.name}`, () => {
    assert.equal(compareStrings(c.a, c.b), c.want);
    assert.equal(compareStrings(c.b, c.a), c.want === 0 ? 0 : -c.want);
    assert.equal(compareValues(c.a, c.b), c.want);
    assert.equal(utf8Order(c.a, c.b), c.want, 'the case itself follows UTF-8 byte order');
  });
}

test('compareStrings agrees with UTF-8 byte order on random strings mixing ASCII, BMP and astral characters', () => {
  const rand = rng(7);
  const alphabet = ['a', 'b', 'é', '\u{D7FF}', '\u{E000}', '\u{FF01}', '\u{FFFF}', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
  const word = () => Array.from({ length: Math.floor(rand() * 4) }, () => alphabet[Math.floor(rand() * alphabet.length)]!).join('');
  for (let i = 0; i < 5000; i++) {
    const a = word();
    const b = word();
    assert.equal(compareStrings(a, b), utf8Order(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});

test('stringComparatorFor: the plain comparison when no string needs the UTF-8 correction, compareStrings otherwise', () => {
  const low = ['b', 'a', '\u{D7FF}', 'é'];
  assert.deepEqual([...low].sort(stringComparatorFor(low)), [...low].sort(compareStrings));
  const high = ['\u{1F600}', '\u{FF01}', 'a'];
  assert.equal(stringComparatorFor(high), compareStrings);
  assert.deepEqual([...high].sort(stringComparatorFor(high)), ['a', '\u{FF01}', '\u{1F600}']);
});
