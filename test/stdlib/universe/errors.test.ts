// User errors of the table functions are FluxErrors with stable ids, pointing at the call
// (tests assert id and span, not wording).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { FluxError, errorList } from '../../../src/errors/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-tfe-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const rows = `import "array"
data = array.from(rows: [{_time: 2021-01-01T00:00:00Z, _value: 1.0, host: "a"}, {_time: 2021-01-01T00:00:10Z, _value: 2.0, host: "b"}])
`;

/** Run a program whose last line is the failing pipeline; return the error. */
async function failure(line: string): Promise<FluxError> {
  const src = rows + line + '\n';
  let r: unknown;
  try {
    const res = await runtime.run(src, { name: 'case.flux' });
    // Streams among the results are read by the caller: reading them raises lazy errors.
    for (const { value } of res.results) {
      if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
        for await (const _ of value as AsyncIterable<unknown>) void _;
      }
    }
  } catch (e) {
    r = e;
  }
  assert.ok(r instanceof FluxError, `expected a FluxError, got ${String(r)}`);
  return errorList(r)[0]!;
}

const cases: { name: string; line: string; id: string; col: number }[] = [
  { name: 'filter onEmpty', line: 'data |> filter(fn: (r) => true, onEmpty: "sometimes")', id: 'universe.filter.onEmpty', col: 9 },
  { name: 'range without a time column', line: 'data |> drop(columns: ["_time"]) |> range(start: -1h)', id: 'universe.range.missingTimeColumn', col: 37 },
  { name: 'aggregate of a missing column', line: 'data |> mean(column: "nope")', id: 'universe.aggregate.missingColumn', col: 9 },
  { name: 'sum of strings', line: 'data |> sum(column: "host")', id: 'universe.aggregate.columnType', col: 9 },
  { name: 'rename of a missing column', line: 'data |> rename(columns: {nope: "x"})', id: 'universe.rename.missingColumn', col: 9 },
  { name: 'group mode', line: 'data |> group(columns: ["host"], mode: "sideways")', id: 'universe.group.mode', col: 9 },
  { name: 'negative limit', line: 'data |> limit(n: -1)', id: 'universe.limit.negative', col: 9 },
  { name: 'quantile q', line: 'data |> quantile(q: 2.0)', id: 'universe.quantile.q', col: 9 },
  { name: 'window every', line: 'data |> window(every: 0s)', id: 'universe.window.every', col: 9 },
  { name: 'filter fn result', line: 'data |> filter(fn: (r) => r._value)', id: 'universe.predicateType', col: 9 },
  { name: 'map fn result', line: 'data |> map(fn: (r) => r._value)', id: 'universe.map.notRecord', col: 9 },
  { name: 'tableFind none', line: 'x = data |> tableFind(fn: (key) => key.host == "z")', id: 'universe.tableFind.notFound', col: 13 },
  { name: 'reduce fn result', line: 'data |> reduce(fn: (r, accumulator) => r._value, identity: {s: 0.0})', id: 'universe.reduce.notRecord', col: 9 },
  { name: 'reduce missing field', line: 'data |> reduce(fn: (r, accumulator) => ({t: r._value}), identity: {s: 0.0})', id: 'universe.reduce.fields', col: 9 },
  { name: 'reduce field type', line: 'data |> reduce(fn: (r, accumulator) => ({s: r.host}), identity: {s: 0.0})', id: 'universe.reduce.fieldType', col: 9 },
  { name: 'reduce to one key twice', line: 'data |> group(columns: ["host"]) |> reduce(fn: (r, accumulator) => ({host: "z"}), identity: {host: ""})', id: 'universe.reduce.duplicateKey', col: 37 },
  { name: 'fill value type, without nulls', line: 'data |> fill(value: "x")', id: 'universe.fill.valueType', col: 9 },
  { name: 'schema collision in union', line: 'union(tables: [data, data |> map(fn: (r) => ({r with _value: 1}))])', id: 'universe.schemaCollision', col: 1 },
  { name: 'schema collision when drop merges tables', line: 'data |> group(columns: ["host"]) |> map(fn: (r) => ({r with _value: if r.host == "a" then ((v) => int(v: v))(v: r._value) else r._value})) |> drop(columns: ["host"])', id: 'universe.schemaCollision', col: 143 },
  { name: 'range start after stop', line: 'data |> range(start: 2021-01-02T00:00:00Z, stop: 2021-01-01T00:00:00Z)', id: 'universe.range.emptyRange', col: 9 },
  { name: 'range start equal to stop', line: 'data |> range(start: 2021-01-01T00:00:00Z, stop: 2021-01-01T00:00:00Z)', id: 'universe.range.emptyRange', col: 9 },
  { name: 'timeShift past the last time', line: 'array.from(rows: [{_time: 2262-04-11T00:00:00Z, _value: 1}]) |> timeShift(duration: 1d)', id: 'time.outOfRange', col: 65 },
  { name: 'timeShift by months past the first time', line: 'array.from(rows: [{_time: 1677-10-01T00:00:00Z, _value: 1}]) |> timeShift(duration: -1mo)', id: 'time.outOfRange', col: 65 },
  { name: 'hourSelection hour out of range', line: 'data |> hourSelection(start: -1, stop: 5)', id: 'universe.hourSelection.hour', col: 9 },
  { name: 'histogram nonmonotonic', line: 'array.from(rows: [{le: 1.0, _value: 5.0}, {le: 2.0, _value: 1.0}]) |> histogramQuantile(quantile: 0.5)', id: 'universe.histogramQuantile.nonmonotonic', col: 71 },
];

describe('table function errors have stable ids and point at the call', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const e = await failure(c.line);
      assert.equal(e.id, c.id, e.message);
      assert.ok(e.span !== undefined, 'no span');
      assert.equal(e.span.start.line, 3);
      assert.equal(e.span.start.column, c.col);
    });
  }
});
