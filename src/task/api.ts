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
// Errors: {"error":{"code","id","message"}} with 404 (unknown task), 405, 500.
import { toFluxError } from '../errors/index.js';
import type { MetricsRegistry } from '../host/metrics.js';
import type { TaskService } from './service.js';

export interface ApiRequest {
  readonly method: string;
  /** Path and query, e.g. `/api/v1/tasks/scrape/run?format=json`. */
  readonly url: string;
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

export function createApiHandler(svc: TaskService, metrics: MetricsRegistry, render?: ResultRenderer): (req: ApiRequest) => Promise<ApiResponse> {
  return async (req) => {
    const u = new URL(req.url, 'http://localhost');
    const parts = u.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    const method = req.method.toUpperCase();
    try {
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
