// `promflux serve` killed with SIGKILL and started again: the runs it reports as missed while
// it was down are the slots after the last run that happened, not after the last state
// flush. The real CLI (src/cli/run.ts through tsx) in child processes, a 1 s task, a temp
// data directory; both processes are always stopped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/env.js';
import { waitUntil } from '../support/servers.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { readAllTaskStates } from '../../src/task/state.js';

const ENTRY = join(REPO_ROOT, 'src', 'cli', 'run.ts');
const S = 1_000_000_000n;

const root = mkdtempSync(join(tmpdir(), 'promflux-serve-kill-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Serve {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<void>;
}

function serve(tasks: string, data: string): Serve {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', tasks, '--data', data, '--listen', '127.0.0.1:0', '--log-format', 'json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stderr!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        lines.push({ msg: 'unparsed', text: p });
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, lines, exited };
}

const ns = (iso: unknown) => BigInt(Date.parse(String(iso))) * 1_000_000n;

test('after kill -9, the restart counts as skipped only the slots after the last run that happened', { timeout: 120_000 }, async () => {
  const tasks = join(root, 'tasks');
  const data = join(root, 'data');
  mkdirSync(tasks);
  writeFileSync(join(tasks, 'tick.flux'), 'import "array"\n\noption task = {name: "tick", every: 1s}\n\narray.from(rows: [{v: 1}]) |> yield(name: "x")\n');

  const first = serve(tasks, data);
  const runs = () => first.lines.filter((l) => l.msg === 'run');
  const dump = (s: Serve) => JSON.stringify(s.lines.slice(-12));
  // Three runs: well inside the 5 s in which the task state is fsynced (the first flush).
  await waitUntil(async () => runs().length >= 3, 60_000, () => `fewer than 3 runs: ${dump(first)}`);
  first.child.kill('SIGKILL');
  await first.exited;
  const ran = runs().map((l) => ns(l.scheduled));
  const last = ran[ran.length - 1]!;
  // Every run logged before the kill is in the task state it left (a run the kill interrupted
  // may be there too, as scheduled).
  const state = (await readAllTaskStates(nodeFileSystem, data)).get('tick');
  assert.ok(state !== undefined, 'no task state after the kill');
  const persisted = state.runs.map((r) => BigInt(r.scheduled));
  for (const slot of ran) assert.ok(persisted.includes(slot), `run ${slot} was logged but is not in the state (${persisted.join(', ')})`);
  const lastKnown = BigInt(state.lastScheduled!);
  assert.ok(lastKnown === last || lastKnown === last + S, `last scheduled ${lastKnown}, last logged run ${last}`);

  const second = serve(tasks, data);
  try {
    await waitUntil(async () => second.lines.some((l) => l.msg === 'task loaded'), 60_000, () => `the restart did not load the task: ${dump(second)}`);
    const loaded = second.lines.find((l) => l.msg === 'task loaded')!;
    const next = ns(loaded.next);
    // The slots between the last one that ran and the restart's first one, no more.
    const missed = Number((next - lastKnown) / S) - 1;
    const skippedLine = second.lines.find((l) => l.msg === 'skipped runs missed while promflux was down');
    if (missed === 0) assert.equal(skippedLine, undefined, dump(second));
    else assert.deepEqual([skippedLine?.task, skippedLine?.skipped], ['tick', missed], dump(second));
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});
