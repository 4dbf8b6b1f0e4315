// Prometheus text format 0.0.4, one rule per test (as Prometheus's own parser reads it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseError, rowsOf, tablesOf } from './helpers.js';

test('samples with and without labels, HELP/TYPE, comments, blank lines', () => {
  const text = [
    '# HELP a_total Some help with \\\\ and \\n escapes.',
    '# TYPE a_total counter',
    'a_total{method="get",code="200"} 3',
    '',
    '# a free comment',
    '#another comment',
    '  b 1.5',
    'c{} 2',
    'd{x="1",} 4',
    'e { x = "1" , y="2" } 5',
    'f\t6',
  ].join('\n');
  assert.deepEqual(rowsOf(text), ['a_total{code="200",method="get"} 3', 'b{} 1.5', 'c{} 2', 'd{x="1"} 4', 'e{x="1",y="2"} 5', 'f{} 6']);
});

test('a last line without a newline is read', () => {
  assert.deepEqual(rowsOf('a 1\nb 2'), ['a{} 1', 'b{} 2']);
});

test('NaN and infinities in every spelling Prometheus accepts are kept', () => {
  const rows = rowsOf('a{v="1"} NaN\na{v="2"} +Inf\na{v="3"} -Inf\na{v="4"} inf\na{v="5"} -infinity\na{v="6"} nan\n');
  assert.deepEqual(rows, ['a{v="1"} NaN', 'a{v="2"} Infinity', 'a{v="3"} -Infinity', 'a{v="4"} Infinity', 'a{v="5"} -Infinity', 'a{v="6"} NaN']);
});

test('timestamps are int64 milliseconds and become _time; others get the scrape time', () => {
  assert.deepEqual(rowsOf('a 1 1395066363000\nb 2\nc 3 -1\n'), ['a{} 1 @1395066363000000000', 'b{} 2', 'c{} 3 @-1000000']);
});

test('label value escapes: \\\\ \\" \\n replaced, any other escape kept as written', () => {
  const t = tablesOf('a{p="C:\\\\DIR\\\\F.TXT",q="say \\"hi\\"",n="x\\ny",o="\\t\\z"} 1\n')[0]!;
  const get = (name: string) => t.column(t.columnIndex(name)).get(0);
  assert.equal(get('p'), 'C:\\DIR\\F.TXT');
  assert.equal(get('q'), 'say "hi"');
  assert.equal(get('n'), 'x\ny');
  assert.equal(get('o'), '\\t\\z');
});

test('UTF-8 label values and quoted UTF-8 metric and label names', () => {
  assert.deepEqual(rowsOf('{"my.metric", "label.name"="ünï", code="2"} 1\n'), ['my.metric{code="2",label.name="ünï"} 1']);
  assert.deepEqual(rowsOf('# TYPE "my.metric" gauge\n{"my.metric"} 1\n'), ['my.metric{} 1']);
});

test('histograms: buckets become the family field with le; _sum and _count keep their true values', () => {
  const text = '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 3\nh_sum 7.5\nh_count 3\n';
  assert.deepEqual(rowsOf(text), ['h{le="0.5"} 1', 'h{le="+Inf"} 3', 'h_count{} 3', 'h_sum{} 7.5']);
  // Without TYPE histogram, _bucket is just part of the name.
  assert.deepEqual(rowsOf('x_bucket{le="1"} 1\n'), ['x_bucket{le="1"} 1']);
});

test('VictoriaMetrics-style histograms (vmrange, no le) keep their _bucket name, with or without # TYPE histogram', () => {
  const samples = [
    'vm_req_seconds_bucket{path="/a",vmrange="1.000e-04...1.136e-04"} 1',
    'vm_req_seconds_bucket{path="/a",vmrange="2.783e-03...3.162e-03"} 2',
    'vm_req_seconds_sum{path="/a"} 0.005',
    'vm_req_seconds_count{path="/a"} 3',
  ];
  const want = [
    'vm_req_seconds_bucket{path="/a",vmrange="1.000e-04...1.136e-04"} 1',
    'vm_req_seconds_bucket{path="/a",vmrange="2.783e-03...3.162e-03"} 2',
    'vm_req_seconds_count{path="/a"} 3',
    'vm_req_seconds_sum{path="/a"} 0.005',
  ];
  assert.deepEqual(rowsOf(samples.join('\n') + '\n'), want);
  // VictoriaMetrics with -metrics.exposeMetadata declares them histograms.
  assert.deepEqual(rowsOf(['# HELP vm_req_seconds', '# TYPE vm_req_seconds histogram', ...samples].join('\n') + '\n'), want);
  // Beside classic buckets of the same family (and through the quoted-name path), only the
  // samples with le are the family's field.
  assert.deepEqual(rowsOf('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{vmrange="1...2"} 4\n{"h_bucket",le="+Inf"} 2\n{"h_bucket",vmrange="2...3"} 5\n'), [
    'h{le="1.0"} 1',
    'h{le="+Inf"} 2',
    'h_bucket{vmrange="1...2"} 4',
    'h_bucket{vmrange="2...3"} 5',
  ]);
});

test('summaries: quantile column, _sum and _count fields', () => {
  const text = '# TYPE s summary\ns{quantile="0.5"} 0.2\ns{quantile="0.9"} 0.7\ns_sum 10\ns_count 4\n';
  assert.deepEqual(rowsOf(text), ['s{quantile="0.5"} 0.2', 's{quantile="0.9"} 0.7', 's_count{} 4', 's_sum{} 10']);
});

test('one table per series; group key = _measurement, _field and the label columns', () => {
  const ts = tablesOf('a{x="1"} 1\na{x="2"} 2\na 3\n');
  assert.equal(ts.length, 3);
  assert.deepEqual(
    ts.map((t) => t.key.columns.map((c) => c.name)),
    [['_field', '_measurement'], ['_field', '_measurement', 'x'], ['_field', '_measurement', 'x']],
  );
  assert.deepEqual(ts[1]!.columns.map((c) => `${c.name}:${c.type}`), ['_time:time', '_measurement:string', '_field:string', '_value:float', 'url:string', 'x:string']);
  assert.equal(ts[1]!.column(4).get(0), 'http://target/metrics');
  assert.equal(ts[1]!.column(1).get(0), 'prometheus');
});

test('label columns are sorted by name; tables by field then labels', () => {
  const ts = tablesOf('b{z="1",a="2"} 1\na{m="2"} 1\na{m="10"} 1\na{k="9"} 1\n');
  assert.deepEqual(ts.map((t) => `${t.column(2).get(0)} ${t.columns.slice(5).map((c) => c.name).join(',')} ${t.columns.slice(5).map((_, i) => t.column(5 + i).get(0)).join(',')}`), [
    'a k 9',
    'a m 10',
    'a m 2',
    'b a,z 2,1',
  ]);
});

test('a repeated series is one table; a repeated timestamp keeps the first sample', () => {
  const ts = tablesOf('a{x="1"} 1 1000\na{x="1"} 2 2000\na{x="1"} 3 1000\n');
  assert.equal(ts.length, 1);
  assert.deepEqual([...ts[0]!.column(3).floats!], [1, 2]);
  assert.deepEqual(rowsOf('a 1\na{} 2\n'), ['a{} 1']);
});

test('repeated series apart from each other are one table, whether or not their field needs sorting', () => {
  const shape = (ts: ReturnType<typeof tablesOf>) => ts.map((t) => `${t.columns.slice(5).map((_, i) => t.column(5 + i).get(0)).join(',')}=${[...t.column(3).floats!].join(',')}`);
  // already in table order, the repeat adjacent after a different timestamp
  assert.deepEqual(shape(tablesOf('a{x="1"} 1\na{x="1"} 2 5000\na{x="2"} 3\na{x="2",y="1"} 4\n')), ['1=1,2', '2=3', '2,1=4']);
  // out of order: sorted first, then the equal neighbours are merged
  assert.deepEqual(shape(tablesOf('a{x="2"} 1\na{x="1"} 2\na{x="2"} 3 5000\na{x="10"} 4\na{x="1"} 5 6000\n')), ['1=2,5', '10=4', '2=1,3']);
});

test('an empty label value means no label (as Prometheus stores it)', () => {
  assert.deepEqual(rowsOf('a{x="",y="1"} 1\n'), ['a{y="1"} 1']);
});

test('labels named like the fixed columns are renamed exported_<name>', () => {
  const t = tablesOf('a{url="u",_value="v",_time="t",job="j"} 1\n')[0]!;
  assert.deepEqual(t.columns.slice(4).map((c) => c.name), ['url', 'exported__time', 'exported__value', 'exported_url', 'job']);
  assert.equal(t.column(t.columnIndex('exported_url')).get(0), 'u');
});

test('malformed input: scrape.malformed with line and column', () => {
  const cases: [string, string][] = [
    ['a 1\nb\n', '2:2'], // missing value
    ['a 1\nb x\n', '2:3'], // bad value
    ['a 0x10\n', '1:3'],
    ['a 1_0\n', '1:3'],
    ['a 1 1.5\n', '1:5'], // timestamp not an integer
    ['a 1 2 3\n', '1:7'],
    ['1a 1\n', '1:1'],
    ['a-b 1\n', '1:2'],
    ['a{b} 1\n', '1:4'],
    ['a{b="1" 1\n', '1:9'],
    ['a{b="1\n', '1:5'],
    ['a{b=1} 1\n', '1:5'],
    ['a{1="1"} 1\n', '1:3'],
    ['a{b="1",b="2"} 1\n', '1:1'],
    ['a{b="1"}1\n', '1:9'],
    ['# TYPE a foo\n', '1:10'],
    ['# TYPE a\n', '1:9'],
    ['# HELP \n', '1:8'], // a blank after HELP: a name must follow
    ['ok 1\nx{y="\xff"} 1\n', '2:6'],
    ['a 1e400\n', '1:3'],
    ['{a="1"} 1\n', '1:1'],
  ];
  for (const [text, at] of cases) {
    const body = Buffer.from(text, text.includes('\xff') ? 'latin1' : 'utf8');
    const e = parseError(body as unknown as string);
    assert.equal(e.id, 'scrape.malformed', text);
    assert.equal(e.at, at, `${JSON.stringify(text)}: ${e.error.message}`);
    assert.match(e.error.message, /^scrape http:\/\/target\/metrics: malformed Prometheus text exposition/);
  }
});

test('CRLF line ends: the error shows the carriage return and says why it is there', () => {
  const value = parseError('up 1\r\n');
  assert.equal(value.at, '1:4');
  assert.match(value.error.message, /invalid value: "1\\r" is not a number \(it ends with a carriage return: lines must end with "\\n" alone\)/);
  assert.ok(!value.error.message.includes('\r'), 'no raw carriage return in the message');
  const type = parseError('# TYPE up gauge\r\nup 1\r\n');
  assert.match(type.error.message, /invalid metric type "gauge\\r" .*lines must end with "\\n" alone/);
  assert.ok(!type.error.message.includes('\r'));
  const ts = parseError('up 1 1700000000000\r\n');
  assert.match(ts.error.message, /timestamp "1700000000000\\r" is not an integer/);
});

test('a bad value is quoted as UTF-8, not byte by byte', () => {
  const e = parseError('up 1é\n');
  assert.match(e.error.message, /invalid value: "1é" is not a number/);
});

test('error messages carry no raw control character (C0, DEL, C1) from the body', () => {
  const cases: [string, string][] = [
    ['a{"x\u001b[31m"="1","x\u001b[31m"="2"} 1\n', '1:1'], // ESC in a repeated quoted label name
    ['a{b="1"} 1 \u009b2J\n', '1:12'], // C1 CSI in a bad timestamp
    ['# TYPE a \u007fgauge\n', '1:10'], // DEL in a bad type
    ['a{b="\u0085"} x\n', '1:10'], // C1 NEL in the quoted line
  ];
  for (const [text, at] of cases) {
    const e = parseError(text);
    assert.equal(e.id, 'scrape.malformed');
    assert.equal(e.at, at, e.error.message);
    assert.doesNotMatch(e.error.message, /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(e.error.message));
  }
  assert.match(parseError('a{"x\u001b"="1","x\u001b"="2"} 1\n').error.message, /label name "x\\u001b" is repeated/);
});

test('a timestamp outside the Flux time range: scrape.timestampRange at its line and column', () => {
  // int64 milliseconds go beyond int64 nanoseconds: 9223372036854 ms fits, one more does not.
  assert.deepEqual(rowsOf('a 1 9223372036854\n'), ['a{} 1 @9223372036854000000']);
  for (const [text, at] of [
    ['a 1 9223372036855\n', '1:5'],
    ['a 1\nb{x="y"} 2 -9223372036855\n', '2:12'],
    ['a 1 9223372036854775807\n', '1:5'],
  ] as const) {
    const e = parseError(text);
    assert.equal(e.id, 'scrape.timestampRange', e.error.message);
    assert.equal(e.at, at, e.error.message);
  }
});

test('"# HELP" or "# TYPE" alone on a line is a comment; with a blank after it, a name must follow', () => {
  assert.deepEqual(rowsOf('# HELP\n# TYPE\n#\tTYPE\na 1\n'), ['a{} 1']);
  assert.equal(parseError('# TYPE \na 1\n').at, '1:8');
  assert.equal(parseError('a 1\n# HELP\t\n').at, '2:8');
});

test('histogram le and summary quantile values are stored as Prometheus 3 stores them ("1" -> "1.0")', () => {
  const text = [
    '# TYPE h histogram',
    'h_bucket{le="0.5"} 1',
    'h_bucket{le="1"} 2',
    'h_bucket{le="1.0"} 9', // the same series as le="1" once normalized: the first sample is kept
    'h_bucket{le="1e3"} 3',
    'h_bucket{le="+inf"} 4',
    'h_sum 1',
    'h_count 4',
    '# TYPE s summary',
    's{quantile="0"} 1',
    's{quantile="0.50"} 2',
    's{quantile="1"} 3',
    'x_bucket{le="1"} 1', // not a histogram bucket: as written
    'y{quantile="1"} 1', // not a summary: as written
  ].join('\n');
  assert.deepEqual(rowsOf(text), [
    'h{le="0.5"} 1',
    'h{le="1.0"} 2',
    'h{le="1000.0"} 3',
    'h{le="+Inf"} 4',
    'h_count{} 4',
    'h_sum{} 1',
    's{quantile="0.0"} 1',
    's{quantile="0.5"} 2',
    's{quantile="1.0"} 3',
    'x_bucket{le="1"} 1',
    'y{quantile="1"} 1',
  ]);
  // Quoted UTF-8 names too.
  assert.deepEqual(rowsOf('# TYPE "h.x" histogram\n{"h.x_bucket", le="2"} 1\n'), ['h.x{le="2.0"} 1']);
});

test('a renamed label never takes the name of another label: exported_ is repeated as Prometheus does', () => {
  const t = tablesOf('a{url="u",exported_url="e"} 1\n')[0]!;
  const names = t.columns.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, `duplicate column in ${names}`);
  assert.equal(t.column(t.columnIndex('exported_exported_url')).get(0), 'u');
  assert.equal(t.column(t.columnIndex('exported_url')).get(0), 'e');
  assert.deepEqual(rowsOf('a{_value="x"} 1\nb{exported__value="y",exported_exported__value="z"} 2\n'), [
    'a{exported_exported_exported__value="x"} 1',
    'b{exported__value="y",exported_exported__value="z"} 2',
  ]);
});

test('a __name__ label repeats the metric name: scrape.malformed at its line, as Prometheus refuses it', () => {
  for (const [text, at] of [
    ['a 1\n\n  # c\n  b{x="1"} 2\n c{__name__="d"} 3\n', '5:2'],
    ['{"a", "__name__"="b"} 1\n', '1:1'],
    ['a{x="1"} 1\na{x="2",__name__="a"} 1\n', '2:1'],
  ] as const) {
    const e = parseError(text);
    assert.equal(e.id, 'scrape.malformed');
    assert.equal(e.at, at, e.error.message);
  }
  // A label value that reads "__name__" is only a value.
  assert.deepEqual(rowsOf('a{x="__name__"} 1\n'), ['a{x="__name__"} 1']);
});

test('a quoted name in TYPE is unescaped as sample names are (\\n too), so its type applies', () => {
  assert.deepEqual(rowsOf('# TYPE "a\\nb" histogram\n{"a\\nb_bucket", le="+Inf"} 1\n'), ['a\nb{le="+Inf"} 1']);
});
