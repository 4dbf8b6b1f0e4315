// prometheus.scrapeTargets(targets:, ...): scrape a fleet of targets, as a Prometheus scrape
// job does.
//
// Design: targets (from experimental/prometheus/discovery) are turned into URLs and label
// sets by Prometheus's target relabeling (src/discovery/targets.ts); then every target is
// scraped concurrently, at most `concurrency` at a time, each with the options of
// prometheus.scrape. A target's samples carry the target's labels (a scraped label whose
// name clashes with a target label is renamed `exported_<name>`, Prometheus's
// honor_labels: false), then metric relabeling rules run on each series (with `__name__`
// the sample name). Per target, the synthetic series Prometheus records are added: `up`,
// `scrape_duration_seconds`, `scrape_samples_scraped` and
// `scrape_samples_post_metric_relabeling`. A failing target gives `up = 0` and a line in
// the run log; it never fails the call. `sampleLimit` and `labelLimit` fail a target's scrape
// (up = 0) as Prometheus's sample_limit and label_limit do.
//
// Output order is deterministic: targets by URL then labels; within a target its series in
// scrape order, then its four synthetic series.

import { FluxError } from '../../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../../runtime/builtin-api.js';
import { scrape as scrapeOnce } from '../../../scrape/index.js';
import { relabel, type RelabelRule } from '../../../discovery/relabel.js';
import { populateTargets, type ScrapeTarget } from '../../../discovery/targets.js';
import { concatColumns, constantColumn, groupKeyId, streamOf, tableFromColumns, type Column, type ColumnMeta, type Table } from '../../../table/index.js';
import { Time, type Value } from '../../../values/value.js';
import { scrapeHttpClient, scrapeOptions } from './scrape.js';
import { discoveredTargets, relabelRules } from './discovery/targets-value.js';

const BASE: readonly ColumnMeta[] = [
  { name: '_time', type: 'time' },
  { name: '_measurement', type: 'string' },
  { name: '_field', type: 'string' },
  { name: '_value', type: 'float' },
  { name: 'url', type: 'string' },
];
const FIXED = new Set(['_time', '_measurement', '_field', '_value', 'url', '_start', '_stop']);

function intArg(args: ReadonlyMap<string, Value>, name: string, fallback: number, ctx: NativeContext, min: number): number {
  const v = args.get(name);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'bigint' || v < BigInt(min) || v > 1_000_000_000n) {
    throw new FluxError('invalid', 'scrape.invalidOption', `prometheus.scrapeTargets: ${name} must be an int >= ${min}`, { span: ctx.span, source: ctx.source });
  }
  return Number(v);
}

function sortedEntries(m: ReadonlyMap<string, string>): [string, string][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Build one series table: BASE columns, then label columns sorted by name, all labels in the key. */
function seriesTable(time: Column, field: string, value: Column, url: string, labels: ReadonlyMap<string, string>, n: number): Table {
  const entries = sortedEntries(labels);
  const columns: ColumnMeta[] = [...BASE, ...entries.map(([name]) => ({ name, type: 'string' as const }))];
  const data: Column[] = [
    time,
    constantColumn('string', 'prometheus', n),
    constantColumn('string', field, n),
    value,
    constantColumn('string', url, n),
    ...entries.map(([, v]) => constantColumn('string', v, n)),
  ];
  const key = ['_measurement', '_field', ...entries.map(([k]) => k)];
  return tableFromColumns(columns, key, data, ['prometheus', field, ...entries.map(([, v]) => v)]);
}

interface TargetOutcome {
  readonly target: ScrapeTarget;
  readonly tables: Table[];
  readonly up: boolean;
  readonly durationS: number;
  readonly scraped: number;
  readonly postRelabel: number;
  readonly startNs: bigint;
  readonly url: string;
}

function syntheticTables(o: TargetOutcome): Table[] {
  const time = constantColumn('time', new Time(o.startNs), 1);
  const one = (field: string, v: number) => seriesTable(time, field, constantColumn('float', v, 1), o.url, o.target.labels, 1);
  return [
    one('up', o.up ? 1 : 0),
    one('scrape_duration_seconds', o.durationS),
    one('scrape_samples_scraped', o.scraped),
    one('scrape_samples_post_metric_relabeling', o.postRelabel),
  ];
}

/**
 * Re-label the series of one scrape: add the target's labels, run metric relabeling, and
 * check the label limit. Returns null (with why) when a limit fails the scrape.
 */
function labelSeries(
  tables: Iterable<Table>,
  target: ScrapeTarget,
  url: string,
  rules: readonly RelabelRule[],
  labelLimit: number,
): { tables: Table[] } | { error: string } {
  const out: Table[] = [];
  for (const t of tables) {
    const labels = new Map<string, string>();
    let field = '';
    for (let k = 0; k < t.key.columns.length; k++) {
      const name = t.key.columns[k]!.name;
      const v = t.key.values[k] as string;
      if (name === '_field') field = v;
      else if (name !== '_measurement') labels.set(name, v);
    }
    // Scraped labels that clash with target labels are kept as exported_<name>.
    for (const [k, v] of target.labels) {
      if (labels.has(k)) {
        labels.set(`exported_${k}`, labels.get(k)!);
      }
      labels.set(k, v);
    }
    let newField = field;
    if (rules.length) {
      // __name__ is the sample name: buckets were stored with `_bucket` trimmed.
      const bucket = labels.has('le') && !field.endsWith('_bucket');
      labels.set('__name__', bucket ? `${field}_bucket` : field);
      const after = relabel(labels, rules);
      if (after === null) continue;
      const name = after.get('__name__') ?? '';
      after.delete('__name__');
      for (const k of [...after.keys()]) if (after.get(k) === '' || FIXED.has(k)) after.delete(k);
      if (name === '') continue;
      newField = bucket && name.endsWith('_bucket') ? name.slice(0, -'_bucket'.length) : name;
      labels.clear();
      for (const [k, v] of after) labels.set(k, v);
    }
    if (labelLimit > 0 && labels.size + 1 > labelLimit) {
      return { error: `series ${newField} has ${labels.size + 1} labels, more than labelLimit ${labelLimit}` };
    }
    const ti = t.columnIndex('_time');
    const vi = t.columnIndex('_value');
    out.push(seriesTable(t.column(ti), newField, t.column(vi), url, labels, t.length));
  }
  return { tables: out };
}

export const scrapeTargets: NativeFunction = async (args, ctx) => {
  const discovered = discoveredTargets(args.get('targets'));
  const job = (args.get('job') as string | undefined) ?? 'prometheus';
  const targetRules = relabelRules(args.get('relabel'), 'relabel');
  const metricRules = relabelRules(args.get('metricRelabel'), 'metricRelabel');
  const concurrency = intArg(args, 'concurrency', 16, ctx, 1);
  const sampleLimit = intArg(args, 'sampleLimit', 0, ctx, 0);
  const labelLimit = intArg(args, 'labelLimit', 0, ctx, 0);
  const options = scrapeOptions(args, ctx);
  const http = scrapeHttpClient(ctx);

  const populated = populateTargets(discovered, { jobName: job }, targetRules);
  for (const e of populated.errors) ctx.logger.warn(`prometheus.scrapeTargets: ${e.error.message}`, { id: e.error.id });
  const targets = [...populated.targets].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));

  const outcomes: TargetOutcome[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= targets.length) return;
      ctx.signal.throwIfAborted();
      const target = targets[i]!;
      const t0 = ctx.clock.monotonicMs();
      const startNs = ctx.clock.nowNanos();
      let outcome: TargetOutcome;
      try {
        const r = await scrapeOnce(target.url, options, { http, clock: ctx.clock, logger: ctx.logger });
        const labelled = labelSeries(r.tables.tables(), target, r.url, metricRules, labelLimit);
        let failure = 'error' in labelled ? labelled.error : undefined;
        const tables = 'tables' in labelled ? labelled.tables : [];
        const post = tables.reduce((n, t) => n + t.length, 0);
        if (failure === undefined && sampleLimit > 0 && post > sampleLimit) failure = `${post} samples, more than sampleLimit ${sampleLimit}`;
        if (failure !== undefined) {
          ctx.logger.warn(`prometheus.scrapeTargets: scrape of ${r.url} failed: ${failure}`, { id: 'scrape.limit', url: r.url });
        }
        outcome = {
          target,
          tables: failure === undefined ? tables : [],
          up: failure === undefined,
          durationS: (ctx.clock.monotonicMs() - t0) / 1000,
          scraped: r.samples,
          postRelabel: failure === undefined ? post : 0,
          startNs: r.startNs,
          url: r.url,
        };
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        const err = e instanceof FluxError ? e : new FluxError('unavailable', 'scrape.connection', String((e as Error).message ?? e));
        ctx.logger.warn(`prometheus.scrapeTargets: ${err.message}`, { id: err.id });
        outcome = { target, tables: [], up: false, durationS: (ctx.clock.monotonicMs() - t0) / 1000, scraped: 0, postRelabel: 0, startNs, url: shownUrl(target.url) };
      }
      outcomes[i] = outcome;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, targets.length)) }, worker));

  const all: Table[] = [];
  for (const o of outcomes) {
    all.push(...o.tables, ...syntheticTables(o));
  }
  return streamOf(mergeDuplicateKeys(all, metricRules.length > 0 || sameLabelTargets(targets)));
};

function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** true when two targets carry the same label set (then their series could share keys). */
function sameLabelTargets(targets: readonly ScrapeTarget[]): boolean {
  const seen = new Set<string>();
  for (const t of targets) {
    const id = sortedEntries(t.labels).map(([k, v]) => `${k}\u0000${v}`).join('\u0001');
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/** A stream's group keys are unique: tables that ended up with the same key are concatenated. */
function mergeDuplicateKeys(tables: Table[], mayCollide: boolean): Table[] {
  if (!mayCollide) return tables;
  const byKey = new Map<string, Table[]>();
  for (const t of tables) {
    const id = groupKeyId(t.key);
    const list = byKey.get(id);
    if (list) list.push(t);
    else byKey.set(id, [t]);
  }
  const out: Table[] = [];
  for (const list of byKey.values()) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    out.push(concatSameKey(list));
  }
  return out;
}

function concatSameKey(list: readonly Table[]): Table {
  const first = list[0]!;
  const cols = first.columns;
  const data = cols.map((c) => {
    const parts = list.map((t) => {
      const i = t.columnIndex(c.name);
      return i < 0 ? constantColumn(c.type, null, t.length) : t.column(i);
    });
    return concatColumns(c.type, parts);
  });
  return tableFromColumns(cols, first.key.columns.map((c) => c.name), data, first.key.values);
}
