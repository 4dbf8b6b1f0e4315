// nodeFileSystem under a failing disk: a write that fails midway (ENOSPC on a full disk; here
// EFBIG from a file-size limit, which fails the same way: after part of the data was written)
// leaves no partial file behind, and a failed append is cut back off so the file ends where
// the last successful append ended.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { nodeFileSystem } from '../../src/host/fs.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/env.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('a write cut short by a full disk leaves no temporary or partial file, and a failed append is undone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-fs-'));
  dirs.push(dir);
  // ulimit -f counts 1024-byte blocks in bash: files may grow to 64 KiB; each big write is 1 MiB.
  const child = join(REPO_ROOT, 'test/host/fixtures/fs-write-child.ts');
  const r = spawnSync('bash', ['-c', `ulimit -f 64 && exec "${process.execPath}" --import tsx "${child}" "${dir}" 1048576`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as Record<string, string>;
  assert.deepEqual(result, { durable: 'EFBIG', new: 'EFBIG', appendSmall: 'ok', appendBig: 'EFBIG', appendAgain: 'ok' });
  // Nothing but the journal: no `.tmp-*` of the failed replace, no partial `new.seg`.
  assert.deepEqual(readdirSync(dir).sort(), ['journal.jsonl']);
  assert.equal(readFileSync(join(dir, 'journal.jsonl'), 'utf8'), 'line one\nline one\n');
});

test('lock gives up after its timeout when the lock path exists but cannot be read (a dangling symlink), instead of spinning', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-lock-'));
  dirs.push(dir);
  const path = join(dir, 'LOCK');
  symlinkSync(join(dir, 'missing', 'target'), path);
  const started = performance.now();
  await assert.rejects(nodeFileSystem.lock(path, { timeoutMs: 100 }), /timed out waiting for lock/);
  assert.ok(performance.now() - started < 5000);
});

test('a lock left by an earlier process with this same pid (a container restarted after kill -9) is broken; one this process holds is not', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-lock-'));
  dirs.push(dir);
  const path = join(dir, 'LOCK');
  // What the earlier process (pid 1 in its container, as this one is now) left when killed.
  writeFileSync(path, `${process.pid} ${Date.now() - 5000} 0.123`);
  const lock = await nodeFileSystem.lock(path, { timeoutMs: 200, staleMs: Number.MAX_SAFE_INTEGER });
  // Held by this process now: a second taker in the same process waits for it.
  await assert.rejects(nodeFileSystem.lock(path, { timeoutMs: 100, staleMs: Number.MAX_SAFE_INTEGER }), /timed out waiting for lock/);
  await lock.release();
  const again = await nodeFileSystem.lock(path, { timeoutMs: 200 });
  await again.release();
  assert.deepEqual(readdirSync(dir), []);
});

test('what nodeFileSystem creates is never writable by others, even under umask 000', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-modes-'));
  dirs.push(dir);
  const saved = process.umask(0);
  try {
    const sub = join(dir, 'data', 'spool', 'x');
    await nodeFileSystem.mkdirp(sub);
    await nodeFileSystem.writeFileDurable(join(sub, 'meta.json'), new Uint8Array([1]));
    await nodeFileSystem.writeNewFile(join(sub, 'seg'), new Uint8Array([1]));
    await nodeFileSystem.appendDurable(join(sub, 'journal'), new Uint8Array([1]));
    await nodeFileSystem.append(join(sub, 'unsynced'), new Uint8Array([1]));
    const lock = await nodeFileSystem.lock(join(sub, 'LOCK'));
    for (const p of [join(dir, 'data'), join(dir, 'data', 'spool'), sub]) assert.equal(statSync(p).mode & 0o777, 0o755, p);
    for (const f of ['meta.json', 'seg', 'journal', 'unsynced', 'LOCK']) assert.equal(statSync(join(sub, f)).mode & 0o777, 0o644, f);
    await lock.release();
  } finally {
    process.umask(saved);
  }
});

// mkdirp makes one directory at a time: node's recursive mkdir calls a read-only file system
// ENOENT ("no such file"), and under /proc it never returns.
const codeOf = (e: unknown) => (e as { code?: string }).code;

test('mkdirp under /proc rejects at once with ENOTSUP naming the file system, instead of looping', { timeout: 10_000 }, async () => {
  await assert.rejects(nodeFileSystem.mkdirp('/proc/promflux-no-such/data'), (e: Error) => {
    assert.equal(codeOf(e), 'ENOTSUP');
    assert.match(e.message, /the file system of \/proc does not allow creating directories, mkdir '\/proc\/promflux-no-such'$/);
    return true;
  });
});

test('mkdirp where a directory cannot be made says why (read-only file system, permission denied, a file in the way), naming the directory', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-mkdirp-'));
  dirs.push(dir);
  // A file in the way.
  writeFileSync(join(dir, 'file'), 'x');
  await assert.rejects(nodeFileSystem.mkdirp(join(dir, 'file', 'data')), (e: Error) => codeOf(e) === 'ENOTDIR');
  await assert.rejects(nodeFileSystem.mkdirp(join(dir, 'file')), (e: Error) => codeOf(e) === 'ENOTDIR' && e.message.includes(join(dir, 'file')));
  // Made already, or made meanwhile by another caller: fine.
  await Promise.all([nodeFileSystem.mkdirp(join(dir, 'a', 'b', 'c')), nodeFileSystem.mkdirp(join(dir, 'a', 'b', 'c')), nodeFileSystem.mkdirp(join(dir, 'a', 'b'))]);
  assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());

  // A read-only file system: a read-only tmpfs when this process may mount one (root with
  // CAP_SYS_ADMIN), else a parent without write permission, as a user chmod binds (not root).
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'promflux-test', ro]).status === 0;
  try {
    if (mounted) {
      await assert.rejects(nodeFileSystem.mkdirp(join(ro, 'data', 'store', 'buckets')), (e: Error) => {
        assert.equal(codeOf(e), 'EROFS', e.message);
        assert.ok(e.message.includes(`'${join(ro, 'data')}'`), e.message);
        return true;
      });
    } else {
      chmodSync(ro, 0o555);
      chmodSync(dir, 0o755);
      const script = `import { nodeFileSystem } from ${JSON.stringify(join(REPO_ROOT, 'src/host/fs.ts'))}; nodeFileSystem.mkdirp(${JSON.stringify(join(ro, 'data', 'x'))}).then(() => console.log('ok'), (e) => console.log(e.code, e.message));`;
      const asRoot = process.getuid?.() === 0;
      const cmd = asRoot ? 'setpriv' : process.execPath;
      const args = [...(asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : []), '--import', 'tsx', '--input-type=module', '-e', script];
      const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), `EACCES EACCES: permission denied, mkdir '${join(ro, 'data')}'`);
    }
  } finally {
    if (mounted) spawnSync('umount', [ro]);
  }
});
