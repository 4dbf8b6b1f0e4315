// The REPL (in process) reports an error raised while a result's stream is read as `promflux
// run` does: where it failed, the call typed in the session with a caret, and the frames.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { ReplController } from '../../src/repl/controller.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-repl-errors-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('toInt() failing while its result is read names the call typed in the session', async () => {
  const c = new ReplController({ runtime, readFile: async () => '' });
  await c.line('import "array"');
  const o = await c.line('array.from(rows: [{_value: "a"}]) |> toInt()');
  assert.equal(o.out, '');
  const lines = o.err.split('\n');
  assert.match(lines[0]!, /^stdlib\/universe:\d+:\d+: error calling function "map" @[-:\d]+: error calling function "int" @[-:\d]+: cannot parse "a" as int$/);
  assert.deepEqual(lines.slice(1, 4), ['<repl:2>:1:38: called here', ' 1 | array.from(rows: [{_value: "a"}]) |> toInt()', '   |                                      ^^^^^^^']);
  assert.equal(lines.at(-2), '    at function "toInt" @1:38-1:45');
});

// A stream bound in one input and read in a later one fails while the later input runs: the
// error (or its outermost call) points into the earlier input, which is quoted with a caret
// under its own name, as when everything is typed in one input.
test('an error in a stream defined by an earlier input is quoted in that input, with its caret', async () => {
  const c = new ReplController({ runtime, readFile: async () => '' });
  await c.line('import "array"');
  const def = await c.line('x = array.from(rows: [{v: "a"}]) |> map(fn: (r) => ({r with n: int(v: r.v)}))');
  assert.deepEqual([def.out, def.err], ['', '']);
  const o = await c.line('x');
  const lines = o.err.split('\n');
  assert.match(lines[0]!, /^<repl:2>:1:64: error calling function "map" @1:37-1:78: error calling function "int" @1:64-1:75: cannot parse "a" as int$/);
  assert.deepEqual(lines.slice(1, 3), [' 1 | x = array.from(rows: [{v: "a"}]) |> map(fn: (r) => ({r with n: int(v: r.v)}))', '   |                                                                ^^^^^^^^^^^']);
  assert.deepEqual(lines.slice(3), ['    at function "int" @1:64-1:75', '    at function "map" @1:37-1:78', '']);
});

test('a standard-library error in a stream of an earlier input shows "called here" in that input, also through a later input', async () => {
  const c = new ReplController({ runtime, readFile: async () => '' });
  await c.line('import "array"');
  await c.line('y = array.from(rows: [{_value: "a"}])\n  |> toInt()');
  await c.line('z = y |> filter(fn: (r) => true)');
  const called = ['<repl:2>:2:6: called here', ' 2 |   |> toInt()', '   |      ^^^^^^^'];
  for (const input of ['y', 'z', 'z |> limit(n: 1)']) {
    const o = await c.line(input);
    const lines = o.err.split('\n');
    assert.match(lines[0]!, /^stdlib\/universe:\d+:\d+: error calling function "map" /, input);
    assert.deepEqual(lines.slice(1, 4), called, input);
    assert.equal(lines.at(-2), '    at function "toInt" @2:6-2:13', input);
  }
  // After :reset the earlier inputs are gone with their variables.
  await c.line(':reset');
  const gone = await c.line('z');
  assert.match(gone.err, /^<repl:7>:1:1: undefined identifier z\n/);
});

test('a call of the current input is preferred to the same text at the same place in an earlier one', async () => {
  const c = new ReplController({ runtime, readFile: async () => '' });
  await c.line('import "array"');
  await c.line('w = array.from(rows: [{_value: "a"}]) |> toInt()');
  const o = await c.line('v = array.from(rows: [{_value: "a"}]) |> toInt()\nv');
  assert.deepEqual(o.err.split('\n').slice(1, 2), ['<repl:3>:1:42: called here']);
});
