// The README as a new user meets it: every ```flux block and every REPL transcript (`flux>`
// lines, with their `...` continuation lines) passes the checks that run before a program
// starts, and the REPL session against the example exporter prints what the README shows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { createRuntime } from '../src/index.js';
import { ReplController } from '../src/repl/controller.js';
import { runPipe } from '../src/repl/pipe.js';
import { REPO_ROOT } from './support/env.js';
import { freePort, startProcess, waitUntil } from './support/servers.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The fenced code blocks of a Markdown text: [info string, body]. */
function fencedBlocks(md: string): { lang: string; body: string }[] {
  return [...md.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

interface Transcript {
  /** The statements typed, one per input line (continuation lines without their `...` prompt). */
  input: string[];
  /** Every other line after the first prompt: what the session printed. */
  output: string[];
}

/**
 * REPL transcripts: runs of lines whose first one starts with `flux> ` (possibly indented, as
 * in an indented code block). A line `...` followed by spaces continues the statement.
 */
function transcripts(md: string): Transcript[] {
  const out: Transcript[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = /^(\s*)flux> /.exec(lines[i]!);
    if (first === null) continue;
    const indent = first[1]!;
    const t: Transcript = { input: [], output: [] };
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '```' || (indent !== '' && !line.startsWith(indent))) break;
      const body = line.slice(indent.length);
      if (body.startsWith('flux> ')) t.input.push(body.slice('flux> '.length));
      else if (/^\.\.\. /.test(body)) t.input.push(body.slice('... '.length));
      else t.output.push(body);
    }
    out.push(t);
  }
  return out;
}

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-readme-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const fluxBlocks = fencedBlocks(README).filter((b) => b.lang === 'flux');
const sessions = transcripts(README);

test('the README has flux blocks and REPL transcripts to check', () => {
  assert.ok(fluxBlocks.length >= 2, `found ${fluxBlocks.length} flux blocks`);
  assert.ok(sessions.length >= 2, `found ${sessions.length} transcripts`);
});

fluxBlocks.forEach((block, i) => {
  test(`README flux block ${i + 1} has no diagnostics`, () => {
    const diags = runtime.check(block.body, `README.md flux block ${i + 1}`);
    assert.deepEqual(diags.map((d) => `${d.id} ${d.message}`), []);
  });
});

sessions.forEach((session, i) => {
  test(`README REPL transcript ${i + 1} has no diagnostics`, () => {
    const diags = runtime.check(session.input.join('\n'), `README.md transcript ${i + 1}`);
    assert.deepEqual(diags.map((d) => `${d.id} ${d.message}`), []);
  });
});

test('the README session against examples/exporter.mjs prints what the README shows', async (t) => {
  const session = sessions.find((s) => s.input.some((l) => l.includes('127.0.0.1:9105')));
  assert.ok(session !== undefined, 'a transcript scrapes the example exporter on port 9105');
  const port = await freePort();
  const exporter = startProcess(process.execPath, [join(REPO_ROOT, 'examples', 'exporter.mjs'), String(port)]);
  t.after(() => exporter.stop());
  await waitUntil(async () => exporter.output().includes('demo exporter:'), 10_000, () => exporter.output());

  const input = session.input.map((l) => l.replaceAll('127.0.0.1:9105', `127.0.0.1:${port}`)).join('\n') + '\n';
  const controller = new ReplController({ runtime, width: () => undefined, readFile: (p) => Promise.resolve(readFileSync(p, 'utf8')) });
  let out = '';
  let err = '';
  const code = await runPipe(controller, Readable.from([input]), {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
  });
  assert.equal(code, 0, err);
  assert.equal(err, '');
  // The exporter's temperatures drift with time (always NN.NNN); every other value of the
  // first scrape is fixed: the latency histogram has all its samples in the +Inf bucket, so
  // its 0.9 quantile is the largest finite bound, 1.
  const mask = (s: string) => s.replace(/\b\d\d\.\d{3}\b/g, 'NN.NNN');
  const shown = session.output.filter((l) => !l.startsWith('$ '));
  assert.equal(mask(out), mask(shown.join('\n') + '\n'));
});
