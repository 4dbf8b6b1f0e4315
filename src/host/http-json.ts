// GET a JSON document (service discovery endpoints) through the HttpClient of ./http.ts, so
// that http_sd has what scrapes have: auth headers, TLS options, gzip, redirects, one
// deadline and a size limit. Errors are plain Errors whose messages hold no URL (the caller
// names it, without credentials).
import { HttpFailure, type HttpClient, type HttpTlsOptions } from './http.js';

/** Largest JSON body accepted. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export interface JsonRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly tls?: HttpTlsOptions;
  readonly signal?: AbortSignal;
}

export async function getJson(client: HttpClient, req: JsonRequest): Promise<unknown> {
  let res;
  try {
    res = await client.get({
      url: req.url,
      headers: { accept: 'application/json', ...req.headers },
      timeoutMs: req.timeoutMs,
      maxBytes: MAX_JSON_BYTES,
      maxRedirects: 10,
      ...(req.tls ? { tls: req.tls } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } catch (e) {
    if (e instanceof HttpFailure && e.kind === 'timeout') throw new Error(`no complete answer within ${req.timeoutMs} ms`, { cause: e });
    throw new Error((e as Error).message, { cause: e });
  }
  const text = res.body.toString('utf8');
  if (res.status < 200 || res.status > 299) {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new Error(`HTTP ${res.status}${excerpt ? `: ${JSON.stringify(excerpt)}` : ''}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`the body is not JSON (${(e as Error).message})`);
  }
}
