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
