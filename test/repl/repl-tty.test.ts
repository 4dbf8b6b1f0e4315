// The REPL in a real terminal (tmux), as a person uses it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, requireExternal } from '../support/env.js';
import { startTerminal, type Terminal } from '../support/tmux.js';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();
const skip = requireExternal('tmux', hasTmux);

let dataDir: string;
let slowServer: Server;
let slowUrl: string;
const pending: import('node:http').ServerResponse[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'promflux-repl-'));
  // A scrape target that never answers: only Ctrl-C ends a scrape of it.
  slowServer = createServer((_req, res) => {
    pending.push(res);
  });
  await new Promise<void>((r) => slowServer.listen(0, '127.0.0.1', r));
  slowUrl = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/metrics`;
});

after(async () => {
  for (const res of pending) res.destroy();
  slowServer.closeAllConnections();
  await new Promise<void>((r) => slowServer.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

function repl(): Terminal {
  return startTerminal(`node ${join(REPO_ROOT, 'bin', 'promflux.js')} repl`, { env: { PROMFLUX_DATA: dataDir, NO_COLOR: '1' }, cwd: REPO_ROOT });
}

async function withRepl(fn: (t: Terminal) => Promise<void>): Promise<void> {
  const t = repl();
  try {
    await t.waitFor('flux>');
    await fn(t);
  } finally {
    t.close();
  }
}

test('multi-line input continues until the expression is complete', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('x = 1 +');
    t.press('Enter');
    await t.waitFor('...');
    t.type('  41');
    t.press('Enter');
    t.type('x * 2');
    t.press('Enter');
    await t.waitFor(/^84$/m);
  });
});

test('an error prints a caret diagnostic and the session stays usable', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('y = 5');
    t.press('Enter');
    t.type('nosuchname + 1');
    t.press('Enter');
    const s = await t.waitFor('^');
    assert.match(s, /nosuchname/);
    t.type('y + 1');
    t.press('Enter');
    await t.waitFor(/^6$/m);
    assert.ok(t.alive());
  });
});

test('Tab completes a package member and a parameter name', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('import "strings"');
    t.press('Enter');
    await t.waitFor(/import "strings"\n(?:.*\n)*flux>/);
    t.type('strings.toUpp');
    t.press('Tab');
    await t.waitFor('strings.toUpper');
    t.type('(');
    t.type('v');
    t.press('Tab');
    await t.waitFor('strings.toUpper(v:');
    t.type('"abc")');
    t.press('Enter');
    await t.waitFor('"ABC"');
  });
});

test('Ctrl-C cancels a slow scrape and keeps the session', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('import "experimental/prometheus"');
    t.press('Enter');
    await t.waitFor(/import "experimental\/prometheus"\n(?:.*\n)*flux>/);
    t.type('z = 7');
    t.press('Enter');
    await t.waitFor(/z = 7\n(?:.*\n)*flux>/);
    const before = pending.length;
    t.type(`prometheus.scrape(url: "${slowUrl}", timeout: 60s)`);
    t.press('Enter');
    // Wait until the request reached the server (bounded: a loaded machine is slow), then cancel.
    const deadline = Date.now() + 30_000;
    while (pending.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pending.length > before, `the scrape reached the slow server; screen was:\n${t.screen()}`);
    t.press('C-c');
    await t.waitFor('canceled');
    t.type('z + 1');
    t.press('Enter');
    await t.waitFor(/^8$/m);
  });
});

test('lines typed while a statement runs run after it, in order', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('import "experimental/prometheus"');
    t.press('Enter');
    // Typed at once: a scrape that takes 1 s to time out, then two statements that need the
    // first of them. Node's REPL hands every line over as it comes; promflux queues them.
    t.type(`prometheus.scrape(url: "${slowUrl}", timeout: 1s)`);
    t.press('Enter');
    t.type('w = 20');
    t.press('Enter');
    t.type('x = 1 +');
    t.press('Enter');
    t.type('  w');
    t.press('Enter');
    t.type('x * 2');
    t.press('Enter');
    // Each result on a line of its own (not after the prompt that finishing the line before
    // it showed).
    const screen = await t.waitFor(/^42$/m, 20_000);
    const timedOut = screen.indexOf('timeout of 1s passed');
    assert.ok(timedOut >= 0, screen);
    assert.ok(timedOut < screen.search(/^42$/m), `the scrape's error comes first:\n${screen}`);
    assert.doesNotMatch(screen, /flux> 42/, screen);
  });
});

test('Ctrl-C on a continuation line drops the incomplete statement', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('v = 1 +');
    t.press('Enter');
    await t.waitFor('...');
    t.type('2 +');
    t.press('C-c');
    // The typed text stays on its line; a fresh prompt follows.
    await t.waitFor(/^\.\.\. 2 \+\nflux>/m);
    t.type('v = 5');
    t.press('Enter');
    t.type('v * 3');
    t.press('Enter');
    await t.waitFor(/^(?:flux> )?15$/m);
    assert.ok(t.alive());
  });
});

test('history is kept across sessions', { skip }, async () => {
  await withRepl(async (t) => {
    t.type('historyMarker = 1234');
    t.press('Enter');
    await t.waitFor(/historyMarker = 1234\n(?:.*\n)*flux>/);
    t.press('C-d');
    await t.waitFor('[exited 0]');
  });
  await withRepl(async (t) => {
    t.press('Up');
    await t.waitFor('flux> historyMarker = 1234');
  });
});

test('a data directory that cannot be created disables the history, not the session', { skip }, async () => {
  const { writeFileSync } = await import('node:fs');
  const file = join(dataDir, 'not-a-dir');
  writeFileSync(file, 'x');
  const t = startTerminal(`node ${join(REPO_ROOT, 'bin', 'promflux.js')} repl`, { env: { PROMFLUX_DATA: join(file, 'data'), NO_COLOR: '1' }, cwd: REPO_ROOT });
  try {
    const s = await t.waitFor('flux>');
    assert.match(s, /history disabled: cannot create the data directory .*not-a-dir\/data/);
    assert.doesNotMatch(s, /internal error/);
    t.type('20 + 22');
    t.press('Enter');
    await t.waitFor(/^42$/m);
  } finally {
    t.close();
  }
});
