// The progress line: invisible for quick operations, redrawn in place, erased when done, and
// never drawn when stderr is not a terminal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgress, startProgress, withProgress } from '../../src/cli/progress.js';
import { memoryIO } from '../../src/cli/io.js';

function fake() {
  let now = 0;
  const writes: string[] = [];
  return { writes, write: (s: string) => void writes.push(s), now: () => now, advance: (ms: number) => void (now += ms) };
}

test('nothing is drawn before the delay, and nothing to erase then', () => {
  const f = fake();
  const p = createProgress(f.write, 'scraping x', f.now, { delayMs: 300 });
  f.advance(299);
  p.tick();
  p.done();
  assert.deepEqual(f.writes, []);
});

test('after the delay the line is redrawn in place with the elapsed time, then erased', () => {
  const f = fake();
  const p = createProgress(f.write, 'scraping x', f.now, { delayMs: 300 });
  f.advance(300);
  p.tick();
  f.advance(1200);
  p.update('rendering');
  p.tick();
  p.done();
  p.tick();
  p.done();
  assert.deepEqual(f.writes, ['\r\u001b[2K⠋ scraping x (0.3s)', '\r\u001b[2K⠙ rendering (1.5s)', '\r\u001b[2K']);
});

test('startProgress draws nothing when stderr is not a terminal', async () => {
  const io = memoryIO();
  const p = startProgress(io, 'x', { delayMs: 0, intervalMs: 1 });
  await new Promise((r) => setImmediate(r));
  p.done();
  assert.equal(await withProgress(io, 'y', async () => 42), 42);
  assert.equal(io.err, '');
});

test('withProgress erases the line when the operation fails', async () => {
  const base = memoryIO();
  const io = { ...base, stderrIsTTY: true };
  await assert.rejects(withProgress(io, 'y', () => Promise.reject(new Error('boom'))), /boom/);
  // Quicker than the delay: nothing drawn, nothing left behind.
  assert.equal(base.err, '');
});
