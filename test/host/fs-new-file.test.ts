// FileSystem.createNewFile: a new file written piece by piece (a compaction's output), with the
// guarantees of writeNewFile: never replaces an existing file, durable after commit, and no
// partial file left behind by a failed write (a full disk, here EFBIG from `ulimit -f`) or an
// abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFileSystem } from '../../src/host/fs.js';
import { REPO_ROOT } from '../support/env.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('promflux-newfile-');

const code = (e: unknown) => (e as { code?: string }).code;

test('pieces written and committed make the file; an existing file is never replaced', async () => {
  const dir = tempDir();
  const path = join(dir, 'a.seg');
  const f = await nodeFileSystem.createNewFile(path);
  await f.write(Buffer.from('one,'));
  await f.write(new Uint8Array(0));
  await f.write(Buffer.from('two,'));
  await f.write(Buffer.alloc(100_000, 'x'));
  await f.commit();
  assert.equal(readFileSync(path, 'latin1'), 'one,two,' + 'x'.repeat(100_000));
  // a committed file is closed: no more writes
  await assert.rejects(f.write(Buffer.from('late')), (e: unknown) => code(e) === 'EBADF');
  assert.equal(readFileSync(path).length, 8 + 100_000);
  writeFileSync(join(dir, 'b.seg'), 'theirs');
  await assert.rejects(nodeFileSystem.createNewFile(join(dir, 'b.seg')), (e: unknown) => code(e) === 'EEXIST');
  assert.equal(readFileSync(join(dir, 'b.seg'), 'utf8'), 'theirs');
});

test('abort closes and removes the file, also twice, and later writes reject', async () => {
  const dir = tempDir();
  const f = await nodeFileSystem.createNewFile(join(dir, 'c.seg'));
  await f.write(Buffer.from('partial'));
  await f.abort();
  await f.abort();
  assert.deepEqual(readdirSync(dir), []);
  await assert.rejects(f.write(Buffer.from('more')), (e: unknown) => code(e) === 'EBADF');
  await assert.rejects(f.commit(), (e: unknown) => code(e) === 'EBADF');
  assert.deepEqual(readdirSync(dir), []);
});

test('a write cut short by a full disk rejects and leaves no partial file', () => {
  const dir = tempDir();
  // ulimit -f counts 1024-byte blocks in bash: files may grow to 64 KiB; three writes of 40 KiB.
  const child = join(REPO_ROOT, 'test/host/fixtures/fs-new-file-child.ts');
  const r = spawnSync('bash', ['-c', `ulimit -f 64 && exec "${process.execPath}" --import tsx "${child}" "${dir}" 40960 3`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { writes: 'ok,EFBIG', commit: 'EBADF', abort: 'ok' });
  assert.deepEqual(readdirSync(dir), []);
});
