// `promflux bucket` through main() with an in-memory IO: a data directory the store cannot
// use is a one-line error naming it (exit 1), never an internal error.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'promflux-bucket-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// a data directory below a regular file: every store operation fails with ENOTDIR
const file = join(dir, 'not-a-dir');
writeFileSync(file, 'x');
const data = join(file, 'data');

for (const args of [['list'], ['list', '--json'], ['create', 'metrics'], ['delete', 'metrics']]) {
  test(`bucket ${args.join(' ')} with an unusable data directory`, async () => {
    const io = memoryIO('', {});
    const code = await main(['bucket', ...args, '--data', data], io);
    assert.equal(code, 1, io.err);
    assert.equal(io.out, '');
    assert.equal(io.err.trimEnd().split('\n').length, 1, io.err);
    assert.match(io.err, /^promflux bucket: /);
    // every command names the path it could not use and why
    assert.ok(io.err.includes(file), io.err);
    assert.match(io.err, /ENOTDIR/);
  });
}

test('bucket create with a retention past the store limit names the limit (exit 2)', async () => {
  const io = memoryIO('', {});
  const code = await main(['bucket', 'create', 'metrics', '--retention', '106752d', '--data', join(dir, 'limit')], io);
  assert.equal(code, 2, io.err);
  assert.equal(io.out, '');
  // the README gives the same bound: about 292 years, 106751d
  assert.match(io.err, /^promflux bucket: invalid --retention "106752d": .*\b106751d\b/);
});
