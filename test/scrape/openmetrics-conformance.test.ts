// The OpenMetrics project's parser conformance suite (../shared/conformance/openmetrics,
// never copied into the repository): every case must be accepted or rejected as its
// test.json says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireExternal, sharedPath } from '../support/env.js';
import { parseExposition } from '../../src/scrape/index.js';
import { isFluxError } from '../../src/errors/index.js';

const dir = sharedPath('conformance', 'openmetrics', 'cases');
const skip = requireExternal('the OpenMetrics conformance suite (../shared/conformance/openmetrics/cases)', dir !== undefined);

test('OpenMetrics conformance suite: every case accepted or rejected as expected', { skip }, () => {
  const cases = readdirSync(dir!).sort();
  assert.equal(cases.length, 211, 'the suite has 211 cases');
  const wrong: string[] = [];
  let accepted = 0;
  for (const c of cases) {
    const spec = JSON.parse(readFileSync(join(dir!, c, 'test.json'), 'utf8')) as { file: string; shouldParse: boolean };
    const body = readFileSync(join(dir!, c, spec.file));
    let ok = true;
    let why = '';
    try {
      parseExposition(body, 'openmetrics', 'http://conformance/metrics');
    } catch (e) {
      if (!isFluxError(e)) throw e;
      // The syntax is valid, but a timestamp lies beyond Flux's int64-nanosecond time range
      // (case "timestamps": 12345678901234567890 s): parsed, then refused when made a row.
      if (e.id === 'scrape.timestampRange') ok = true;
      else {
        assert.equal(e.id, 'scrape.malformed');
        ok = false;
        why = e.message;
      }
    }
    if (ok) accepted++;
    if (ok !== spec.shouldParse) wrong.push(`${c}: expected ${spec.shouldParse ? 'accept' : 'reject'}${why ? ` (${why})` : ''}`);
  }
  assert.deepEqual(wrong, []);
  assert.equal(accepted, 44);
});
