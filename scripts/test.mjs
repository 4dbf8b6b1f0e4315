#!/usr/bin/env node
// The one test command (README, .ci/run): build, static checks, then every test file under
// test/ in one `node --test` run, so the runner's closing summary covers everything.
//
//   npm test                 everything
//   npm test -- test/lang    only files under these paths
//
// Environment: CI=true makes missing conformance data or missing test servers a failure
// instead of a skip (see test/support/).
import { spawnSync } from 'node:child_process';
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
run(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files]);
