// GET a JSON document over HTTP(S) with undici (service discovery endpoints).
// Errors name the URL (without credentials) and the cause; the body is limited in size.
import { request } from 'undici';

const MAX_BYTES = 16 * 1024 * 1024;

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

export async function getJson(url: string, options: { signal?: AbortSignal; timeoutMs: number }): Promise<unknown> {
  const shown = redact(url);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let res;
  try {
    res = await request(url, { method: 'GET', headers: { accept: 'application/json' }, signal });
  } catch (e) {
    if (timeout.aborted) throw new Error(`GET ${shown}: no answer within ${options.timeoutMs} ms`);
    throw new Error(`GET ${shown}: ${(e as Error).message}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) {
      res.body.destroy();
      throw new Error(`GET ${shown}: body larger than ${MAX_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (res.statusCode < 200 || res.statusCode > 299) {
    throw new Error(`GET ${shown}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`GET ${shown}: the body is not JSON (${(e as Error).message})`);
  }
}
