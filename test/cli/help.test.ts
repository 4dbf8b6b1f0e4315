// `--help` of the program and of every registered subcommand (found by walking the commander
// tree, so a new command is covered without editing this file): a snapshot each, a description,
// and an example. Also: the top-level help lists every command and the exit codes, and
// `promflux version` agrees with `promflux -V`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram, main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { PROMFLUX_VERSION } from '../../src/version.js';
import { REPO_ROOT } from '../support/env.js';
import { assertGolden } from '../support/golden.js';

const SNAPSHOTS = join(REPO_ROOT, 'test', 'cli', 'snapshots', 'help');

/** Every command path below the program: [['version'], ['run'], ..., ['task', 'list'], ...]. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const sub of cmd.commands) {
    const path = [...prefix, sub.name()];
    out.push(path, ...commandPaths(sub, path));
  }
  return out;
}

async function help(path: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO('', {});
  const code = await main([...path, '--help'], io);
  return { code, out: io.out, err: io.err };
}

const paths = commandPaths(buildProgram(memoryIO()));

test('the program registers the commands the issue names', () => {
  const top = paths.filter((p) => p.length === 1).map((p) => p[0]);
  for (const name of ['version', 'run', 'repl', 'serve', 'task', 'parse', 'test', 'bucket', 'scrape']) assert.ok(top.includes(name), `missing command ${name}`);
});

test('promflux --help: commands and exit codes', async () => {
  const r = await help([]);
  assert.equal(r.code, 0);
  assert.equal(r.err, '');
  assertGolden(join(SNAPSHOTS, 'promflux.txt'), r.out);
  for (const p of paths.filter((x) => x.length === 1)) assert.match(r.out, new RegExp(`^  ${p[0]}\\b`, 'm'), `top-level help lists ${p[0]}`);
  assert.match(r.out, /Exit codes:\n  0  success\n  1  a query, scrape, test or run failed\n  2  bad usage or a syntax error\n/);
});

for (const path of paths) {
  test(`promflux ${path.join(' ')} --help`, async () => {
    const r = await help(path);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assertGolden(join(SNAPSHOTS, `${path.join('-')}.txt`), r.out);
    assert.match(r.out, new RegExp(`^Usage: promflux ${path.join(' ')}\\b`), 'a usage line');
    // A description: the line after the usage line's blank line is not an options header.
    assert.match(r.out, /^Usage: .*\n\n(?!Options:)\S/, 'a description under the usage line');
    assert.match(r.out, /\bExamples?:\n {2}\S/, 'an example (.addHelpText("after", "Example: ..."))');
  });
}

test('promflux version and promflux -V print the same version', async () => {
  const v = memoryIO();
  assert.equal(await main(['version'], v), 0);
  const flag = memoryIO();
  assert.equal(await main(['-V'], flag), 0);
  assert.equal(flag.out, `${PROMFLUX_VERSION}\n`);
  assert.match(v.out, new RegExp(`^promflux ${PROMFLUX_VERSION.replaceAll('.', '\\.')} \\(node \\d+\\.\\d+\\.\\d+\\)\\n$`));
  assert.ok(v.out.includes(flag.out.trim()));
});

test('help wraps at 80 columns when stdout is not a terminal, at the terminal width otherwise', async () => {
  const piped = await help(['serve']);
  assert.ok(piped.out.split('\n').every((l) => l.length <= 100), 'piped help is wrapped near 80 columns');
  const wide = { ...memoryIO(), columns: 200 };
  let out = '';
  wide.stdout = (s: string) => void (out += s);
  await main(['serve', '--help'], wide);
  assert.ok(out.split('\n').some((l) => l.length > 80), 'a 200-column terminal gets long lines');
});

test('promflux help COMMAND prints the same as COMMAND --help', async () => {
  for (const [args, path] of [
    [['help', 'run'], ['run']],
    [['task', 'help', 'list'], ['task', 'list']],
  ]) {
    const io = memoryIO();
    assert.equal(await main(args!, io), 0);
    assert.equal(io.out, (await help(path!)).out);
  }
});

test('docs/cli.md has a line for every command', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
  for (const p of paths.filter((x) => x.length === 1)) assert.match(doc, new RegExp(`\\| \`promflux ${p[0]}\\b`), `docs/cli.md lists ${p[0]}`);
});
