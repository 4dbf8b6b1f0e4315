// array.from at scale: every row of a large array of records (beyond the builder's growth
// points 16, 32, ..., 1,024) comes out in its column, for every column type.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectTables, isTableStream } from '../../../src/table/index.js';
import { runtime } from '../../interpreter/flux.js';
import { fromTable, gen, randomCell, rfc3339 } from '../../support/random-tables.js';
import type { Cell, GenType } from '../../support/random-tables.js';

function literal(type: GenType, v: Cell): string {
  switch (type) {
    case 'float':
      return Number.isInteger(v) ? `${v as number}.0` : String(v);
    case 'uint':
      return `uint(v: ${String(v)})`;
    case 'string':
      return JSON.stringify(v);
    case 'time':
      return rfc3339(v as bigint);
    default:
      return String(v);
  }
}

describe('array.from with many rows', () => {
  test('1,025 rows of every column type (seed 4242)', async () => {
    const g = gen(4242);
    const types: GenType[] = ['float', 'int', 'uint', 'bool', 'string', 'time'];
    const rows = Array.from({ length: 1025 }, () => types.map((t) => randomCell(g, t, 300)));
    const src = `import "array"\narray.from(rows: [\n${rows.map((r) => `{${r.map((v, j) => `c${j}: ${literal(types[j]!, v)}`).join(', ')}}`).join(',\n')}\n])`;
    const r = await runtime().run(src, { name: 'array-scale.flux' });
    const v = r.results.at(-1)!.value;
    assert.ok(isTableStream(v));
    const [t, ...rest] = await collectTables(v);
    assert.equal(rest.length, 0);
    const got = fromTable(t!);
    assert.deepEqual(got.columns, types.map((type, j) => ({ name: `c${j}`, type })));
    assert.equal(got.rows.length, rows.length);
    got.rows.forEach((row, i) => assert.deepEqual(row, rows[i], `row ${i} (seed 4242)`));
  });
});
