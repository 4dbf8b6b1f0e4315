// `promflux test` exit codes: 1 when a testcase fails, 2 when a test file has a syntax error;
// and when nothing ran, a note on stderr (exit 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../../src/cli/io.js';

async function runTest(source: string, fileName = 'x_test.flux', extra: string[] = []): Promise<{ code: number; out: string; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-testexit-'));
  try {
    writeFileSync(join(dir, fileName), source);
    const io = memoryIO('', {});
    const code = await main(['test', dir, '--data', join(dir, 'data'), ...extra], io);
    return { code, out: io.out + io.err, stdout: io.out, stderr: io.err };
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

const PASSING = 'import "testing"\nimport "array"\ntestcase same {\n  testing.diff(got: array.from(rows: [{v: 1}]), want: array.from(rows: [{v: 1}])) |> yield()\n}\n';

test('a directory without *_test.flux files: 0 passed, and a note on stderr', async () => {
  const r = await runTest(PASSING, 'same.flux');
  assert.equal(r.code, 0, r.out);
  assert.equal(r.stdout, '0 passed, 0 failed\n');
  assert.match(r.stderr, /^promflux test: .*_test\.flux/);
});

test('a --run pattern that matches no testcase: a note on stderr naming the pattern', async () => {
  const r = await runTest(PASSING, 'x_test.flux', ['--run', 'nomatch']);
  assert.equal(r.code, 0, r.out);
  assert.equal(r.stdout, '0 passed, 0 failed\n');
  assert.match(r.stderr, /^promflux test: .*"nomatch"/);
});

test('when a testcase ran, nothing is written to stderr', async () => {
  const r = await runTest(PASSING, 'x_test.flux', ['--run', 'same']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.stdout, /^PASS .* same \(\d+ ms\)\n1 passed, 0 failed\n$/);
  assert.equal(r.stderr, '');
});
