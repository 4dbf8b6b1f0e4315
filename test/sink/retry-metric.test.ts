// Every retried write counts in promflux_write_retries_total (served on serve's /metrics).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRetries } from '../../src/sink/retry.js';
import { WriteError } from '../../src/sink/destination.js';
import { defaultMetrics, METRIC_WRITE_RETRIES } from '../../src/host/metrics.js';
import { FakeClock } from '../support/fake-clock.js';

test('two failed attempts before a success count two retries', async () => {
  const counter = defaultMetrics.counter(METRIC_WRITE_RETRIES, 'Write requests retried by to().');
  const before = counter.get();
  const clock = new FakeClock();
  let attempts = 0;
  const done = withRetries(
    async () => {
      attempts++;
      if (attempts < 3) throw new WriteError('503 busy', 503, true, undefined);
    },
    { maxRetries: 5, minRetryDelayMs: 10, maxRetryDelayMs: 100, maxRetryTimeMs: 10_000, jitter: 0 },
    clock,
  );
  await clock.runAll();
  await done;
  assert.equal(attempts, 3);
  assert.equal(counter.get() - before, 2);
});
