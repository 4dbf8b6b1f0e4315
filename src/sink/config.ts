// Sink configuration: the default InfluxDB destination and the write pipeline's knobs.
//
// Sources, later ones overriding earlier ones:
// 1. the promflux config file, JSON: `$PROMFLUX_CONFIG`, else `$XDG_CONFIG_HOME/promflux/config.json`,
//    else `~/.config/promflux/config.json`:
//
//        { "influx": { "host": "http://localhost:8086", "token": "...", "org": "my-org" },
//          "write":  { "batchSize": 5000, "lingerMs": 1000, "concurrency": 2, "gzip": "auto",
//                      "maxRetries": 5, "minRetryDelayMs": 500, "maxRetryDelayMs": 15000,
//                      "maxRetryTimeMs": 60000, "timeoutMs": 10000, "spoolMaxBytes": 268435456 } }
//
// 2. the influx CLI's environment variables `INFLUX_HOST`, `INFLUX_TOKEN`, `INFLUX_ORG`.
import { join } from 'node:path';
import { FluxError } from '../errors/index.js';
import type { PipelineOptions } from './pipeline.js';
import { DEFAULT_RETRY } from './retry.js';

export interface WriteSettings extends PipelineOptions {
  /**
   * gzip request bodies larger than 1 KiB: true, false, or 'auto' (the default: on, except
   * for loopback hosts, where compressing costs CPU the local server needs and saves nothing).
   */
  readonly gzip: boolean | 'auto';
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  /** Bound on the on-disk spool per destination (bytes). */
  readonly spoolMaxBytes: number;
}

export const DEFAULT_WRITE_SETTINGS: WriteSettings = {
  ...DEFAULT_RETRY,
  batchSize: 5000,
  batchBytes: 4 * 1024 * 1024,
  lingerMs: 1000,
  concurrency: 2,
  gzip: 'auto',
  timeoutMs: 10_000,
  spoolMaxBytes: 256 * 1024 * 1024,
};

export interface DefaultInflux {
  readonly host?: string;
  /** Secret. */
  readonly token?: string;
  readonly org?: string;
}

export interface SinkConfig {
  readonly influx: DefaultInflux;
  readonly write: WriteSettings;
  /** Where the config file is (or would be), for messages. */
  readonly configPath: string | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The config file path the environment points at. */
export function configFilePath(env: Env): string | undefined {
  if (env.PROMFLUX_CONFIG) return env.PROMFLUX_CONFIG;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'promflux', 'config.json');
  if (env.HOME) return join(env.HOME, '.config', 'promflux', 'config.json');
  return undefined;
}

const NUMERIC_KEYS = [
  'batchSize',
  'batchBytes',
  'lingerMs',
  'concurrency',
  'maxRetries',
  'minRetryDelayMs',
  'maxRetryDelayMs',
  'maxRetryTimeMs',
  'jitter',
  'timeoutMs',
  'spoolMaxBytes',
] as const;

/**
 * Build the configuration from the environment and the config file's text (undefined when
 * there is no file). A malformed file is a FluxError (`to.config`) naming the file.
 */
export function parseSinkConfig(env: Env, fileText: string | undefined, path: string | undefined): SinkConfig {
  let file: { influx?: Record<string, unknown>; write?: Record<string, unknown> } = {};
  if (fileText !== undefined) {
    try {
      const parsed = JSON.parse(fileText) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      file = parsed as typeof file;
    } catch (e) {
      throw new FluxError('invalid', 'to.config', `promflux config file ${path ?? ''}: ${(e as Error).message}`);
    }
  }
  const str = (v: unknown, key: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new FluxError('invalid', 'to.config', `promflux config file ${path ?? ''}: influx.${key} must be a string`);
    return v;
  };
  const fi = file.influx ?? {};
  const influx: DefaultInflux = {
    host: env.INFLUX_HOST || str(fi.host, 'host'),
    token: env.INFLUX_TOKEN ?? str(fi.token, 'token'),
    org: env.INFLUX_ORG || str(fi.org, 'org'),
  };
  const w: Record<string, unknown> = { ...DEFAULT_WRITE_SETTINGS };
  const fw = file.write ?? {};
  for (const k of NUMERIC_KEYS) {
    const v = fw[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new FluxError('invalid', 'to.config', `promflux config file ${path ?? ''}: write.${k} must be a non-negative number`);
    }
    w[k] = v;
  }
  if (fw.gzip !== undefined) {
    if (typeof fw.gzip !== 'boolean' && fw.gzip !== 'auto') throw new FluxError('invalid', 'to.config', `promflux config file ${path ?? ''}: write.gzip must be true, false or "auto"`);
    w.gzip = fw.gzip;
  }
  const write = w as unknown as WriteSettings;
  if (write.batchSize < 1 || write.concurrency < 1) {
    throw new FluxError('invalid', 'to.config', `promflux config file ${path ?? ''}: write.batchSize and write.concurrency must be at least 1`);
  }
  return { influx, write, configPath: path };
}
