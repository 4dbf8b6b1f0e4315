// `promflux test` exit codes: 1 when a testcase fails, 2 when a test file has a syntax error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../../src/cli/io.js';

async function runTest(source: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-testexit-'));
  try {
    writeFileSync(join(dir, 'x_test.flux'), source);
    const io = memoryIO('', {});
    const code = await main(['test', dir, '--data', join(dir, 'data')], io);
    return { code, out: io.out + io.err };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a syntax error in a test file exits 2', async () => {
  const r = await runTest('import "testing"\ntestcase broken {\n  x = (1 +\n}\n');
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /1 failed/);
});

test('a failing testcase exits 1', async () => {
  const r = await runTest('import "testing"\ntestcase fails {\n  die(msg: "no")\n}\n');
  assert.equal(r.code, 1, r.out);
});
