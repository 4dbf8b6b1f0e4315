import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from '../../src/host/metrics.js';

test('exposition in the Prometheus text format', () => {
  const r = new MetricsRegistry();
  const c = r.counter('x_total', 'Things.\nMore', ['task', 'outcome']);
  c.inc({ task: 'a"b\\c\nd', outcome: 'success' });
  c.inc({ task: 'a"b\\c\nd', outcome: 'success' }, 2);
  const h = r.histogram('d_seconds', 'Durations.', ['task'], [0.1, 1]);
  h.observe({ task: 't' }, 0.05);
  h.observe({ task: 't' }, 0.5);
  h.observe({ task: 't' }, 5);
  const g = r.gauge('g', 'A gauge.');
  g.set(undefined, 3);
  g.dec(undefined);
  assert.equal(r.counter('x_total', 'again', ['task', 'outcome']), c, 'same name returns the same metric');
  assert.equal(
    r.expose(),
    [
      '# HELP d_seconds Durations.',
      '# TYPE d_seconds histogram',
      'd_seconds_bucket{task="t",le="0.1"} 1',
      'd_seconds_bucket{task="t",le="1"} 2',
      'd_seconds_bucket{task="t",le="+Inf"} 3',
      'd_seconds_sum{task="t"} 5.55',
      'd_seconds_count{task="t"} 3',
      '# HELP g A gauge.',
      '# TYPE g gauge',
      'g 2',
      '# HELP x_total Things.\\nMore',
      '# TYPE x_total counter',
      'x_total{task="a\\"b\\\\c\\nd",outcome="success"} 3',
      '',
    ].join('\n'),
  );
  assert.throws(() => r.gauge('x_total', 'wrong type'));
});

test('collected gauges are computed at exposition time', () => {
  const r = new MetricsRegistry();
  let n = 1;
  r.gauge('spool_bytes', 'Spool.').collect(() => n);
  n = 42;
  assert.match(r.expose(), /^spool_bytes 42$/m);
});
