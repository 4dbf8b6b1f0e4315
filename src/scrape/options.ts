// Scrape options (beyond Flux's `url`, which is all Flux's own scrape takes) and their checks.
import type { HttpTlsOptions } from '../host/http.js';
import { SECRET_PARAM, scrapeError } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Redirects followed per scrape (Go's HTTP client, which Prometheus uses, stops after 10). */
export const MAX_REDIRECTS = 10;

export interface ScrapeOptions {
  /** Deadline for the whole scrape; sent as X-Prometheus-Scrape-Timeout-Seconds. Default 10s. */
  readonly timeoutMs?: number;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly bearerToken?: string;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: HttpTlsOptions;
  /** Limit on the decompressed body. Default 100 MiB. */
  readonly maxBytes?: number;
  /** Follow HTTP redirects (at most MAX_REDIRECTS), as Prometheus's `follow_redirects`. Default true. */
  readonly followRedirects?: boolean;
  readonly signal?: AbortSignal;
}

export interface CheckedRequest {
  /** The URL to request (userinfo removed). */
  readonly requestUrl: string;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** Strings that must never appear in a message. */
  readonly secrets: string[];
}

/**
 * Content negotiation (as Prometheus asks): OpenMetrics 1.0.0 first, then text 0.0.4.
 * The response's Content-Type picks the parser (see ./scrape.ts `formatOf`).
 */
export const ACCEPT_HEADER = 'application/openmetrics-text;version=1.0.0;q=0.75,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';

/** An HTTP GET's URL (userinfo removed), headers (options.headers, then auth) and secrets. */
export interface RequestAuth {
  readonly requestUrl: string;
  readonly headers: Record<string, string>;
  /** Strings that must never appear in a message. */
  readonly secrets: string[];
}

/**
 * The request parts every authenticated GET shares (scrapes and http_sd): checks `url`
 * (http/https only), the extra headers and the auth options; userinfo in the URL becomes
 * basic auth. Throws `RequestOptionError` (the caller names what it was for), whose
 * message holds no secret.
 */
export function requestAuth(url: string, options: Pick<ScrapeOptions, 'headers' | 'bearerToken' | 'username' | 'password' | 'tls'>): RequestAuth {
  const secrets: string[] = [];
  if (options.bearerToken) secrets.push(options.bearerToken);
  if (options.password) secrets.push(options.password);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RequestOptionError('invalidUrl', 'not a valid URL', secrets);
  }
  if (u.password) secrets.push(decodeURIComponent(u.password), u.password);
  for (const [k, v] of u.searchParams) if (SECRET_PARAM.test(k) && v !== '') secrets.push(v, encodeURIComponent(v));
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new RequestOptionError('invalidUrl', `only http and https URLs can be fetched, not "${u.protocol.replace(/:$/, '')}"`, secrets);
  }
  if (options.bearerToken !== undefined && (options.username !== undefined || options.password !== undefined)) {
    throw new RequestOptionError('invalidOption', 'give either bearerToken or username/password, not both', secrets);
  }
  if ((options.tls?.certFile === undefined) !== (options.tls?.keyFile === undefined)) {
    throw new RequestOptionError('invalidOption', 'tlsCert and tlsKey go together', secrets);
  }
  // A header value cannot hold control characters (RFC 9110 field-value); caught here, the
  // error names the option rather than failing as a connection error.
  if (options.bearerToken !== undefined && /[\0-\x08\x0a-\x1f\x7f]/.test(options.bearerToken)) {
    throw new RequestOptionError('invalidOption', 'bearerToken contains a control character', secrets);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new RequestOptionError('invalidOption', `invalid header name ${JSON.stringify(k)}`, secrets);
    if (/[\0-\x08\x0a-\x1f\x7f]/.test(v)) throw new RequestOptionError('invalidOption', `the value of header ${JSON.stringify(k)} contains a control character`, secrets);
    headers[k.toLowerCase()] = v;
    if (k.toLowerCase() === 'authorization') secrets.push(v);
  }
  let username = options.username;
  let password = options.password;
  if (username === undefined && password === undefined && (u.username || u.password)) {
    username = decodeURIComponent(u.username);
    password = decodeURIComponent(u.password);
  }
  u.username = '';
  u.password = '';
  if (options.bearerToken !== undefined) headers['authorization'] = `Bearer ${options.bearerToken}`;
  else if (username !== undefined || password !== undefined) {
    headers['authorization'] = `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`, 'utf8').toString('base64')}`;
    secrets.push(headers['authorization'].slice(6));
  }
  return { requestUrl: u.toString(), headers, secrets };
}

/** A bad URL or request option, found by `requestAuth`. */
export class RequestOptionError extends Error {
  constructor(
    readonly kind: 'invalidUrl' | 'invalidOption',
    message: string,
    /** The secrets known when it was found (to redact the caller's message). */
    readonly secrets: readonly string[],
  ) {
    super(message);
    this.name = 'RequestOptionError';
  }
}

export function checkRequest(url: string, options: ScrapeOptions, userAgent: string): CheckedRequest {
  let auth: RequestAuth;
  try {
    auth = requestAuth(url, options);
  } catch (e) {
    if (!(e instanceof RequestOptionError)) throw e;
    const message = e.kind === 'invalidUrl' ? e.message.replace('can be fetched', 'can be scraped') : e.message;
    throw scrapeError('invalid', e.kind === 'invalidUrl' ? 'scrape.invalidUrl' : 'scrape.invalidOption', url, message, e.secrets);
  }
  const { headers, secrets } = auth;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw scrapeError('invalid', 'scrape.invalidOption', url, `timeout must be positive, got ${timeoutMs}ms`, secrets);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxBytes > 0) || !Number.isSafeInteger(maxBytes)) throw scrapeError('invalid', 'scrape.invalidOption', url, `maxBytes must be a positive integer, got ${maxBytes}`, secrets);
  headers['accept'] ??= ACCEPT_HEADER;
  headers['accept-encoding'] ??= 'gzip';
  headers['user-agent'] ??= userAgent;
  headers['x-prometheus-scrape-timeout-seconds'] = String(timeoutMs / 1000);
  const maxRedirects = options.followRedirects === false ? 0 : MAX_REDIRECTS;
  return { requestUrl: auth.requestUrl, headers, timeoutMs, maxBytes, maxRedirects, secrets };
}
