// sort's merge-sort fast path (one float or string column without nulls) must give the
// same stable order as the comparator path, ascending and descending, with repeated keys.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ColBuilder } from '../../../src/stdlib/universe/lib/columns.js';
import type { Frame } from '../../../src/stdlib/universe/lib/frame.js';
import { rowComparator, sortOrder } from '../../../src/stdlib/universe/sort-limit.js';
import { rng } from '../../support/rng.js';


describe('sort fast path agrees with the comparator sort', () => {
  for (const [type, n, seed] of [
    ['float', 1000, 1],
    ['float', 70, 2],
    ['string', 1000, 3],
    ['string', 513, 4],
  ] as const) {
    test(`${type} x${n}`, () => {
      const rand = rng(seed);
      const b = new ColBuilder(type, n);
      const words = ['b', 'a', 'c', 'ab', 'b'];
      for (let i = 0; i < n; i++) {
        if (type === 'float') b.pushFloat(Math.floor(rand() * 50) / 4 - 3);
        else b.pushString(words[Math.floor(rand() * words.length)]!);
      }
      const col = b.finish();
      const f: Frame = { names: ['x'], cols: [col], length: n, keyNames: [], keyValues: [] };
      const cmp = rowComparator(col);
      for (const desc of [false, true]) {
        const want = Array.from({ length: n }, (_, i) => i).sort((p, q) => (desc ? -1 : 1) * cmp(p, q) || p - q);
        assert.deepEqual([...sortOrder(f, ['x'], desc)], want, `desc ${desc}`);
      }
    });
  }
});
