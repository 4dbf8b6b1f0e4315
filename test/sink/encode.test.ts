// Column mapping, default tags, field types and skip rules of to(), against hand-computed
// line protocol.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TableBuilder } from '../../src/table/index.js';
import type { ColumnMeta, Table } from '../../src/table/index.js';
import { DEFAULT_MAPPING, LineEncoder, describeSkips } from '../../src/sink/encode.js';
import type { ToMapping } from '../../src/sink/encode.js';
import { FluxError } from '../../src/errors/index.js';
import { LineBuffer } from '../../src/sink/line-buffer.js';
import { formatFloatField } from '../../src/sink/line-protocol.js';
import { RecordValue, Time, UInt } from '../../src/values/value.js';
import type { FunctionValue, Value } from '../../src/values/value.js';

const T0 = 1_700_000_000_123_456_789n;

function table(columns: ColumnMeta[], key: string[], rows: Value[][]): Table {
  const b = new TableBuilder(columns, key);
  for (const r of rows) r.forEach((v, i) => b.appendValue(i, v));
  return b.build(rows.length === 0 ? key.map(() => null) : undefined);
}

const std: ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_measurement', type: 'string' },
  { name: '_field', type: 'string' },
  { name: '_value', type: 'float' },
];

function encode(t: Table, mapping: Partial<ToMapping> = {}, dialect: 'v1' | 'v2' = 'v2') {
  const enc = new LineEncoder({ timeColumn: '_time', measurementColumn: '_measurement', ...mapping }, { dialect });
  const lines: string[] = [];
  const r = enc.encode(t, lines);
  assert.equal(r, undefined, 'the default mapping encodes synchronously');
  return { lines, counts: enc.counts };
}

async function encodeAsync(t: Table, mapping: Partial<ToMapping> = {}) {
  const enc = new LineEncoder({ timeColumn: '_time', measurementColumn: '_measurement', ...mapping });
  const lines: string[] = [];
  await enc.encode(t, lines);
  return { lines, counts: enc.counts };
}

/** A Flux-like function value implemented in JS (what the interpreter hands to natives). */
function jsFn(body: (r: RecordValue) => Value | Promise<Value>): FunctionValue {
  return {
    kind: 'function',
    name: 'fieldFn',
    params: [{ name: 'r', optional: false, pipe: false }],
    call: (args) => body(args.get('r') as RecordValue),
  };
}

describe('default mapping', () => {
  it('a scraped series: string columns other than _measurement/_field/_value are tags, sorted', () => {
    const cols: ColumnMeta[] = [
      ...std,
      { name: 'url', type: 'string' },
      { name: 'job', type: 'string' },
      { name: '_start', type: 'time' },
      { name: 'code', type: 'string' },
    ];
    const t = table(cols, ['_measurement', '_field', 'url', 'job', 'code'], [
      [new Time(T0), 'prometheus', 'http_requests_total', 12, 'http://127.0.0.1:9100/metrics', 'node', new Time(0n), '200'],
      [new Time(T0 + 1n), 'prometheus', 'http_requests_total', 13.5, 'http://127.0.0.1:9100/metrics', 'node', new Time(0n), '200'],
    ]);
    const { lines, counts } = encode(t);
    assert.deepEqual(lines, [
      `prometheus,code=200,job=node,url=http://127.0.0.1:9100/metrics http_requests_total=12 ${T0}`,
      `prometheus,code=200,job=node,url=http://127.0.0.1:9100/metrics http_requests_total=13.5 ${T0 + 1n}`,
    ]);
    assert.equal(counts.points, 2);
    assert.equal(describeSkips(counts), undefined);
  });

  it('field types follow the _value column type', () => {
    const cases: { type: ColumnMeta['type']; v: Value; want: string | undefined; dialect?: 'v1' | 'v2' }[] = [
      { type: 'float', v: 0.5, want: 'f=0.5' },
      { type: 'int', v: -7n, want: 'f=-7i' },
      { type: 'uint', v: new UInt(7n), want: 'f=7u' },
      { type: 'uint', v: new UInt(7n), want: 'f=7i', dialect: 'v1' },
      { type: 'bool', v: true, want: 'f=true' },
      { type: 'bool', v: false, want: 'f=false' },
      { type: 'string', v: 'he said "x\\y"', want: 'f="he said \\"x\\\\y\\""' },
    ];
    for (const c of cases) {
      const t = table(
        [{ name: '_time', type: 'time' }, { name: '_measurement', type: 'string' }, { name: '_field', type: 'string' }, { name: '_value', type: c.type }],
        [],
        [[new Time(5n), 'm', 'f', c.v]],
      );
      assert.deepEqual(encode(t, {}, c.dialect).lines, [`m ${c.want} 5`], `${c.type} ${c.dialect ?? 'v2'}`);
    }
  });

  it('escapes measurement, tag keys and values, and field keys', () => {
    const t = table(
      [...std, { name: 'tag key', type: 'string' }],
      [],
      [[new Time(1n), 'my measure,ment', 'field=key one', 1, 'v,a=l ue']],
    );
    assert.deepEqual(encode(t).lines, ['my\\ measure\\,ment,tag\\ key=v\\,a\\=l\\ ue field\\=key\\ one=1 1']);
  });

  it('skips: null time, null/empty measurement, null value, NaN/Inf, newline names; empty tags omitted', () => {
    const cols: ColumnMeta[] = [...std, { name: 'host', type: 'string' }];
    const t = table(cols, [], [
      [new Time(1n), 'm', 'f', 1, 'a'], // written
      [null, 'm', 'f', 2, 'a'], // null time
      [new Time(3n), null, 'f', 3, 'a'], // null measurement
      [new Time(4n), '', 'f', 4, 'a'], // empty measurement
      [new Time(5n), 'm', 'f', null, 'a'], // null value: no field left
      [new Time(6n), 'm', 'f', NaN, 'a'], // NaN
      [new Time(7n), 'm', 'f', Infinity, 'a'], // +Inf
      [new Time(8n), 'm', 'f', -Infinity, 'a'], // -Inf
      [new Time(9n), 'm', 'f', 9, ''], // empty tag omitted
      [new Time(10n), 'm', 'f', 10, null], // null tag omitted
      [new Time(11n), 'm', 'bad\nfield', 11, 'a'], // unrepresentable field key
      [new Time(12n), 'm', 'f', 12, 'multi\nline'], // unrepresentable tag value
      [new Time(13n), 'm', null, 13, 'a'], // null field name
    ]);
    const { lines, counts } = encode(t);
    assert.deepEqual(lines, ['m,host=a f=1 1', 'm f=9 9', 'm f=10 10']);
    assert.deepEqual(counts, {
      points: 3,
      nullTime: 1,
      nullMeasurement: 2,
      noFields: 5,
      unrepresentable: 2,
      nonFiniteFields: 3,
      nullFields: 2,
    });
    assert.equal(
      describeSkips(counts),
      'skipped 10 rows (1 with a null _time, 2 with a null or empty measurement, 5 with no field left, 2 with a name line protocol cannot represent); dropped 3 NaN or infinite field values; omitted 2 null field values',
    );
  });

  it('explicit tagColumns, timeColumn and measurementColumn', () => {
    const cols: ColumnMeta[] = [
      { name: 'ts', type: 'time' },
      { name: 'name', type: 'string' },
      { name: '_field', type: 'string' },
      { name: '_value', type: 'int' },
      { name: 'a', type: 'string' },
      { name: 'b', type: 'string' },
    ];
    const t = table(cols, [], [[new Time(42n), 'meas', 'count', 3n, 'A', 'B']]);
    assert.deepEqual(encode(t, { timeColumn: 'ts', measurementColumn: 'name', tagColumns: ['b'] }).lines, ['meas,b=B count=3i 42']);
    assert.deepEqual(encode(t, { timeColumn: 'ts', measurementColumn: 'name' }).lines, ['meas,a=A,b=B count=3i 42']);
  });

  it('encodes a row range (chunks) and counts across calls', () => {
    const rows: Value[][] = [];
    for (let i = 0; i < 10; i++) rows.push([new Time(BigInt(i)), 'm', 'f', i]);
    const t = table(std, [], rows);
    const enc = new LineEncoder({ timeColumn: '_time', measurementColumn: '_measurement' });
    const a: string[] = [];
    enc.encode(t, a, 0, 4);
    enc.encode(t, a, 4, 10);
    assert.equal(a.length, 10);
    assert.equal(a[9], 'm f=9 9');
    assert.equal(enc.counts.points, 10);
  });

  it('a measurement starting with # is skipped as unrepresentable (the line would be a comment)', () => {
    const t = table(std, [], [
      [new Time(1n), '#m', 'f', 1],
      [new Time(2n), 'm#', 'f', 2],
    ]);
    for (const dialect of ['v1', 'v2'] as const) {
      const { lines, counts } = encode(t, {}, dialect);
      assert.deepEqual(lines, ['m# f=2 2'], dialect);
      assert.equal(counts.unrepresentable, 1, dialect);
      assert.equal(counts.points, 1, dialect);
      const fast = new LineEncoder(DEFAULT_MAPPING, { dialect });
      const buf = new LineBuffer();
      fast.encodeBytes(t, buf);
      assert.equal(new TextDecoder().decode(buf.view()), 'm# f=2 2\n', dialect);
      assert.deepEqual(fast.counts, counts, dialect);
    }
  });

  it('v1 dialect skips a tag key or field key "time" (InfluxDB 1.x refuses it); v2 writes it', () => {
    const t = table([...std, { name: 'time', type: 'string' }], [], [
      [new Time(1n), 'm', 'f', 1, 'noon'],
      [new Time(2n), 'm', 'time', 2, ''],
      [new Time(3n), 'm', 'f', 3, ''],
      [new Time(4n), 'time', 'f', 4, null],
    ]);
    const v1 = encode(t, {}, 'v1');
    assert.deepEqual(v1.lines, ['m f=3 3', 'time f=4 4']);
    assert.equal(v1.counts.unrepresentable, 2);
    const v2 = encode(t, {}, 'v2');
    assert.deepEqual(v2.lines, ['m,time=noon f=1 1', 'm time=2 2', 'm f=3 3', 'time f=4 4']);
  });

  it('v1 dialect skips names InfluxDB 1.x cannot represent', () => {
    const t = table([...std, { name: 'path', type: 'string' }], [], [
      [new Time(1n), 'm', 'f', 1, 'C:\\dir\\'],
      [new Time(2n), 'm', 'f', 2, 'C:\\dir'],
    ]);
    const v1 = encode(t, {}, 'v1');
    assert.deepEqual(v1.lines, ['m,path=C:\\dir f=2 2']);
    assert.equal(v1.counts.unrepresentable, 1);
    const v2 = encode(t, {}, 'v2');
    assert.deepEqual(v2.lines, ['m,path=C:\\\\dir\\\\ f=1 1', 'm,path=C:\\\\dir f=2 2']);
  });
});

describe('errors', () => {
  const cases: { name: string; cols: ColumnMeta[]; mapping?: Partial<ToMapping>; id: string }[] = [
    { name: 'no time column', cols: std.filter((c) => c.name !== '_time'), id: 'to.missingColumn' },
    { name: 'time column of the wrong type', cols: [{ name: '_time', type: 'int' }, ...std.slice(1)], id: 'to.timeColumnType' },
    { name: 'no measurement column', cols: std.filter((c) => c.name !== '_measurement'), id: 'to.missingColumn' },
    { name: 'measurement column not a string', cols: [std[0]!, { name: '_measurement', type: 'int' }, ...std.slice(2)], id: 'to.measurementColumnType' },
    { name: 'no _field column', cols: std.filter((c) => c.name !== '_field'), id: 'to.missingColumn' },
    { name: 'no _value column', cols: std.filter((c) => c.name !== '_value'), id: 'to.missingColumn' },
    { name: '_value of type time', cols: [...std.slice(0, 3), { name: '_value', type: 'time' }], id: 'to.fieldType' },
    { name: 'missing tag column', cols: std, mapping: { tagColumns: ['nope'] }, id: 'to.missingColumn' },
    { name: 'tag column not a string', cols: [...std, { name: 'n', type: 'int' }], mapping: { tagColumns: ['n'] }, id: 'to.tagColumnType' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const row: Value[] = c.cols.map((m) =>
        m.type === 'time' ? new Time(1n) : m.type === 'string' ? 'x' : m.type === 'int' ? 1n : m.type === 'float' ? 1 : null,
      );
      const t = table(c.cols, [], [row]);
      assert.throws(
        () => encode(t, c.mapping),
        (e: unknown) => e instanceof FluxError && e.id === c.id,
      );
    });
  }
});

describe('fieldFn', () => {
  const cols: ColumnMeta[] = [
    { name: '_time', type: 'time' },
    { name: '_measurement', type: 'string' },
    { name: 'host', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'load', type: 'float' },
    { name: 'count', type: 'int' },
  ];
  const t = table(cols, [], [
    [new Time(10n), 'sys', 'h1', 'ok', 0.5, 3n],
    [new Time(20n), 'sys', 'h1', 'bad', NaN, null],
  ]);

  it('fields from the returned record; columns it reads are not tags', async () => {
    const fn = jsFn((r) => RecordValue.of({ load: r.get('load')!, count: r.get('count')!, state: r.get('status')! }));
    const { lines, counts } = await encodeAsync(t, { fieldFn: fn });
    assert.deepEqual(lines, ['sys,host=h1 load=0.5,count=3i,state="ok" 10', 'sys,host=h1 state="bad" 20']);
    assert.equal(counts.nonFiniteFields, 1);
    assert.equal(counts.nullFields, 1);
  });

  it('async fieldFn results are awaited in row order', async () => {
    const fn = jsFn(async (r) => RecordValue.of({ v: r.get('load')! }));
    const { lines, counts } = await encodeAsync(t, { fieldFn: fn, tagColumns: ['host', 'status'] });
    assert.deepEqual(lines, ['sys,host=h1,status=ok v=0.5 10']);
    assert.equal(counts.noFields, 1);
  });

  it('a non-record result and a field of an unsupported type are errors', async () => {
    await assert.rejects(
      encodeAsync(t, { fieldFn: jsFn(() => 1) }),
      (e: unknown) => e instanceof FluxError && e.id === 'to.fieldFnResult',
    );
    await assert.rejects(
      encodeAsync(t, { fieldFn: jsFn((r) => RecordValue.of({ at: r.get('_time')! })) }),
      (e: unknown) => e instanceof FluxError && e.id === 'to.fieldType',
    );
  });
});

describe('encodePoints (the embedded store path)', () => {
  it('same mapping and skip rules, raw (unescaped) names, typed values', async () => {
    const t = table([...std, { name: 'host', type: 'string' }, { name: 'empty', type: 'string' }], [], [
      [new Time(1n), 'my meas', 'f,1', 1.5, 'a=b c', ''],
      [new Time(2n), 'my meas', 'f,1', NaN, 'a=b c', ''],
      [null, 'my meas', 'f,1', 3, 'a=b c', ''],
      [new Time(4n), 'my meas', 'line\nbreak', 4, 'multi\nline', ''],
    ]);
    const got: unknown[] = [];
    const enc = new LineEncoder(DEFAULT_MAPPING);
    await enc.encodePoints(t, { add: (m, tags, f, time, v) => got.push([m, tags, f, time, v]) });
    assert.deepEqual(got, [
      ['my meas', [['host', 'a=b c']], 'f,1', 1n, 1.5],
      ['my meas', [['host', 'multi\nline']], 'line\nbreak', 4n, 4],
    ]);
    assert.equal(enc.counts.points, 2);
    assert.equal(enc.counts.nullTime, 1);
    assert.equal(enc.counts.nonFiniteFields, 1);
  });

  it('fieldFn: one point per field, columns it reads are not tags', async () => {
    const t = table(
      [{ name: '_time', type: 'time' }, { name: '_measurement', type: 'string' }, { name: 'host', type: 'string' }, { name: 'n', type: 'int' }, { name: 's', type: 'string' }],
      [],
      [[new Time(7n), 'm', 'h', 3n, 'x']],
    );
    const got: unknown[] = [];
    const enc = new LineEncoder({ ...DEFAULT_MAPPING, fieldFn: jsFn((r) => RecordValue.of({ n: r.get('n')!, s: r.get('s')!, u: new UInt(9n) })) });
    await enc.encodePoints(t, { add: (m, tags, f, time, v) => got.push([m, tags, f, time, v]) });
    assert.deepEqual(got, [
      ['m', [['host', 'h']], 'n', 7n, 3n],
      ['m', [['host', 'h']], 's', 7n, 'x'],
      ['m', [['host', 'h']], 'u', 7n, new UInt(9n)],
    ]);
  });
});

describe('encodeBytes (the fast path) writes exactly what encode writes', () => {
  const cols: ColumnMeta[] = [...std, { name: 'host', type: 'string' }, { name: 'k', type: 'string' }];
  const rows: Value[][] = [
    [new Time(1n), 'm', 'f', 1, 'a', 'x'],
    [null, 'm', 'f', 2, 'a', 'x'],
    [new Time(3n), 'm e,a', 'f=1', -0.000123, 'a b', ''],
    [new Time(3n), 'm', 'f', NaN, 'a', 'x'],
    [new Time(4n), 'm', 'f', Infinity, 'a', 'x'],
    [new Time(5n), 'm', 'f', 1e300, 'C:\\dir', 'x'],
    [new Time(6n), '', 'f', 6, 'a', 'x'],
    [new Time(7n), 'm', 'f', 123456.789, 'multi\nline', 'x'],
    [new Time(8n), 'm', 'f', -42, 'ünï', 'x'],
    [new Time(9n), 'm', 'f', 0.1 + 0.2, 'a', null],
    [new Time(T0), 'm', 'f', 5e-324, 'a', 'x'],
  ];
  for (const dialect of ['v1', 'v2'] as const) {
    it(`float values, escaping and skips (${dialect})`, () => {
      const t = table(cols, [], rows);
      const a = new LineEncoder(DEFAULT_MAPPING, { dialect });
      const lines: string[] = [];
      a.encode(t, lines);
      const b = new LineEncoder(DEFAULT_MAPPING, { dialect });
      const buf = new LineBuffer(8);
      b.encodeBytes(t, buf, 0, 5);
      b.encodeBytes(t, buf, 5, t.length);
      assert.equal(new TextDecoder().decode(buf.view()), lines.map((l) => l + '\n').join(''));
      assert.equal(buf.lines, lines.length);
      assert.deepEqual(b.counts, a.counts);
    });
  }
  it('other value types go through the string formatter', () => {
    for (const [type, v] of [['int', -3n], ['uint', new UInt(3n)], ['bool', true], ['string', 'q"\\']] as const) {
      const t = table([std[0]!, std[1]!, std[2]!, { name: '_value', type }], [], [[new Time(1n), 'm', 'f', v as Value]]);
      const lines: string[] = [];
      new LineEncoder(DEFAULT_MAPPING).encode(t, lines);
      const buf = new LineBuffer();
      new LineEncoder(DEFAULT_MAPPING).encodeBytes(t, buf);
      assert.equal(new TextDecoder().decode(buf.view()), lines[0] + '\n', type);
    }
  });
  it('appendFloat agrees with formatFloatField on a million random values', () => {
    const buf = new LineBuffer();
    const dec = new TextDecoder();
    let state = 42;
    const rnd = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 1_000_000; i++) {
      const e = Math.floor(rnd() * 40 - 15);
      let v = (rnd() - 0.5) * 10 ** e;
      const kind = i % 4;
      if (kind === 1) v = Math.round(v * 1000) / 1000;
      if (kind === 2) v = Math.round(v);
      buf.reset();
      buf.appendFloat(v);
      const got = dec.decode(buf.view());
      if (got !== formatFloatField(v)) assert.fail(`${v}: ${got} !== ${formatFloatField(v)}`);
    }
  });
});
