#!/usr/bin/env node
// The one test command (README, .ci/run): build, static checks, then every test file under
// test/ in one `node --test` run, so the runner's closing summary covers everything.
//
//   npm test                 everything
//   npm test -- test/lang    only files under these paths
//
// Environment: CI=true makes missing conformance data or missing test servers a failure
// instead of a skip (see test/support/).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\npromflux test: step failed: ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const only = process.argv.slice(2);
const steps = [
  ['build', 'npm', ['run', '--silent', 'build']],
  ['dependency directions', 'node', ['scripts/check-deps.mjs']],
  ['test servers', 'bash', ['scripts/setup-test-deps.sh']],
];
for (const [name, cmd, args] of steps) {
  console.log(`== ${name}`);
  run(cmd, args);
}

const files = (only.length ? only : ['test'])
  .flatMap((p) => (statSync(p).isDirectory() ? findTests(p) : [p]));
console.log(`== node --test (${files.length} files)`);
const concurrency = process.env.PROMFLUX_TEST_CONCURRENCY ?? '2';
// Stream the runner's output through, and end with the plain summary line
// `tests: N passed, N failed` (the spec reporter's own summary uses "ℹ pass N" lines).
const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString('utf8')).slice(-4000);
});
const status = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
const count = (word) => Number(new RegExp(`^ℹ ${word} (\\d+)$`, 'm').exec(tail)?.[1] ?? NaN);
const passed = count('pass');
const failed = count('fail');
if (Number.isFinite(passed) && Number.isFinite(failed)) console.log(`\ntests: ${passed} passed, ${failed} failed`);
if (status !== 0) {
  console.error(`\npromflux test: the test run failed (exit ${status})`);
  process.exit(status);
}
