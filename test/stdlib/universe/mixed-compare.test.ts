// Comparisons of numbers of different types in row functions (filter, map), on every path
// the row compiler and the interpreter take: Flux's runtime compares int, uint and float with
// each other (values/binary.go), so `r._value > 50` works on a float column.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { collectTables, encodeCsv, isTableStream } from '../../../src/table/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-mixedcmp-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function csvOf(src: string): Promise<string> {
  const r = await runtime.run(src, { name: 'mixed.flux' });
  const v = r.results.at(-1)!.value;
  assert.ok(isTableStream(v));
  return encodeCsv([{ name: '_result', tables: await collectTables(v) }]);
}

const rows = `import "array"
data = array.from(rows: [
  {f: 0.5, i: -1, u: uint(v: 0)},
  {f: 1.5, i: 2, u: uint(v: 3)},
  {f: 50.0, i: 50, u: uint(v: 50)},
])
helper = (r) => r
`;

for (const [name, pred] of [
  ['float column > int literal', 'r.f > 1'],
  ['int column < float literal', 'r.i < 1.5'],
  ['uint column >= int literal', 'r.u >= 3'],
  ['int column == uint column', 'r.i == r.u'],
  ['float column == int column', 'r.f == float(v: r.i) and r.f == r.i'],
  ['negative int below uint', 'r.i < r.u'],
] as const) {
  test(`filter: ${name}, compiled and interpreted alike`, async () => {
    const compiled = await csvOf(`${rows}data |> filter(fn: (r) => ${pred})`);
    const interpreted = await csvOf(`${rows}data |> filter(fn: (r) => { x = helper(r: r)\nreturn ${pred.replaceAll('r.', 'x.')} })`);
    assert.equal(compiled, interpreted);
    assert.ok(compiled.split('\n').filter((l) => l.startsWith(',,')).length > 0, `${pred} keeps some rows`);
  });
}

test('filter on a float column with an int literal keeps the rows it should', async () => {
  const out = await csvOf(`${rows}data |> filter(fn: (r) => r.f > 1) |> keep(columns: ["f"])`);
  assert.deepEqual(out.split(/\r?\n/).filter((l) => l.startsWith(',,')), [',,0,1.5', ',,0,50']);
});

test('map: a comparison of an int column with a float literal', async () => {
  const out = await csvOf(`${rows}data |> map(fn: (r) => ({big: r.i >= 2.0})) `);
  assert.deepEqual(out.split(/\r?\n/).filter((l) => l.startsWith(',,')), [',,0,false', ',,0,true', ',,0,true']);
});
