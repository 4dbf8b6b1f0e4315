// Every example script parses and passes the checks that run before a program starts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { createRuntime } from '../src/index.js';
import { REPO_ROOT } from './support/env.js';

function fluxFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) fluxFiles(p, out);
    else if (name.endsWith('.flux')) out.push(p);
  }
  return out;
}

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-examples-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

for (const file of fluxFiles(join(REPO_ROOT, 'examples'))) {
  const name = relative(REPO_ROOT, file);
  test(`example ${name} has no diagnostics`, async () => {
    const diags = runtime.check(readFileSync(file, 'utf8'), name);
    assert.deepEqual(diags.map((d) => `${d.id} ${d.message}`), []);
    const options = await runtime.readOptions(readFileSync(file, 'utf8'), name);
    assert.ok(options.has('task'), 'every example is a task');
  });
}
