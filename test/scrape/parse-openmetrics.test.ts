// OpenMetrics 1.0: which rows each metric type gives, and rejections beyond the suite's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseError, rowsOf } from './helpers.js';

const om = (lines: string[]) => rowsOf(lines.join('\n') + '\n# EOF\n', 'openmetrics');

test('counter: _total and _created are stored under their sample names; exemplars are not rows', () => {
  assert.deepEqual(om(['# TYPE a_seconds counter', '# UNIT a_seconds seconds', '# HELP a_seconds help', 'a_seconds_total{x="1"} 3 # {trace_id="abc"} 1.5 1700000000.5', 'a_seconds_created{x="1"} 1700000000.25']), [
    'a_seconds_created{x="1"} 1700000000.25',
    'a_seconds_total{x="1"} 3',
  ]);
});

test('every type: field names and labels', () => {
  const rows = om([
    '# TYPE c counter',
    'c_total 1',
    '# TYPE g_seconds gauge',
    '# UNIT g_seconds seconds',
    'g_seconds 2.5',
    '# TYPE h histogram',
    'h_bucket{le="1.0"} 1 # {id="x"} 0.5',
    'h_bucket{le="+Inf"} 2',
    'h_count 2',
    'h_sum 1.5',
    'h_created 1000',
    '# TYPE gh gaugehistogram',
    'gh_bucket{le="-1"} 1',
    'gh_bucket{le="+Inf"} 3',
    'gh_gcount 3',
    'gh_gsum -5',
    '# TYPE s summary',
    's{quantile="0.5"} 0.7',
    's_count 1',
    's_sum 2',
    '# TYPE i info',
    'i_info{version="1.2"} 1',
    '# TYPE st stateset',
    'st{st="a"} 1',
    'st{st="b"} 0',
    '# TYPE u unknown',
    'u 7',
    'no_metadata 8',
  ]);
  assert.deepEqual(rows, [
    'c_total{} 1',
    'g_seconds{} 2.5',
    'gh{le="-1"} 1',
    'gh{le="+Inf"} 3',
    'gh_gcount{} 3',
    'gh_gsum{} -5',
    'h{le="1.0"} 1',
    'h{le="+Inf"} 2',
    'h_count{} 2',
    'h_created{} 1000',
    'h_sum{} 1.5',
    'i_info{version="1.2"} 1',
    'no_metadata{} 8',
    's{quantile="0.5"} 0.7',
    's_count{} 1',
    's_sum{} 2',
    'st{st="a"} 1',
    'st{st="b"} 0',
    'u{} 7',
  ]);
});

test('timestamps are float seconds, kept to the nanosecond', () => {
  assert.deepEqual(om(['# TYPE a gauge', 'a{x="1"} 1 1520430000.123456789', 'a{x="2"} 1 1.5e3', 'a{x="3"} 1 -1']), [
    'a{x="1"} 1 @1520430000123456789',
    'a{x="2"} 1 @1500000000000',
    'a{x="3"} 1 @-1000000000',
  ]);
});

test('a repeated series with the same timestamp is dropped (first kept)', () => {
  assert.deepEqual(om(['# TYPE a gauge', 'a 1 0', 'a 2 0', 'a 3 1']), ['a{} 1 @0', 'a{} 3 @1000000000']);
});

test('a group sampled at several timestamps keeps every sample of each', () => {
  // A histogram, a summary, a stateset and info samples, each at two timestamps: the same
  // series again at a later timestamp is a new sample, not a repeat.
  assert.deepEqual(
    om([
      '# TYPE h histogram',
      'h_bucket{a="x",le="1"} 1 10',
      'h_bucket{a="x",le="+Inf"} 2 10',
      'h_count{a="x"} 2 10',
      'h_sum{a="x"} 3 10',
      'h_bucket{a="x",le="1"} 2 20',
      'h_bucket{a="x",le="+Inf"} 3 20',
      'h_count{a="x"} 3 20',
      'h_sum{a="x"} 4 20',
      '# TYPE s summary',
      's{quantile="0.5"} 1 10',
      's_count 1 10',
      's{quantile="0.5"} 2 20',
      's_count 2 20',
      '# TYPE st stateset',
      'st{st="a"} 1 10',
      'st{st="b"} 0 10',
      'st{st="a"} 0 20',
      'st{st="b"} 1 20',
      '# TYPE i info',
      'i_info{v="1"} 1 10',
      'i_info{v="2"} 1 10',
      'i_info{v="1"} 1 20',
    ]),
    [
      'h{a="x",le="1.0"} 1 @10000000000',
      'h{a="x",le="1.0"} 2 @20000000000',
      'h{a="x",le="+Inf"} 2 @10000000000',
      'h{a="x",le="+Inf"} 3 @20000000000',
      'h_count{a="x"} 2 @10000000000',
      'h_count{a="x"} 3 @20000000000',
      'h_sum{a="x"} 3 @10000000000',
      'h_sum{a="x"} 4 @20000000000',
      'i_info{v="1"} 1 @10000000000',
      'i_info{v="1"} 1 @20000000000',
      'i_info{v="2"} 1 @10000000000',
      's{quantile="0.5"} 1 @10000000000',
      's{quantile="0.5"} 2 @20000000000',
      's_count{} 1 @10000000000',
      's_count{} 2 @20000000000',
      'st{st="a"} 1 @10000000000',
      'st{st="a"} 0 @20000000000',
      'st{st="b"} 0 @10000000000',
      'st{st="b"} 1 @20000000000',
    ],
  );
});

test('a repeat within one group and timestamp is dropped, whatever the type', () => {
  assert.deepEqual(
    om([
      '# TYPE s summary',
      's{quantile="0.5"} 1',
      's{quantile="0.5"} 5',
      's{quantile="0.9"} 2',
      's_count 2',
      's_count 7',
      '# TYPE c counter',
      'c_total{a="1"} 4',
      'c_created{a="1"} 100',
      'c_total{a="1"} 9',
      '# TYPE i info',
      'i_info{v="1"} 1',
      'i_info{v="2"} 1',
      'i_info{v="1"} 1',
    ]),
    ['c_created{a="1"} 100', 'c_total{a="1"} 4', 'i_info{v="1"} 1', 'i_info{v="2"} 1', 's{quantile="0.5"} 1', 's{quantile="0.9"} 2', 's_count{} 2'],
  );
});

test('a group of 40 quantiles with repeats: each repeat dropped, the first sample kept', () => {
  const qs = Array.from({ length: 40 }, (_, i) => ((i + 1) / 100).toString());
  const lines = ['# TYPE s summary', ...qs.map((q, i) => `s{quantile="${q}"} ${i}`), 's{quantile="0.05"} 99', 's{quantile="0.4"} 98', 's_count 1'];
  const rows = om(lines);
  assert.equal(rows.length, 41);
  assert.ok(rows.includes('s{quantile="0.05"} 4'));
  assert.ok(rows.includes('s{quantile="0.4"} 39'));
  assert.ok(!rows.some((r) => r.endsWith(' 99') || r.endsWith(' 98')));
});

test('rejections name the line and column', () => {
  const cases: [string, string][] = [
    ['a 1\n', '2:1'], // missing EOF (at the end)
    ['# TYPE a counter\na_total -1\n# EOF\n', '2:9'],
    ['a 1\n\n# EOF\n', '2:1'],
    ['a{a="1",} 1\n# EOF\n', '1:8'],
    ['a  1\n# EOF\n', '1:3'],
    ['# TYPE a histogram\na_bucket{le="1"} 1\na_bucket{le="+Inf"} 0\n# EOF\n', '3:1'],
    ['# EOF\na 1\n', '2:1'],
  ];
  for (const [text, at] of cases) {
    const e = parseError(text, 'openmetrics');
    assert.equal(e.id, 'scrape.malformed', text);
    assert.equal(e.at, at, `${JSON.stringify(text)}: ${e.error.message}`);
    assert.match(e.error.message, /malformed OpenMetrics exposition/);
  }
});

test('a timestamp beyond the Flux time range: scrape.timestampRange at its line and column', () => {
  assert.equal(parseError('a 1 12345678901234567890\n# EOF\n', 'openmetrics').id, 'scrape.timestampRange');
  const e = parseError('a 1 1\nb 1 1e400\n# EOF\n', 'openmetrics');
  assert.equal(e.id, 'scrape.timestampRange');
  assert.equal(e.at, '2:5');
  // The token as written, not a 400-digit number of nanoseconds.
  assert.ok(e.error.message.length < 300, e.error.message);
  assert.equal(parseError('a 1 -9223372037\n# EOF\n', 'openmetrics').at, '1:5');
});

test('a quoted UTF-8 metric name alone in the braces: {"my.metric"} 1', () => {
  assert.deepEqual(rowsOf('# TYPE "my.metric" gauge\n{"my.metric"} 1\n{"my.metric",a="b"} 2\n# EOF\n', 'openmetrics'), ['my.metric{} 1', 'my.metric{a="b"} 2']);
  // A comma still needs a label after it.
  assert.equal(parseError('{"my.metric",} 1\n# EOF\n', 'openmetrics').at, '1:14');
});

test('histogram le and summary quantile values are stored as Prometheus 3 stores them; gauge histograms as written', () => {
  const text = [
    '# TYPE h histogram',
    'h_bucket{le="1"} 1',
    'h_bucket{le="10"} 2',
    'h_bucket{le="+Inf"} 2',
    'h_count 2',
    'h_sum 3',
    '# TYPE g gaugehistogram',
    'g_bucket{le="1"} 1',
    'g_bucket{le="+Inf"} 1',
    '# TYPE s summary',
    's{quantile="1"} 1',
    '# EOF',
    '',
  ].join('\n');
  assert.deepEqual(rowsOf(text, 'openmetrics'), [
    'g{le="1"} 1',
    'g{le="+Inf"} 1',
    'h{le="1.0"} 1',
    'h{le="10.0"} 2',
    'h{le="+Inf"} 2',
    'h_count{} 2',
    'h_sum{} 3',
    's{quantile="1.0"} 1',
  ]);
});

test('a __name__ label repeats the metric name: scrape.malformed at its line', () => {
  const e = parseError('# TYPE a counter\na_total 1\na_total{__name__="x"} 2\n# EOF\n', 'openmetrics');
  assert.equal(e.id, 'scrape.malformed');
  assert.equal(e.at, '3:1');
});

test('quoted metric names in HELP/TYPE/UNIT may hold spaces and escaped quotes; the TYPE applies to the samples', () => {
  assert.deepEqual(rowsOf('# TYPE "my metric" gauge\n# HELP "my metric" some help\n{"my metric"} 1\n# EOF\n', 'openmetrics'), ['my metric{} 1']);
  // The escaped quote is unescaped as in the sample's name, so the histogram's bucket is the family's field.
  assert.deepEqual(rowsOf('# TYPE "a\\"b" histogram\n{"a\\"b_bucket",le="+Inf"} 1\n# EOF\n', 'openmetrics'), ['a"b{le="+Inf"} 1']);
  assert.equal(parseError('# TYPE "a\\"b" counter\n{"a\\"b"} 1\n# EOF\n', 'openmetrics').at, '2:1'); // a counter needs _total
  assert.equal(parseError('# TYPE "a gauge\n# EOF\n', 'openmetrics').at, '1:8');
  assert.equal(parseError('# TYPE "a"x gauge\n# EOF\n', 'openmetrics').at, '1:11');
});

test('"# EOF" with anything after it on its line says so', () => {
  const e = parseError('a 1\n# EOF \n', 'openmetrics');
  assert.equal(e.at, '2:6');
  assert.match(e.error.message, /"# EOF" must be alone on its line/);
});

test("client_golang's gauge x beside counter x_total (both families named x) is read as Prometheus reads it", () => {
  // What every Go program serving OpenMetrics with the Go collector writes (client_golang
  // declares a counter `x_total` as `x`; go_memstats_alloc_bytes is also a gauge).
  const body = [
    '# HELP go_memstats_alloc_bytes Number of bytes allocated and still in use.',
    '# TYPE go_memstats_alloc_bytes gauge',
    'go_memstats_alloc_bytes 6.058576e+06',
    '# HELP go_memstats_alloc_bytes Total number of bytes allocated, even if freed.',
    '# TYPE go_memstats_alloc_bytes counter',
    'go_memstats_alloc_bytes_total 4.4330096e+07',
    'go_memstats_alloc_bytes_created 1.7e+09',
    '# HELP go_memstats_alloc_bytes_per_gc Bytes per GC.',
    '# TYPE go_memstats_alloc_bytes_per_gc gauge',
    'go_memstats_alloc_bytes_per_gc 12',
  ];
  assert.deepEqual(om(body), ['go_memstats_alloc_bytes{} 6058576', 'go_memstats_alloc_bytes_created{} 1700000000', 'go_memstats_alloc_bytes_per_gc{} 12', 'go_memstats_alloc_bytes_total{} 44330096']);
  // Without HELP, and with a UNIT.
  assert.deepEqual(om(['# TYPE a_bytes gauge', 'a_bytes 1', '# TYPE a_bytes counter', '# UNIT a_bytes bytes', 'a_bytes_total 2']), ['a_bytes{} 1', 'a_bytes_total{} 2']);
});

test('metadata after a family\'s samples is still rejected unless it opens a counter whose samples clash with nothing', () => {
  const cases: [string[], string][] = [
    // not a counter: the error names the out-of-place metadata line
    [['# TYPE a gauge', 'a 1', '# HELP a again', '# TYPE a gauge', 'a 2'], '3:1'],
    [['# TYPE a gauge', 'a 1', '# TYPE a histogram', 'a_bucket{le="+Inf"} 1'], '3:1'],
    [['# TYPE a gauge', 'a 1', '# HELP a again'], '3:1'],
    [['# TYPE a gauge', 'a 1', '# HELP a again', 'a 2'], '3:1'],
    [['# TYPE a gauge', 'a 1', '# HELP a again', 'b 2'], '3:1'],
    [['# TYPE a_s gauge', 'a_s 1', '# UNIT a_s s', 'a_s 2'], '3:1'],
    [['a 1', '# TYPE a gauge'], '2:1'],
    // a counter again: its names clash with the first counter's
    [['# TYPE a counter', 'a_total 1', '# TYPE a counter', 'a_total 2'], '3:1'],
    // a histogram's _created clashes with the counter's
    [['# TYPE a histogram', 'a_bucket{le="+Inf"} 1', 'a_count 1', 'a_sum 1', '# TYPE a counter', 'a_total 2'], '5:1'],
    // the gauge's samples after the counter: a family of that name again
    [['# TYPE a gauge', 'a 1', '# TYPE a counter', 'a_total 2', 'a 3'], '5:1'],
    // a second HELP in the reopened family
    [['# TYPE a gauge', 'a 1', '# HELP a x', '# HELP a y', '# TYPE a counter'], '4:1'],
  ];
  for (const [lines, at] of cases) {
    const text = lines.join('\n') + '\n# EOF\n';
    const e = parseError(text, 'openmetrics');
    assert.equal(e.id, 'scrape.malformed', text);
    assert.equal(e.at, at, `${JSON.stringify(text)}: ${e.error.message}`);
  }
});

test('a counter x after other families than the gauge x it shares its name with (client_golang sorts x, x_a, x_total)', () => {
  assert.deepEqual(om(['# TYPE x gauge', 'x 1', '# TYPE x_a gauge', 'x_a 2', '# TYPE x counter', 'x_total 3']), ['x{} 1', 'x_a{} 2', 'x_total{} 3']);
  // The counter's own names still clash, and a family after the counter may not take its name.
  assert.equal(parseError('# TYPE x gauge\nx 1\n# TYPE x_total gauge\nx_total 2\n# TYPE x counter\nx_total 3\n# EOF\n', 'openmetrics').at, '5:1');
  assert.equal(parseError('# TYPE x counter\nx_total 1\n# TYPE y gauge\ny 1\n# TYPE x gauge\nx 2\n# EOF\n', 'openmetrics').at, '5:1');
});
