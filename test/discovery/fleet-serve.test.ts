// End to end: `promflux serve` runs a task that discovers 50 local targets from a file,
// drops some by relabeling, scrapes the rest every second and writes to the embedded store.
// Then the file changes (targets added and removed) and one target is killed: the next
// runs follow the file, and the killed target shows up = 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../support/env.js';
import { startHttpTarget } from '../support/http-target.js';

type Target = Awaited<ReturnType<typeof startHttpTarget>>;
const dir = mkdtempSync(join(tmpdir(), 'promflux-fleet-e2e-'));
const servers: Target[] = [];
let serve: ChildProcess | undefined;
after(async () => {
  serve?.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

const bin = join(REPO_ROOT, 'bin', 'promflux.js');
const addr = (t: Target) => new URL(t.url).host;

async function newTarget(i: number): Promise<Target> {
  const t = await startHttpTarget({ '/metrics': { body: `# TYPE fleet_value gauge\nfleet_value{idx="${i}"} ${i}\n` } });
  servers.push(t);
  return t;
}

function writeTargets(file: string, groups: { targets: string[]; labels: Record<string, string> }[]): void {
  // Write then rename, so a run never reads half a file.
  writeFileSync(file + '.tmp', JSON.stringify(groups));
  renameSync(file + '.tmp', file);
}

function query(flux: string): string {
  const r = spawnSync(process.execPath, [bin, 'run', '--data', join(dir, 'data'), '--format', 'csv', '-'], { input: flux, encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** `instance -> last _value` of the up series, from the store, for points at or after `sinceNs`. */
function upSince(sinceNs: bigint): Map<string, number> {
  // An explicit stop: `sinceNs` may still lie ahead of now() (range() refuses start >= stop).
  const csv = query(`from(bucket: "fleet") |> range(start: time(v: ${sinceNs}), stop: 2100-01-01T00:00:00Z) |> filter(fn: (r) => r._field == "up") |> last()`);
  const out = new Map<string, number>();
  let header: string[] = [];
  for (const line of csv.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',');
    if (cells.includes('_value') && cells.includes('instance')) {
      header = cells;
      continue;
    }
    if (!header.length) continue;
    out.set(cells[header.indexOf('instance')]!, Number(cells[header.indexOf('_value')]));
  }
  return out;
}

async function waitForRuns(log: () => string, count: number, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const n = (log().match(/outcome=success/g) ?? []).length;
    if (n >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`fewer than ${count} successful runs within ${timeoutMs} ms:\n${log()}`);
}

test('a fleet task follows its target file and reports dead targets', { timeout: 120000 }, async () => {
  const kept = await Promise.all(Array.from({ length: 40 }, (_, i) => newTarget(i)));
  const dropped = await Promise.all(Array.from({ length: 10 }, (_, i) => newTarget(100 + i)));
  const file = join(dir, 'targets.json');
  writeTargets(file, [
    { targets: kept.map(addr), labels: { group: 'keep' } },
    { targets: dropped.map(addr), labels: { group: 'drop' } },
  ]);
  const tasks = join(dir, 'tasks');
  mkdirSync(tasks);
  writeFileSync(
    join(tasks, 'fleet.flux'),
    `import "experimental/prometheus"
import "experimental/prometheus/discovery"

option task = {name: "fleet", every: 1s, timeout: 10s}

prometheus.scrapeTargets(
    targets: discovery.file(files: ["${file}"]),
    job: "fleet",
    relabel: [{sourceLabels: ["group"], regex: "drop", action: "drop"}],
    concurrency: 16,
    // Generous: on a loaded machine a live target must not read as down (up = 0) because
    // the scrape waited for the CPU; a dead one is refused at once whatever the timeout.
    timeout: 5s,
)
    |> to(bucket: "fleet")
`,
  );
  let log = '';
  serve = spawn(process.execPath, [bin, 'serve', tasks, '--data', join(dir, 'data'), '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  serve.stderr!.on('data', (d) => (log += d));
  await waitForRuns(() => log, 2);

  const before = upSince(0n);
  assert.equal(before.size, 40, `only the kept group is scraped: ${[...before.keys()].join(' ')}`);
  assert.ok([...before.values()].every((v) => v === 1));
  for (const t of dropped) assert.ok(!before.has(addr(t)), 'dropped targets are never scraped');

  // Change the fleet: remove five, add three, kill one that stays listed.
  const removed = kept.slice(0, 5);
  const added = await Promise.all([200, 201, 202].map((i) => newTarget(i)));
  const victim = kept[10]!;
  const stayed = kept.slice(5);
  writeTargets(file, [
    { targets: [...stayed, ...added].map(addr), labels: { group: 'keep' } },
    { targets: dropped.map(addr), labels: { group: 'drop' } },
  ]);
  await victim.close();
  // Scrapes that start 1.5 s after the change have read the new file. Poll the store until
  // such a run has landed (runs may start late on a loaded machine).
  const changedAt = BigInt(Date.now()) * 1_000_000n + 1_500_000_000n;
  let afterChange = new Map<string, number>();
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    afterChange = upSince(changedAt);
    if (afterChange.size >= 38) break;
  }
  assert.equal(afterChange.size, 38, `35 kept + 3 added: ${[...afterChange.keys()].join(' ')}`);
  for (const t of removed) assert.ok(!afterChange.has(addr(t)), 'removed targets are no longer scraped');
  for (const t of added) assert.equal(afterChange.get(addr(t)), 1, 'added targets are scraped');
  assert.equal(afterChange.get(addr(victim)), 0, 'the killed target shows up = 0');
  assert.equal([...afterChange.values()].filter((v) => v === 0).length, 1);

  serve.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => serve!.once('exit', r));
  serve = undefined;
  assert.equal(code, 0, log);
});
