// Design: the HTTP client behind prometheus.scrape (and anything else that GETs a body):
// undici 7.x `request` over one keep-alive Agent per TLS configuration (created on first
// use, closed by `close()`), a single deadline per request driven by the injected Clock,
// a size limit applied to the decompressed body, gzip/deflate/brotli decoding with node's
// zlib (another Content-Encoding is a `decode` failure), and redirects followed on request
// (301, 302, 303, 307, 308, as Go's client and Prometheus's `follow_redirects` do: at most
// `maxRedirects`, only to http/https, within the one deadline, the Authorization and Cookie
// headers sent only while the origin stays the same). Failures are `HttpFailure`s with a
// `kind` the caller maps to its own error ids; their messages never contain the request's
// URL (the caller names it, without credentials); a redirect's target is named by its
// scheme, host and path only.
import { Agent, request, type Dispatcher } from 'undici';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { readFile as nodeReadFile } from 'node:fs/promises';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

export interface HttpTlsOptions {
  /** PEM file of the CA certificates to trust instead of the system's. */
  readonly caFile?: string;
  /** PEM files of a client certificate and its key (mutual TLS). */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The server name to verify the certificate against (SNI), instead of the URL's host. */
  readonly serverName?: string;
  /** Accept any certificate (testing only). */
  readonly insecureSkipVerify?: boolean;
}

export interface HttpGetRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline for the whole exchange (connect, headers, body), in milliseconds. */
  readonly timeoutMs: number;
  /** Limit on the (decompressed) body size in bytes. */
  readonly maxBytes: number;
  readonly tls?: HttpTlsOptions;
  readonly signal?: AbortSignal;
  /** Redirects to follow (default 0: a 3xx response is returned as it is). */
  readonly maxRedirects?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The decompressed body; for a non-2xx status only its first bytes (up to 1 KiB). */
  readonly body: Buffer;
  /** The URL that answered: the request's, or where its redirects led. */
  readonly url: string;
  /** How many redirects were followed. */
  readonly redirects: number;
}

export type HttpFailureKind =
  | 'refused' // connection refused
  | 'dns' // host name did not resolve
  | 'timeout' // the deadline passed (see `phase`)
  | 'tls' // TLS handshake or certificate verification failed
  | 'tooLarge' // body over maxBytes
  | 'connection' // reset, closed early, other socket errors
  | 'decode' // gzip/deflate data was corrupt
  | 'aborted' // the caller's signal fired
  | 'redirect' // too many redirects, or one without a usable Location
  | 'file'; // a TLS file could not be read

export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    /** For timeouts: what was going on when the deadline passed. */
    readonly phase?: 'connect' | 'headers' | 'body',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpFailure';
  }
}

export interface HttpClient {
  get(req: HttpGetRequest): Promise<HttpResponse>;
  /**
   * Give back a body this client returned that nobody reads any more: a later body of up to
   * its size is read into it instead of a new buffer. (A large body is a large allocation
   * outside the JavaScript heap, and V8 answers those with full garbage collections.)
   * Optional: a client may ignore it.
   */
  recycle?(body: Buffer): void;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  readonly clock?: Clock;
  /** How TLS files are read (defaults to node's fs). */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

const ERROR_BODY_BYTES = 1024;
/** Bodies from this size on are read into a recycled buffer when there is one. */
const RECYCLE_MIN = 1 << 20;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR_SOCKET') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return (e as { code?: string } | null)?.code;
}

function errMessage(e: unknown): string {
  let cur: unknown = e;
  let msg = (e as Error)?.message ?? String(e);
  for (let i = 0; i < 4 && cur; i++) {
    const m = (cur as Error).message;
    if (m) msg = m;
    cur = (cur as { cause?: unknown }).cause;
  }
  return msg;
}

/** Map a network error from undici/node to an HttpFailure. */
function classify(e: unknown): HttpFailure {
  if (e instanceof HttpFailure) return e;
  const code = errCode(e) ?? '';
  const msg = errMessage(e);
  if (code === 'ECONNREFUSED') return new HttpFailure('refused', 'connection refused', undefined, { cause: e });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new HttpFailure('dns', `the host name did not resolve (${code})`, undefined, { cause: e });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new HttpFailure('timeout', 'connecting timed out', 'connect', { cause: e });
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /certificate|SSL|TLS/i.test(msg)) {
    // OpenSSL's own text is several lines of library internals
    // ("...:ssl3_get_record:wrong version number:../deps/openssl/..."): say what it means.
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(msg)) {
      return new HttpFailure('tls', 'TLS handshake failed: the server did not answer in TLS (is it plain http?)', undefined, { cause: e });
    }
    const oneLine = msg.replace(/\s*\n\s*/g, ' ').trim();
    return new HttpFailure('tls', `TLS handshake failed: ${oneLine}${code && !oneLine.includes(code) ? ` (${code})` : ''}`, undefined, { cause: e });
  }
  if (code === 'ECONNRESET') return new HttpFailure('connection', 'the connection was reset by the server', undefined, { cause: e });
  return new HttpFailure('connection', `${msg}${code && !msg.includes(code) ? ` (${code})` : ''}`, undefined, { cause: e });
}

/** The node/undici implementation of HttpClient. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const readFile = options.readFile ?? ((p: string) => nodeReadFile(p));
  const agents = new Map<string, Promise<Agent>>();
  /** A large body given back (recycle), to read the next one into. */
  let spare: Buffer | null = null;
  const bodyBuffer = (size: number): Buffer => {
    if (spare !== null && spare.length >= size) {
      const b = spare.subarray(0, size);
      spare = null;
      return b;
    }
    // Room to grow by 1/16: the next body of a target is rarely the same size.
    return size >= RECYCLE_MIN ? Buffer.allocUnsafe(size + (size >> 4)).subarray(0, size) : Buffer.allocUnsafe(size);
  };

  const agentFor = (tls: HttpTlsOptions | undefined, timeoutMs: number): Promise<Agent> => {
    const key = JSON.stringify([tls?.caFile, tls?.certFile, tls?.keyFile, tls?.serverName, tls?.insecureSkipVerify === true, timeoutMs]);
    let a = agents.get(key);
    if (a === undefined) {
      a = (async () => {
        const load = async (what: string, path: string | undefined) => {
          if (path === undefined) return undefined;
          try {
            return Buffer.from(await readFile(path));
          } catch (e) {
            throw new HttpFailure('file', `cannot read the TLS ${what} file "${path}": ${(e as Error).message}`, undefined, { cause: e });
          }
        };
        const [ca, cert, key] = await Promise.all([load('CA', tls?.caFile), load('certificate', tls?.certFile), load('key', tls?.keyFile)]);
        return new Agent({
          connect: {
            timeout: timeoutMs,
            ...(ca ? { ca } : {}),
            ...(cert ? { cert } : {}),
            ...(key ? { key } : {}),
            ...(tls?.serverName ? { servername: tls.serverName } : {}),
            rejectUnauthorized: tls?.insecureSkipVerify !== true,
          },
          headersTimeout: timeoutMs + 1000,
          bodyTimeout: timeoutMs + 1000,
          keepAliveTimeout: 30_000,
        });
      })();
      agents.set(key, a);
      a.catch(() => agents.delete(key));
    }
    return a;
  };

  return {
    async get(req: HttpGetRequest): Promise<HttpResponse> {
      const dispatcher = await agentFor(req.tls, req.timeoutMs);
      const ac = new AbortController();
      let phase: 'headers' | 'body' = 'headers';
      let timedOut = false;
      const timer = clock.setTimer(req.timeoutMs, () => {
        timedOut = true;
        ac.abort(new HttpFailure('timeout', 'deadline passed', phase));
      });
      const onAbort = () => ac.abort(new HttpFailure('aborted', 'the request was cancelled'));
      if (req.signal?.aborted) onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      let res: Dispatcher.ResponseData | undefined;
      let url = req.url;
      let sendHeaders: Record<string, string> = { ...req.headers };
      const origin = new URL(req.url).origin;
      const maxRedirects = req.maxRedirects ?? 0;
      let redirects = 0;
      try {
        let headers: Record<string, string>;
        for (;;) {
          try {
            try {
              res = await request(url, { method: 'GET', headers: sendHeaders, signal: ac.signal, dispatcher });
            } catch (e) {
              // A pooled keep-alive connection the server closed at the same moment: retry the
              // (idempotent) GET once on a new connection, as Go's HTTP client does.
              const code = errCode(e);
              if (ac.signal.aborted || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET' && code !== 'EPIPE')) throw e;
              res = await request(url, { method: 'GET', headers: sendHeaders, signal: ac.signal, dispatcher });
            }
          } catch (e) {
            if (timedOut) throw new HttpFailure('timeout', 'no response headers before the deadline (connecting included)', 'headers', { cause: e });
            if (ac.signal.aborted) throw new HttpFailure('aborted', 'the request was cancelled', undefined, { cause: e });
            throw classify(e);
          }
          headers = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          }
          if (maxRedirects === 0 || !REDIRECTS.has(res.statusCode)) break;
          discard(res.body);
          const next = redirectTarget(url, headers['location'], res.statusCode);
          if (redirects === maxRedirects) throw new HttpFailure('redirect', `stopped after ${maxRedirects} redirects (the last one to ${describeUrl(next)})`);
          redirects++;
          // Credentials go only to the origin they were given for (Go drops them on a
          // redirect to another host too).
          if (new URL(next).origin !== origin) {
            sendHeaders = { ...sendHeaders };
            delete sendHeaders['authorization'];
            delete sendHeaders['cookie'];
          }
          url = next;
        }
        phase = 'body';
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        const limit = ok ? req.maxBytes : ERROR_BODY_BYTES;
        const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
        const compressed = encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br';
        if (ok && !compressed && encoding !== 'identity' && encoding !== '') {
          // Read as it is, the body would fail as a malformed exposition; say what it is.
          discard(res.body);
          throw new HttpFailure('decode', `the body has Content-Encoding ${JSON.stringify(encoding)}, which promflux cannot decode (it asks for gzip)`);
        }
        const declared = Number(headers['content-length']);
        if (ok && !compressed && Number.isFinite(declared) && declared > req.maxBytes) {
          discard(res.body);
          throw new HttpFailure('tooLarge', `the body is ${declared} bytes (Content-Length), over the limit of ${req.maxBytes} bytes`);
        }
        let raw: Buffer;
        try {
          raw = await readBody(res.body, ok ? (compressed ? req.maxBytes : limit) : limit, ok, Number.isFinite(declared) ? declared : -1, bodyBuffer);
        } catch (e) {
          if (timedOut) throw new HttpFailure('timeout', 'the body was not complete before the deadline', 'body', { cause: e });
          if (ac.signal.aborted) throw new HttpFailure('aborted', 'the request was cancelled', undefined, { cause: e });
          throw classify(e);
        }
        let body = raw;
        if (compressed && ok) body = await decompress(raw, encoding, req.maxBytes);
        else if (compressed && !ok) body = await decompress(raw, encoding, ERROR_BODY_BYTES).catch(() => raw);
        return { status: res.statusCode, headers, body, url, redirects };
      } finally {
        timer.cancel();
        req.signal?.removeEventListener('abort', onAbort);
      }
    },
    recycle(body: Buffer): void {
      // The whole buffer the body views (bodyBuffer leaves room after it).
      if (body.length < RECYCLE_MIN) return;
      const whole = Buffer.from(body.buffer, body.byteOffset, body.buffer.byteLength - body.byteOffset);
      if (spare === null || whole.length > spare.length) spare = whole;
    },
    async close(): Promise<void> {
      const all = [...agents.values()];
      agents.clear();
      await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
    },
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The absolute http/https URL a redirect's Location names (userinfo removed). */
function redirectTarget(from: string, location: string | undefined, status: number): string {
  if (location === undefined || location.trim() === '') throw new HttpFailure('redirect', `the server answered HTTP ${status} without a Location header`);
  let u: URL;
  try {
    u = new URL(location.trim(), from);
  } catch {
    throw new HttpFailure('redirect', `the server answered HTTP ${status} with an invalid Location header`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HttpFailure('redirect', `the server redirected to a ${u.protocol.replace(/:$/, '')} URL; only http and https are followed`);
  }
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.toString();
}

/** A URL for a message: scheme, host and path only (a query may carry credentials). */
function describeUrl(url: string): string {
  const u = new URL(url);
  return u.origin + u.pathname;
}

/**
 * Read a body up to `limit` bytes. With `strict` more bytes are a `tooLarge` failure;
 * otherwise (error bodies) the rest is discarded.
 */
async function readBody(body: Dispatcher.ResponseData['body'], limit: number, strict: boolean, declared: number, alloc: (size: number) => Buffer): Promise<Buffer> {
  let out: Buffer | null = declared >= 0 && declared <= limit ? alloc(declared) : null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    const chunk = c as Buffer;
    if (size + chunk.length > limit) {
      if (strict) {
        discard(body);
        throw new HttpFailure('tooLarge', `the body is over the limit of ${limit} bytes`);
      }
      const take = limit - size;
      if (take > 0) chunks.push(chunk.subarray(0, take));
      size = limit;
      discard(body);
      break;
    }
    if (out !== null && size + chunk.length <= out.length) chunk.copy(out, size);
    else {
      if (out !== null) {
        chunks.push(out.subarray(0, size));
        out = null;
      }
      chunks.push(chunk);
    }
    size += chunk.length;
  }
  if (out !== null) return size === out.length ? out : out.subarray(0, size);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** Stop reading a body (its abort error is expected, not an uncaught exception). */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function decompress(raw: Buffer, encoding: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => {
      if (err === null) return resolve(out);
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        return reject(new HttpFailure('tooLarge', `the decompressed body is over the limit of ${maxBytes} bytes`));
      }
      reject(new HttpFailure('decode', `the ${encoding} body is corrupt: ${err.message}`, undefined, { cause: err }));
    };
    const opts = { maxOutputLength: Math.max(1, maxBytes) };
    if (encoding === 'deflate') inflate(raw, opts, done);
    else if (encoding === 'br') brotliDecompress(raw, opts, done);
    else gunzip(raw, opts, done);
  });
}
