// Golden fixtures: test/scrape/fixtures/<name>.prom (Prometheus text 0.0.4) and
// <name>.openmetrics.prom (OpenMetrics 1.0) -> <name>.csv, the annotated CSV of the tables
// one scrape returns, with _time pinned to a fixed scrape time. `npm run golden` refreshes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCsv } from '../../src/table/index.js';
import { assertGolden } from '../support/golden.js';
import { tablesOf } from './helpers.js';

const dir = fileURLToPath(new URL('./fixtures', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.prom')).sort();

test('there are golden fixtures for both formats', () => {
  assert.ok(fixtures.length >= 7);
  assert.ok(fixtures.some((f) => f.endsWith('.openmetrics.prom')));
});

for (const f of fixtures) {
  test(`golden: ${f}`, () => {
    const om = f.endsWith('.openmetrics.prom');
    const body = readFileSync(join(dir, f));
    const tables = tablesOf(body, om ? 'openmetrics' : 'prometheus-text', 'http://127.0.0.1:9100/metrics');
    const csv = encodeCsv([{ name: '_result', tables }]);
    assertGolden(join(dir, f.replace(/(\.openmetrics)?\.prom$/, '.csv')), csv);
    // Determinism: the same bytes give byte-identical output.
    const again = encodeCsv([{ name: '_result', tables: tablesOf(body, om ? 'openmetrics' : 'prometheus-text', 'http://127.0.0.1:9100/metrics') }]);
    assert.equal(again, csv);
  });
}
