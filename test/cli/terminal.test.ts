// Colour and progress depend on the terminal: `bin/promflux.js` runs under a real
// pseudo-terminal (util-linux `script`) and through pipes. On a terminal diagnostics and tables
// are coloured unless NO_COLOR is set, and a slow scrape draws a progress line on stderr; piped,
// the output has no escape sequences and no progress at all.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, requireExternal } from '../support/env.js';
import { startHttpTarget } from '../support/http-target.js';
import type { HttpTarget } from '../support/http-target.js';

const BIN = join(REPO_ROOT, 'bin', 'promflux.js');
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = requireExternal('util-linux script (a pseudo-terminal for CLI tests)', hasScript);

const dir = mkdtempSync(join(tmpdir(), 'promflux-cli-tty-'));
let target: HttpTarget;
before(async () => {
  writeFileSync(join(dir, 'big.flux'), Array.from({ length: 3000 }, (_, i) => `x${i} = ${i}\n`).join(''));
  writeFileSync(join(dir, 'fail.flux'), 'import "strings"\n\nx = strings.substring(v: "abc", start: 0, end: 10)\n');
  target = await startHttpTarget({ '/slow': { body: 'up 1\n', delayMs: 1500 } });
});
after(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Run promflux with its stdio on a pseudo-terminal (tty) or on pipes; never blocks the event loop. */
function promflux(args: string[], opts: { tty: boolean; env?: Record<string, string>; stderrTo?: string }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PROMFLUX_DATA: join(dir, 'data'), ...opts.env };
  if (!opts.env?.NO_COLOR) delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const [cmd, argv] = opts.tty
    ? ['script', ['-qec', [process.execPath, BIN, ...args].map(quote).join(' ') + (opts.stderrTo ? ` 2>${quote(opts.stderrTo)}` : ''), '/dev/null']]
    : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, argv as string[], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end();
  });
}

const ESC = /\u001b\[/;

// Each case is its own process: run them side by side.
describe('promflux on a terminal and on pipes', { concurrency: true }, () => {
  test('diagnostics are coloured on a terminal', { skip }, async () => {
    const r = await promflux(['run', join(dir, 'fail.flux')], { tty: true });
    assert.match(r.out, /\u001b\[31m/, r.out);
    assert.match(r.out, /error calling function "strings\.substring"/);
  });

  test('NO_COLOR turns colour off on a terminal', { skip }, async () => {
    const r = await promflux(['run', join(dir, 'fail.flux')], { tty: true, env: { NO_COLOR: '1' } });
    assert.match(r.out, /error calling function "strings\.substring"/);
    assert.doesNotMatch(r.out, ESC);
  });

  test('diagnostics redirected to a file are not coloured, while the terminal output is', { skip }, async () => {
    const file = join(dir, 'stderr.txt');
    writeFileSync(join(dir, 'half.flux'), 'import "array"\narray.from(rows: [{a: 1}])\nx = die(msg: "half way")\n');
    const r = await promflux(['run', join(dir, 'half.flux')], { tty: true, stderrTo: file });
    const err = readFileSync(file, 'utf8');
    assert.match(err, /half way/);
    assert.doesNotMatch(err, ESC);
    assert.doesNotMatch(r.out, /half way/);
  });

  test('no colour when output is piped', async () => {
    const r = await promflux(['run', join(dir, 'fail.flux')], { tty: false });
    assert.equal(r.code, 1);
    assert.match(r.err, /error calling function "strings\.substring"/);
    assert.doesNotMatch(r.out + r.err, ESC);
  });

  test('a slow scrape shows progress on a terminal, and erases it before printing', { skip }, async () => {
    const r = await promflux(['scrape', '--format', 'csv', `${target.url}/slow`], { tty: true });
    assert.match(r.out, /scraping http:\/\/127\.0\.0\.1:\d+\/slow \(\d+\.\ds\)/, 'a progress line with the elapsed time');
    assert.match(r.out, /\r\u001b\[2K[^\r]*#datatype/, 'the line is erased before the results');
  });

  test('a slow scrape shows no progress when piped', async () => {
    const r = await promflux(['scrape', '--format', 'csv', `${target.url}/slow`], { tty: false });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.match(r.out, /^#datatype/);
    assert.doesNotMatch(r.out, /scraping/);
  });

  test('a reader that goes away early (| head) ends the output quietly, without a stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'parse', '--json', join(dir, 'big.flux')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(err, '');
    assert.equal(code, 0);
  });
});
