// Compaction benchmark (run by hand, not by the test command): peak memory and time of one
// compaction of a partition of --segments segments, each --series series x --points points
// (regular 1 s scrapes of 10 targets, whose series share timestamps; 2-decimal gauges).
//
//   node --import tsx scripts/bench/store/compact.ts [--segments 8] [--series 1000] [--points 2000]
//
// The store is built in this process; a fresh process (this script with --compact DIR) then
// runs the compaction alone and reports its resident memory before and its peak during (Linux
// VmHWM, reset just before through /proc/self/clear_refs; getrusage's ru_maxrss would include
// this parent's peak, which survives fork and exec). Prints wall and CPU time, points/s, RSS
// before and at the peak, and sizes: the live segment files (from the MANIFEST: the inputs
// before, the output after) and the bucket's directory. The directory still holds the
// replaced inputs after the compaction (they stay readable for the grace period, for readers
// of the previous MANIFEST), so its size then is inputs + output, not the output alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../../src/store/index.js';
import type { SeriesBatch } from '../../../src/store/index.js';
import { nodeFileSystem } from '../../../src/host/fs.js';
import { silentLogger } from '../../../src/host/logger.js';
import type { Clock } from '../../../src/host/clock.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const T0 = 1_700_000_000_000_000_000n;
// A fixed clock: the partition is the current one, so 8 level-0 segments compact by fan-in.
const clock: Clock = { nowNanos: () => T0 + 10n ** 12n, monotonicMs: () => 0, setTimer: () => ({ cancel() {} }), sleep: () => Promise.resolve() };
const open = (dir: string) => openStore({ dir, fs: nodeFileSystem, clock, logger: silentLogger, autoMaintain: false, graceMs: 0 });

const at = process.argv.indexOf('--compact');
if (at >= 0) {
  const store = open(process.argv[at + 1]!);
  const before = (await store.buckets())[0]!;
  const manifest = join(process.argv[at + 1]!, 'buckets', 'b', 'MANIFEST');
  const liveBytes = () => (JSON.parse(readFileSync(manifest, 'utf8')) as { segments: { bytes: number }[] }).segments.reduce((a, s) => a + s.bytes, 0);
  const live0 = liveBytes();
  const status = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))![1]);
  writeFileSync('/proc/self/clear_refs', '5');
  const rss0 = status('VmRSS');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await store.maintain('b');
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = (await store.buckets())[0]!;
  const live1 = liveBytes();
  process.stdout.write(
    JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssBeforeKiB: rss0, rssPeakKiB: status('VmHWM'), points: after.points, segments: [before.segments, after.segments], bytes: [before.bytes, after.bytes], live: [live0, live1] }) + '\n',
  );
} else {
  const segments = arg('--segments', 8);
  const series = arg('--series', 1000);
  const points = arg('--points', 2000);
  const dir = mkdtempSync(join(tmpdir(), 'promflux-bench-compact-'));
  try {
    const store = open(dir);
    await store.createBucket('b', { retentionNs: 0n });
    for (let g = 0; g < segments; g++) {
      const times = Array.from({ length: 10 }, (_, t) => BigInt64Array.from({ length: points }, (_, i) => T0 + BigInt(g * points + i) * 1_000_000_000n + BigInt(t)));
      const batch: SeriesBatch[] = [];
      for (let s = 0; s < series; s++) {
        const values = Float64Array.from({ length: points }, (_, i) => Math.round(Math.sin(s + i + g) * 1000) / 100);
        batch.push({ measurement: `m${s % 50}`, tags: [['k', String(s)], ['target', `t${s % 10}`]], field: 'v', type: 'float', times: times[s % 10]!, values });
      }
      await store.write('b', batch);
    }
    await store.close();
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--compact', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`the compacting process failed (status ${r.status}, signal ${r.signal})`);
    const x = JSON.parse(r.stdout) as { ms: number; cpuMs: number; rssBeforeKiB: number; rssPeakKiB: number; points: number; segments: number[]; bytes: number[]; live: number[] };
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    console.log(`compaction of ${x.segments[0]} segments (${series} series x ${points} points each, ${x.points.toLocaleString('en')} points) -> ${x.segments[1]} segment`);
    console.log(`  wall ${Math.round(x.ms)} ms, CPU ${Math.round(x.cpuMs)} ms, ${Math.round(x.points / (x.ms / 1000)).toLocaleString('en')} points/s`);
    console.log(`  RSS ${mb(x.rssBeforeKiB * 1024)} before, peak ${mb(x.rssPeakKiB * 1024)} during (+${mb((x.rssPeakKiB - x.rssBeforeKiB) * 1024)})`);
    console.log(`  segment files ${mb(x.live[0]!)} (inputs) -> ${mb(x.live[1]!)} (output), ${((x.live[1]! / x.live[0]! - 1) * 100).toFixed(1)}%`);
    console.log(`  bucket directory ${mb(x.bytes[0]!)} -> ${mb(x.bytes[1]!)} (the inputs stay until the grace period ends)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
