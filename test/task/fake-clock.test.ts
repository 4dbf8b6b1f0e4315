// The FakeClock the scheduler tests drive (test/support/fake-clock.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../support/fake-clock.js';

test('timers fire in due order (ties in creation order) as time advances', async () => {
  const c = new FakeClock('2026-01-01T00:00:00Z');
  const fired: string[] = [];
  c.setTimer(300, () => fired.push(`c@${c.monotonicMs()}`));
  c.setTimer(100, () => fired.push(`a@${c.monotonicMs()}`));
  c.setTimer(100, () => fired.push(`b@${c.monotonicMs()}`));
  const cancelled = c.setTimer(200, () => fired.push('never'));
  cancelled.cancel();
  await c.advance(250);
  assert.deepEqual(fired, ['a@100', 'b@100']);
  assert.equal(c.monotonicMs(), 250);
  // a timer set by a timer fires in the same advance when due
  c.setTimer(10, () => c.setTimer(10, () => fired.push(`nested@${c.monotonicMs()}`)));
  await c.advanceTo(BigInt(Date.parse('2026-01-01T00:00:01Z')) * 1_000_000n);
  assert.deepEqual(fired, ['a@100', 'b@100', 'nested@270', 'c@300']);
  assert.equal(c.nowNanos(), BigInt(Date.parse('2026-01-01T00:00:01Z')) * 1_000_000n);
  await assert.rejects(c.advanceTo(0n), /back in time/);
});

test('sleep resolves when time passes and rejects when aborted; runAll drains timers', async () => {
  const c = new FakeClock();
  let done = false;
  const p = c.sleep(1000).then(() => (done = true));
  await c.advance(999);
  assert.equal(done, false);
  await c.advance(1);
  await p;
  assert.equal(done, true);
  const ac = new AbortController();
  const q = c.sleep(5000, ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(q, /stop/);
  let n = 0;
  const tick = () => {
    if (++n < 5) c.setTimer(1000, tick);
  };
  c.setTimer(1000, tick);
  await c.runAll();
  assert.equal(n, 5);
  assert.equal(c.pendingTimers(), 0);
  assert.equal(c.monotonicMs(), 6000);
});
