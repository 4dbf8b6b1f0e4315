// The REPL without a terminal: statements from a pipe, results on stdout, diagnostics on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/env.js';

function repl(input: string, args: string[] = []) {
  const data = mkdtempSync(join(tmpdir(), 'promflux-repl-pipe-'));
  try {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'promflux.js'), 'repl', ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, PROMFLUX_DATA: data, NO_COLOR: '1' },
      timeout: 30000,
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

test('statements run as they complete; state carries across inputs', () => {
  const r = repl('a = 20\nb = a +\n  22\nb\n');
  assert.equal(r.stdout.trim(), '42');
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('an error is reported with a caret and later input still runs; exit code 1', () => {
  const r = repl('1 +* 2\n"still here"\n');
  assert.match(r.stderr, /\^/);
  assert.match(r.stdout, /"still here"/);
  assert.equal(r.status, 1);
});

test('an error inside a stdlib function quotes the call typed in the session, not a line of the session taken for the stdlib file', () => {
  const r = repl('import "date"\ndate.scale(d: 1h, n: 1.5)\n');
  assert.match(r.stderr, /^stdlib\/date:\d+:\d+: cannot apply \*[^\n]*\n<repl:2>:1:1: called here\n 1 \| date\.scale\(d: 1h, n: 1\.5\)\n/);
  assert.equal(r.status, 1);
});

test(':format alone names the current format; :wide takes on and off', () => {
  const r = repl(':format\n:format json\n:format\n:wide on\n:wide on\n:wide off\n:wide\n:wide maybe\n');
  assert.equal(
    r.stdout,
    'format: table\nformat: json\nformat: json\nlong cells shown whole\nlong cells shown whole\nlong cells truncated to the terminal width\nlong cells shown whole\n',
  );
  assert.match(r.stderr, /:wide takes on or off \(got "maybe"\)/);
});

test('tables print in the table format; :format csv switches to annotated CSV', () => {
  const src = 'import "array"\narray.from(rows: [{host: "a", v: 1.5}])\n:format csv\narray.from(rows: [{host: "a", v: 1.5}])\n';
  const r = repl(src);
  assert.match(r.stdout, /Table: keys: \[\]/);
  assert.match(r.stdout, /host:string/);
  assert.match(r.stdout, /#datatype,string,long,string,double\r\n/);
  assert.equal(r.status, 0);
});

test(':help NAME prints the signature and doc comment of a builtin', () => {
  const r = repl('import "strings"\n:help strings.toUpper\n:help nosuch.thing\n');
  assert.match(r.stdout, /strings\.toUpper : \(v: string\) => string/);
  assert.match(r.stderr, /no builtin named nosuch\.thing/);
});

test(':load runs a file in the session; :reset forgets it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-load-'));
  const file = join(dir, 'defs.flux');
  writeFileSync(file, 'double = (x) => x * 2\n');
  try {
    const r = repl(`:load ${file}\ndouble(x: 21)\n:reset\ndouble(x: 1)\n`);
    assert.match(r.stdout, /^42$/m);
    assert.match(r.stdout, /session reset/);
    assert.match(r.stderr, /double/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('input that ends inside a statement is reported', () => {
  const r = repl('x = (1 +\n');
  assert.match(r.stderr, /incomplete/);
  assert.equal(r.status, 1);
});

test(':load of a missing file or a directory says why in a few words, and the session goes on', () => {
  const r = repl(`:load ${join(tmpdir(), 'promflux-no-such-file.flux')}\n:load ${tmpdir()}\n1 + 1\n`);
  assert.match(r.stderr, /^:load: cannot read .*promflux-no-such-file\.flux: no such file$/m);
  assert.match(r.stderr, /^:load: cannot read .*: it is a directory$/m);
  assert.doesNotMatch(r.stderr, /ENOENT|EISDIR/);
  assert.equal(r.stdout.trim(), '2');
});

test('a credential typed in the session is masked in the quoted line of an error', () => {
  const r = repl('{token: "tok-S3CRET"}.token + 1\n');
  assert.doesNotMatch(r.stderr, /S3CRET/);
  assert.match(r.stderr, /token: "\*{10}"/);
  assert.equal(r.status, 1);
});

test('warnings of the session (a fleet target that failed) are printed on stderr, not swallowed', () => {
  const r = repl('import "experimental/prometheus"\nprometheus.scrapeTargets(targets: ["127.0.0.1:1"], job: "dead") |> filter(fn: (r) => r._field == "up") |> keep(columns: ["_value"])\n');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /_value:float/);
  assert.match(r.stderr, /WARN .*prometheus\.scrapeTargets: .*127\.0\.0\.1:1.* id=scrape\.connectionRefused/);
});

test('input that ends inside a statement reports its syntax error with line, column and caret; exit 1', () => {
  const r = repl('x = 1\ny = (x +\n  2\n');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^<repl:\d+>:2:4: unexpected end of input/m);
  assert.match(r.stderr, /^ 2 \|   2$/m);
  assert.match(r.stderr, /^ {3}\| {4}\^$/m);
});
