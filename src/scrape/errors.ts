// The scrape errors a user can cause. Every one is a FluxError naming the URL (without the
// credentials of its userinfo) with a stable id:
//
//   scrape.invalidUrl         not an http/https URL                        (invalid)
//   scrape.invalidOption      a bad option value (timeout <= 0, ...)        (invalid)
//   scrape.connectionRefused  nothing listens at the address               (unavailable)
//   scrape.dns                the host name does not resolve               (unavailable)
//   scrape.connection         reset / closed / other socket failure        (unavailable)
//   scrape.timeout            the scrape timeout passed (says which phase) (deadline)
//   scrape.status             a non-2xx status (status + first body bytes) (unavailable)
//   scrape.redirect           too many redirects, or a redirect without a  (unavailable)
//                             usable http/https Location
//   scrape.tooLarge           body over maxBytes                           (resourceExhausted)
//   scrape.tls                TLS handshake/verification failed (why)      (unavailable)
//   scrape.tlsFile            a TLS file cannot be read                    (invalid)
//   scrape.decode             corrupt gzip/deflate body                    (invalid)
//   scrape.unsupportedFormat  a Content-Type promflux cannot parse         (invalid)
//   scrape.malformed          bad exposition: line:column and what         (invalid)
//   scrape.timestampRange     a sample timestamp outside Flux's time range (invalid)
//   scrape.canceled           the run was cancelled                        (canceled)
import { FluxError, type ErrorCode } from '../errors/index.js';
import type { HttpFailure } from '../host/http.js';
import type { ExpositionError } from './lex.js';

/** Query parameter names whose values are credentials. */
export const SECRET_PARAM = /token|secret|passw|pwd|auth|signature|credential|api[-_]?key|^key$|^sig$|^p$/i;

/**
 * The URL as shown in messages, logs and the `url` column: userinfo removed, the values of
 * credential-like query parameters replaced by `xxxxx`.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    // Credentials passed as query parameters (`?token=...`, `?api_key=...`): the value is
    // replaced, the parameter stays so that the URL still says what was scraped.
    for (const k of [...u.searchParams.keys()]) {
      if (SECRET_PARAM.test(k)) u.searchParams.set(k, 'xxxxx');
    }
    return u.toString();
  } catch {
    // Not a URL: hide anything that looks like userinfo.
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

/** Removes every secret from a message (bearer token, password, URL userinfo). */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('<redacted>');
  return out;
}

export function scrapeError(code: ErrorCode, id: string, url: string, detail: string, secrets: readonly string[] = [], cause?: unknown): FluxError {
  return new FluxError(code, id, escapeControls(redact(`scrape ${displayUrl(url)}: ${detail}`, secrets)), { cause });
}

/**
 * A message made safe for a terminal and a one-line log: C0 and C1 control characters, DEL
 * and the Unicode line/paragraph separators become `\n`, `\r`, `\t` or `\uXXXX`. Names and
 * text quoted from a scraped body (a quoted label name holding ESC, a C1 CSI byte pair in a
 * bad timestamp, a status page) reach messages; JSON.stringify leaves DEL and C1 raw.
 */
export function escapeControls(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export function fromHttpFailure(f: HttpFailure, url: string, timeoutMs: number, secrets: readonly string[]): FluxError {
  switch (f.kind) {
    case 'refused':
      return scrapeError('unavailable', 'scrape.connectionRefused', url, 'connection refused (is the target running and listening on this port?)', secrets, f);
    case 'dns':
      return scrapeError('unavailable', 'scrape.dns', url, f.message, secrets, f);
    case 'timeout': {
      const what =
        f.phase === 'body' ? 'while reading the response body' : f.phase === 'connect' ? 'while connecting' : 'while waiting for the response headers (connecting included)';
      return scrapeError('deadline', 'scrape.timeout', url, `the scrape timeout of ${formatMs(timeoutMs)} passed ${what}`, secrets, f);
    }
    case 'tls':
      return scrapeError('unavailable', 'scrape.tls', url, f.message, secrets, f);
    case 'tooLarge':
      return scrapeError('resourceExhausted', 'scrape.tooLarge', url, `${f.message} (raise maxBytes to accept it)`, secrets, f);
    case 'decode':
      return scrapeError('invalid', 'scrape.decode', url, f.message, secrets, f);
    case 'aborted':
      return scrapeError('canceled', 'scrape.canceled', url, 'the scrape was cancelled', secrets, f);
    case 'file':
      return scrapeError('invalid', 'scrape.tlsFile', url, f.message, secrets, f);
    case 'redirect':
      return scrapeError('unavailable', 'scrape.redirect', url, f.message, secrets, f);
    default: {
      // TLS 1.3 servers that require a client certificate close the connection after the
      // handshake rather than failing it: say so for https.
      const hint = /^https:/i.test(url) && /closed|reset/i.test(f.message) ? ' (over https this can mean the server requires a client certificate: tlsCert/tlsKey)' : '';
      return scrapeError('unavailable', 'scrape.connection', url, f.message + hint, secrets, f);
    }
  }
}

export function formatMs(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * A malformed-exposition error (or a sample timestamp outside Flux's range,
 * scrape.timestampRange): line and column (1-based, in characters) of the byte offset;
 * `note` ends a malformed-exposition message.
 */
export function malformedError(url: string, format: string, body: Uint8Array, e: ExpositionError, secrets: readonly string[], note = ''): FluxError {
  const { line, column, text } = locate(body, e.offset);
  const excerpt = text.length > 80 ? text.slice(0, 77) + '...' : text;
  return scrapeError(
    'invalid',
    e.id,
    url,
    `${e.id === 'scrape.malformed' ? 'malformed ' : ''}${format} exposition at line ${line}, column ${column}: ${e.detail}${excerpt ? ` (line: ${JSON.stringify(excerpt)})` : ''}${e.id === 'scrape.malformed' ? note : ''}`,
    secrets,
    e,
  );
}

/** Line (1-based), column (1-based, in UTF-16 units of the decoded line) and the line's text. */
export function locate(body: Uint8Array, offset: number): { line: number; column: number; text: string } {
  const off = Math.min(Math.max(offset, 0), body.length);
  let line = 1;
  let start = 0;
  for (let i = 0; i < off; i++) {
    if (body[i] === 10) {
      line++;
      start = i + 1;
    }
  }
  let end = body.indexOf(10, start);
  if (end < 0) end = body.length;
  const dec = new TextDecoder('utf-8');
  const column = dec.decode(body.subarray(start, off)).length + 1;
  return { line, column, text: dec.decode(body.subarray(start, end)) };
}
