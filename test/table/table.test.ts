import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  TableBuilder,
  asTableStream,
  collectTables,
  concatColumns,
  emptyTable,
  groupKeyId,
  makeGroupKey,
  sliceRows,
  streamOf,
  tableFromColumns,
  takeRows,
  keyValue,
} from '../../src/table/index.js';
import type { ColumnMeta } from '../../src/table/index.js';
import { ArrowTable, tableFromArrow } from '../../src/table/table.js';
import { FluxError } from '../../src/errors/index.js';
import { RecordValue, Time, UInt } from '../../src/values/value.js';

const cols: ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_value', type: 'float' },
  { name: 'host', type: 'string' },
  { name: 'n', type: 'int' },
  { name: 'u', type: 'uint' },
  { name: 'ok', type: 'bool' },
];

const T1 = 1_700_000_000_123_456_789n;

function sample(): ArrowTable {
  const b = new TableBuilder(cols, ['host']);
  b.appendTime(0, T1);
  b.appendFloat(1, 1.5);
  b.appendString(2, 'a');
  b.appendInt(3, -(2n ** 63n));
  b.appendUInt(4, 2n ** 64n - 1n);
  b.appendBool(5, true);
  b.appendTime('_time', T1 + 1n);
  b.appendNull('_value');
  b.appendString('host', 'a');
  b.appendValue('n', 9_007_199_254_740_993n);
  b.appendValue('u', new UInt(3n));
  b.appendNull('ok');
  return b.build();
}

describe('TableBuilder', () => {
  it('keeps exact 64-bit ints, uints and nanosecond times', () => {
    const t = sample();
    assert.equal(t.length, 2);
    const time = t.column(0);
    assert.equal(time.ints![0], T1);
    assert.deepEqual(time.get(1), new Time(T1 + 1n));
    assert.equal(t.column(3).ints![0], -(2n ** 63n));
    assert.equal(t.column(3).get(1), 9_007_199_254_740_993n);
    assert.equal(t.column(4).uints![0], 2n ** 64n - 1n);
    assert.deepEqual(t.column(4).get(1), new UInt(3n));
  });

  it('keeps every row across buffer growth (the row that makes a column grow is not lost)', () => {
    // 16 rows fit the default capacity; rows 16, 32, 64, ... each make the columns grow.
    const b = new TableBuilder(cols, []);
    const n = 200;
    for (let r = 0; r < n; r++) {
      b.appendTime(0, BigInt(r) + 1n);
      b.appendFloat(1, r + 0.5);
      b.appendString(2, `h${r % 7}`);
      b.appendInt(3, BigInt(-r));
      b.appendUInt(4, BigInt(r) + 10n);
      b.appendBool(5, r % 2 === 0);
    }
    const t = b.build();
    assert.equal(t.length, n);
    for (let r = 0; r < n; r++) {
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5].map((c) => t.column(c).get(r)),
        [new Time(BigInt(r) + 1n), r + 0.5, `h${r % 7}`, BigInt(-r), new UInt(BigInt(r) + 10n), r % 2 === 0],
        `row ${r}`,
      );
    }
  });

  it('records nulls in a byte-per-row validity array, null when there are none', () => {
    const t = sample();
    assert.equal(t.column(0).valid, null);
    assert.deepEqual([...t.column(1).valid!], [1, 0]);
    assert.equal(t.column(1).isNull(1), true);
    assert.equal(t.column(1).get(1), null);
    assert.equal(t.column(5).get(0), true);
    assert.equal(t.column(5).get(1), null);
  });

  it('dictionary-encodes strings', () => {
    const t = sample();
    const s = t.column(2).strings!;
    assert.deepEqual([...s.codes], [0, 0]);
    assert.deepEqual(s.dictionary, ['a']);
  });

  it('takes the group key from the first row, sorted by column name', () => {
    const t = sample();
    assert.deepEqual(t.key.columns, [{ name: 'host', type: 'string' }]);
    assert.deepEqual(t.key.values, ['a']);
    assert.equal(keyValue(t.key, 'host'), 'a');
  });

  it('rejects a value of the wrong type with table.columnType', () => {
    const b = new TableBuilder(cols, []);
    assert.throws(
      () => b.appendValue('_value', 'x'),
      (e: unknown) => e instanceof FluxError && e.id === 'table.columnType',
    );
  });

  it('needs key values for an empty table', () => {
    const b = new TableBuilder(cols, ['host']);
    assert.throws(() => b.build());
    const t = b.build(['x']);
    assert.equal(t.length, 0);
    assert.deepEqual(t.key.values, ['x']);
  });

  it('builds large tables by growing typed arrays', () => {
    const b = new TableBuilder([{ name: 'v', type: 'float' }], [], 1);
    for (let i = 0; i < 10_000; i++) b.appendFloat(0, i);
    const t = b.build();
    assert.equal(t.length, 10_000);
    assert.equal(t.column(0).floats![9_999], 9_999);
  });

  it('record(row) gives a Flux record of every column in order', () => {
    const r = sample().record(1);
    assert.ok(r instanceof RecordValue);
    assert.deepEqual([...r.fields.keys()], cols.map((c) => c.name));
    assert.equal(r.get('_value'), null);
    assert.equal(r.get('host'), 'a');
  });
});

describe('tableFromColumns', () => {
  it('wraps typed arrays without copying', () => {
    const floats = new Float64Array([1, 2, 3]);
    const t = tableFromColumns([{ name: 'v', type: 'float' }], [], [{ floats }]);
    assert.equal(t.column(0).floats, floats);
    assert.equal(t.column(0).valid, null);
  });

  it('normalises an all-valid validity array to null', () => {
    const t = tableFromColumns([{ name: 'v', type: 'float' }], [], [{ floats: new Float64Array(2), valid: new Uint8Array([1, 1]) }]);
    assert.equal(t.column(0).valid, null);
  });

  it('reuses the columns of another table', () => {
    const a = sample();
    const b = tableFromColumns([{ name: 'x', type: 'float' }], [], [a.column(1)]);
    assert.equal(b.column(0), a.column(1));
  });

  it('uses given key values', () => {
    const t = tableFromColumns(
      [{ name: 'k', type: 'string' }],
      ['k'],
      [{ strings: { codes: new Int32Array([0, 0]), dictionary: ['x'] } }],
      ['x'],
    );
    assert.deepEqual(t.key.values, ['x']);
  });

  it('rejects a key column that is not a column', () => {
    assert.throws(
      () => tableFromColumns([{ name: 'v', type: 'float' }], ['nope'], [{ floats: new Float64Array(1) }]),
      (e: unknown) => e instanceof FluxError && e.id === 'table.keyColumnMissing',
    );
  });

  it('asserts columns of equal length', () => {
    assert.throws(() =>
      tableFromColumns(
        [
          { name: 'a', type: 'float' },
          { name: 'b', type: 'float' },
        ],
        [],
        [{ floats: new Float64Array(1) }, { floats: new Float64Array(2) }],
      ),
    );
  });
});

describe('emptyTable / take / slice / concat', () => {
  it('emptyTable has the columns and key', () => {
    const t = emptyTable(cols, ['host', '_value'], ['h', null]);
    assert.equal(t.length, 0);
    assert.deepEqual(t.key.columns.map((c) => c.name), ['_value', 'host']);
    assert.deepEqual(t.key.values, [null, 'h']);
  });

  it('takeRows and sliceRows select rows', () => {
    const t = sample();
    const r = takeRows(t, [1, 0, 1]);
    assert.equal(r.length, 3);
    assert.equal(r.column(0).ints![0], T1 + 1n);
    assert.deepEqual([...r.column(1).valid!], [0, 1, 0]);
    const s = sliceRows(t, 1, 5);
    assert.equal(s.length, 1);
    assert.equal(s.column(3).get(0), 9_007_199_254_740_993n);
  });

  it('concatColumns merges different dictionaries', () => {
    const a = tableFromColumns([{ name: 's', type: 'string' }], [], [{ strings: { codes: new Int32Array([0, 1]), dictionary: ['x', 'y'] } }]);
    const b = tableFromColumns([{ name: 's', type: 'string' }], [], [{ strings: { codes: new Int32Array([0, 0]), dictionary: ['y'] }, valid: new Uint8Array([1, 0]) }]);
    const c = concatColumns('string', [a.column(0), b.column(0)]);
    assert.deepEqual([0, 1, 2, 3].map((i) => c.get(i)), ['x', 'y', 'y', null]);
  });
});

describe('group keys', () => {
  it('groupKeyId ignores column order and distinguishes types', () => {
    const a = makeGroupKey(
      [
        { name: 'b', type: 'string' },
        { name: 'a', type: 'int' },
      ],
      ['x', 1n],
    );
    const b = { columns: [{ name: 'a', type: 'int' as const }, { name: 'b', type: 'string' as const }], values: [1n, 'x'] };
    assert.equal(groupKeyId(a), groupKeyId(b));
    const c = makeGroupKey([{ name: 'a', type: 'float' }, { name: 'b', type: 'string' }], [1, 'x']);
    assert.notEqual(groupKeyId(a), groupKeyId(c));
    const d = makeGroupKey([{ name: 'a', type: 'int' }, { name: 'b', type: 'string' }], [1n, null]);
    assert.notEqual(groupKeyId(a), groupKeyId(d));
  });

  it('orders key columns by the UTF-8 bytes of their names, as Flux does', () => {
    // U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    const k = makeGroupKey(
      [
        { name: '\u{1F600}', type: 'string' },
        { name: '\u{FF01}', type: 'string' },
        { name: 'a', type: 'string' },
      ],
      ['x', 'y', 'z'],
    );
    assert.deepEqual(k.columns.map((c) => c.name), ['a', '\u{FF01}', '\u{1F600}']);
    assert.deepEqual(k.values, ['z', 'y', 'x']);
  });
});

describe('streams', () => {
  it('are lazy: the source runs only when read', async () => {
    let started = false;
    const s = streamOf(async function* () {
      started = true;
      yield sample();
    });
    assert.equal(started, false);
    const tables = await collectTables(s);
    assert.equal(started, true);
    assert.equal(tables.length, 1);
  });

  it('replay an array source and re-run a function source on each read', async () => {
    const s = streamOf([sample()]);
    assert.equal((await collectTables(s)).length, 1);
    assert.equal((await collectTables(s)).length, 1);
    let runs = 0;
    const f = streamOf(function* () {
      runs++;
      yield sample();
    });
    await collectTables(f);
    await collectTables(f);
    assert.equal(runs, 2);
  });

  it('a one-shot source (a generator object, or once: true) is read once: a second read is an internal error', async () => {
    const gen = streamOf((function* () {
      yield sample();
    })());
    await collectTables(gen);
    await assert.rejects(collectTables(gen), (e: unknown) => e instanceof FluxError && e.code === 'internal' && e.id === 'table.streamReadTwice');
    const once = streamOf([sample()], { once: true });
    await collectTables(once);
    await assert.rejects(collectTables(once), (e: unknown) => e instanceof FluxError && e.id === 'table.streamReadTwice');
  });

  it('asTableStream accepts streams and rejects other values', () => {
    const s = streamOf([]);
    assert.equal(asTableStream(s, 'tables'), s);
    assert.throws(
      () => asTableStream(1n, 'tables'),
      (e: unknown) => e instanceof FluxError && e.id === 'table.notAStream' && /tables/.test(e.message) && /int/.test(e.message),
    );
  });
});

describe('Arrow storage', () => {
  it('round-trips through an Arrow table with exact nanoseconds', () => {
    const t = sample();
    const at = t.toArrow();
    assert.equal(at.numRows, 2);
    const back = tableFromArrow(at, ['host']);
    assert.equal(back.column(0).ints![0], T1);
    assert.equal(back.column(3).ints![0], -(2n ** 63n));
    assert.equal(back.column(4).uints![0], 2n ** 64n - 1n);
    assert.equal(back.column(1).get(1), null);
    assert.equal(back.column(5).get(0), true);
    assert.equal(back.column(5).get(1), null);
    assert.equal(back.column(2).get(1), 'a');
    assert.deepEqual(back.key.values, ['a']);
  });
});
