// CLI snapshots: for every subcommand, good and bad input through `main(argv, memoryIO)`
// (in-process, fast) or, where a real process matters (the REPL reading a pipe, serve and its
// signals), `node bin/promflux.js` (built by `npm run build`, which `npm test` runs first).
// Each case's command line, exit code, stdout and stderr are compared with
// test/cli/snapshots/<case>.txt (`npm run golden` rewrites them).
//
// Outputs are made deterministic: `--now` is pinned, data lives in a temp directory passed
// with `--data` and printed as <DIR>, the local scrape target's port is printed as <PORT>,
// and timings, scrape timestamps and the node version are replaced by placeholders.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';
import { REPO_ROOT } from '../support/env.js';
import { assertGolden } from '../support/golden.js';
import { startHttpTarget } from '../support/http-target.js';
import type { HttpTarget } from '../support/http-target.js';

const SNAPSHOTS = join(REPO_ROOT, 'test', 'cli', 'snapshots');
const BIN = join(REPO_ROOT, 'bin', 'promflux.js');
const NOW = '2030-01-01T00:01:00Z';

const dir = mkdtempSync(join(tmpdir(), 'promflux-cli-'));
let target: HttpTarget;

const FILES: Record<string, string> = {
  'ok.flux': `import "array"

array.from(rows: [
    {_time: 2030-01-01T00:00:00Z, _field: "up", host: "a", _value: 1.0},
    {_time: 2030-01-01T00:00:10Z, _field: "up", host: "a", _value: 0.0},
    {_time: 2030-01-01T00:00:00Z, _field: "up", host: "b", _value: 1.0},
])
    |> group(columns: ["host"])
    |> yield(name: "up")

now()
`,
  'syntax.flux': 'x = 1\ny = x +\n',
  'check.flux': 'x = 1\ny = nope + x\n',
  'fail.flux': 'import "strings"\n\nx = strings.substring(v: "abc", start: 0, end: 10)\n',
  'tiny.flux': 'x = 1\n',
  // a fleet scrape of a closed port: up = 0, and a warning in the log
  'fleet.flux': `import "experimental/prometheus"

prometheus.scrapeTargets(targets: ["127.0.0.1:1"], job: "dead")
    |> filter(fn: (r) => r._field == "up")
    |> keep(columns: ["instance", "_field", "_value"])
`,
  'tests/pass_test.flux': `package pass_test


import "array"
import "testing"

rows = [{_time: 2030-01-01T00:00:00Z, _value: 1.0}]

testcase same_rows {
    testing.diff(got: array.from(rows: rows), want: array.from(rows: rows))
}
`,
  'tests/fail_test.flux': `package fail_test


import "array"
import "testing"

testcase one_off {
    testing.diff(
        got: array.from(rows: [{_time: 2030-01-01T00:00:00Z, _value: 1.0}]),
        want: array.from(rows: [{_time: 2030-01-01T00:00:00Z, _value: 2.0}]),
    )
}
`,
  'tasks/README.md': 'no tasks here yet\n',
  'live-tasks/demo.flux': `import "array"

option task = {name: "demo", every: 1h}

array.from(rows: [{_time: 2030-01-01T00:00:00Z, _field: "up", _value: 1.0}])
    |> yield(name: "demo")
`,
};

const EXPOSITION = `# HELP up Whether the target is up.
# TYPE up gauge
up 1
# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{code="200",method="get"} 1027
http_requests_total{code="500",method="get"} 3
`;

before(async () => {
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  target = await startHttpTarget({
    '/metrics': { body: EXPOSITION },
    '/missing': { status: 404, body: 'not here\n' },
  });
});

after(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `{DIR}` is the temp directory, `{URL}` the local scrape target, `{DEAD}` a closed port. */
function expand(arg: string): string {
  return arg.replaceAll('{DIR}', dir).replaceAll('{URL}', target.url).replaceAll('{DEAD}', 'http://127.0.0.1:1');
}

/** Replace everything that changes between runs with placeholders. */
function scrub(text: string): string {
  return text
    .replaceAll(dir, '<DIR>')
    .replace(/127\.0\.0\.1:\d{2,5}/g, '127.0.0.1:<PORT>')
    .replace(/\(node \d+\.\d+\.\d+\)/g, '(node <VERSION>)')
    .replace(/\(\d+(\.\d+)? ?ms\)/g, '(<MS> ms)')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (t) => (t.startsWith('2030-') ? t : '<TIME>'));
}

interface Outcome {
  code: number;
  out: string;
  err: string;
}

async function inProcess(args: string[], stdin = ''): Promise<Outcome> {
  // PROMFLUX_DATA points into the temp dir too, so a forgotten --data never touches ~/.local.
  const io = memoryIO(stdin, { PROMFLUX_DATA: join(dir, 'default-data') });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

interface Running {
  /** Resolves once stderr matches. */
  waitFor(re: RegExp): Promise<void>;
  /** Send SIGTERM (once). */
  stop(): void;
  readonly done: Promise<Outcome>;
}

/** Start bin/promflux.js with its stdio on pipes; killed after 20 s at the latest. */
function startProcess(args: string[], stdin = ''): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, PROMFLUX_DATA: join(dir, 'default-data') };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let signalled = false;
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) {
      if (w.re.test(err)) w.resolve();
      else waiters.push(w);
    }
  });
  const done = new Promise<Outcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 128), out, err });
    });
  });
  child.stdin.end(stdin);
  return {
    waitFor: (re) =>
      re.test(err)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ re, resolve })),
            done.then((r) => Promise.reject(new Error(`promflux exited (${r.code}) before printing ${re}: ${r.err}`))),
          ]),
    stop() {
      if (!signalled) child.kill('SIGTERM');
      signalled = true;
    },
    done,
  };
}

/** Run bin/promflux.js to its end; with `until`, SIGTERM once stderr matches it. */
async function spawned(args: string[], opts: { stdin?: string; until?: RegExp } = {}): Promise<Outcome> {
  const p = startProcess(args, opts.stdin);
  if (opts.until) {
    await p.waitFor(opts.until);
    p.stop();
  }
  return p.done;
}

function snapshot(shown: string[], r: Outcome, stdin?: string): string {
  let s = `$ promflux ${shown.join(' ')}\n`;
  if (stdin !== undefined) s += `--- stdin\n${stdin}`;
  s += `--- exit ${r.code}\n--- stdout\n${scrub(r.out)}--- stderr\n${scrub(r.err)}`;
  return s;
}

interface Case {
  /** Snapshot file name (without .txt); also the test name. */
  name: string;
  args: string[];
  stdin?: string;
  /** Run as a real process (bin/promflux.js). */
  spawn?: boolean;
  until?: RegExp;
  /** The exit code this case must end with (asserted besides the snapshot). */
  exit: number;
}

const D = '--data';
const cases: Case[] = [
  // usage errors commander reports: all exit 2
  { name: 'usage-unknown-command', args: ['nope'], exit: 2 },
  { name: 'usage-unknown-option', args: ['run', '--bogus', '{DIR}/ok.flux'], exit: 2 },
  { name: 'usage-missing-argument', args: ['run'], exit: 2 },
  { name: 'usage-missing-subcommand', args: ['task'], exit: 2 },
  { name: 'usage-help-unknown-command', args: ['help', 'nope'], exit: 2 },

  // version
  { name: 'version', args: ['version'], exit: 0 },
  { name: 'version-flag', args: ['-V'], exit: 0 },
  { name: 'version-extra-argument', args: ['version', 'extra'], exit: 2 },

  // run
  { name: 'run-table', args: ['run', '--now', NOW, D, '{DIR}/data', '{DIR}/ok.flux'], exit: 0 },
  { name: 'run-csv', args: ['run', '--now', NOW, '--format', 'csv', D, '{DIR}/data', '{DIR}/ok.flux'], exit: 0 },
  { name: 'run-json', args: ['run', '--now', NOW, '--format', 'json', D, '{DIR}/data', '{DIR}/ok.flux'], exit: 0 },
  { name: 'run-stdin', args: ['run', '--now', NOW, D, '{DIR}/data', '-'], stdin: 'import "strings"\nstrings.toUpper(v: "up")\nnow()\n', exit: 0 },
  { name: 'run-syntax-error', args: ['run', D, '{DIR}/data', '{DIR}/syntax.flux'], exit: 2 },
  { name: 'run-check-error', args: ['run', D, '{DIR}/data', '{DIR}/check.flux'], exit: 2 },
  { name: 'run-runtime-error', args: ['run', D, '{DIR}/data', '{DIR}/fail.flux'], exit: 1 },
  { name: 'run-bad-now', args: ['run', '--now', 'yesterday', D, '{DIR}/data', '{DIR}/ok.flux'], exit: 2 },
  { name: 'run-bad-format', args: ['run', '--format', 'xml', '{DIR}/ok.flux'], exit: 2 },
  { name: 'run-warning-logged', args: ['run', D, '{DIR}/data', '{DIR}/fleet.flux'], exit: 0 },
  { name: 'run-warning-logged-json', args: ['run', '--log-format', 'json', D, '{DIR}/data', '{DIR}/fleet.flux'], exit: 0 },
  { name: 'run-bad-log-format', args: ['run', '--log-format', 'xml', '{DIR}/ok.flux'], exit: 2 },
  { name: 'run-missing-file', args: ['run', D, '{DIR}/data', '{DIR}/missing.flux'], exit: 2 },

  // repl without a terminal reads statements from its stdin: a real process
  { name: 'repl-pipe', args: ['repl', D, '{DIR}/data'], stdin: 'x = 20\nx +\n    22\nimport "strings"\nstrings.toUpper(v: "ok")\n', spawn: true, exit: 0 },
  // the REPL's pipe mode exits 1 when any input failed (src/repl/pipe.ts), syntax errors included
  { name: 'repl-pipe-error', args: ['repl', D, '{DIR}/data'], stdin: 'y = nope + 1\n1 + 1\n', spawn: true, exit: 1 },

  // parse
  { name: 'parse-ok', args: ['parse', '{DIR}/ok.flux'], exit: 0 },
  { name: 'parse-json', args: ['parse', '--json', '{DIR}/tiny.flux'], exit: 0 },
  { name: 'parse-syntax-error', args: ['parse', '{DIR}/syntax.flux'], exit: 2 },
  { name: 'parse-stdin-error', args: ['parse', '-'], stdin: 'f = (x) => x +\n', exit: 2 },
  { name: 'parse-missing-file', args: ['parse', '{DIR}/missing.flux'], exit: 2 },

  // test
  { name: 'test-pass', args: ['test', D, '{DIR}/data', '{DIR}/tests/pass_test.flux'], exit: 0 },
  { name: 'test-fail', args: ['test', D, '{DIR}/data', '{DIR}/tests'], exit: 1 },
  { name: 'test-missing-path', args: ['test', D, '{DIR}/data', '{DIR}/nowhere'], exit: 2 },
  { name: 'test-bad-run-pattern', args: ['test', '--run', '(', '{DIR}/tests'], exit: 2 },

  // bucket (in order: they share {DIR}/store-data)
  { name: 'bucket-list-empty', args: ['bucket', 'list', D, '{DIR}/store-data'], exit: 0 },
  { name: 'bucket-create', args: ['bucket', 'create', 'metrics', '--retention', '7d', D, '{DIR}/store-data'], exit: 0 },
  { name: 'bucket-list', args: ['bucket', 'list', D, '{DIR}/store-data'], exit: 0 },
  { name: 'bucket-list-json', args: ['bucket', 'list', '--json', D, '{DIR}/store-data'], exit: 0 },
  { name: 'bucket-create-bad-retention', args: ['bucket', 'create', 'other', '--retention', 'soon', D, '{DIR}/store-data'], exit: 2 },
  { name: 'bucket-delete', args: ['bucket', 'delete', 'metrics', D, '{DIR}/store-data'], exit: 0 },
  { name: 'bucket-delete-missing', args: ['bucket', 'delete', 'metrics', D, '{DIR}/store-data'], exit: 1 },
  { name: 'bucket-unknown-subcommand', args: ['bucket', 'rename', 'a', 'b'], exit: 2 },

  // task (no serve runs for {DIR}/data)
  { name: 'task-list-empty', args: ['task', 'list', D, '{DIR}/data'], exit: 0 },
  { name: 'task-list-json', args: ['task', 'list', '--json', D, '{DIR}/data'], exit: 0 },
  { name: 'task-show-unknown', args: ['task', 'show', 'node', D, '{DIR}/data'], exit: 1 },
  { name: 'task-run-unknown', args: ['task', 'run', 'node', D, '{DIR}/data'], exit: 1 },
  { name: 'task-run-bad-format', args: ['task', 'run', 'node', '--format', 'xml', D, '{DIR}/data'], exit: 2 },

  // serve: a real process that starts, announces itself, and stops cleanly on SIGTERM
  {
    name: 'serve-start-stop',
    args: ['serve', '{DIR}/tasks', '--listen', '127.0.0.1:0', '--log-format', 'json', D, '{DIR}/serve-data'],
    spawn: true,
    until: /"msg":"serving"/,
    exit: 0,
  },
  { name: 'serve-bad-log-format', args: ['serve', '{DIR}/tasks', '--log-format', 'xml', D, '{DIR}/serve-data'], exit: 2 },
  { name: 'serve-missing-path', args: ['serve', '{DIR}/nowhere', D, '{DIR}/serve-data'], exit: 2 },

  // scrape a local exposition server
  { name: 'scrape-csv', args: ['scrape', '--format', 'csv', '{URL}/metrics'], exit: 0 },
  { name: 'scrape-json', args: ['scrape', '--format', 'json', '{URL}/metrics'], exit: 0 },
  { name: 'scrape-not-found', args: ['scrape', '{URL}/missing'], exit: 1 },
  { name: 'scrape-refused', args: ['scrape', '--timeout', '5s', '{DEAD}/metrics'], exit: 1 },
  { name: 'scrape-invalid-url', args: ['scrape', 'ftp://example.com/metrics'], exit: 2 },
  { name: 'scrape-bad-timeout', args: ['scrape', '--timeout', 'soon', '{URL}/metrics'], exit: 2 },
  // 0s reads as a duration, but a scrape needs time: the message says it must be more than 0
  { name: 'scrape-zero-timeout', args: ['scrape', '--timeout', '0s', '{URL}/metrics'], exit: 2 },
  { name: 'scrape-bad-header', args: ['scrape', '-H', 'no-colon', '{URL}/metrics'], exit: 2 },
];

for (const c of cases) {
  test(`promflux ${c.name}`, async () => {
    const args = c.args.map(expand);
    const r = c.spawn ? await spawned(args, { stdin: c.stdin, until: c.until }) : await inProcess(args, c.stdin);
    assertGolden(join(SNAPSHOTS, `${c.name}.txt`), snapshot(c.args, r, c.stdin));
    assert.equal(r.code, c.exit, `exit code of promflux ${c.args.join(' ')}\nstdout: ${r.out}\nstderr: ${r.err}`);
    assert.doesNotMatch(r.err, /\n\s+at .*\.(ts|js):\d+/, 'no JavaScript stack trace');
    assert.doesNotMatch(r.out + r.err, /\u001b\[/, 'no colour when output is not a terminal');
  });
}

// The task CLI talking to a real `promflux serve` (found through <data>/tasks/serve.json).
test('promflux task against a running promflux serve', async () => {
  const serve = startProcess(['serve', join(dir, 'live-tasks'), '--listen', '127.0.0.1:0', '--log-format', 'json', D, join(dir, 'live-data')]);
  try {
    await serve.waitFor(/"msg":"serving"/);
    const steps: Case[] = [
      { name: 'task-live-list', args: ['task', 'list', D, '{DIR}/live-data'], exit: 0 },
      { name: 'task-live-run', args: ['task', 'run', 'demo', '--format', 'csv', D, '{DIR}/live-data'], exit: 0 },
      { name: 'task-live-disable', args: ['task', 'disable', 'demo', D, '{DIR}/live-data'], exit: 0 },
      { name: 'task-live-show', args: ['task', 'show', 'demo', D, '{DIR}/live-data'], exit: 0 },
      { name: 'task-live-run-unknown', args: ['task', 'run', 'nope', D, '{DIR}/live-data'], exit: 1 },
    ];
    for (const c of steps) {
      const r = await inProcess(c.args.map(expand));
      // Run durations and start lags vary (`1.2ms`, `0.53s`), and with them the widths of the
      // aligned columns: placeholders, and runs of spaces collapsed to two.
      const vary = (t: string) => t.replace(/\b\d+(\.\d+)?(ms|s)\b/g, '<DURATION>').replace(/ {2,}/g, '  ');
      assertGolden(join(SNAPSHOTS, `${c.name}.txt`), snapshot(c.args, { ...r, out: vary(r.out), err: vary(r.err) }));
      assert.equal(r.code, c.exit, `exit code of promflux ${c.args.join(' ')}\nstdout: ${r.out}\nstderr: ${r.err}`);
    }
  } finally {
    serve.stop();
  }
  const r = await serve.done;
  assert.equal(r.code, 0, r.err);
});
