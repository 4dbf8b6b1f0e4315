// `promflux run` through main() with an in-memory IO: results, diagnostics with carets,
// exit codes, and never a JavaScript stack trace.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'promflux-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PROMFLUX_DATA: join(dir, 'data') };

async function run(args: string[], stdin = '') {
  const io = memoryIO(stdin, env);
  const code = await main(['run', ...args], io);
  return { code, out: io.out, err: io.err };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const noStack = (s: string) => assert.doesNotMatch(s, /\n\s+at .*\.(ts|js):\d+/, 'no JavaScript stack trace');

test('run prints scalar results', async () => {
  const r = await run([file('ok.flux', 'import "strings"\nstrings.toUpper(v: "hi")\nx = 40\nx + 2\n')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /"HI"/);
  assert.match(r.out, /42/);
  assert.equal(r.err, '');
});

test('run - reads standard input; --now pins now()', async () => {
  const r = await run(['--now', '2031-02-03T04:05:06Z', '-'], 'now()\n');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /2031-02-03T04:05:06Z/);
});

test('an unknown identifier: caret diagnostic, exit 2', async () => {
  const r = await run(['-'], 'x = 1\ny = nope + x\n');
  assert.equal(r.code, 2);
  assert.equal(r.err, '<stdin>:2:5: undefined identifier nope\n 2 | y = nope + x\n   |     ^^^^\n');
  assert.equal(r.out, '');
});

test('a syntax error: caret diagnostic, exit 2', async () => {
  const r = await run(['-'], 'x = (1 +\n');
  assert.equal(r.code, 2);
  assert.match(r.err, /^<stdin>:\d+:\d+: /);
  assert.match(r.err, /\^/);
  noStack(r.err);
});

test('a type error at run time: caret diagnostic, exit 1', async () => {
  // a's type is known only when the array is indexed.
  const p = file('type.flux', 'a = [1][0]\nb = a + 2.0\n');
  const r = await run([p]);
  assert.equal(r.code, 1);
  assert.match(r.err, /type\.flux:2:5: cannot apply \+ to int and float/);
  assert.match(r.err, /\n 2 \| b = a \+ 2\.0\n   \|     \^{7}\n/);
  noStack(r.err);
});

test('a type error the checker sees (operand types known before running): caret diagnostic, exit 2', async () => {
  const p = file('type2.flux', 'a = 1\nb = a + 2.0\n');
  const r = await run([p]);
  assert.equal(r.code, 2);
  assert.match(r.err, /type2\.flux:2:5: cannot apply \+ to int and float/);
  assert.match(r.err, /\n 2 \| b = a \+ 2\.0\n   \|     \^{7}\n/);
  noStack(r.err);
});

test('a failing builtin names the function and call site, exit 1', async () => {
  const r = await run(['-'], 'import "strings"\n\n\nx = strings.substring(v: "abc", start: 0, end: 10)\n');
  assert.equal(r.code, 1);
  assert.match(r.err, /^<stdin>:4:5: error calling function "strings\.substring" @4:5-4:51: /);
  assert.match(r.err, /\^+/);
  noStack(r.err);
});

test('die() stops the run with its message, exit 1', async () => {
  const r = await run(['-'], 'f = () => die(msg: "giving up")\nx = f()\n');
  assert.equal(r.code, 1);
  assert.match(r.err, /giving up/);
  assert.match(r.err, /at function "f"/);
  noStack(r.err);
});

test('runaway recursion: a clear error, exit 1', async () => {
  const r = await run(['-'], 'f = (n) => f(n: n + 1)\nx = f(n: 0)\n');
  assert.equal(r.code, 1);
  assert.match(r.err, /nested deeper than|nested too deeply/);
  noStack(r.err);
});

test('a directory given as the script: one line saying so, exit 2', async () => {
  const r = await run([dir]);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, `promflux run: cannot read ${dir}: it is a directory\n`);
});

test('usage errors: missing file, bad --now, bad --format', async () => {
  const missing = await run([join(dir, 'does-not-exist.flux')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*no such file/);
  const badNow = await run(['--now', 'yesterday', '-'], '1');
  assert.equal(badNow.code, 2);
  assert.match(badNow.err, /--now must be an RFC3339 time/);
  const badFormat = await run(['--format', 'xml', '-'], '1');
  assert.equal(badFormat.code, 2);
});

test('--format json prints scalars as JSON', async () => {
  const r = await run(['--format', 'json', '-'], '1 + 1\n');
  assert.equal(r.code, 0, r.err);
  assert.doesNotThrow(() => JSON.parse(r.out));
});

test('run --help has an example', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /Examples:/);
});

test('credentials in the script are masked in the quoted source line; the caret stays aligned', async () => {
  // a closed port: the scrape fails at once, and its diagnostic quotes the line
  const src = 'import "experimental/prometheus"\n\nprometheus.scrape(url: "http://u:pw-S3CRET@127.0.0.1:1/metrics", bearerToken: "tok-S3CRET")\n';
  const r = await run([file('secret.flux', src)]);
  assert.equal(r.code, 1, r.err);
  assert.doesNotMatch(r.err, /S3CRET/);
  noStack(r.err);
  const lines = r.err.split('\n');
  const quoted = lines.findIndex((l) => l.startsWith(' 3 | '));
  assert.ok(quoted >= 0, r.err);
  assert.equal(lines[quoted], ' 3 | prometheus.scrape(url: "http://u:*********@127.0.0.1:1/metrics", bearerToken: "**********")');
  // the caret line underlines the whole call: as long as the (unchanged-length) line
  assert.equal(lines[quoted + 1]!.replace(/^ *\| /, '').trimEnd().length, src.split('\n')[2]!.length);
});

test('an error inside a Flux-written stdlib function also points at the call in the script', async () => {
  const r = await run([file('scale.flux', 'import "date"\n\nx = date.scale(d: 1h, n: 1.5)\nx\n')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^stdlib\/date:\d+:\d+: cannot apply \*/m);
  assert.match(r.err, /scale\.flux:3:5: called here\n 3 \| x = date\.scale\(d: 1h, n: 1\.5\)\n {3}\| {5}\^{25}/);
  assert.match(r.err, /^ {4}at function "scale" @3:5-3:30$/m);
  noStack(r.err);
});

test('an error raised while a stream is read (toInt in the stdlib) points at the call in the script', async () => {
  // toInt's map runs its row function when the stream is read, after the call of toInt has
  // returned; the error still names that call (it used to point only into the stdlib).
  const p = file('toint.flux', 'import "array"\n\narray.from(rows: [{_value: "a"}, {_value: "b"}])\n  |> toInt()\n  |> yield(name: "x")\n');
  const r = await run([p]);
  assert.equal(r.code, 1);
  const lines = r.err.split('\n');
  // Where in the stdlib it failed, then the call in the script with a caret under it, then the frames.
  assert.match(lines[0]!, /^stdlib\/universe:\d+:\d+: error calling function "map" @[-:\d]+: error calling function "int" @[-:\d]+: cannot parse "a" as int$/);
  assert.deepEqual(lines.slice(1, 4), [`${p}:4:6: called here`, ' 4 |   |> toInt()', '   |      ^^^^^^^']);
  assert.match(lines[4]!, /^ {4}at function "int" @/);
  assert.match(lines[5]!, /^ {4}at function "map" @/);
  assert.equal(lines[6], '    at function "toInt" @4:6-4:13');
  noStack(r.err);
  // The result failed before its first table: no `Result: x` header is left behind.
  assert.equal(r.out, '');
});

test('a result whose stream fails before its first table prints no header; one that fails later keeps its tables', async () => {
  const src = [
    'import "array"',
    'array.from(rows: [{v: 1}]) |> yield(name: "ok")',
    'array.from(rows: [{n: 1, t: "a"}, {n: 0, t: "b"}]) |> group(columns: ["t"]) |> map(fn: (r) => ({r with v: 10 / r.n})) |> yield(name: "half")',
    'array.from(rows: [{n: 0}]) |> map(fn: (r) => ({r with v: 10 / r.n})) |> yield(name: "none")',
    '',
  ].join('\n');
  const half = await run([file('half.flux', src)]);
  assert.equal(half.code, 1);
  assert.match(half.out, /^Result: ok\n/);
  assert.match(half.out, /\n\nResult: half\nTable: keys: \[t\]\n[^]* a +1 +10\n$/, 'the table read before the failure stays');
  assert.match(half.err, /half\.flux:3:\d+: error calling function "map" @3:\d+-3:\d+: cannot divide by zero/);
  // Without the "half" result, the failing one fails at once: nothing of it, not even the blank line before it.
  const none = await run([file('none.flux', src.replace(/^.*"half".*\n/m, ''))]);
  assert.equal(none.code, 1);
  assert.equal(none.out, 'Result: ok\nTable: keys: []\nv:int\n-----\n    1\n');
  assert.match(none.err, /none\.flux:3:\d+: error calling function "map" @3:\d+-3:\d+: cannot divide by zero/);
  for (const [name, code] of [['half', 1], ['none', 1]] as const) {
    const text = name === 'half' ? src : src.replace(/^.*"half".*\n/m, '');
    // JSON stays one document: the failing result carries its tables so far and the error.
    const json = await run(['--format', 'json', file(`${name}-json.flux`, text)]);
    assert.equal(json.code, code);
    const doc = JSON.parse(json.out) as { result: string; tables: unknown[]; error?: { id: string } }[];
    assert.deepEqual(
      doc.map((d) => [d.result, d.tables.length, d.error?.id]),
      [['ok', 1, undefined], [name, name === 'half' ? 1 : 0, 'arith.divisionByZero']],
    );
    // CSV: the tables read, then Flux's error table (annotations, header, one row).
    const csv = await run(['--format', 'csv', file(`${name}-csv.flux`, text)]);
    assert.equal(csv.code, code);
    assert.match(csv.out, /#default,ok,,\r\n,result,table,v\r\n,,0,1\r\n/);
    assert.equal((csv.out.match(/^#default,half,/gm) ?? []).length, name === 'half' ? 1 : 0);
    assert.match(csv.out, /\r\n#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n,"error calling function ""map"" @3:\d+-3:\d+: cannot divide by zero",\r\n$/);
  }
});
