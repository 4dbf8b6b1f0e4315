// Fleet re-labelling of a scraped batch (src/scrape/relabel-batch.ts): the in-place path
// (no metric relabeling, no label-name clash) and the copying path must give the same tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCsv } from '../../src/table/index.js';
import { batchToTables, parseExposition } from '../../src/scrape/index.js';
import { relabelBatch, type Labels } from '../../src/scrape/relabel-batch.js';
import { generateExposition } from '../../scripts/bench/scrape/generate.js';
import { SCRAPE_TIME_NS } from './helpers.js';

const TEXT = generateExposition(2000, 11);
// Names the generated exposition does not use (it has `instance` and `job`): no clash.
const TARGET = new Map([
  ['target', 'host-a:9100'],
  ['scrape_job', 'node'],
  ['zone', ''], // empty: not added (Prometheus drops empty labels)
  ['a_first', 'sorts-before-every-label'],
]);

function csvOf(relabel?: (l: Labels) => Labels | null, labelLimit?: number): string | { limitError: string } {
  const batch = parseExposition(Buffer.from(TEXT), 'prometheus-text', 'http://t/metrics');
  const r = relabelBatch(batch, { targetLabels: TARGET, relabel, labelLimit });
  if ('limitError' in r) return { limitError: r.limitError };
  assert.equal(r.batch === batch, relabel === undefined, 'in place exactly when there is no relabel function');
  const tables = [...batchToTables(r.batch, 'http://t/metrics', SCRAPE_TIME_NS).tables()];
  return encodeCsv([{ name: '_result', tables }]);
}

test('adding target labels in place gives the tables of the copying path', () => {
  const inPlace = csvOf();
  const copied = csvOf((l) => l); // any relabel function takes the copying path
  assert.equal(typeof inPlace, 'string');
  assert.equal(inPlace, copied);
  const s = inPlace as string;
  assert.match(s, /a_first/);
  assert.match(s, /host-a:9100/);
  assert.doesNotMatch(s.split('\n').find((l) => l.startsWith('#group')) ?? '', /zone/);
});

test('a scraped label named like a target label becomes exported_<name> (copying path)', () => {
  const batch = parseExposition(Buffer.from('m{job="scraped"} 1\n'), 'prometheus-text', 'http://t/metrics');
  const r = relabelBatch(batch, { targetLabels: new Map([['job', 'node']]) });
  assert.ok(!('limitError' in r));
  assert.notEqual(r.batch, batch);
  const t = [...batchToTables(r.batch, 'http://t/metrics', SCRAPE_TIME_NS).tables()][0]!;
  assert.equal(t.column(t.columnIndex('exported_job')).get(0), 'scraped');
  assert.equal(t.column(t.columnIndex('job')).get(0), 'node');
});

test('the label limit counts target labels and __name__, on both paths', () => {
  // The widest generated series (a summary quantile) has 8 labels; with the 3 non-empty
  // target labels (the empty one is not a label) and __name__ it counts 12.
  for (const relabel of [undefined, (l: Labels) => l]) {
    assert.equal(typeof csvOf(relabel, 12), 'string');
    const r = csvOf(relabel, 11);
    assert.ok(typeof r !== 'string' && /^series app_summary_metric_\d+ has 12 labels, more than labelLimit 11$/.test(r.limitError), JSON.stringify(r));
  }
});

test('metric relabeling sees _bucket only on histogram buckets, not on a gauge with an le label', () => {
  const text = '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n# TYPE g gauge\ng{le="1"} 5\n';
  const om = '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 2\nh_sum 3\n# TYPE gh gaugehistogram\ngh_bucket{le="+Inf"} 4\ngh_gcount 4\ngh_gsum 6\n# TYPE g gauge\ng{le="1"} 5\n# EOF\n';
  for (const [body, format] of [
    [text, 'prometheus-text'],
    [om, 'openmetrics'],
  ] as const) {
    const seen: string[] = [];
    const batch = parseExposition(Buffer.from(body), format, 'http://t/metrics');
    const r = relabelBatch(batch, {
      targetLabels: new Map(),
      relabel: (l) => {
        seen.push(l.get('__name__')!);
        return l;
      },
    });
    assert.ok(!('limitError' in r));
    assert.deepEqual([...new Set(seen)].sort(), (format === 'openmetrics' ? ['g', 'gh_bucket', 'gh_gcount', 'gh_gsum', 'h_bucket', 'h_count', 'h_sum'] : ['g', 'h_bucket', 'h_count', 'h_sum']), format);
    // After the rules the buckets are trimmed again: fields h (and gh) with le, and g with le.
    const fields = [...batchToTables(r.batch, 'http://t/metrics', SCRAPE_TIME_NS).tables()].map((t) => String(t.column(2).get(0)));
    assert.ok(fields.includes('g') && fields.includes('h') && !fields.includes('h_bucket') && !fields.includes('g_bucket'), `${format}: ${fields.join(' ')}`);
  }
});
