// TaskLoader's watching: which paths it asks the watcher for, and that a change reported on
// them reloads. Real temporary files, a fake clock (the debounce timer), a recording watcher.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../support/fake-clock.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import type { FileWatcher } from '../../src/host/watch.js';
import { TaskLoader } from '../../src/task/loader.js';
import type { TaskRuntime } from '../../src/task/loader.js';
import type { TaskDefinition } from '../../src/task/scheduler.js';
import { Duration, RecordValue } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Reads `option task = {name: "x", every: Ns}` by pattern. */
const runtime: TaskRuntime = {
  check: () => [],
  async readOptions(source) {
    const out = new Map<string, Value>();
    const m = /option task = \{name: "([^"]*)", every: (\d+)s\}/.exec(source);
    if (m) out.set('task', RecordValue.of({ name: m[1]!, every: Duration.ofNanos(BigInt(m[2]!) * 1_000_000_000n) }));
    return out;
  },
  run: async () => ({ results: [], stats: { calls: [] } }),
};

/** A watcher that records what it was asked to watch and lets the test report a change. */
function recordingWatcher() {
  let watched: readonly string[] = [];
  let onChange: ((path: string) => void) | undefined;
  const w: FileWatcher = {
    watch(paths, cb) {
      watched = [...paths];
      onChange = cb;
      return { close: () => (onChange = undefined) };
    },
  };
  return { w, watched: () => watched, change: (p: string) => onChange?.(p) };
}

test('a task file named as a path is watched through its directory, so a save by rename-over is seen without polling', async () => {
  const root = mkdtempSync(join(tmpdir(), 'promflux-loader-'));
  dirs.push(root);
  const dir = join(root, 'tasks');
  mkdirSync(dir);
  const file = join(dir, 'w.flux');
  writeFileSync(file, 'option task = {name: "w", every: 10s}\n');
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const watcher = recordingWatcher();
  const defs: TaskDefinition[] = [];
  const loader = new TaskLoader({
    fs: nodeFileSystem,
    runtime,
    clock,
    paths: [file],
    watcher: watcher.w,
    pollMs: 0,
    sink: { upsert: (d) => defs.push(d), remove: () => {}, invalid: () => {} },
  });
  await loader.scan();
  loader.start();
  try {
    assert.ok(watcher.watched().includes(dir), `watched: ${watcher.watched().join(', ')}`);
    // an editor's save: a new file renamed over the old one; the directory reports it
    for (const every of [20, 30]) {
      writeFileSync(join(dir, '.w.flux.tmp'), `option task = {name: "w", every: ${every}s}\n`);
      renameSync(join(dir, '.w.flux.tmp'), file);
      watcher.change(dir);
      await clock.advance(100);
      // the debounced scan has started: wait for it (a scan asked for meanwhile joins it)
      await loader.scan();
      assert.equal(defs.at(-1)!.options.everyNs, BigInt(every) * 1_000_000_000n);
    }
  } finally {
    loader.stop();
  }
});
