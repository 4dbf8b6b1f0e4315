// A minimal HTTP server for promflux's own endpoints (`promflux serve`: /health, /metrics and
// the task API). Handlers are transport-free functions: request method and URL in, status,
// content type and body out. Bodies are not read (the API takes no request bodies).
import { createServer } from 'node:http';

export interface HttpServerRequest {
  readonly method: string;
  readonly url: string;
  /** Request headers, lower-case names (repeated headers joined with ", "). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpServerResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface HttpServerHandle {
  /** `http://HOST:PORT` as bound (the real port when 0 was asked). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Parse `HOST:PORT`, `:PORT` or `PORT`. A missing host means loopback (127.0.0.1): promflux
 * listens on loopback unless told otherwise. IPv6 hosts are written `[::1]:PORT`.
 */
export function parseListen(listen: string): { host: string; port: number } | undefined {
  const t = listen.trim();
  let host = '127.0.0.1';
  let portText = t;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(t);
  if (v6 !== null) {
    host = v6[1]!;
    portText = v6[2]!;
  } else if (t.includes(':')) {
    const i = t.lastIndexOf(':');
    if (i > 0) host = t.slice(0, i);
    portText = t.slice(i + 1);
  }
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port > 65535 ? undefined : { host, port };
}

export function startHttpServer(
  host: string,
  port: number,
  handler: (req: HttpServerRequest) => Promise<HttpServerResponse>,
): Promise<HttpServerHandle> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      req.resume();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      handler({ method: req.method ?? 'GET', url: req.url ?? '/', headers }).then(
        (r) => {
          res.writeHead(r.status, { 'content-type': r.contentType, 'cache-control': 'no-store' });
          res.end(r.body);
        },
        (e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        },
      );
    });
    server.keepAliveTimeout = 5000;
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const boundPort = typeof addr === 'object' && addr !== null ? addr.port : port;
      const h = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${h}:${boundPort}`,
        host,
        port: boundPort,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
