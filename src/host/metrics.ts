// promflux's own metrics: a small registry of counters, gauges and histograms that any layer
// may increment, and its exposition in the Prometheus text format 0.0.4 (served by
// `promflux serve` on /metrics).
//
// Usage from any layer (scrape, sink, store, task):
//
//     import { defaultMetrics } from '../host/metrics.js';
//     const retries = defaultMetrics.counter('promflux_write_retries_total', 'Write attempts retried.', ['target']);
//     retries.inc({ target: 'victoria' });
//
// Registering a name again returns the metric already registered (same type required), so
// layers need not coordinate who creates it. Well-known names shared between layers are
// exported below (METRIC_*).
//
// Design: a map of families by name; each family maps a label-value key to its series (a
// number, or bucket counts + sum + count for a histogram). Nothing is computed until
// `expose()`, except collected gauges, which call their function at exposition time.
//
// Exposition rules (Prometheus "Exposition formats", text format 0.0.4): one `# HELP` and
// `# TYPE` line per family; label values escape `\`, `"` and newline; HELP escapes `\` and
// newline; histograms expose cumulative `_bucket{le=...}` series ending with `le="+Inf"`,
// then `_sum` and `_count`.

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, value?: number): void;
  get(labels?: Labels): number;
}

export interface Gauge {
  set(labels: Labels | undefined, value: number): void;
  inc(labels?: Labels, value?: number): void;
  dec(labels?: Labels, value?: number): void;
  get(labels?: Labels): number;
  /** Compute the value at exposition time instead (e.g. a spool size). Replaces set values. */
  collect(fn: () => number | ReadonlyArray<{ labels: Labels; value: number }>): void;
}

export interface Histogram {
  observe(labels: Labels | undefined, value: number): void;
  /** Count and sum of one series (for tests). */
  get(labels?: Labels): { count: number; sum: number; buckets: readonly number[] };
}

type Kind = 'counter' | 'gauge' | 'histogram';

interface Family {
  name: string;
  help: string;
  kind: Kind;
  labelNames: readonly string[];
  series: Map<string, { labels: Labels; value: number; counts?: number[]; sum?: number; count?: number }>;
  buckets?: readonly number[];
  collector?: () => number | ReadonlyArray<{ labels: Labels; value: number }>;
  metric: Counter | Gauge | Histogram;
}

/** Default buckets (seconds) suited to run durations and start lags. */
export const DEFAULT_SECONDS_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Well-known metric names shared between layers. */
export const METRIC_WRITE_RETRIES = 'promflux_write_retries_total';
export const METRIC_SPOOL_BYTES = 'promflux_spool_bytes';

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.family(name, help, 'counter', labelNames).metric as Counter;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.family(name, help, 'gauge', labelNames).metric as Gauge;
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_SECONDS_BUCKETS): Histogram {
    return this.family(name, help, 'histogram', labelNames, buckets).metric as Histogram;
  }

  /** Forget every series of every family (for tests). */
  reset(): void {
    for (const f of this.families.values()) f.series.clear();
  }

  /** The Prometheus text exposition (format 0.0.4) of every family, sorted by name. */
  expose(): string {
    const out: string[] = [];
    for (const f of [...this.families.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      out.push(`# TYPE ${f.name} ${f.kind}`);
      if (f.collector !== undefined) {
        let v: number | ReadonlyArray<{ labels: Labels; value: number }>;
        try {
          v = f.collector();
        } catch {
          v = [];
        }
        const rows = typeof v === 'number' ? [{ labels: {}, value: v }] : v;
        for (const r of rows) out.push(`${f.name}${labelText(r.labels)} ${num(r.value)}`);
        continue;
      }
      for (const s of f.series.values()) {
        if (f.kind !== 'histogram') {
          out.push(`${f.name}${labelText(s.labels)} ${num(s.value)}`);
          continue;
        }
        let cum = 0;
        f.buckets!.forEach((le, i) => {
          cum += s.counts![i]!;
          out.push(`${f.name}_bucket${labelText(s.labels, ['le', num(le)])} ${cum}`);
        });
        out.push(`${f.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
        out.push(`${f.name}_sum${labelText(s.labels)} ${num(s.sum!)}`);
        out.push(`${f.name}_count${labelText(s.labels)} ${s.count}`);
      }
    }
    return out.join('\n') + '\n';
  }

  private family(name: string, help: string, kind: Kind, labelNames: readonly string[], buckets?: readonly number[]): Family {
    const existing = this.families.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind) throw new Error(`internal error: metric ${name} registered as ${existing.kind} and ${kind}`);
      return existing;
    }
    if (!NAME_RE.test(name)) throw new Error(`internal error: invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL_RE.test(l) || l === 'le') throw new Error(`internal error: invalid label name ${l}`);
    const f: Family = { name, help, kind, labelNames, series: new Map(), buckets: buckets ? [...buckets].sort((a, b) => a - b) : undefined, metric: undefined as never };
    const series = (labels: Labels | undefined) => {
      const key = f.labelNames.map((n) => labels?.[n] ?? '').join('\u0000');
      let s = f.series.get(key);
      if (s === undefined) {
        const clean: Record<string, string> = {};
        for (const n of f.labelNames) clean[n] = labels?.[n] ?? '';
        s = { labels: clean, value: 0 };
        if (kind === 'histogram') {
          s.counts = new Array<number>(f.buckets!.length).fill(0);
          s.sum = 0;
          s.count = 0;
        }
        f.series.set(key, s);
      }
      return s;
    };
    const peek = (labels: Labels | undefined) => f.series.get(f.labelNames.map((n) => labels?.[n] ?? '').join('\u0000'));
    if (kind === 'counter') {
      f.metric = {
        inc: (labels, value = 1) => {
          if (value < 0) throw new Error('internal error: counters only go up');
          series(labels).value += value;
        },
        get: (labels) => peek(labels)?.value ?? 0,
      } satisfies Counter;
    } else if (kind === 'gauge') {
      f.metric = {
        set: (labels, value) => {
          series(labels).value = value;
        },
        inc: (labels, value = 1) => {
          series(labels).value += value;
        },
        dec: (labels, value = 1) => {
          series(labels).value -= value;
        },
        get: (labels) => peek(labels)?.value ?? 0,
        collect: (fn) => {
          f.collector = fn;
        },
      } satisfies Gauge;
    } else {
      f.metric = {
        observe: (labels, value) => {
          const s = series(labels);
          const i = f.buckets!.findIndex((le) => value <= le);
          if (i >= 0) s.counts![i]!++;
          s.sum! += value;
          s.count!++;
        },
        get: (labels) => {
          const s = peek(labels);
          return { count: s?.count ?? 0, sum: s?.sum ?? 0, buckets: s?.counts ?? [] };
        },
      } satisfies Histogram;
    }
    this.families.set(name, f);
    return f;
  }
}

/** The process-wide registry that `promflux serve` exposes on /metrics. */
export const defaultMetrics = new MetricsRegistry();

function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
