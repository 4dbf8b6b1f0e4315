// The examples in the standard library's doc comments (what `:help NAME` shows in the REPL):
// every fenced block under a builtin's or function's comment in stdlib/**/*.flux passes the
// checks that run before a program starts, so an example can be pasted and run as written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { createRuntime } from '../../src/index.js';
import { REPO_ROOT } from '../support/env.js';

function fluxSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) fluxSources(p, out);
    else if (name.endsWith('.flux') && !name.endsWith('_test.flux')) out.push(p);
  }
  return out;
}

/** The ``` blocks of a file's `//` comments, with the line of their first code line. */
function commentExamples(text: string): { line: number; code: string }[] {
  const lines = text.split('\n');
  const out: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\/\/ ```\s*$/.test(lines[i]!)) continue;
    const start = i + 2;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*\/\/ ```\s*$/.test(lines[i]!); i++) body.push(lines[i]!.replace(/^\s*\/\/ ?/, ''));
    out.push({ line: start, code: body.join('\n') });
  }
  return out;
}

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-doc-examples-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const examples = fluxSources(join(REPO_ROOT, 'stdlib')).flatMap((file) =>
  commentExamples(readFileSync(file, 'utf8')).map((e) => ({ ...e, where: `${relative(REPO_ROOT, file)}:${e.line}` })),
);

test('the standard library documents examples', () => {
  assert.ok(examples.length >= 5, `found ${examples.length} examples`);
});

for (const ex of examples) {
  test(`doc example at ${ex.where} has no diagnostics`, () => {
    const diags = runtime.check(ex.code, ex.where);
    assert.deepEqual(diags.map((d) => `${d.id} ${d.message}`), []);
  });
}
