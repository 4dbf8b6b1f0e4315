// Destinations: where a batch of line protocol goes. Both InfluxDB APIs are spoken through
// `@influxdata/influxdb-client` (its transport does the HTTP, gzip and error decoding):
//
// - InfluxDB 2.x / 3.x / Cloud and compatible servers (VictoriaMetrics): the v2 write API,
//   `POST /api/v2/write?org=&bucket=&precision=ns` with `Authorization: Token <token>`;
// - InfluxDB 1.x (its `/ping` answers `X-Influxdb-Version: 1.*`): `POST /write?db=&rp=&precision=ns`,
//   with `bucket` read as `database/retention-policy` and `token` as `username:password`
//   (InfluxDB's 1.x compatibility conventions; an empty token means no authentication).
//
// Secrets: the token is handed to the client and never kept in a message, a description or
// an id (the id includes a one-way hash so that different credentials get different spools).
import { createHash } from 'node:crypto';
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import type { LineProtocolDialect } from './line-protocol.js';

/** Where to() writes, as resolved from its parameters and the configuration. */
export interface InfluxTarget {
  readonly url: string;
  /** Secret: never logged or printed. */
  readonly token: string;
  readonly org?: string;
  readonly orgID?: string;
  readonly bucket?: string;
  readonly bucketID?: string;
}

/** A write failure, classified for the retry policy. */
export class WriteError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the server answered. */
    readonly status: number | undefined,
    /** Network errors, 429 and 5xx may succeed later; other 4xx never will. */
    readonly retryable: boolean,
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'WriteError';
  }
}

export interface Destination {
  /** Safe to print: URL without credentials, org and bucket; never the token. */
  readonly description: string;
  readonly dialect: LineProtocolDialect;
  /** POST one batch (UTF-8 line protocol); resolves on acknowledgement, rejects with WriteError. */
  send(body: Uint8Array): Promise<void>;
}

export interface ClientOptions {
  /** Per-request timeout (ms). */
  readonly timeoutMs: number;
  /** gzip request bodies larger than this many bytes; undefined disables gzip. */
  readonly gzipThreshold: number | undefined;
  /** Wall-clock now in ms (for `Retry-After: <HTTP-date>`). */
  readonly nowMs: () => number;
}

/** The URL with any `user:password@` removed, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid URL>';
  }
}

/** True when `host` is an absolute http:// or https:// URL (the hosts to() and from() take). */
export function isHttpUrl(host: string): boolean {
  try {
    const u = new URL(host);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * A host as the user wrote it, for a message about it being invalid: anything up to an `@`
 * before the first `/` of the authority (`user:password@`) is removed, with or without a
 * scheme (`reader:pw@127.0.0.1:8086` parses as a URL of scheme "reader:"), and so is a query
 * string (it may carry a token), as in `redactUrl`.
 */
export function redactHostText(host: string): string {
  return host.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^@/]*@/, '$1').replace(/\?.*$/s, '');
}

/** Parses `Retry-After` (delay-seconds or an HTTP-date) into milliseconds from now. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const at = Date.parse(t);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** Classify an error of the client's transport. */
export function classifyError(e: unknown, where: string, nowMs: number): WriteError {
  if (e instanceof WriteError) return e;
  if (e instanceof HttpError) {
    const status = e.statusCode;
    const retryable = status === 429 || status >= 500;
    const headers = (e.headers ?? {}) as Record<string, string | string[] | undefined>;
    const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
    return new WriteError(`${where} answered ${status}: ${serverMessage(e)}`, status, retryable, retryAfter);
  }
  const err = e as { code?: unknown; message?: unknown; name?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const msg = typeof err?.message === 'string' && err.message !== '' ? err.message : String(e);
  // Timeouts, aborted responses and socket errors may all succeed on a later attempt.
  const what = code !== undefined && NETWORK_CODES.has(code) ? code : msg;
  return new WriteError(`${where} unreachable: ${what}`, undefined, true, undefined);
}

/** The server's own message from an error response (InfluxDB 2.x `message`, 1.x `error`, or the body). */
function serverMessage(e: HttpError): string {
  const j = e.json as { message?: unknown; error?: unknown } | undefined;
  if (j && typeof j.message === 'string') return j.message;
  if (j && typeof j.error === 'string') return j.error;
  if (e.body) {
    try {
      const parsed = JSON.parse(e.body) as { message?: unknown; error?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
      if (typeof parsed.error === 'string') return parsed.error;
    } catch {
      // not JSON
    }
    return e.body.trim().slice(0, 500);
  }
  return e.statusMessage ?? 'no message';
}

/**
 * The target's identity (the spool directory name): host and port for people, plus a hash
 * of URL, org, bucket and credentials, so different credentials get different spools while
 * the token itself is never written anywhere.
 */
export function targetId(t: InfluxTarget): string {
  const h = createHash('sha256');
  for (const p of [t.url, t.org, t.orgID, t.bucket, t.bucketID, t.token]) h.update((p ?? '\u0000') + '\u0001');
  let host = 'host';
  try {
    const u = new URL(t.url);
    host = `${u.hostname}-${u.port || (u.protocol === 'https:' ? '443' : '80')}`.replace(/[^A-Za-z0-9.-]/g, '_');
  } catch {
    // keep 'host'
  }
  return `${host}-${h.digest('hex').slice(0, 20)}`;
}

/** The InfluxDB v2 write API. */
export function v2Destination(target: InfluxTarget, options: ClientOptions): Destination {
  const client = new InfluxDB({ url: target.url, token: target.token === '' ? undefined : target.token, timeout: options.timeoutMs });
  const q = new URLSearchParams();
  if (target.orgID !== undefined) q.set('orgID', target.orgID);
  else if (target.org !== undefined) q.set('org', target.org);
  q.set('bucket', target.bucketID ?? target.bucket ?? '');
  q.set('precision', 'ns');
  const path = `/api/v2/write?${q}`;
  const where = `InfluxDB at ${redactUrl(target.url)}`;
  const bucketName = target.bucket ?? `id ${target.bucketID}`;
  const orgName = target.org ?? (target.orgID !== undefined ? `id ${target.orgID}` : undefined);
  return {
    description: `bucket "${bucketName}"${orgName !== undefined ? ` of org "${orgName}"` : ''} on ${redactUrl(target.url)}`,
    dialect: 'v2',
    send: (body) =>
      sendWith(client, path, body, options).catch((e: unknown) => {
        throw classifyError(e, where, options.nowMs());
      }),
  };
}

/** InfluxDB 1.x `/write`: bucket `db/rp`, token `user:password`. */
export function v1Destination(target: InfluxTarget, options: ClientOptions): Destination {
  const bucket = target.bucket ?? target.bucketID ?? '';
  const slash = bucket.indexOf('/');
  const db = slash < 0 ? bucket : bucket.slice(0, slash);
  const rp = slash < 0 ? '' : bucket.slice(slash + 1);
  const headers: Record<string, string> = {};
  if (target.token !== '') {
    const colon = target.token.indexOf(':');
    headers.authorization =
      colon < 0 ? `Token ${target.token}` : 'Basic ' + Buffer.from(target.token, 'utf8').toString('base64');
  }
  const client = new InfluxDB({ url: target.url, timeout: options.timeoutMs, headers });
  const q = new URLSearchParams({ db });
  if (rp !== '') q.set('rp', rp);
  q.set('precision', 'ns');
  const path = `/write?${q}`;
  const where = `InfluxDB 1.x at ${redactUrl(target.url)}`;
  return {
    description: `database "${db}"${rp !== '' ? ` (retention policy "${rp}")` : ''} on InfluxDB 1.x at ${redactUrl(target.url)}`,
    dialect: 'v1',
    send: (body) =>
      sendWith(client, path, body, options).catch((e: unknown) => {
        throw classifyError(e, where, options.nowMs());
      }),
  };
}

function sendWith(client: InfluxDB, path: string, body: Uint8Array, options: ClientOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let status: number | undefined;
    client.transport.send(
      path,
      // The node transport turns the body into a Buffer with Buffer.from(body, 'utf-8'),
      // which copies bytes as they are; passing bytes spares a string of the whole batch.
      body as unknown as string,
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        ...(options.gzipThreshold !== undefined ? { gzipThreshold: options.gzipThreshold } : {}),
      },
      {
        responseStarted(_h, statusCode) {
          status = statusCode;
        },
        error: reject,
        complete() {
          // 204 No Content is InfluxDB's success; 200/201 are partial or compatible successes.
          if (status === undefined || (status >= 200 && status < 300)) resolve();
          else reject(new WriteError(`unexpected status ${status}`, status, status >= 500 || status === 429, undefined));
        },
      },
    );
  });
}

/**
 * Asks the server which API it speaks: `GET /ping`; `X-Influxdb-Version: 1.*` means
 * InfluxDB 1.x. Any other answer (2.x, 3.x, Cloud, VictoriaMetrics without the header, even a
 * 404) means the v2 API. A network failure rejects with a retryable WriteError.
 */
export async function detectApi(url: string, timeoutMs: number, nowMs: () => number): Promise<'v1' | 'v2'> {
  const client = new InfluxDB({ url, timeout: timeoutMs });
  const where = `InfluxDB at ${redactUrl(url)}`;
  return new Promise((resolve, reject) => {
    let version: string | undefined;
    client.transport.send(
      '/ping',
      '',
      { method: 'GET' },
      {
        responseStarted(headers) {
          const v = headers['x-influxdb-version'];
          version = Array.isArray(v) ? v[0] : v;
        },
        next() {},
        error(e) {
          if (e instanceof HttpError && e.statusCode < 500) {
            const v = (e.headers as Record<string, string | string[] | undefined> | undefined)?.['x-influxdb-version'];
            const s = Array.isArray(v) ? v[0] : v;
            resolve(s !== undefined && /^v?1\./.test(s) ? 'v1' : 'v2');
            return;
          }
          reject(classifyError(e, where, nowMs()));
        },
        complete() {
          resolve(version !== undefined && /^v?1\./.test(version) ? 'v1' : 'v2');
        },
      },
    );
  });
}
