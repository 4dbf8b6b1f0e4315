// aggregateWindow has two paths (src/stdlib/universe/window.ts): a native aggregate or
// selector as `fn` reduces the windows in place, any other `fn` runs on real window tables
// (Flux's definition: window |> fn |> duplicate(timeSrc -> timeDst) |> window(every: inf)).
// A closure that only calls the same native must give the same tables, on seeded random
// streams with empty tables, all-null windows, gaps, with and without _start/_stop bounds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnCsv } from '../../interpreter/flux.js';
import { assertSameTables, fromTable, gen, randomStream, toAnnotatedCsv } from '../../support/random-tables.js';
import type { GenTable, GenType } from '../../support/random-tables.js';

async function run(csv: string, pipe: string): Promise<GenTable[]> {
  return (await runOnCsv(csv, pipe, 'aggregate-window-paths.flux')).map(fromTable);
}

const FNS = ['mean', 'sum', 'count', 'spread', 'stddev', 'first', 'last', 'min', 'max'] as const;

describe('aggregateWindow: a closure over a native gives what the native gives', () => {
  for (let seed = 1; seed <= 6; seed++) {
    test(`seed ${seed}`, async () => {
      const g = gen(7000 + seed);
      const valueType: GenType = seed % 2 === 0 ? 'float' : 'int';
      // Tables without rows come first and last: an empty table must not leave a trace
      // in one path and not in the other.
      const sizes = [0, g.int(1, 40), 0, g.int(1, 200), g.int(1, 5), 0];
      const tables = randomStream(g, { sizes, valueType, nullRate: seed % 3 === 0 ? 0.6 : 0.1, sortedTimes: seed % 4 !== 0, distinctStrings: 5 });
      const csv = toAnnotatedCsv(tables);
      const every = g.pick(['5s', '30s', '2m']);
      // Bounds in the key (range()), as plain columns (range() then group()), or none.
      for (const bounds of ['', ' |> group(columns: ["host", "_field"])', ' |> drop(columns: ["_start", "_stop"])']) {
        for (const createEmpty of [true, false]) {
          for (const fn of FNS) {
            // Other columns and window bounds on some of the runs: x is a nullable float.
            const extra = fn === 'sum' || fn === 'last' ? ', column: "x", timeSrc: "_start"' : fn === 'count' ? ', timeDst: "at"' : '';
            const args = `every: ${every}, createEmpty: ${createEmpty}${extra}`;
            const native = await run(csv, `data${bounds} |> aggregateWindow(${args}, fn: ${fn})`);
            const closure = await run(csv, `data${bounds} |> aggregateWindow(${args}, fn: (column, tables=<-) => tables |> ${fn}(column: column))`);
            assertSameTables(native, closure, `seed ${seed}, ${fn}, ${args}${bounds}`);
          }
        }
      }
    });
  }

  test('an empty table with createEmpty: false gives no table on either path', async () => {
    const csv = `#datatype,string,long,string,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double
#group,false,false,true,true,true,false,false
#default,_result,0,e,2021-01-01T00:00:00Z,2021-01-01T00:10:00Z,,
,result,table,host,_start,_stop,_time,_value
`;
    for (const fn of ['mean', '(column, tables=<-) => tables |> mean(column: column)']) {
      assert.deepEqual(await run(csv, `data |> aggregateWindow(every: 1m, fn: ${fn}, createEmpty: false)`), [], fn);
      // With createEmpty, each window within the bounds gives a row (mean of nothing: null).
      const filled = await run(csv, `data |> aggregateWindow(every: 1m, fn: ${fn})`);
      assert.equal(filled.length, 1, fn);
      assert.equal(filled[0]!.rows.length, 10, fn);
    }
  });
});
