// Runs every `testcase` of stdlib/**/*_test.flux as a node subtest (one test per file, one
// subtest per testcase), so `npm test` runs the Flux-level table tests. A failing testcase
// reports its error or differing rows.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createRuntime, defaultStdlibDir } from '../../src/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { findTestFiles, runTestFile } from '../../src/runtime/test-runner.js';
import { checkTestResults } from '../../src/table/index.js';

const stdlibDir = defaultStdlibDir();
const dataDir = mkdtempSync(join(tmpdir(), 'promflux-stdlib-tests-'));
const runtime = createRuntime({ stdlibDir, dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const deps = {
  runFile: runtime.runFile.bind(runtime),
  checkResults: checkTestResults,
  fs: nodeFileSystem,
  stdlibDir,
};

const files = await findTestFiles([stdlibDir], nodeFileSystem);

test('the standard library has testcases', () => {
  assert.ok(files.length > 0, 'no stdlib/**/*_test.flux files found');
});

for (const file of files) {
  test(relative(stdlibDir, file), async (t) => {
    const outcomes = await runTestFile(file, deps);
    for (const o of outcomes) {
      await t.test(o.name, { skip: o.status === 'skip' ? 'tagged skip' : false }, () => {
        if (o.status === 'fail') assert.fail(`testcase ${o.name} failed:\n${o.detail ?? ''}`);
      });
    }
  });
}
