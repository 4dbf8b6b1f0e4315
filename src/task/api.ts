// The loopback HTTP API of `promflux serve`: /health, /metrics (Prometheus text format 0.0.4)
// and a small JSON API the task CLI talks to. Transport-free: a request in, a response out;
// src/host/http-server.ts carries it over HTTP.
//
//   GET  /health                       {"status":"ok","tasks":N,"running":N}
//   GET  /metrics                      promflux's own metrics
//   GET  /api/v1/tasks                 {"tasks":[TaskSummary...],"invalidFiles":[...]}
//   GET  /api/v1/tasks/NAME            TaskDetail (options, recent runs, last run's steps)
//   GET  /api/v1/tasks/NAME/logs       {"runs":[...],"events":[...]}
//   POST /api/v1/tasks/NAME/run        {"run":PersistedRun,"output":"..."} (?format=table|csv|json)
//   POST /api/v1/tasks/NAME/enable     {"name":NAME,"status":"enabled"}
//   POST /api/v1/tasks/NAME/disable    {"name":NAME,"status":"disabled"}
// Errors: {"error":{"code","id","message"}} with 403 (refused, below), 404 (unknown task), 405, 500.
//
// The API has no accounts, so it guards against the browser, the one client that can reach
// a loopback port on the user's behalf without being asked:
// - DNS rebinding: a page whose host name is made to resolve to 127.0.0.1 talks to the API
//   as its own origin. /api/ answers only requests whose Host is an IP address, `localhost`
//   or the name serve listens on (`allowedHosts`).
// - Cross-site requests: a page may send a form POST to any address. The POST endpoints
//   need the `X-Promflux-Client` header, which a page can only send cross-origin after a
//   CORS preflight this server never grants, and refuse requests with a foreign `Origin`.
// `promflux task` sends that header.
import { toFluxError } from '../errors/index.js';
import type { MetricsRegistry } from '../host/metrics.js';
import type { TaskService } from './service.js';

export interface ApiRequest {
  readonly method: string;
  /** Path and query, e.g. `/api/v1/tasks/scrape/run?format=json`. */
  readonly url: string;
  /** Request headers, lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The header POST requests to the API must carry (`promflux task` sends it). */
export const CLIENT_HEADER = 'x-promflux-client';

export interface ApiOptions {
  /** Host names accepted in the Host header besides IP addresses and `localhost` (e.g. serve's --listen host). */
  readonly allowedHosts?: readonly string[];
}

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower case. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const v6 = /^\[([^\]]*)\]/.exec(h);
  if (v6) return v6[1]!;
  const i = h.lastIndexOf(':');
  return i >= 0 ? h.slice(0, i) : h;
}

/** `host[:port]` of an Origin header, lower case ('' when it is not a URL, e.g. "null"). */
function originHost(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '';
  }
}

/** Why an API request is refused (null: it is not). */
function refusal(req: ApiRequest, method: string, allowed: ReadonlySet<string>): string | null {
  const headers = req.headers ?? {};
  const host = headers['host'];
  if (host !== undefined) {
    const name = hostName(host);
    const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
    if (!ip && name !== 'localhost' && !allowed.has(name)) return `requests for host "${name}" are refused (only IP addresses, localhost and the listen host)`;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    if (headers[CLIENT_HEADER] === undefined) return `a ${method} request needs the ${CLIENT_HEADER} header (promflux task sends it)`;
    // An Origin must name this server (an opaque "null" or unparsable one never does).
    const origin = headers['origin'];
    if (origin !== undefined && (host === undefined || originHost(origin) !== host.trim().toLowerCase())) return 'cross-origin requests are refused';
  }
  return null;
}

export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Renders a manual run's results (`promflux task run`) in a CLI output format. */
export type ResultRenderer = (results: unknown, format: 'table' | 'csv' | 'json') => Promise<string>;

export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

const json = (status: number, v: unknown): ApiResponse => ({ status, contentType: 'application/json', body: toJson(v) + '\n' });
const notFound = (name: string) => json(404, { error: { code: 'notFound', id: 'task.notFound', message: `no task named "${name}"` } });

export function createApiHandler(svc: TaskService, metrics: MetricsRegistry, render?: ResultRenderer, options: ApiOptions = {}): (req: ApiRequest) => Promise<ApiResponse> {
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  return async (req) => {
    const u = new URL(req.url, 'http://localhost');
    const parts = u.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    const method = req.method.toUpperCase();
    try {
      if (u.pathname.startsWith('/api/')) {
        const why = refusal(req, method, allowed);
        if (why !== null) return json(403, { error: { code: 'permissionDenied', id: 'api.refused', message: why } });
      }
      if (u.pathname === '/health') {
        return json(200, { status: 'ok', tasks: svc.scheduler.names().length, running: svc.scheduler.runningCount() });
      }
      if (u.pathname === '/metrics') {
        return { status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: metrics.expose() };
      }
      if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'tasks') {
        return json(404, { error: { code: 'notFound', id: 'api.notFound', message: `no such endpoint ${u.pathname}` } });
      }
      if (parts.length === 3) {
        if (method !== 'GET') return methodNotAllowed();
        const invalidFiles = [...svc.fileErrors].map(([file, errs]) => ({
          file,
          errors: errs.map((e) => ({ id: e.id, message: e.message, ...(e.span ? { line: e.span.start.line, column: e.span.start.column } : {}) })),
        }));
        return json(200, { tasks: svc.list(), invalidFiles });
      }
      const name = parts[3]!;
      const action = parts[4];
      if (parts.length > 5) return json(404, { error: { code: 'notFound', id: 'api.notFound', message: `no such endpoint ${u.pathname}` } });
      if (action === undefined) {
        if (method !== 'GET') return methodNotAllowed();
        const d = svc.show(name);
        return d ? json(200, d) : notFound(name);
      }
      if (action === 'logs') {
        if (method !== 'GET') return methodNotAllowed();
        const d = svc.show(name);
        return d ? json(200, { name, runs: d.runs, events: d.events }) : notFound(name);
      }
      if (action === 'enable' || action === 'disable') {
        if (method !== 'POST') return methodNotAllowed();
        if (!svc.setEnabled(name, action === 'enable')) return notFound(name);
        return json(200, { name, status: action === 'enable' ? 'enabled' : 'disabled' });
      }
      if (action === 'run') {
        if (method !== 'POST') return methodNotAllowed();
        if (!svc.scheduler.has(name)) return notFound(name);
        const fmt = u.searchParams.get('format');
        const format = fmt === 'csv' || fmt === 'json' ? fmt : 'table';
        const { run, results } = await svc.runNow(name);
        let output = '';
        if (run.outcome === 'success' && render !== undefined && results !== undefined) output = await render(results, format);
        return json(200, { run, output });
      }
      return json(404, { error: { code: 'notFound', id: 'api.notFound', message: `no such endpoint ${u.pathname}` } });
    } catch (e) {
      const fe = toFluxError(e);
      return json(fe.id === 'task.notFound' ? 404 : 500, { error: { code: fe.code, id: fe.id, message: fe.message } });
    }
  };
}

function methodNotAllowed(): ApiResponse {
  return json(405, { error: { code: 'invalid', id: 'api.methodNotAllowed', message: 'method not allowed' } });
}
