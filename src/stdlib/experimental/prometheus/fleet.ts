// prometheus.scrapeTargets(targets:, ...): scrape a fleet of targets, as a Prometheus scrape
// job does.
//
// Design: targets (from experimental/prometheus/discovery) are turned into URLs and label
// sets by Prometheus's target relabeling (src/discovery/targets.ts); then every target is
// scraped concurrently, at most `concurrency` at a time, each with the options of
// prometheus.scrape. A target's samples carry the target's labels (a scraped label whose
// name clashes with a target label is renamed `exported_<name>`, Prometheus's
// honor_labels: false; with `honorLabels: true` the scraped label wins), then metric relabeling rules run on each series (with `__name__`
// the sample name). Per target, the synthetic series Prometheus records are added: `up`,
// `scrape_duration_seconds`, `scrape_samples_scraped` and
// `scrape_samples_post_metric_relabeling`. A failing target gives `up = 0` and a line in
// the run log; it never fails the call. `sampleLimit` and `labelLimit` fail a target's scrape
// (up = 0) as Prometheus's sample_limit and label_limit do, and so does a metric relabeling
// that leaves a series without `__name__` (Prometheus: "missing metric name").
//
// Output order is deterministic: targets by URL; within a target, series by _field then
// labels (the order of prometheus.scrape), the synthetic series among them.

import { getMaxListeners, setMaxListeners } from 'node:events';
import { FluxError } from '../../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../../runtime/builtin-api.js';
import { addSyntheticSample, batchToTables, displayUrl, relabelBatch, SampleBatch, scrapeBatch, type Labels } from '../../../scrape/index.js';
import { relabel } from '../../../discovery/relabel.js';
import { populateTargets, type ScrapeTarget } from '../../../discovery/targets.js';
import { concatColumns, constantColumn, groupKeyId, streamOf, tableFromColumns, type Table } from '../../../table/index.js';
import type { Value } from '../../../values/value.js';
import { scrapeHttpClient, scrapeOptions } from './scrape.js';
import { discoveredTargets, relabelRules } from './discovery/targets-value.js';

function intArg(args: ReadonlyMap<string, Value>, name: string, fallback: number, ctx: NativeContext, min: number): number {
  const v = args.get(name);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'bigint' || v < BigInt(min) || v > 1_000_000_000n) {
    throw new FluxError('invalid', 'scrape.invalidOption', `prometheus.scrapeTargets: ${name} must be an int >= ${min}`, { span: ctx.span, source: ctx.source });
  }
  return Number(v);
}

/** One target's scrape, re-labelled, with its synthetic series appended. */
interface TargetOutcome {
  readonly batch: SampleBatch;
  readonly url: string;
  readonly startNs: bigint;
}

export const scrapeTargets: NativeFunction = async (args, ctx) => {
  const discovered = discoveredTargets(args.get('targets'));
  const job = (args.get('job') as string | undefined) ?? 'prometheus';
  const targetRules = relabelRules(args.get('relabel'), 'relabel');
  const metricRules = relabelRules(args.get('metricRelabel'), 'metricRelabel');
  const concurrency = intArg(args, 'concurrency', 16, ctx, 1);
  const sampleLimit = intArg(args, 'sampleLimit', 0, ctx, 0);
  const labelLimit = intArg(args, 'labelLimit', 0, ctx, 0);
  const honorLabels = args.get('honorLabels') === true;
  const options = scrapeOptions(args, ctx);
  const http = scrapeHttpClient(ctx);
  // Every in-flight scrape listens on the run's abort signal.
  setMaxListeners(Math.max(getMaxListeners(ctx.signal), concurrency + 10), ctx.signal);
  const metricRelabel = metricRules.length ? (labels: Labels) => relabel(labels, metricRules) : undefined;

  const populated = populateTargets(discovered, { jobName: job }, targetRules);
  for (const e of populated.errors) ctx.logger.warn(`prometheus.scrapeTargets: ${e.error.message}`, { id: e.error.id });
  const targets = [...populated.targets].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));

  const scrapeOne = async (target: ScrapeTarget): Promise<TargetOutcome> => {
    const t0 = ctx.clock.monotonicMs();
    let startNs = ctx.clock.nowNanos();
    let url = displayUrl(target.url);
    let batch: SampleBatch | undefined;
    let scraped = 0;
    let post = 0;
    try {
      const r = await scrapeBatch(target.url, options, { http, clock: ctx.clock, logger: ctx.logger });
      startNs = r.startNs;
      url = r.url;
      scraped = r.samples;
      const relabelled = relabelBatch(r.batch, { targetLabels: target.labels, relabel: metricRelabel, labelLimit, honorLabels });
      let failure: string | undefined;
      let failureId = 'scrape.limit';
      if ('limitError' in relabelled) {
        failure = relabelled.limitError;
        failureId = relabelled.failureId ?? failureId;
      }
      else if (sampleLimit > 0 && relabelled.samples > sampleLimit) failure = `${relabelled.samples} samples, more than sampleLimit ${sampleLimit}`;
      else {
        batch = relabelled.batch;
        post = relabelled.samples;
      }
      if (failure !== undefined) ctx.logger.warn(`prometheus.scrapeTargets: scrape of ${url} failed: ${failure}`, { id: failureId, url });
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const err = e instanceof FluxError ? e : new FluxError('unavailable', 'scrape.connection', String((e as Error).message ?? e));
      ctx.logger.warn(`prometheus.scrapeTargets: ${err.message}`, { id: err.id, url });
    }
    const out = batch ?? new SampleBatch();
    addSyntheticSample(out, 'up', batch ? 1 : 0, target.labels);
    addSyntheticSample(out, 'scrape_duration_seconds', (ctx.clock.monotonicMs() - t0) / 1000, target.labels);
    addSyntheticSample(out, 'scrape_samples_scraped', scraped, target.labels);
    addSyntheticSample(out, 'scrape_samples_post_metric_relabeling', post, target.labels);
    return { batch: out, url, startNs };
  };

  const outcomes: TargetOutcome[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= targets.length) return;
      ctx.signal.throwIfAborted();
      outcomes[i] = await scrapeOne(targets[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, targets.length)) }, worker));

  function* tables(): Generator<Table> {
    for (const o of outcomes) yield* batchToTables(o.batch, o.url, o.startNs).tables();
  }
  // Group keys are unique per target (the target's labels differ); only rules that rewrite
  // labels, or targets with identical labels, can make two targets' series share a key.
  if (metricRules.length > 0 || sameLabelTargets(targets)) return streamOf(mergeDuplicateKeys([...tables()]));
  return streamOf(tables);
};

/** true when two targets carry the same label set (then their series could share keys). */
function sameLabelTargets(targets: readonly ScrapeTarget[]): boolean {
  const seen = new Set<string>();
  for (const t of targets) {
    const id = [...t.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}\u0000${v}`).join('\u0001');
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/** A stream's group keys are unique: tables that ended up with the same key are concatenated. */
function mergeDuplicateKeys(tables: Table[]): Table[] {
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
