// The real clock: nanosecond readings that follow the wall clock and never go back within
// the process (while the wall clock itself does not step back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/host/clock.js';

test('systemClock.nowNanos: ordered readings, within a millisecond of Date.now()', () => {
  let prev = systemClock.nowNanos();
  let distinct = 0;
  const deadline = performance.now() + 300; // several hundred millisecond boundaries
  while (performance.now() < deadline) {
    const before = BigInt(Date.now()) * 1_000_000n;
    const t = systemClock.nowNanos();
    const after = (BigInt(Date.now()) + 1n) * 1_000_000n;
    assert.ok(t >= prev, `went back: ${prev} then ${t}`);
    assert.ok(t >= before && t < after, `${t} outside [${before}, ${after})`);
    if (t > prev) distinct++;
    prev = t;
  }
  assert.ok(distinct > 1000, `only ${distinct} distinct readings`);
});
