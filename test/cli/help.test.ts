// `--help` of the program and of every registered subcommand (found by walking the commander
// tree, so a new command is covered without editing this file): a snapshot each, a description,
// and an example. Also: the top-level help lists every command and the exit codes,
// `promflux version` agrees with `promflux -V`, the repository paths the examples name exist,
// and the `promflux test` example prints what its help shows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
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

test('promflux help help prints the list of commands, as promflux --help does', async () => {
  const io = memoryIO();
  assert.equal(await main(['help', 'help'], io), 0);
  const top = memoryIO();
  assert.equal(await main(['--help'], top), 0);
  assert.equal(io.out, top.out);
  assert.match(io.out, /scrape/);
});

test('docs/cli.md has a line for every command', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
  for (const p of paths.filter((x) => x.length === 1)) assert.match(doc, new RegExp(`\\| \`promflux ${p[0]}\\b`), `docs/cli.md lists ${p[0]}`);
});

test('docs/cli.md names every option of every command', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
  const program = buildProgram(memoryIO());
  const missing: string[] = [];
  const visit = (cmd: Command, path: string[]) => {
    for (const o of cmd.options) {
      if (o.long === undefined || o.long === '--help' || o.long === '--version') continue;
      if (!new RegExp(`${o.long}(?![\\w-])`).test(doc)) missing.push(`promflux ${path.join(' ')} ${o.long}`);
    }
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  assert.deepEqual(missing, []);
});

/** The example lines (`promflux ...` or `$ promflux ...`) of a help text, with their trailing comment. */
function exampleLines(helpText: string): { args: string[]; comment: string | undefined; next: string | undefined }[] {
  const lines = helpText.split('\n');
  const out: { args: string[]; comment: string | undefined; next: string | undefined }[] = [];
  lines.forEach((line, i) => {
    const m = /^\s+(?:\$ )?promflux (.*?)(?:\s+#\s*(.*))?$/.exec(line);
    if (m === null) return;
    // Plain shell words: 'quoted' or bare (the examples use no other quoting).
    const args = [...m[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? w[2]!);
    out.push({ args, comment: m[2], next: lines[i + 1] });
  });
  return out;
}

test('help examples name files and directories of this repository that exist', async () => {
  let checked = 0;
  for (const path of [[], ...paths]) {
    for (const ex of exampleLines((await help(path)).out)) {
      for (const arg of ex.args.filter((a) => /^(stdlib|examples|test)\//.test(a))) {
        checked++;
        assert.ok(existsSync(join(REPO_ROOT, arg)), `promflux ${path.join(' ')} --help: example names ${arg}, which does not exist`);
      }
    }
  }
  assert.ok(checked > 0, 'some example names a repository path');
});

test('promflux test --help: its example runs the testcase it shows', async () => {
  const ex = exampleLines((await help(['test'])).out).find((e) => e.args.includes('--run'));
  assert.ok(ex !== undefined, 'an example with --run');
  // The line under the command shows its output: `# PASS  <file>  <testcase> (N ms)`.
  const shown = /^\s+#\s+PASS\s+(\S+)\s+(\S+) \(\d+ ms\)$/.exec(ex.next ?? '');
  assert.ok(shown !== null, `the example shows a PASS line, got ${JSON.stringify(ex.next)}`);
  const [, file, name] = shown;
  const [command, ...rest] = ex.args;
  assert.equal(command, 'test');
  // Run from the repository root whatever the current directory, as the example is written.
  const args = rest.map((a) => (a === file ? join(REPO_ROOT, a) : a));
  const io = memoryIO();
  assert.equal(await main(['test', ...args], io), 0, io.err);
  assert.match(io.out, new RegExp(`^PASS  \\S*${file!.replaceAll('.', '\\.')}  ${name} \\(\\d+ ms\\)\\n1 passed, 0 failed\\n$`));
});
