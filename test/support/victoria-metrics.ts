// A real VictoriaMetrics (Debian package `victoria-metrics`) for integration tests: started on
// a free 127.0.0.1 port with a temporary data directory, always stopped by the caller
// (`after(() => vm.stop())`).
//
// Facts (ECOSYSTEM-FACTS.md): it accepts the InfluxDB v2 write API (`/api/v2/write`) and
// `/write`; an Influx point `m,tag=v f=1` is stored as series `m_f{tag="v"}`; timestamps are
// truncated to milliseconds; writes become readable only after a flush, so readers call
// `flush()` and poll (`waitForSeries`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPresent, freePort, startProcess, waitUntil, sleep, type Proc } from './servers.js';

export const VICTORIA_METRICS_BIN = binaryPresent('/usr/bin/victoria-metrics', '/usr/local/bin/victoria-metrics');

/** One exported series (`/api/v1/export` JSON line). Timestamps are milliseconds. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface VictoriaMetrics {
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Make recent writes readable (`/internal/force_flush`). Readers should still poll. */
  flush(): Promise<void>;
  /** Every series matching the selector (`{__name__=~"foo_.*"}`), all time. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Flush and poll until `ready(series)` holds (default: at least one series); returns the last export. */
  waitForSeries(match: string, ready?: (s: ExportedSeries[]) => boolean, timeoutMs?: number): Promise<ExportedSeries[]>;
  /** Stop the server (SIGTERM), keeping the data directory; `start()` brings it back on the same port. */
  pause(): Promise<void>;
  /** Start again after `pause()` (same port, same data). */
  start(): Promise<void>;
  /** Stop the server and remove its data directory. */
  stop(): Promise<void>;
}

export interface StartVictoriaMetricsOptions {
  port?: number;
  dataDir?: string;
}

export async function startVictoriaMetrics(opts: StartVictoriaMetricsOptions = {}): Promise<VictoriaMetrics> {
  if (VICTORIA_METRICS_BIN === undefined) throw new Error('victoria-metrics is not installed (scripts/setup-test-deps.sh)');
  const bin = VICTORIA_METRICS_BIN;
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'promflux-vm-'));
  const url = `http://127.0.0.1:${port}`;
  let proc: Proc | undefined;

  const launch = async () => {
    const p = startProcess(bin, [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      '-retentionPeriod=100y',
      '-loggerLevel=ERROR',
      // Reads right after writes must not be served from a stale cache.
      '-search.disableCache',
    ]);
    proc = p;
    await waitUntil(
      async () => {
        if (p.exited()) throw new Error('exited');
        const r = await fetch(`${url}/health`);
        return r.ok;
      },
      20_000,
      () => `victoria-metrics on ${url} did not become healthy; output:\n${p.output()}`,
    );
    if (p.exited()) throw new Error(`victoria-metrics exited; output:\n${p.output()}`);
  };
  await launch();

  const flush = async () => {
    await fetch(`${url}/internal/force_flush`).then((r) => r.arrayBuffer());
  };
  const exportSeries = async (match: string): Promise<ExportedSeries[]> => {
    const q = new URLSearchParams({ 'match[]': match, start: '0' });
    const r = await fetch(`${url}/api/v1/export?${q}`);
    const text = await r.text();
    if (!r.ok) throw new Error(`export ${match}: ${r.status} ${text}`);
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ExportedSeries);
  };

  return {
    url,
    port,
    dataDir,
    flush,
    exportSeries,
    async waitForSeries(match, ready = (s) => s.length > 0, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ExportedSeries[] = [];
      for (;;) {
        await flush();
        last = await exportSeries(match);
        if (ready(last)) return last;
        if (Date.now() > deadline) return last;
        await sleep(200);
      }
    },
    async pause() {
      await proc?.stop();
    },
    async start() {
      if (proc !== undefined && !proc.exited()) return;
      await launch();
    },
    async stop() {
      await proc?.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
