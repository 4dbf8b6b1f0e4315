// A local HTTP(S) server that serves exposition fixtures, for scrape tests and every other
// test that needs a scrape target (tasks, to(), fleet):
//
//   const target = await startHttpTarget({
//     '/metrics': { body: 'up 1\n' },
//     '/gz': { body: text, gzip: true },
//     '/slow': { body: text, delayMs: 2000 },
//     '/404': { status: 404, body: 'not here' },
//     '/secret': { body: text, auth: { bearer: 'tok' } },
//   }, { tls: true });           // optional: HTTPS with a fresh self-signed certificate
//                                // ({ tls: true, requireClientCert: true }: mutual TLS)
//   await scrape(`${target.url}/metrics`, ...);
//   target.requests              // what was asked (path, headers), in order
//   target.caFile                // with tls: the certificate to trust (tlsCa)
//   await target.close();        // always, in after()/finally
//
// Listens on 127.0.0.1 port 0. Unknown paths answer 404. Routes may be changed while it
// runs (`target.routes['/metrics'] = {...}`).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';

export interface Route {
  /** Response body (default ''). */
  body?: string | Uint8Array;
  /** HTTP status (default 200). */
  status?: number;
  /** Content-Type (default text 0.0.4); null sends none. */
  contentType?: string | null;
  /** Send the body gzip-compressed (Content-Encoding: gzip). */
  gzip?: boolean;
  /** Wait this long before sending the response headers. */
  delayMs?: number;
  /** Send the headers and half of the body, then wait this long before the rest. */
  bodyDelayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Require credentials: a bearer token or basic-auth user/password (401 otherwise). */
  auth?: { bearer?: string; username?: string; password?: string };
  /** Full control instead of the fields above. */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface HttpTarget {
  /** `http://127.0.0.1:PORT` (or https), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly routes: Record<string, Route>;
  readonly requests: RecordedRequest[];
  /** With TLS: PEM files of the server's self-signed certificate and key. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** With `requireClientCert`: a client certificate the server accepts, and its key. */
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  close(): Promise<void>;
}

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl in a temp dir. */
export function makeTestCertificate(): { dir: string; certFile: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promflux-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=promflux-test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile };
}

export async function startHttpTarget(routes: Record<string, Route>, options: { tls?: boolean; requireClientCert?: boolean } = {}): Promise<HttpTarget> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, headers: { ...req.headers } });
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no route ${path}\n`);
      return;
    }
    if (route.handler) return route.handler(req, res);
    if (route.auth) {
      const h = req.headers.authorization ?? '';
      const want = route.auth.bearer !== undefined
        ? `Bearer ${route.auth.bearer}`
        : `Basic ${Buffer.from(`${route.auth.username ?? ''}:${route.auth.password ?? ''}`).toString('base64')}`;
      if (h !== want) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="test"' });
        res.end('unauthorized\n');
        return;
      }
    }
    const send = () => {
      let body: Uint8Array = typeof route.body === 'string' ? Buffer.from(route.body, 'utf8') : (route.body ?? new Uint8Array());
      const headers: Record<string, string> = { ...route.headers };
      if (route.contentType !== null) headers['content-type'] = route.contentType ?? TEXT_CONTENT_TYPE;
      if (route.gzip) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = String(body.length);
      res.writeHead(route.status ?? 200, headers);
      if (route.bodyDelayMs) {
        const half = Math.floor(body.length / 2);
        res.write(body.subarray(0, half));
        later(route.bodyDelayMs, () => res.end(body.subarray(half)));
      } else res.end(body);
    };
    if (route.delayMs) later(route.delayMs, send);
    else send();
  };
  let server: Server;
  let cert: { dir: string; certFile: string; keyFile: string } | undefined;
  let client: { dir: string; certFile: string; keyFile: string } | undefined;
  if (options.tls) {
    cert = makeTestCertificate();
    if (options.requireClientCert) client = makeTestCertificate();
    server = createHttpsServer(
      {
        cert: readFileSync(cert.certFile),
        key: readFileSync(cert.keyFile),
        ...(client ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(client.certFile) } : {}),
      },
      handle,
    );
  } else {
    server = createHttpServer(handle);
  }
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    routes,
    requests,
    ...(cert ? { caFile: cert.certFile, certFile: cert.certFile, keyFile: cert.keyFile } : {}),
    ...(client ? { clientCertFile: client.certFile, clientKeyFile: client.keyFile } : {}),
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (cert) rmSync(cert.dir, { recursive: true, force: true });
      if (client) rmSync(client.dir, { recursive: true, force: true });
    },
  };
}
