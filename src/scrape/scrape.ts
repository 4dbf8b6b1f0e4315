// Design: one scrape = one HTTP GET (src/host/http.ts) + one parse into a SampleBatch +
// lazy conversion to tables. Everything it needs (HTTP client, clock, the runtime's scrape
// memo when there is one) is passed in, so a task's scrape loop and a one-off
// `promflux scrape` share it. With a memo, a body that repeats the target's last one
// but for its numbers skips the parse (./memo.ts).
//
// Content negotiation: the request's Accept header prefers OpenMetrics 1.0.0, then text
// 0.0.4 (./options.ts). The parser is chosen by the response's Content-Type media type:
//   application/openmetrics-text            -> OpenMetrics 1.0 (./parse-openmetrics.ts)
//   text/plain                              -> Prometheus text 0.0.4 (./parse-text.ts)
//   application/vnd.google.protobuf         -> error scrape.unsupportedFormat
//   missing or anything else                -> Prometheus text 0.0.4 (the fallback rule;
//                                             what Prometheus 2 did), noted in the result.
import type { Clock } from '../host/clock.js';
import { HttpFailure, type HttpClient } from '../host/http.js';
import type { Logger } from '../host/logger.js';
import { FluxError } from '../errors/index.js';
import { SampleBatch, batchCapacityFor } from './batch.js';
import { displayUrl, fromHttpFailure, malformedError, redact, scrapeError } from './errors.js';
import { ExpositionError } from './lex.js';
import { checkRequest, type ScrapeOptions } from './options.js';
import { parseOpenMetrics } from './parse-openmetrics.js';
import { parsePrometheusText } from './parse-text.js';
import { planTables, type ScrapeTables } from './tables.js';
import type { ScrapeMemo } from './memo.js';
import { TokenLog } from './tokens.js';
import { USER_AGENT } from './user-agent.js';

export type ExpositionFormat = 'prometheus-text' | 'openmetrics';

export interface ScrapeEnv {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Overrides the User-Agent (default `promflux/<version>`). */
  readonly userAgent?: string;
  /**
   * The runtime's scrape memo (./memo.ts): a body that differs from the target's last
   * one only in its numbers is read without a full parse. Without it every body is parsed.
   */
  readonly memo?: ScrapeMemo;
}

export interface ScrapeResult {
  /** The URL as it appears in the `url` column and in errors (no userinfo). */
  readonly url: string;
  readonly format: ExpositionFormat;
  /** The response Content-Type ('' when missing). */
  readonly contentType: string;
  /** True when the Content-Type was missing or unknown and text 0.0.4 was assumed. */
  readonly fallback: boolean;
  /** Size of the (decompressed) body. */
  readonly bytes: number;
  /** Scrape start (the default `_time`), nanoseconds since the epoch. */
  readonly startNs: bigint;
  readonly samples: number;
  /** True when the body was read through the scrape memo (its numbers only, ./memo.ts). */
  readonly reused: boolean;
  readonly tables: ScrapeTables;
}

/** The parser for a Content-Type (see the rule above). */
export function formatOf(contentType: string | undefined): { format: ExpositionFormat; fallback: boolean } | { unsupported: string } {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/openmetrics-text') return { format: 'openmetrics', fallback: false };
  if (media === 'text/plain') return { format: 'prometheus-text', fallback: false };
  if (media === 'application/vnd.google.protobuf') return { unsupported: media };
  return { format: 'prometheus-text', fallback: true };
}

/**
 * Parse an exposition body; a malformed body is a `scrape.malformed` FluxError naming `url`
 * (with `note` after what was wrong, when given).
 */
export function parseExposition(input: Uint8Array, format: ExpositionFormat, url: string, secrets: readonly string[] = [], note = '', tokens: TokenLog | null = null): SampleBatch {
  const body = plainBytes(input);
  const batch = new SampleBatch(batchCapacityFor(body.length));
  batch.tokens = tokens;
  try {
    if (format === 'openmetrics') parseOpenMetrics(body, batch);
    else parsePrometheusText(body, batch);
  } catch (e) {
    if (e instanceof ExpositionError) throw malformedError(url, format === 'openmetrics' ? 'OpenMetrics' : 'Prometheus text', body, e, secrets, note);
    throw e;
  }
  // Timestamps outside Flux's time range were refused by the parsers (scrape.timestampRange,
  // at their line and column).
  return batch;
}

/**
 * A plain Uint8Array view (not a Buffer): the parsers' byte loops then see one array class
 * (Buffer is a subclass), which keeps V8's element access monomorphic and fast.
 */
function plainBytes(input: Uint8Array): Uint8Array {
  return input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/** One scrape's parsed samples, before they become tables. */
export interface ScrapedBatch extends Omit<ScrapeResult, 'tables' | 'reused'> {
  readonly batch: SampleBatch;
}

/** Scrape `url` once. Rejects with a FluxError (ids in ./errors.ts). */
export async function scrape(url: string, options: ScrapeOptions, env: ScrapeEnv): Promise<ScrapeResult> {
  const { body, secrets, note, ...meta } = await fetchExposition(url, options, env);
  const r = bodyToTables(body, meta.format, url, meta.startNs, env.memo, secrets, note);
  // Read through the memo, the body is needed no more (a body parsed in full is kept by the
  // memo, or viewed by nothing): the next scrape may read into its buffer.
  if (r.reused && body instanceof Buffer) env.http.recycle?.(body);
  return { ...meta, ...r };
}

/**
 * The tables of a body fetched from `url` (`_time` default `startNs`): read through `memo`
 * when it holds the target's last body and this one differs from it only in its
 * numbers, else parsed in full (and kept in `memo`, when given, for the next scrape). A
 * malformed body is a `scrape.malformed` FluxError, as parseExposition says.
 */
export function bodyToTables(input: Uint8Array, format: ExpositionFormat, url: string, startNs: bigint, memo?: ScrapeMemo, secrets: readonly string[] = [], note = ''): { samples: number; reused: boolean; tables: ScrapeTables } {
  const body = plainBytes(input);
  const shown = displayUrl(url);
  // The memo is keyed by the URL as given: it only decides which body a new one is compared
  // with, never what the new one means (./memo.ts), so no option needs to be part of it.
  if (memo !== undefined) {
    const reused = memo.reuse(url, format, body, shown, startNs);
    if (reused !== undefined) return { ...reused, reused: true };
  }
  const tokens = memo !== undefined ? new TokenLog() : null;
  const batch = parseExposition(body, format, url, secrets, note, tokens);
  const { layout, tables } = planTables(batch, shown, startNs, memo !== undefined);
  if (memo !== undefined) memo.remember(url, format, body, tokens!, layout);
  return { samples: batch.length, reused: false, tables };
}

/** Scrape `url` once into a SampleBatch (the fleet scraper re-labels it before tables are made). */
export async function scrapeBatch(url: string, options: ScrapeOptions, env: ScrapeEnv): Promise<ScrapedBatch> {
  const { body, secrets, note, ...meta } = await fetchExposition(url, options, env);
  const batch = parseExposition(body, meta.format, url, secrets, note);
  return { ...meta, samples: batch.length, batch };
}

/** A fetched exposition body and what is known of it before the parse. */
interface Fetched extends Omit<ScrapeResult, 'tables' | 'samples' | 'reused'> {
  readonly body: Uint8Array;
  /** Secrets of the request (kept out of errors). */
  readonly secrets: readonly string[];
  /** Said after a parse error (the fallback rule). */
  readonly note: string;
}

/** GET `url` and pick its parser; rejects with a FluxError for everything but the parse. */
async function fetchExposition(url: string, options: ScrapeOptions, env: ScrapeEnv): Promise<Fetched> {
  const req = checkRequest(url, options, env.userAgent ?? USER_AGENT);
  const shown = displayUrl(url);
  const startNs = env.clock.nowNanos();
  let res;
  try {
    res = await env.http.get({
      url: req.requestUrl,
      headers: req.headers,
      timeoutMs: req.timeoutMs,
      maxBytes: req.maxBytes,
      maxRedirects: req.maxRedirects,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (e instanceof HttpFailure) throw fromHttpFailure(e, url, req.timeoutMs, req.secrets);
    if (e instanceof FluxError) throw e;
    throw scrapeError('unavailable', 'scrape.connection', url, (e as Error).message ?? String(e), req.secrets, e);
  }
  if (res.status < 200 || res.status >= 300) {
    const text = new TextDecoder('utf-8').decode(res.body).replace(/\s+/g, ' ').trim();
    const excerpt = text.length > 200 ? text.slice(0, 200) + '...' : text;
    const via = res.redirects > 0 ? ` (after ${res.redirects === 1 ? 'a redirect' : `${res.redirects} redirects`} to ${displayUrl(res.url)})` : '';
    const location = res.status >= 300 && res.status < 400 && res.headers['location'] ? ` redirecting to ${redirectShown(res.headers['location'], res.url ?? url)} (followRedirects is false)` : '';
    throw scrapeError('unavailable', 'scrape.status', url, `the server answered HTTP ${res.status}${via}${location}${excerpt ? `: ${JSON.stringify(excerpt)}` : ' with an empty body'}`, req.secrets);
  }
  const contentType = res.headers['content-type'] ?? '';
  const f = formatOf(contentType);
  if ('unsupported' in f) throw scrapeError('invalid', 'scrape.unsupportedFormat', url, `cannot parse Content-Type "${f.unsupported}" (promflux reads the text formats)`, req.secrets);
  if (f.fallback) env.logger?.debug('scrape: unknown Content-Type, parsing as Prometheus text 0.0.4', { url: shown, contentType });
  // A body read by the fallback rule that does not parse is most often not metrics at all (a
  // web page or JSON at the wrong path): the error says what the server said it was.
  const note = f.fallback
    ? `; the response's Content-Type ${contentType ? JSON.stringify(contentType) : 'was missing'}${contentType ? ' is no exposition format' : ''}, so the body was read as Prometheus text (is this the metrics endpoint?)`
    : '';
  return { url: shown, format: f.format, contentType, fallback: f.fallback, bytes: res.body.length, startNs, body: res.body, secrets: req.secrets, note };
}

/** A redirect's Location as shown in an error (credentials removed), or "an invalid URL". */
function redirectShown(location: string, base: string): string {
  try {
    return JSON.stringify(displayUrl(new URL(location, base).toString()));
  } catch {
    return 'an invalid URL';
  }
}

export { redact };
