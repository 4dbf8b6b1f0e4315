// Every example script parses and passes the checks that run before a program starts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { createRuntime } from '../src/index.js';
import { REPO_ROOT } from './support/env.js';

function fluxFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) fluxFiles(p, out);
    else if (name.endsWith('.flux')) out.push(p);
  }
  return out;
}

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-examples-'));
const runtime = createRuntime({ dataDir });
after(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

for (const file of fluxFiles(join(REPO_ROOT, 'examples'))) {
  const name = relative(REPO_ROOT, file);
  test(`example ${name} has no diagnostics`, async () => {
    const diags = runtime.check(readFileSync(file, 'utf8'), name);
    assert.deepEqual(diags.map((d) => `${d.id} ${d.message}`), []);
    const options = await runtime.readOptions(readFileSync(file, 'utf8'), name);
    assert.ok(options.has('task'), 'every example is a task');
  });
}

test('examples/exporter.mjs: --help, a bad port refused, port 0 names the port it took', async () => {
  const { spawnSync, spawn } = await import('node:child_process');
  const script = join(REPO_ROOT, 'examples', 'exporter.mjs');
  const help = spawnSync(process.execPath, [script, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: node examples\/exporter\.mjs \[port\]/);
  const bad = spawnSync(process.execPath, [script, 'abc'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /the port must be a number from 0 to 65535, not "abc"/);
  const child = spawn(process.execPath, [script, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', () => reject(new Error(`exporter exited: ${out}`)));
    });
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(line);
    assert.ok(m && Number(m[1]) > 0, line);
    const body = await (await fetch(`http://127.0.0.1:${m![1]}/metrics`)).text();
    assert.match(body, /^demo_requests_total\{method="GET",code="200"\} \d+$/m);
  } finally {
    child.kill();
  }
});
