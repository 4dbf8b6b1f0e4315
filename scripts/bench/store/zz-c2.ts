import { openStore } from '../../../src/store/index.js';
import type { SeriesBatch } from '../../../src/store/index.js';
import { nodeFileSystem } from '../../../src/host/fs.js';
import { silentLogger } from '../../../src/host/logger.js';
import { systemClock } from '../../../src/host/clock.js';
import { mkdtempSync } from 'node:fs';
const dir = mkdtempSync('/tmp/pfprof-');
const T0 = 1_767_573_000_000_000_000n;
const store = openStore({ dir, fs: nodeFileSystem, clock: { ...systemClock, nowNanos: () => T0 + 10n ** 13n }, logger: silentLogger, defaultRetentionNs: 0n });
const writes: SeriesBatch[][] = [];
for (let s = 0; s < 200; s++) {
  const times = BigInt64Array.of(T0 + BigInt(s) * 10_000_000_000n);
  writes.push(Array.from({ length: 1000 }, (_, i) => ({ measurement: 'node', field: 'f' + (i % 100), tags: [['host', 'h' + Math.floor(i / 100)], ['job', 'node']] as [string, string][], type: 'float' as const, times, values: Float64Array.of(i + s) })));
}
const c0 = process.cpuUsage();
const t0 = performance.now();
for (const w of writes) await store.write('b', w);
const c = process.cpuUsage(c0);
console.log('cpu ms', (c.user + c.system) / 1000, 'wall', performance.now() - t0, 'for', writes.length, 'writes');
await store.close();
