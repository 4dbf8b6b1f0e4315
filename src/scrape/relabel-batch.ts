// Re-label the series of a scraped batch for a fleet scrape, staying columnar: the result is
// the scraped batch with the target's labels added in place (no metric relabeling and no
// label-name clash: the common case), or else a new SampleBatch whose samples are copied by
// index; either way the fast table generator (./tables.ts) serves fleet scrapes as it serves
// single scrapes.
//
// Per series (not per sample):
//   1. the target's labels are added; a scraped label whose name is also a target label is
//      kept as `exported_<name>`, or `exported_exported_<name>`... when that name is taken
//      too (Prometheus's honor_labels: false, scrape.resolveConflictingExposedLabels);
//   2. metric relabeling runs with `__name__` = the sample name (a histogram bucket's field
//      had `_bucket` trimmed, as the parser records in `bucketFields`, so it is put back for
//      the rules and trimmed again after; a gauge with an `le` label is no bucket); an
//      empty label set drops the series, but a non-empty one without `__name__` fails the
//      whole scrape, as Prometheus's scrape loop does ("missing metric name");
//   3. the label limit is checked (labels + `__name__`, as Prometheus counts them).
// Then synthetic series (`up`, `scrape_duration_seconds`, ...) can be appended with
// `addSyntheticSample`.

/** A label set (name -> value). */
export type Labels = Map<string, string>;
import { SampleBatch } from './batch.js';

export interface RelabelBatchOptions {
  /** The target's labels, added to every series. */
  readonly targetLabels: ReadonlyMap<string, string>;
  /** Metric relabeling: a new label set (with `__name__`), or null to drop the series. */
  readonly relabel?: (labels: Labels) => Labels | null;
  /** Fail when a series has more labels than this (0: no limit). */
  readonly labelLimit?: number;
  /**
   * Prometheus's honor_labels: true: on a clash the scraped label is kept and the target's
   * is not set (for that series). Default false: the target's wins, the scraped one moves
   * to `exported_<name>`.
   */
  readonly honorLabels?: boolean;
}

export type RelabelBatchResult =
  | { readonly batch: SampleBatch; readonly samples: number }
  /**
   * The target's scrape fails: a limit was passed (`scrape.limit`), or metric relabeling left
   * a series with labels but no `__name__` (failureId `scrape.missingName`).
   */
  | { readonly limitError: string; readonly failureId?: 'scrape.missingName' };

export function relabelBatch(src: SampleBatch, options: RelabelBatchOptions): RelabelBatchResult {
  if (options.relabel === undefined) {
    const inPlace = addTargetLabelsInPlace(src, options);
    if (inPlace !== undefined) return inPlace;
  }
  const out = new SampleBatch(src.length + 4);
  const names = src.labelNames.strings;
  const values = src.labelValues.strings;
  const fields = src.fields.strings;
  const target = [...options.targetLabels];
  const targetIds = target.map(([k, v]) => [out.labelNames.internString(k), out.labelValues.internString(v)] as const);
  const mapping = new Int32Array(src.seriesCount).fill(-1);
  const limit = options.labelLimit ?? 0;
  const pairs = src.pairs;
  const nameMap = new Int32Array(names.length).fill(-1);
  const valueMap = new Int32Array(values.length).fill(-1);
  const fieldMap = new Int32Array(fields.length).fill(-1);

  for (let s = 0; s < src.seriesCount; s++) {
    const st = src.seriesStart[s]!;
    const np = src.seriesPairs[s]!;
    let field = fields[src.seriesField[s]!]!;
    if (options.relabel === undefined) {
      // Fast path: the scraped labels and the target's, mapped id to id (each distinct string
      // is interned into the new batch once). A series with a clash is renamed through a map.
      out.beginLabels();
      let clash = false;
      for (let i = 0; i < np && !clash; i++) clash = options.targetLabels.has(names[pairs[st + 2 * i]!]!);
      if (clash) {
        for (const [k, v] of withTargetLabels(src, s, options.targetLabels, options.honorLabels ?? false)) out.addLabel(out.labelNames.internString(k), out.labelValues.internString(v));
      } else {
        for (let i = 0; i < np; i++) {
          const nid = pairs[st + 2 * i]!;
          let n = nameMap[nid]!;
          if (n < 0) n = nameMap[nid] = out.labelNames.internFrom(src.labelNames, nid);
          const vid = pairs[st + 2 * i + 1]!;
          let v = valueMap[vid]!;
          if (v < 0) v = valueMap[vid] = out.labelValues.internFrom(src.labelValues, vid);
          out.addLabel(n, v);
        }
        for (const [n, v] of targetIds) out.addLabel(n, v);
      }
      if (limit > 0 && labelCount(out) + 1 > limit) return overLimit(field, labelCount(out) + 1, limit);
      const fid = src.seriesField[s]!;
      let f = fieldMap[fid]!;
      if (f < 0) {
        f = fieldMap[fid] = out.fields.internFrom(src.fields, fid);
        if (src.bucketFields.has(fid)) out.bucketFields.add(f);
      }
      mapping[s] = out.endSeries(f);
      continue;
    }
    const labels = withTargetLabels(src, s, options.targetLabels, options.honorLabels ?? false);
    const bucket = src.bucketFields.has(src.seriesField[s]!);
    labels.set('__name__', bucket ? `${field}_bucket` : field);
    const after = options.relabel(labels);
    if (after === null) continue;
    const name = after.get('__name__') ?? '';
    if (name === '') {
      if ([...after.values()].every((v) => v === '')) continue; // an empty label set: dropped
      return { failureId: 'scrape.missingName', limitError: `metric relabeling left series ${field} without a metric name (__name__ label)` };
    }
    after.delete('__name__');
    field = bucket && name.endsWith('_bucket') ? name.slice(0, -'_bucket'.length) : name;
    out.beginLabels();
    for (const [k, v] of after) out.addLabel(out.labelNames.internString(k), out.labelValues.internString(v));
    if (limit > 0 && labelCount(out) + 1 > limit) return overLimit(field, labelCount(out) + 1, limit);
    const outField = out.fields.internString(field);
    if (bucket && name.endsWith('_bucket')) out.bucketFields.add(outField);
    mapping[s] = out.endSeries(outField);
  }

  let samples = 0;
  const ts = src.timestamps;
  for (let i = 0; i < src.length; i++) {
    const ns = mapping[src.series[i]!]!;
    if (ns < 0) continue;
    const t = src.tsIndex[i]!;
    out.addSample(ns, src.values[i]!, t < 0 ? undefined : ts[t]);
    samples++;
  }
  return { batch: out, samples };
}

/**
 * Series `s` of `src` with the target's labels, as Prometheus's mutateSampleLabels does it
 * (honor_labels: true: only where the series lacks the label). With honor_labels: false,
 * every target label is set; a scraped label it displaces (a
 * non-empty value under the same name) moves to `exported_<name>`, prefixed again while
 * that name holds a non-empty value; the displaced labels are placed shortest name first
 * (scrape.resolveConflictingExposedLabels). Empty values stay in the map; the batch drops them.
 */
function withTargetLabels(src: SampleBatch, s: number, targetLabels: ReadonlyMap<string, string>, honorLabels: boolean): Labels {
  const names = src.labelNames.strings;
  const values = src.labelValues.strings;
  const pairs = src.pairs;
  const st = src.seriesStart[s]!;
  const labels: Labels = new Map();
  for (let i = 0; i < src.seriesPairs[s]!; i++) labels.set(names[pairs[st + 2 * i]!]!, values[pairs[st + 2 * i + 1]!]!);
  if (honorLabels) {
    // mutateSampleLabels with honor: a target label is set only where the series has none.
    for (const [k, v] of targetLabels) if ((labels.get(k) ?? '') === '') labels.set(k, v);
    return labels;
  }
  const displaced: [string, string][] = [];
  for (const [k, v] of targetLabels) {
    const scraped = labels.get(k);
    if (scraped !== undefined && scraped !== '') displaced.push([k, scraped]);
    labels.set(k, v);
  }
  displaced.sort(([a], [b]) => a.length - b.length); // stable: equal lengths keep target order
  for (const [k, v] of displaced) {
    let name = k;
    do name = `exported_${name}`;
    while ((labels.get(name) ?? '') !== '');
    labels.set(name, v);
  }
  return labels;
}

/**
 * The common case, without copying anything but the label arena: no metric relabeling and no
 * scraped label named like a target label. `src` itself is returned, its series extended by
 * the target's labels (labels with an empty value are not added: Prometheus drops them).
 * Undefined when the general path is needed.
 */
function addTargetLabelsInPlace(src: SampleBatch, options: RelabelBatchOptions): RelabelBatchResult | undefined {
  const scraped = src.labelNames.strings;
  for (const name of options.targetLabels.keys()) if (scraped.includes(name)) return undefined;
  const extra = [...options.targetLabels].filter(([, v]) => v !== '');
  const names = Int32Array.from(extra, ([k]) => src.labelNames.internString(k));
  const values = Int32Array.from(extra, ([, v]) => src.labelValues.internString(v));
  const widest = src.addLabelsToAllSeries(names, values);
  const limit = options.labelLimit ?? 0;
  if (limit > 0 && widest >= 0 && src.seriesPairs[widest]! + 1 > limit) return overLimit(src.fields.strings[src.seriesField[widest]!]!, src.seriesPairs[widest]! + 1, limit);
  return { batch: src, samples: src.length };
}

/** The labelLimit failure: `count` labels counts `__name__`, as Prometheus does. */
function overLimit(field: string, count: number, limit: number): RelabelBatchResult {
  return { limitError: `series ${field} has ${count} labels, more than labelLimit ${limit}` };
}

/** Labels of the batch's scratch label set that will be kept (an empty value drops a label). */
function labelCount(b: SampleBatch): number {
  let n = 0;
  for (let i = 0; i < b.scratchCount; i++) if (b.scratchValues[i] !== 0) n++;
  return n;
}

/** Append one sample of a synthetic series (`up`, ...) with the target's labels. */
export function addSyntheticSample(batch: SampleBatch, field: string, value: number, targetLabels: ReadonlyMap<string, string>): void {
  batch.beginLabels();
  for (const [k, v] of targetLabels) batch.addLabel(batch.labelNames.internString(k), batch.labelValues.internString(v));
  batch.addSample(batch.appendSeries(batch.fields.internString(field)), value, undefined);
}
