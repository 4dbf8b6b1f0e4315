import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TableBuilder, diffTables, emptyTable, formatTable, tableToJson, valueToJson, decodeCsv } from '../../src/table/index.js';
import type { Table } from '../../src/table/index.js';
import { ArrayValue, RecordValue, Time, UInt } from '../../src/values/value.js';

function tbl(rows: [string, number, bigint][], key = ['host']): Table {
  const b = new TableBuilder(
    [
      { name: '_time', type: 'time' },
      { name: '_value', type: 'float' },
      { name: 'host', type: 'string' },
    ],
    key,
  );
  for (const [host, v, t] of rows) {
    b.appendTime(0, t);
    b.appendFloat(1, v);
    b.appendString(2, host);
  }
  return b.build();
}

describe('formatTable', () => {
  it('puts key columns first, right-aligns cells and shows name:type headers', () => {
    const out = formatTable(tbl([['a', 1.5, 1_893_456_000_000_000_000n], ['a', -20, 1_893_456_000_500_000_000n]]));
    assert.equal(
      out,
      [
        'Table: keys: [host]',
        'host:string                      _time:time  _value:float',
        '-----------  ------------------------------  ------------',
        '          a  2030-01-01T00:00:00.000000000Z           1.5',
        '          a  2030-01-01T00:00:00.500000000Z           -20',
        '',
      ].join('\n'),
    );
  });

  it('cuts long cells unless wide', () => {
    const b = new TableBuilder([{ name: 's', type: 'string' }], []);
    b.appendString(0, 'x'.repeat(100));
    const t = b.build();
    assert.match(formatTable(t, { maxCellWidth: 10 }), /^x{9}…$/m);
    assert.match(formatTable(t, { wide: true }), /^x{100}$/m);
  });

  it('shows nulls as empty cells and empty tables with their key', () => {
    const e = emptyTable([{ name: 'host', type: 'string' }], ['host'], ['h']);
    assert.match(formatTable(e), /empty table: host=h/);
    const b = new TableBuilder([{ name: 'v', type: 'int' }, { name: 'w', type: 'int' }], []);
    b.appendNull(0);
    b.appendInt(1, 1n);
    assert.equal(formatTable(b.build()).split('\n')[3], '           1');
  });
});

describe('JSON', () => {
  it('writes exact ints, special floats as strings, times as RFC3339', () => {
    assert.equal(valueToJson(2n ** 63n - 1n), '9223372036854775807');
    assert.equal(valueToJson(new UInt(2n ** 64n - 1n)), '18446744073709551615');
    assert.equal(valueToJson(NaN), '"NaN"');
    assert.equal(valueToJson(new Time(1n)), '"1970-01-01T00:00:00.000000001Z"');
    assert.equal(valueToJson(new ArrayValue([1n, 'a'])), '[1,"a"]');
    assert.equal(valueToJson(RecordValue.of({ a: 1.5, b: null })), '{"a":1.5,"b":null}');
    const j = JSON.parse(tableToJson(tbl([['a', 1.5, 0n]])));
    assert.deepEqual(j.key, { host: 'a' });
    assert.deepEqual(j.rows, [['1970-01-01T00:00:00Z', 1.5, 'a']]);
  });
});

describe('diffTables', () => {
  const T = 1_893_456_000_000_000_000n;
  it('is empty for equal streams, in any table order, with floats within 1e-6 and NaN = NaN', () => {
    const got = [tbl([['b', 1, T]]), tbl([['a', NaN, T], ['a', 2.0000001, T]])];
    const want = [tbl([['a', NaN, T], ['a', 2, T]]), tbl([['b', 1, T]])];
    assert.deepEqual(diffTables(got, want), []);
  });

  it('shows differing rows with - (want) and + (got)', () => {
    const d = diffTables([tbl([['a', 1, T], ['a', 5, T]])], [tbl([['a', 1, T], ['a', 6, T]])]);
    assert.equal(d.length, 1);
    const t = d[0]!;
    assert.equal(t.columns[0]!.name, '_diff');
    assert.equal(t.length, 2);
    assert.deepEqual([t.record(0).get('_diff'), t.record(0).get('_value')], ['-', 6]);
    assert.deepEqual([t.record(1).get('_diff'), t.record(1).get('_value')], ['+', 5]);
    assert.deepEqual(t.key.values, ['a']);
  });

  it('reports missing and extra tables, extra rows and column differences', () => {
    assert.equal(diffTables([], [tbl([['a', 1, T]])]).length, 1);
    assert.equal(diffTables([tbl([['a', 1, T]])], []).length, 1);
    assert.equal(diffTables([tbl([['a', 1, T], ['a', 2, T]])], [tbl([['a', 1, T]])])[0]!.length, 1);
    const [g] = decodeCsv('#datatype,string,long,string,long\n#group,false,false,true,false\n#default,_result,,,\n,result,table,host,_value\n,,0,a,1\n').results[0]!.tables;
    const [w] = decodeCsv('#datatype,string,long,string,double\n#group,false,false,true,false\n#default,_result,,,\n,result,table,host,_value\n,,0,a,1\n').results[0]!.tables;
    const d = diffTables([g!], [w!]);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.length, 2);
  });

  it('an empty table missing on one side is a difference', () => {
    const e = emptyTable([{ name: 'host', type: 'string' }], ['host'], ['x']);
    assert.equal(diffTables([], [e]).length, 1);
    assert.equal(diffTables([e], [e]).length, 0);
  });
});

describe('diffTables with repeated group keys', () => {
  it('merges tables of one key (as union produces) before comparing', () => {
    const T = 0n;
    const got = [tbl([['a', 1, T]]), tbl([['a', 2, T]])];
    const want = [tbl([['a', 1, T], ['a', 2, T]])];
    assert.deepEqual(diffTables(got, want), []);
    assert.equal(diffTables(got, [tbl([['a', 1, T]])]).length, 1);
  });
});
