import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CsvEncoder,
  TableBuilder,
  csvField,
  decodeCsv,
  diffTables,
  emptyTable,
  encodeCsv,
  streamOf,
} from '../../src/table/index.js';
import type { Table } from '../../src/table/index.js';
import { FluxError } from '../../src/errors/index.js';
import { Time, UInt } from '../../src/values/value.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/csv/', import.meta.url));

describe('annotated CSV round trip (decode then encode gives identical bytes)', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.csv')).sort()) {
    it(name, () => {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const decoded = decodeCsv(text, { source: name });
      assert.equal(encodeCsv(decoded.results, decoded.error), text);
    });
  }
});

const decode1 = (text: string): readonly Table[] => {
  const d = decodeCsv(text);
  assert.equal(d.results.length, 1);
  return d.results[0]!.tables;
};

describe('decodeCsv', () => {
  it('reads types, exact values and group keys', () => {
    const tables = decode1(readFileSync(join(FIXTURES, 'basic.csv'), 'utf8'));
    assert.equal(tables.length, 2);
    const [a, b] = tables as [Table, Table];
    assert.deepEqual(a.key.columns.map((c) => c.name), ['_field', '_measurement', '_start', '_stop', 'host']);
    assert.equal(a.key.values[4], 'a');
    assert.equal(b.key.values[4], 'b');
    const t = b.column(b.columnIndex('_time'));
    assert.equal(t.ints![1], 1_893_456_020_123_456_789n);
    assert.equal(a.column(a.columnIndex('_value')).floats![1], 2);
  });

  it('keeps every row of a long table (rows past the builders\' first capacity)', () => {
    const rows = Array.from({ length: 40 }, (_, r) => `,,0,2024-01-01T00:00:${String(r).padStart(2, '0')}Z,${100 + r},h${r % 3}`);
    const text = ['#datatype,string,long,dateTime:RFC3339,double,string', '#group,false,false,false,false,false', '#default,_result,,,,', ',result,table,_time,_value,host', ...rows, ''].join('\n');
    const [t] = decode1(text) as [Table];
    assert.equal(t.length, 40);
    const v = t.column(t.columnIndex('_value'));
    const time = t.column(t.columnIndex('_time'));
    const host = t.column(t.columnIndex('host'));
    for (let r = 0; r < 40; r++) {
      assert.equal(v.get(r), 100 + r, `_value of row ${r}`);
      assert.equal(time.ints![r], 1_704_067_200_000_000_000n + BigInt(r) * 1_000_000_000n, `_time of row ${r}`);
      assert.equal(host.get(r), `h${r % 3}`, `host of row ${r}`);
    }
  });

  it('reads extreme values exactly', () => {
    const [t] = decode1(readFileSync(join(FIXTURES, 'all-types.csv'), 'utf8')) as [Table];
    assert.equal(t.column(1).get(0), -(2n ** 63n));
    assert.deepEqual(t.column(2).get(0), new UInt(2n ** 64n - 1n));
    assert.ok(Number.isNaN(t.column(3).get(0) as number));
    assert.equal(t.column(3).get(1), Infinity);
    assert.ok(Object.is(t.column(3).get(5), -0));
    assert.deepEqual(t.column(5).get(0), new Time(-(2n ** 63n)));
    assert.deepEqual(t.column(5).get(1), new Time(2n ** 63n - 1n));
  });

  it('applies #default to empty cells and to empty tables', () => {
    const text = [
      '#datatype,string,long,string,double,dateTime:RFC3339Nano',
      '#group,false,false,true,false,false',
      '#default,res,7,h,0.5,2030-01-01T00:00:00.5Z',
      ',result,table,host,_value,_time',
      ',,,,,',
      ',,,,1,2030-01-01T00:00:01Z',
      '',
    ].join('\r\n');
    const d = decodeCsv(text);
    assert.equal(d.results[0]!.name, 'res');
    const [t] = d.results[0]!.tables as [Table];
    assert.deepEqual(t.key.values, ['h']);
    assert.deepEqual(t.record(0).get('_time'), new Time(1_893_456_000_500_000_000n));
    assert.equal(t.record(0).get('_value'), 0.5);
    assert.equal(t.record(1).get('host'), 'h');
    assert.equal(t.record(1).get('_value'), 1);
  });

  it('reads an empty table from #default', () => {
    const tables = decode1(readFileSync(join(FIXTURES, 'empty-tables.csv'), 'utf8'));
    assert.deepEqual(tables.map((t) => t.length), [0, 2, 0, 0, 1]);
    assert.deepEqual(tables.map((t) => t.key.values[0]), ['a', 'b', 'c', null, 'd']);
  });

  it('reads several results and the error table', () => {
    const d = decodeCsv(readFileSync(join(FIXTURES, 'multi-result.csv'), 'utf8'));
    assert.deepEqual(d.results.map((r) => r.name), ['first', 'second']);
    const e = decodeCsv(readFileSync(join(FIXTURES, 'error.csv'), 'utf8'));
    assert.equal(e.results.length, 1);
    assert.match(e.error!, /bad "start"/);
  });

  it('accepts LF line endings, RFC3339 offsets and unknown annotations', () => {
    const text = '#datatype,string,long,dateTime:RFC3339\n#foo,x,y,z\n#group,false,false,false\n#default,_result,,\n,result,table,_time\n,,0,2030-01-01T01:00:00+01:00\n';
    const [t] = decode1(text) as [Table];
    assert.deepEqual(t.column(0).get(0), new Time(1_893_456_000_000_000_000n));
  });

  it('raw mode: header row, every column a string, empty cells null', () => {
    const d = decodeCsv('a,b\n1,\n"x,y",z\n', { mode: 'raw' });
    const [t] = d.results[0]!.tables as [Table];
    assert.deepEqual(t.columns, [
      { name: 'a', type: 'string' },
      { name: 'b', type: 'string' },
    ]);
    assert.equal(t.column(1).get(0), null);
    assert.equal(t.column(0).get(1), 'x,y');
    assert.equal(t.key.columns.length, 0);
  });

  const bad: { name: string; input: string; id: string }[] = [
    { name: 'bad float', input: '#datatype,string,long,double\n#group,false,false,false\n#default,_result,,\n,result,table,v\n,,0,abc\n', id: 'csv.badValue' },
    { name: 'bad datatype', input: '#datatype,string,long,decimal\n#group,false,false,false\n#default,_result,,\n,result,table,v\n', id: 'csv.datatype' },
    { name: 'no header', input: '#datatype,string,long,double\n#group,false,false,false\n', id: 'csv.missingHeader' },
    { name: 'field count', input: '#datatype,string,long,double\n#group,false,false,false\n#default,_result,,\n,result,table,v\n,,0,1,2\n', id: 'csv.fieldCount' },
    { name: 'bad time', input: '#datatype,string,long,dateTime:RFC3339\n#group,false,false,false\n#default,_result,,\n,result,table,t\n,,0,2030-13-01T00:00:00Z\n', id: 'csv.badValue' },
    { name: 'time past the int64 range', input: '#datatype,string,long,dateTime:RFC3339\n#group,false,false,false\n#default,_result,,\n,result,table,t\n,,0,2263-01-01T00:00:00Z\n', id: 'csv.badValue' },
    { name: 'time before the int64 range (with an offset)', input: '#datatype,string,long,dateTime:RFC3339\n#group,false,false,false\n#default,_result,,\n,result,table,t\n,,0,1677-09-21T00:12:43+00:01\n', id: 'csv.badValue' },
    { name: 'int overflow', input: '#datatype,string,long,long\n#group,false,false,false\n#default,_result,,\n,result,table,v\n,,0,9223372036854775808\n', id: 'csv.badValue' },
    { name: 'key change within a table', input: '#datatype,string,long,string\n#group,false,false,true\n#default,_result,,\n,result,table,k\n,,0,a\n,,0,b\n', id: 'csv.keyValues' },
    { name: 'bad default', input: '#datatype,string,long,long\n#group,false,false,false\n#default,_result,,x\n,result,table,v\n', id: 'csv.defaultValue' },
  ];
  for (const c of bad) {
    it(`rejects ${c.name} with ${c.id}`, () => {
      assert.throws(() => decodeCsv(c.input), (e: unknown) => e instanceof FluxError && e.id === c.id && /line \d+/.test(e.message));
    });
  }
});

describe('encodeCsv', () => {
  it('quotes as Go encoding/csv does', () => {
    assert.equal(csvField(''), '');
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField(' x'), '" x"');
    assert.equal(csvField('x '), 'x ');
    assert.equal(csvField('a\nb'), '"a\r\nb"');
    assert.equal(csvField('\\.'), '"\\."');
  });

  it('writes floats without exponents and times with trimmed nanoseconds', () => {
    const b = new TableBuilder(
      [
        { name: '_time', type: 'time' },
        { name: '_value', type: 'float' },
      ],
      [],
    );
    b.appendTime(0, 1_000_000_000n * 1_893_456_000n + 120_000_000n);
    b.appendFloat(1, 1e21);
    b.appendTime(0, 0n);
    b.appendFloat(1, 1.5e-7);
    const out = encodeCsv([{ name: '_result', tables: [b.build()] }]);
    assert.equal(
      out,
      [
        '#datatype,string,long,dateTime:RFC3339,double',
        '#group,false,false,false,false',
        '#default,_result,,,',
        ',result,table,_time,_value',
        ',,0,2030-01-01T00:00:00.12Z,1000000000000000000000',
        ',,0,1970-01-01T00:00:00Z,0.00000015',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('writes an empty table with its key in #default', () => {
    const t = emptyTable(
      [
        { name: 'host', type: 'string' },
        { name: 'v', type: 'int' },
      ],
      ['host'],
      ['h1'],
    );
    assert.equal(
      encodeCsv([{ name: 'r', tables: [t] }]),
      '#datatype,string,long,string,long\r\n#group,false,false,true,false\r\n#default,r,0,h1,\r\n,result,table,host,v\r\n\r\n',
    );
  });

  it('streams a result and writes the error table when the stream fails after output began', async () => {
    const b = new TableBuilder([{ name: 'v', type: 'int' }], []);
    b.appendInt(0, 1n);
    const table = b.build();
    const chunks: string[] = [];
    const enc = new CsvEncoder((s) => chunks.push(s));
    const failing = streamOf(async function* () {
      yield table;
      throw new FluxError('invalid', 'x', 'boom');
    });
    await assert.rejects(enc.writeResult('_result', failing));
    enc.writeError('boom');
    const out = chunks.join('');
    assert.ok(out.startsWith('#datatype,string,long,long\r\n'));
    assert.ok(out.endsWith(',,0,1\r\n\r\n#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n,boom,\r\n'), JSON.stringify(out));
  });
});

describe('annotated CSV round trip of generated tables', () => {
  // A small deterministic generator: tables of every column type with nulls, NaN, infinities,
  // extreme ints, awkward strings, empty tables and schema changes between tables.
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // (An empty string is written as an empty cell, which reads back as null: CSV cannot tell them apart.)
  const strings = ['a', 'a,b', 'q"uote', ' lead', 'multi\nline', 'ünï ✓', '\\.', 'tab\there'];
  const floats = [0, -0, 1.5, -2.25e-9, 1e21, 123456789.123, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE];
  const ints = [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 9_007_199_254_740_993n];
  const types = ['bool', 'int', 'uint', 'float', 'string', 'time'] as const;

  function genTable(k: number): Table {
    const ncols = 1 + Math.floor(rnd() * 5);
    const cols = Array.from({ length: ncols }, (_, i) => ({ name: `c${i}_${k % 2}`, type: pick(types) }));
    cols.push({ name: 'key', type: 'string' });
    const b = new TableBuilder(cols, ['key']);
    const rows = rnd() < 0.2 ? 0 : 1 + Math.floor(rnd() * 4);
    for (let r = 0; r < rows; r++) {
      cols.forEach((c, j) => {
        if (c.name === 'key') return b.appendString(j, `k${k}`);
        if (rnd() < 0.2) return b.appendNull(j);
        switch (c.type) {
          case 'bool':
            return b.appendBool(j, rnd() < 0.5);
          case 'int':
            return b.appendInt(j, pick(ints));
          case 'uint':
            return b.appendUInt(j, pick([0n, 1n, 2n ** 64n - 1n]));
          case 'float':
            return b.appendFloat(j, pick(floats));
          case 'string':
            return b.appendString(j, pick(strings).replace(/\r/g, ''));
          case 'time':
            return b.appendTime(j, pick([0n, 1n, -1n, 1_893_456_000_123_000_000n, 2n ** 63n - 1n]));
        }
      });
    }
    return b.build([`k${k}`]);
  }

  it('encode, decode, encode gives identical bytes and equal tables', () => {
    for (let round = 0; round < 50; round++) {
      const tables = Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, k) => genTable(k));
      const text = encodeCsv([{ name: '_result', tables }]);
      const back = decodeCsv(text);
      assert.equal(encodeCsv(back.results), text);
      assert.deepEqual(diffTables(back.results[0]!.tables, tables, { epsilon: 0 }), []);
    }
  });
});
