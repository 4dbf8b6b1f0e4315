// `promflux scrape` through main() with an in-memory IO: usage errors exit 2 with one line
// naming the flag, and never echo a credential given on the command line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { memoryIO } from '../../../src/cli/io.js';
import { startHttpTarget } from '../../support/http-target.js';
import type { HttpTarget } from '../../support/http-target.js';

let target: HttpTarget;
before(async () => {
  target = await startHttpTarget({ '/metrics': { body: 'up 1\n' } });
});
after(async () => {
  await target.close();
});

async function scrape(args: string[]) {
  const io = memoryIO('', {});
  const code = await main(['scrape', ...args], io);
  return { code, out: io.out, err: io.err };
}

const cases: { name: string; args: () => string[]; secret?: string; flag: RegExp }[] = [
  { name: 'a header without its colon', args: () => ['-H', 'Authorization Bearer s3cr3t-h', `${target.url}/metrics`], secret: 's3cr3t-h', flag: /--header/ },
  { name: 'the second header without its colon', args: () => ['-H', 'X-A: 1', '-H', 'Authorization Basic s3cr3t-b', `${target.url}/metrics`], secret: 's3cr3t-b', flag: /2nd --header/ },
  { name: 'a header without a name', args: () => ['-H', ': s3cr3t-n', `${target.url}/metrics`], secret: 's3cr3t-n', flag: /--header/ },
  { name: '--tls-cert without --tls-key', args: () => ['--tls-cert', '/nonexistent/cert.pem', `${target.url}/metrics`], flag: /--tls-cert and --tls-key/ },
  { name: '--tls-key without --tls-cert', args: () => ['--tls-key', '/nonexistent/key.pem', `${target.url}/metrics`], flag: /--tls-cert and --tls-key/ },
];

for (const c of cases) {
  test(`scrape usage error: ${c.name}`, async () => {
    const r = await scrape(c.args());
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
    assert.match(r.err, /^promflux scrape: /);
    assert.match(r.err, c.flag);
    if (c.secret !== undefined) assert.ok(!r.err.includes(c.secret), `the header's text is echoed: ${r.err}`);
    // a usage error sends no request
    assert.equal(target.requests.length, 0);
  });
}
