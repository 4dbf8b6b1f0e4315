// Task state persistence (src/task/state.ts): a flush rewrites each dirty task's file
// atomically and fsyncs the state directory once for all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileSystem, type FileSystem } from '../../src/host/fs.js';
import { TaskStateStore, stateDir } from '../../src/task/state.js';
import { FakeClock } from '../support/fake-clock.js';

test('a flush writes every dirty task and syncs the directory once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'promflux-state-'));
  try {
    const calls: string[] = [];
    const fs: FileSystem = {
      ...nodeFileSystem,
      writeFileDurable: (path, data, options) => {
        calls.push(`write ${path.split('/').pop()} defer=${options?.deferDirSync === true}`);
        return nodeFileSystem.writeFileDurable(path, data, options);
      },
      syncDir: (path) => {
        calls.push(`syncDir ${path === stateDir(dataDir)}`);
        return nodeFileSystem.syncDir(path);
      },
    };
    const store = new TaskStateStore({ fs, dataDir, clock: new FakeClock('2026-01-01T00:00:00Z'), flushMs: 60_000 });
    for (const name of ['a', 'b', 'c']) store.markScheduled(name, 10_000_000_000n);
    await store.flush();
    assert.deepEqual(calls.sort(), ['syncDir true', 'write a.json defer=true', 'write b.json defer=true', 'write c.json defer=true']);
    assert.deepEqual(readdirSync(stateDir(dataDir)).sort(), ['a.json', 'b.json', 'c.json']);
    assert.equal(JSON.parse(readFileSync(join(stateDir(dataDir), 'b.json'), 'utf8')).lastScheduled, '10000000000');
    // Nothing dirty: no writes, no directory sync.
    calls.length = 0;
    await store.flush();
    assert.deepEqual(calls, []);
    await store.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
