// `promflux parse` through main() with an in-memory IO: stdout, stderr and exit code.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../../src/cli/io.js';
import { REPO_ROOT } from '../../support/env.js';

const fixture = (...p: string[]): string => join(REPO_ROOT, 'test', 'lang', 'fixtures', ...p);

describe('promflux parse', () => {
  it('is silent and exits 0 when every file parses', async () => {
    const io = memoryIO();
    const code = await main(['parse', fixture('realistic', 'node-cpu-task.flux'), fixture('syntax', 'builtins.flux')], io);
    assert.equal(code, 0);
    assert.equal(io.out, '');
    assert.equal(io.err, '');
  });

  it('accepts every realistic script (tasks, scrapes, aggregateWindow, testcases, builtins)', async () => {
    const dir = fixture('realistic');
    const files = readdirSync(dir).filter((f) => f.endsWith('.flux')).map((f) => join(dir, f));
    assert.ok(files.length >= 7);
    const io = memoryIO();
    assert.equal(await main(['parse', ...files], io), 0);
    assert.equal(io.err, '');
  });

  it('prints every diagnostic with file:line:col, the source line and a caret; exit 2', async () => {
    const io = memoryIO('a = 1 +\n');
    const code = await main(['parse', fixture('errors', 'multiple-errors.flux'), '-'], io);
    assert.equal(code, 2);
    assert.equal(io.out, '');
    const f = fixture('errors', 'multiple-errors.flux');
    assert.equal(
      io.err,
      [
        `${f}:2:3: unexpected "="; expected one of an operator, ")"`,
        ' 2 | b = 2',
        '   |   ^',
        `${f}:3:5: unexpected "]"; expected an expression`,
        ' 3 | c = ]',
        '   |     ^',
        `${f}:5:12: unexpected identifier "y"; expected one of an operator, ",", ")"`,
        ' 5 | e = f(x: 1 y: 2)',
        '   |            ^',
        '<stdin>:1:8: unexpected end of input; expected an expression',
        ' 1 | a = 1 +',
        '   |        ^',
        '',
      ].join('\n'),
    );
  });

  it('reads standard input for -', async () => {
    const io = memoryIO('x = 1\n');
    assert.equal(await main(['parse', '-'], io), 0);
    assert.equal(io.err, '');
  });

  it('--json prints the AST with spans and bigints as strings', async () => {
    const io = memoryIO('x = 9223372036854775807\n');
    assert.equal(await main(['parse', '--json', '-'], io), 0);
    const file = JSON.parse(io.out) as {
      type: string;
      name: string;
      body: { type: string; init: { value: string; span: { start: { line: number; column: number; offset: number } } } }[];
    };
    assert.equal(file.type, 'File');
    assert.equal(file.name, '<stdin>');
    assert.equal(file.body[0]!.type, 'VariableAssignment');
    assert.equal(file.body[0]!.init.value, '9223372036854775807');
    assert.deepEqual(file.body[0]!.init.span.start, { line: 1, column: 5, offset: 4 });
  });

  it('--json with several files prints an array, and still reports errors', async () => {
    const io = memoryIO('x = )');
    assert.equal(await main(['parse', '--json', fixture('syntax', 'literals.flux'), '-'], io), 2);
    const files = JSON.parse(io.out) as { name: string; body: { type: string }[] }[];
    assert.equal(files.length, 2);
    assert.equal(files[1]!.body[0]!.type, 'BadStatement');
    assert.match(io.err, /^<stdin>:1:5: unexpected "\)"/);
  });

  it('a missing file is reported without a stack trace, exit 2', async () => {
    const io = memoryIO();
    assert.equal(await main(['parse', join(REPO_ROOT, 'no-such-file.flux')], io), 2);
    assert.match(io.err, /^promflux parse: cannot read .*no-such-file\.flux: no such file\n$/);
  });

  it('a directory is reported as one, not as a bare EISDIR (exit 2)', async () => {
    const io = memoryIO();
    assert.equal(await main(['parse', join(REPO_ROOT, 'stdlib')], io), 2);
    assert.match(io.err, /^promflux parse: cannot read .*stdlib: it is a directory\n$/);
  });

  it('has --help with an example', async () => {
    const io = memoryIO();
    assert.equal(await main(['parse', '--help'], io), 0);
    assert.match(io.out, /Usage: promflux parse \[options\] <files\.\.\.>/);
    assert.match(io.out, /Examples:/);
  });

  it('requires at least one file (usage error, exit 2)', async () => {
    const io = memoryIO();
    assert.equal(await main(['parse'], io), 2);
    assert.match(io.err, /missing required argument/);
  });
});

describe('promflux parse on extreme input', () => {
  it('a very deeply nested expression parses; --json fails cleanly if it cannot print it', async () => {
    const depth = 6000;
    const io = memoryIO(`x = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`);
    const code = await main(['parse', '--json', '-'], io);
    assert.doesNotMatch(io.err, /at .*\.(js|ts):\d+/, 'no stack trace');
    if (code === 0) assert.ok(io.out.length > depth);
    else {
      assert.equal(code, 1);
      assert.equal(io.err, 'promflux parse: the syntax tree is nested too deeply to print as JSON\n');
    }
  });
});
