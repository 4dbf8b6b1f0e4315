// Design: the sink service is the process-wide owner of everything `to()` writes through:
// one WritePipeline (batching, retries, spool) per destination, the detected API of each
// host, and the configuration. It is created lazily by the first `to()` of a process
// (`ctx.services.get('sink', ...)`), drains the spool of the configured default destination
// at that moment (start-up), and is closed by `Runtime.close()`, which waits for every open
// write session.
import { join } from 'node:path';
import { FluxError } from '../errors/index.js';
import type { Clock } from '../host/clock.js';
import type { FileSystem } from '../host/fs.js';
import { isNotFound } from '../host/fs.js';
import type { Logger } from '../host/logger.js';
import { configFilePath, parseSinkConfig } from './config.js';
import type { Env, SinkConfig } from './config.js';
import { detectApi, redactUrl, targetId, v1Destination, v2Destination, WriteError } from './destination.js';
import type { ClientOptions, Destination, InfluxTarget } from './destination.js';
import { WritePipeline } from './pipeline.js';
import { RetriesExhausted, withRetries } from './retry.js';
import { Spool } from './spool.js';

export interface SinkServiceDeps {
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly logger: Logger;
  /** promflux's data directory; the spool lives in `<dataDir>/spool/`. */
  readonly dataDir: string;
  readonly config: SinkConfig;
  /** Randomness for retry jitter (tests pass a constant). */
  readonly random?: () => number;
}

/** Read the configuration (environment + config file) through the host file system. */
export async function loadSinkConfig(fs: FileSystem, env: Env): Promise<SinkConfig> {
  const path = configFilePath(env);
  let text: string | undefined;
  if (path !== undefined) {
    try {
      text = new TextDecoder().decode(await fs.readFile(path));
    } catch (e) {
      if (!isNotFound(e)) throw new FluxError('invalid', 'to.config', `cannot read promflux config file ${path}: ${(e as Error).message}`);
    }
  }
  return parseSinkConfig(env, text, path);
}

/** Whether a URL names this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
  } catch {
    return false;
  }
}

export class SinkService {
  private readonly apis = new Map<string, Promise<'v1' | 'v2' | undefined>>();
  private readonly pipelines = new Map<string, WritePipeline>();
  private closed = false;
  private startup: Promise<void> | undefined;

  constructor(readonly deps: SinkServiceDeps) {}

  get config(): SinkConfig {
    return this.deps.config;
  }

  /** The configured default InfluxDB target (no `host:` given), or undefined. */
  defaultTarget(bucket: { bucket?: string; bucketID?: string }, org: { org?: string; orgID?: string }, token?: string): InfluxTarget | undefined {
    const d = this.deps.config.influx;
    if (d.host === undefined || d.host === '') return undefined;
    return {
      url: d.host,
      token: token ?? d.token ?? '',
      ...(org.orgID !== undefined ? { orgID: org.orgID } : org.org !== undefined ? { org: org.org } : d.org !== undefined ? { org: d.org } : {}),
      ...bucket,
    };
  }

  /**
   * At start-up (the first use in a process), re-send what the spool holds for the
   * configured default host: every spooled bucket of that host whose credentials are the
   * configured ones. Other destinations are drained by their next `to()`.
   */
  startupDrain(): Promise<void> {
    if (this.startup === undefined) {
      this.startup = (async () => {
        const d = this.deps.config.influx;
        if (!d.host) return;
        const root = join(this.deps.dataDir, 'spool');
        for (const name of await this.deps.fs.readdir(root)) {
          const metaText = await this.deps.fs.readFile(join(root, name, 'meta.json')).catch(() => undefined);
          if (metaText === undefined) continue;
          let meta: { target?: Omit<InfluxTarget, 'token'> };
          try {
            meta = JSON.parse(new TextDecoder().decode(metaText)) as typeof meta;
          } catch {
            continue;
          }
          const t = meta.target;
          // meta.json keeps the URL without credentials or query (spools written before
          // that kept it whole); the directory name, a digest of the whole destination,
          // tells whether it is the configured host's.
          if (t === undefined || (t.url !== redactUrl(d.host) && t.url !== d.host)) continue;
          const target: InfluxTarget = { ...t, url: d.host, token: d.token ?? '' };
          if (targetId(target) !== name) continue;
          const pipeline = await this.pipelineFor(target);
          const r = await pipeline.drain();
          if (r.error) {
            this.deps.logger.warn('write spool: destination still unavailable at start-up', {
              destination: pipeline.destination.description,
              pendingPoints: r.remaining,
              error: r.error.message,
            });
          }
        }
      })().catch((e: unknown) => {
        this.deps.logger.error('write spool: start-up drain failed', { error: (e as Error)?.message ?? String(e) });
      });
    }
    return this.startup;
  }

  private clientOptions(url: string): ClientOptions {
    const w = this.deps.config.write;
    const gzip = w.gzip === 'auto' ? !isLoopback(url) : w.gzip;
    return { timeoutMs: w.timeoutMs, gzipThreshold: gzip ? 1024 : undefined, nowMs: () => Number(this.deps.clock.nowNanos() / 1_000_000n) };
  }

  /** Which API the host speaks; undefined when it could not be reached (retries exhausted). */
  private detect(url: string): Promise<'v1' | 'v2' | undefined> {
    let p = this.apis.get(url);
    if (p === undefined) {
      const w = this.deps.config.write;
      let api: 'v1' | 'v2' = 'v2';
      p = withRetries(
        async () => {
          api = await detectApi(url, w.timeoutMs, () => Number(this.deps.clock.nowNanos() / 1_000_000n));
        },
        w,
        this.deps.clock,
        {
          retry: (attempt, delayMs, err) =>
            this.deps.logger.warn('cannot reach InfluxDB, retrying', { host: redactUrl(url), attempt, delayMs, error: err.message }),
        },
        this.deps.random,
      ).then(
        () => api,
        (e: unknown) => {
          // Not cached: the next run asks again.
          this.apis.delete(url);
          if (e instanceof RetriesExhausted) return undefined;
          throw e;
        },
      );
      this.apis.set(url, p);
    }
    return p;
  }

  /** The pipeline for a target (detecting its API on first use). */
  async pipelineFor(target: InfluxTarget): Promise<WritePipeline> {
    if (this.closed) throw new FluxError('internal', 'to.closed', 'the write service is closed');
    const id = targetId(target);
    const existing = this.pipelines.get(id);
    if (existing !== undefined) return existing;
    const dir = join(this.deps.dataDir, 'spool', id);
    let api = await this.detect(target.url);
    let unreachable: WriteError | undefined;
    if (api === undefined) {
      // The host is down: use the API recorded with its spool, if any; v2 otherwise.
      const meta = await this.deps.fs.readFile(join(dir, 'meta.json')).then(
        (b) => JSON.parse(new TextDecoder().decode(b)) as { dialect?: string },
        () => undefined,
      );
      api = meta?.dialect === 'v1' ? 'v1' : 'v2';
      unreachable = new WriteError(`InfluxDB at ${redactUrl(target.url)} unreachable`, undefined, true, undefined);
    }
    const again = this.pipelines.get(id);
    if (again !== undefined) return again;
    const dest: Destination = api === 'v1' ? v1Destination(target, this.clientOptions(target.url)) : v2Destination(target, this.clientOptions(target.url));
    // No secret on disk: the token is dropped and the URL loses any user:password@ and query.
    const { token: _secret, ...rest } = target;
    const publicTarget = { ...rest, url: redactUrl(target.url) };
    const spool = new Spool(this.deps.fs, dir, this.deps.config.write.spoolMaxBytes, this.deps.logger, {
      description: dest.description,
      dialect: dest.dialect,
      target: publicTarget,
    }, this.deps.clock);
    const pipeline = new WritePipeline(dest, spool, this.deps.config.write, this.deps.clock, this.deps.logger, this.deps.random);
    if (unreachable !== undefined) pipeline.markDown(unreachable);
    // Only cache a pipeline whose API is known, so that the next run detects again.
    if (unreachable === undefined) this.pipelines.set(id, pipeline);
    return pipeline;
  }

  /** Wait for every open write session (and their retries) to finish. */
  async close(): Promise<void> {
    this.closed = true;
    await this.startup;
    await Promise.allSettled([...this.pipelines.values()].map((p) => p.close()));
  }
}
