// map() has a compiled path and an interpreted path (src/stdlib/universe/map.ts). They must
// give the same tables: each record function below runs as written (compiled) and with one
// more property the compiler does not accept (`zz: display(v: 0)`, dropped afterwards),
// which sends every table through the interpreter, over seeded random streams whose
// nullable column `x` is often null in every row of a table. And both paths stream: a table
// whose key fn cannot change comes out before the next input table is read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCsv, streamOf } from '../../../src/table/index.js';
import type { Table, TableStream } from '../../../src/table/index.js';
import type { NativeContext } from '../../../src/runtime/builtin-api.js';
import { isFunction } from '../../../src/values/value.js';
import type { FunctionValue, Value } from '../../../src/values/value.js';
import { map } from '../../../src/stdlib/universe/map.js';
import { runOnCsv, runtime } from '../../interpreter/flux.js';
import { assertSameTables, fromTable, gen, randomStream, toAnnotatedCsv } from '../../support/random-tables.js';
import type { GenTable } from '../../support/random-tables.js';

async function run(csv: string, pipe: string): Promise<GenTable[]> {
  return (await runOnCsv(csv, pipe, 'map-paths.flux')).map(fromTable);
}

/** Record bodies (inside `({` ... `})`); `r.nope` is a column no table has. */
const BODIES = [
  // Null in every row, of a type the expression gives: a float / int / string column.
  'r with y: if r.x > 1000.0 then 1.0 else r.nope',
  'r with y: if r.x > 1000.0 then 1 else r.nope',
  'r with y: if r.x > 1000.0 then "big" else r.nope',
  'r with y: r.x * r.nope',
  'r with y: float(v: r.nope), s: string(v: r.nope)',
  // Null whatever the row, of no type: no column.
  'r with y: r.nope',
  // Overriding an input column with nulls of another type.
  'r with _value: if r.x > 1000.0 then 1 else r.nope',
  // Copies of a column that is null in every row of some tables keep its type.
  'r with y: r.x',
  'r with y: r.x + 1.0, _value: r._value',
  // Three-valued and/or/not over a nullable column (null where x is null, not false).
  'r with b: r.x > 0.0 and true, c: r.x > 0.0 or false, d: not (r.x > 0.0 and r.x < 5.0), e: r.x > 0.0 or true',
  // Changing a key column (regrouping), and a body without `with`.
  'r with host: r.tag',
  'r with host: if r.x > 0.0 then "pos" else "other"',
  '_time: r._time, host: r.host, y: if r.x > 1000.0 then 1.0 else r.nope',
  '_time: r._time, _value: r._value',
];

describe('map: the compiled and the interpreted path give the same tables', () => {
  for (let seed = 1; seed <= 4; seed++) {
    test(`seed ${seed}`, async () => {
      const g = gen(9100 + seed);
      // Tables with rows only: on a table without rows the interpreter cannot know the
      // output columns (it drops such a table, the compiled path keeps it).
      const sizes = Array.from({ length: 8 }, () => g.pick([1, 2, 3, 17, 70]));
      const tables = randomStream(g, { sizes, valueType: seed % 2 === 0 ? 'float' : 'int', nullRate: seed <= 2 ? 0.9 : 0.3, sortedTimes: true, distinctStrings: 4 });
      const csv = toAnnotatedCsv(tables);
      for (const body of BODIES) {
        const compiled = await run(csv, `data |> map(fn: (r) => ({${body}}))`);
        const interpreted = await run(csv, `data |> map(fn: (r) => ({${body}, zz: display(v: 0)})) |> drop(columns: ["zz"])`);
        assertSameTables(interpreted, compiled, `seed ${seed}: ({${body}})`);
      }
    });
  }
});

const ctx = { name: 'map', span: undefined, source: undefined } as unknown as NativeContext;

async function fluxFunction(src: string): Promise<FunctionValue> {
  const r = await runtime().run(src, { name: 'map-fn.flux' });
  const v = r.results.at(-1)!.value;
  assert.ok(isFunction(v));
  return v;
}

const CSV = `#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
,,0,a,2
,,1,b,3
`;

/**
 * Maps two tables whose second one is only handed over when `release` is called; resolves
 * to 'first table' when map emits the first table without asking for the second one, and
 * to 'held' when map asks for the second table before emitting anything.
 */
async function firstOutput(
  fn: FunctionValue,
): Promise<{ what: 'first table' | 'held'; release: () => void; first: Promise<IteratorResult<Table>>; out: AsyncIterator<Table> }> {
  const [ta, tb] = decodeCsv(CSV).results[0]!.tables as [Table, Table];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reachedGate!: () => void;
  const blocked = new Promise<'held'>((resolve) => (reachedGate = () => resolve('held')));
  const input: TableStream = streamOf(async function* () {
    yield ta;
    reachedGate();
    await gate;
    yield tb;
  });
  const out = (map(new Map<string, Value>([['tables', input], ['fn', fn]]), ctx) as TableStream)[Symbol.asyncIterator]();
  const first = out.next();
  const emitted = first.then(() => 'first table' as const);
  return { what: await Promise.race([emitted, blocked]), release, first, out };
}

describe('map streams table by table', () => {
  for (const [name, src] of [
    ['compiled', '(r) => ({r with y: r._value * 2.0})'],
    ['interpreted', '(r) => ({r with y: display(v: r._value)})'],
    ['interpreted, copying the key column', '(r) => ({r with host: r.host, y: display(v: r._value)})'],
  ] as const) {
    test(`${name}: the first table comes out before the second is read`, async () => {
      const { what, release, first, out } = await firstOutput(await fluxFunction(src));
      assert.equal(what, 'first table');
      assert.equal((await first).done, false);
      release();
      const second = await out.next();
      assert.equal(second.done, false);
      assert.equal((await out.next()).done, true);
    });
  }

  // A function that may change the key holds its tables: a later table can join them.
  test('a function that changes a key column holds the tables until the input ends', async () => {
    const { what, release, first, out } = await firstOutput(await fluxFunction('(r) => ({r with host: "x", y: display(v: r._value)})'));
    assert.equal(what, 'held');
    release();
    const t = await first;
    assert.equal(t.done, false);
    assert.equal((t.value as Table).length, 3, 'both tables joined the key host=x');
    assert.equal((await out.next()).done, true);
  });
});

describe('map keeps group keys unique (Flux SPEC "Tables")', () => {
  // Tables keyed [host, dc] and [host]: a body without `with` that keeps only host gives
  // the first ones the key of the last one, on either path.
  const csv = `#datatype,string,long,string,string,double
#group,false,false,true,true,false
#default,_result,,,,
,result,table,host,dc,_value
,,0,a,x,1
,,1,a,y,2

#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,2,a,3
`;
  for (const body of ['host: r.host, _value: r._value', 'host: r.host, _value: r._value, s: display(v: r._value)']) {
    test(`({${body}})`, async () => {
      const out = await run(csv, `data |> map(fn: (r) => ({${body}}))`);
      assert.equal(out.length, 1, 'one table for host=a');
      assert.deepEqual(
        out[0]!.rows.map((r) => r[out[0]!.columns.findIndex((c) => c.name === '_value')]),
        [1, 2, 3],
      );
    });
  }
});
