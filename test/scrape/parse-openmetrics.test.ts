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
    'gh{le="+Inf"} 3',
    'gh{le="-1"} 1',
    'gh_gcount{} 3',
    'gh_gsum{} -5',
    'h{le="+Inf"} 2',
    'h{le="1.0"} 1',
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

test('a timestamp beyond the Flux time range: scrape.timestampRange', () => {
  assert.equal(parseError('a 1 12345678901234567890\n# EOF\n', 'openmetrics').id, 'scrape.timestampRange');
});
