// A real InfluxDB 1.x (Debian package `influxdb`, `influxd`) for integration tests: started on
// free 127.0.0.1 ports with a generated config (HTTP bound to loopback, every other listener
// and background service off) and a temporary directory, always stopped by the caller.
//
// Facts (ECOSYSTEM-FACTS.md): it has `/write?db=` (line protocol) and
// `/query?db=&epoch=ns&q=` (exact nanoseconds), and no `/api/v2/write`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPresent, freePort, startProcess, waitUntil, type Proc } from './servers.js';

export const INFLUXD_BIN = binaryPresent('/usr/bin/influxd', '/usr/local/bin/influxd');

/** One InfluxQL statement's result (`/query` JSON). */
export interface InfluxQLSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxDB1 {
  /** Base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /**
   * Run InfluxQL (`/query?epoch=ns`; POST so that CREATE/DROP work); returns the first
   * statement's series. Integers too large for a double (nanosecond times, big int fields)
   * arrive as exact `bigint`s; other numbers as `number`.
   */
  query(q: string, db?: string): Promise<InfluxQLSeries[]>;
  /** Stop (SIGTERM) keeping the data; `start()` brings it back on the same port. */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stop the server and remove its directory. */
  stop(): Promise<void>;
}

export interface StartInfluxDB1Options {
  /** Enable authentication (then `query` uses `admin:admin`, created on start). */
  auth?: boolean;
}

export async function startInfluxDB1(opts: StartInfluxDB1Options = {}): Promise<InfluxDB1> {
  if (INFLUXD_BIN === undefined) throw new Error('influxd is not installed (scripts/setup-test-deps.sh)');
  const bin = INFLUXD_BIN;
  const port = await freePort();
  const rpcPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'promflux-influxdb1-'));
  const url = `http://127.0.0.1:${port}`;
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${port}"`,
      `  auth-enabled = ${opts.auth ? 'true' : 'false'}`,
      '  log-enabled = false',
      '[ifql]',
      '  enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[subscriber]',
      '  enabled = false',
      '[[graphite]]',
      '  enabled = false',
      '[[collectd]]',
      '  enabled = false',
      '[[opentsdb]]',
      '  enabled = false',
      '[[udp]]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  let proc: Proc | undefined;
  const launch = async () => {
    const p = startProcess(bin, ['-config', conf]);
    proc = p;
    await waitUntil(
      async () => {
        if (p.exited()) throw new Error('exited');
        const r = await fetch(`${url}/ping`);
        return r.status === 204;
      },
      20_000,
      () => `influxd on ${url} did not answer /ping; output:\n${p.output()}`,
    );
  };
  await launch();

  const authHeader: Record<string, string> = opts.auth ? { authorization: 'Basic ' + Buffer.from('admin:admin').toString('base64') } : {};
  const query = async (q: string, db?: string): Promise<InfluxQLSeries[]> => {
    const params = new URLSearchParams({ q, epoch: 'ns' });
    if (db !== undefined) params.set('db', db);
    const r = await fetch(`${url}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...authHeader },
      body: params.toString(),
    });
    const body = parseExactJson(await r.text()) as { results?: { series?: InfluxQLSeries[]; error?: string }[]; error?: string };
    if (!r.ok || body.error) throw new Error(`query ${q}: ${r.status} ${body.error ?? ''}`);
    const first = body.results?.[0];
    if (first?.error) throw new Error(`query ${q}: ${first.error}`);
    return first?.series ?? [];
  };
  if (opts.auth) {
    // The first admin user may be created without credentials. influxd can answer /ping before
    // its meta store takes the user (the CREATE USER reply may carry an error in its body), so
    // retry until an authenticated statement is accepted.
    const createAdmin = new URLSearchParams({ q: "CREATE USER admin WITH PASSWORD 'admin' WITH ALL PRIVILEGES" }).toString();
    let last = '';
    await waitUntil(
      async () => {
        const probe = await fetch(`${url}/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...authHeader },
          body: new URLSearchParams({ q: 'SHOW USERS' }).toString(),
        });
        last = `SHOW USERS: ${probe.status} ${await probe.text()}`;
        if (probe.ok && !last.includes('"error"')) return true;
        const r = await fetch(`${url}/query`, { method: 'POST', body: createAdmin, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        last += `; CREATE USER: ${r.status} ${await r.text()}`;
        return false;
      },
      20_000,
      () => `influxd on ${url} did not accept the admin user; last answers: ${last}`,
    );
  }

  return {
    url,
    port,
    query,
    async pause() {
      await proc?.stop();
    },
    async start() {
      if (proc !== undefined && !proc.exited()) return;
      await launch();
    },
    async stop() {
      await proc?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BIG = '~bigint~';
/** JSON.parse that keeps integers beyond 2^53 exact (as bigint). */
export function parseExactJson(text: string): unknown {
  const marked = text.replace(/([[,:])\s*(-?\d{16,})(?=\s*[,\]}])/g, (_m, pre: string, digits: string) => `${pre}"${BIG}${digits}"`);
  return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(BIG) ? BigInt(v.slice(BIG.length)) : v));
}
