// prometheus.scrape(url:, ...options): one scrape of a Prometheus/OpenMetrics endpoint as
// a stream of tables (shape: src/scrape/tables.ts). The scrape happens when the function
// is called, so a failed scrape fails the call (and a task's run) with its scrape.* error.
// The HTTP client is the process-wide `scrape.http` service (closed by Runtime.close()),
// the scrape memo the `scrape.memo` service.
import { FluxError } from '../../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../../runtime/builtin-api.js';
import { createHttpClient, type HttpClient } from '../../../host/http.js';
import { nodeFileSystem, type FileSystem } from '../../../host/fs.js';
import { scrape as scrapeOnce, ScrapeMemo, type ScrapeOptions } from '../../../scrape/index.js';
import { streamOf } from '../../../table/index.js';
import { DictValue, Duration, RecordValue, typeOf, type Value } from '../../../values/value.js';

function optionError(ctx: NativeContext, message: string, fn = 'prometheus.scrape'): FluxError {
  const id = fn === 'prometheus.scrape' ? 'scrape.invalidOption' : 'discovery.invalidOption';
  return new FluxError('invalid', id, `${fn}: ${message}`, { span: ctx.span, source: ctx.source });
}

/** The HTTP client shared by every scrape of a runtime. */
export function scrapeHttpClient(ctx: NativeContext): HttpClient {
  return ctx.services.get<HttpClient>('scrape.http', () => {
    const fs = ctx.services.get<FileSystem>('host.fs', () => nodeFileSystem);
    return createHttpClient({ clock: ctx.clock, readFile: (p) => fs.readFile(p) });
  });
}

function str(args: ReadonlyMap<string, Value>, name: string): string | undefined {
  const v = args.get(name);
  return v === undefined || v === null ? undefined : (v as string);
}

/** Flux arguments -> ScrapeOptions (checked; the URL itself is checked by the scraper). */
export function scrapeOptions(args: ReadonlyMap<string, Value>, ctx: NativeContext, fn = 'prometheus.scrape'): ScrapeOptions {
  const opts: { -readonly [K in keyof ScrapeOptions]: ScrapeOptions[K] } = { signal: ctx.signal };
  const timeout = args.get('timeout');
  if (timeout !== undefined && timeout !== null) {
    const d = timeout as Duration;
    if (!(d instanceof Duration) || d.months !== 0n || d.negative || d.nanoseconds === 0n) throw optionError(ctx, 'timeout must be a positive duration without months (e.g. 5s)', fn);
    opts.timeoutMs = Number(d.nanoseconds) / 1e6;
  }
  const headers = args.get('headers');
  if (headers !== undefined && headers !== null) {
    const h: Record<string, string> = {};
    if (headers instanceof RecordValue) {
      for (const [k, v] of headers.fields) {
        if (typeof v !== 'string') throw optionError(ctx, `header "${k}" must be a string, got ${typeOf(v)}`, fn);
        h[k] = v;
      }
    } else if (headers instanceof DictValue) {
      for (const { key, value } of headers.entries.values()) {
        if (typeof key !== 'string' || typeof value !== 'string') throw optionError(ctx, 'headers must map strings to strings', fn);
        h[key] = value;
      }
    } else throw optionError(ctx, `headers must be a record or a dictionary, got ${typeOf(headers)}`, fn);
    opts.headers = h;
  }
  const bearer = str(args, 'bearerToken');
  if (bearer !== undefined) opts.bearerToken = bearer;
  const user = str(args, 'username');
  if (user !== undefined) opts.username = user;
  const pass = str(args, 'password');
  if (pass !== undefined) opts.password = pass;
  const ca = str(args, 'tlsCa');
  const cert = str(args, 'tlsCert');
  const key = str(args, 'tlsKey');
  const serverName = str(args, 'tlsServerName');
  const insecure = args.get('tlsInsecureSkipVerify');
  if (ca !== undefined || cert !== undefined || key !== undefined || serverName !== undefined || insecure === true) {
    opts.tls = {
      ...(ca !== undefined ? { caFile: ca } : {}),
      ...(cert !== undefined ? { certFile: cert } : {}),
      ...(key !== undefined ? { keyFile: key } : {}),
      ...(serverName !== undefined ? { serverName } : {}),
      ...(insecure === true ? { insecureSkipVerify: true } : {}),
    };
  }
  const maxBytes = args.get('maxBytes');
  if (maxBytes !== undefined && maxBytes !== null) {
    if (typeof maxBytes !== 'bigint' || maxBytes <= 0n || maxBytes > BigInt(Number.MAX_SAFE_INTEGER)) throw optionError(ctx, 'maxBytes must be a positive int', fn);
    opts.maxBytes = Number(maxBytes);
  }
  if (args.get('followRedirects') === false) opts.followRedirects = false;
  return opts;
}

export const scrape: NativeFunction = async (args, ctx) => {
  const url = args.get('url') as string;
  const options = scrapeOptions(args, ctx);
  try {
    // The runtime's scrape memo: a task scraping a target again reads only the numbers of a
    // body whose everything else is unchanged (src/scrape/memo.ts).
    const memo = ctx.services.get<ScrapeMemo>('scrape.memo', () => new ScrapeMemo());
    const r = await scrapeOnce(url, options, { http: scrapeHttpClient(ctx), clock: ctx.clock, logger: ctx.logger, memo });
    ctx.logger.debug('scraped', { url: r.url, format: r.format, bytes: r.bytes, samples: r.samples, tables: r.tables.count, reused: r.reused });
    return streamOf(() => r.tables.tables());
  } catch (e) {
    if (e instanceof FluxError) throw e.withSpan(ctx.span, ctx.source);
    throw e;
  }
};
