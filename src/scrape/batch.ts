// Design: the columnar sample batch both exposition parsers write into. There is no
// JavaScript object per sample: a sample is one slot in `values` (Float64Array), `series`
// (Int32Array, the id of its series) and `tsIndex` (Int32Array, -1 when the sample has no
// timestamp, else an index into the rare-path `timestamps` bigint list). A series is the
// field id plus its label pairs (label-name id, label-value id) sorted by label-name id, kept
// in a flat Int32Array arena. `appendSeries` (both parsers) always appends: ./tables.ts
// merges equal series after sorting them. `endSeries` finds an equal series again through an
// open-addressing hash table, so a series seen twice (same labels in any order) gets the same
// id (re-labelling, and the OpenMetrics parser's label groups, need that). Field names, label
// names and label values are interned byte ranges (./interner.ts); their ids are the
// dictionary codes of the string columns built later (./tables.ts).
import { ByteInterner } from './interner.js';
import { normalizedBound } from './numbers.js';
import type { TokenLog } from './tokens.js';

/** Returned by `endSeries` when the label set repeats a label name. */
export const DUPLICATE_LABEL = -2;

export class SampleBatch {
  /** `_field` values: sample names, with `_bucket` trimmed for histogram buckets. */
  readonly fields: ByteInterner;
  /**
   * Fields whose samples are (gauge) histogram buckets, `_bucket` trimmed: metric relabeling
   * puts the suffix back for `__name__`. An `le` label alone does not make a bucket.
   */
  readonly bucketFields = new Set<number>();
  readonly labelNames: ByteInterner;
  /** Label values; id 0 is the empty string. */
  readonly labelValues: ByteInterner;

  // Samples.
  length = 0;
  values: Float64Array;
  series: Int32Array;
  tsIndex: Int32Array;
  /** Explicit sample timestamps in nanoseconds (only samples that carry one). */
  readonly timestamps: bigint[] = [];
  /**
   * When set, the parsers record where each sample's value and timestamp lie in the body,
   * and the OpenMetrics parser the rules on its numbers (for the scrape memo, ./memo.ts).
   */
  tokens: TokenLog | null = null;

  // Series.
  seriesCount = 0;
  seriesField: Int32Array;
  seriesStart: Int32Array;
  seriesPairs: Int32Array;
  private seriesHash: Int32Array;
  pairs: Int32Array;
  private pairsLen = 0;
  /** Open addressing, two ints per slot: series id + 1 (0 = empty) and its hash. */
  private slots: Int32Array;
  private mask: number;

  // The label set of the sample being parsed.
  scratchNames: Int32Array = new Int32Array(16);
  scratchValues: Int32Array = new Int32Array(16);
  scratchCount = 0;
  /** After DUPLICATE_LABEL: the repeated label-name id. */
  duplicateName = -1;

  /**
   * `expectedSamples` sizes the arrays (they grow by doubling past it). Most scrapes are
   * small, so the default is too: `batchCapacityFor` estimates it from a body's size.
   */
  constructor(expectedSamples = 16) {
    let n = 16;
    while (n < expectedSamples) n <<= 1;
    this.values = new Float64Array(n);
    this.series = new Int32Array(n);
    this.tsIndex = new Int32Array(n);
    this.seriesField = new Int32Array(n);
    this.seriesStart = new Int32Array(n);
    this.seriesPairs = new Int32Array(n);
    this.pairs = new Int32Array(4 * n);
    // The series hashes and their table are made on the first endSeries: only batches that
    // look series up need them (the parsers append).
    this.seriesHash = EMPTY;
    this.slots = EMPTY;
    this.mask = -1;
    // Distinct strings are far fewer than samples (a 50 KB node exporter body: 750 samples,
    // about 100 names and 40 label values); the interners grow when they need to.
    const strings = Math.min(n >> 3, 1024);
    this.fields = new ByteInterner(strings);
    this.labelNames = new ByteInterner(8);
    this.labelValues = new ByteInterner(strings);
    this.labelValues.internString('');
  }

  beginLabels(): void {
    this.scratchCount = 0;
  }

  addLabel(nameId: number, valueId: number): void {
    const n = this.scratchCount;
    if (n === this.scratchNames.length) {
      const a = new Int32Array(n * 2);
      a.set(this.scratchNames);
      this.scratchNames = a;
      const b = new Int32Array(n * 2);
      b.set(this.scratchValues);
      this.scratchValues = b;
    }
    this.scratchNames[n] = nameId;
    this.scratchValues[n] = valueId;
    this.scratchCount = n + 1;
  }

  /**
   * Sort the scratch labels by label-name id (insertion sort: label sets are small), reject a
   * repeated name (-1, with `duplicateName` set), and drop empty values (Prometheus treats
   * `l=""` as no label `l`). Returns the number of labels left.
   */
  private normalizeScratch(): number {
    const names = this.scratchNames;
    const vals = this.scratchValues;
    const n = this.scratchCount;
    for (let i = 1; i < n; i++) {
      const kn = names[i]!;
      const kv = vals[i]!;
      let j = i - 1;
      while (j >= 0 && names[j]! > kn) {
        names[j + 1] = names[j]!;
        vals[j + 1] = vals[j]!;
        j--;
      }
      names[j + 1] = kn;
      vals[j + 1] = kv;
    }
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && names[i] === names[i - 1]) {
        this.duplicateName = names[i]!;
        return -1;
      }
      if (vals[i] !== 0) {
        names[w] = names[i]!;
        vals[w] = vals[i]!;
        w++;
      }
    }
    return w;
  }

  /**
   * The series id of `fieldId` with the scratch labels (added when new), or DUPLICATE_LABEL.
   * Labels with an empty value are dropped: Prometheus treats `l=""` as no label `l`.
   */
  endSeries(fieldId: number): number {
    const n = this.normalizeScratch();
    if (n < 0) return DUPLICATE_LABEL;
    const names = this.scratchNames;
    const vals = this.scratchValues;
    let h = Math.imul(fieldId + 1, 0x9e3779b1);
    for (let i = 0; i < n; i++) {
      h = Math.imul(h ^ names[i]!, 0x01000193);
      h = Math.imul(h ^ vals[i]!, 0x01000193);
    }
    // murmur3 finalizer: spreads the small-integer ids over all bits (linear probing
    // clusters badly without it).
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    if (this.mask < 0) {
      this.seriesHash = new Int32Array(this.seriesField.length);
      let size = 16;
      while (size < 2 * (this.seriesCount + 1)) size <<= 1;
      this.slots = new Int32Array(2 * size);
      this.mask = size - 1;
    }
    let slot = h & this.mask;
    const slots = this.slots;
    for (;;) {
      const v = slots[2 * slot]!;
      if (v === 0) break;
      const id = v - 1;
      if (slots[2 * slot + 1] === h && this.seriesField[id] === fieldId && this.seriesPairs[id] === n) {
        const st = this.seriesStart[id]!;
        const p = this.pairs;
        let i = 0;
        while (i < n && p[st + 2 * i] === names[i] && p[st + 2 * i + 1] === vals[i]) i++;
        if (i === n) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    // New series.
    const id = this.storeSeries(fieldId, n, h);
    slots[2 * slot] = id + 1;
    slots[2 * slot + 1] = h;
    if (this.seriesCount * 2 > this.mask + 1) this.rehash();
    return id;
  }

  /**
   * Like `endSeries`, but always a new series id, without looking for an equal one (the
   * text parser's fast path: equal series are merged when the tables are made, after
   * sorting). Still DUPLICATE_LABEL for a repeated label name.
   */
  appendSeries(fieldId: number): number {
    const n = this.normalizeScratch();
    if (n < 0) return DUPLICATE_LABEL;
    return this.storeSeries(fieldId, n, 0);
  }

  /** Record a new series: the first `n` scratch labels (normalized), its field and hash. */
  private storeSeries(fieldId: number, n: number, h: number): number {
    const id = this.seriesCount;
    if (id === this.seriesField.length) {
      const m = id * 2;
      this.seriesField = growI32(this.seriesField, m);
      this.seriesStart = growI32(this.seriesStart, m);
      this.seriesPairs = growI32(this.seriesPairs, m);
      if (this.seriesHash.length > 0) this.seriesHash = growI32(this.seriesHash, m);
    }
    if (this.pairsLen + 2 * n > this.pairs.length) {
      // 1.5x growth: the arena is the batch's largest array (peak memory matters).
      let m = Math.ceil(this.pairs.length * 1.5);
      while (m < this.pairsLen + 2 * n) m = Math.ceil(m * 1.5);
      this.pairs = growI32(this.pairs, m);
    }
    const names = this.scratchNames;
    const vals = this.scratchValues;
    const st = this.pairsLen;
    const pairs = this.pairs;
    for (let i = 0; i < n; i++) {
      pairs[st + 2 * i] = names[i]!;
      pairs[st + 2 * i + 1] = vals[i]!;
    }
    this.pairsLen = st + 2 * n;
    this.seriesField[id] = fieldId;
    this.seriesStart[id] = st;
    this.seriesPairs[id] = n;
    if (this.seriesHash.length > 0) this.seriesHash[id] = h;
    this.seriesCount = id + 1;
    return id;
  }

  /**
   * Add the labels `names[i]=values[i]` (ids of this batch's interners; none of the names
   * may already be a label of any series) to every series, in place: the label arena is
   * rebuilt, samples and dictionaries are untouched. Pairs stay sorted by label-name id.
   * Returns the series with the most labels afterwards (-1 when there are no series).
   */
  addLabelsToAllSeries(names: Int32Array, values: Int32Array): number {
    const k = names.length;
    const S = this.seriesCount;
    const old = this.pairs;
    const next = new Int32Array(Math.max(16, this.pairsLen + 2 * k * S));
    let w = 0;
    let widest = -1;
    let most = -1;
    for (let s = 0; s < S; s++) {
      const st = this.seriesStart[s]!;
      const np = this.seriesPairs[s]!;
      const start = w;
      // Merge two lists sorted by name id (the extra labels are few: insertion).
      for (let i = 0; i < np; i++) {
        next[w++] = old[st + 2 * i]!;
        next[w++] = old[st + 2 * i + 1]!;
      }
      let n = np;
      for (let j = 0; j < k; j++) {
        const nid = names[j]!;
        let p = start + 2 * n;
        while (p > start && next[p - 2]! > nid) {
          next[p] = next[p - 2]!;
          next[p + 1] = next[p - 1]!;
          p -= 2;
        }
        next[p] = nid;
        next[p + 1] = values[j]!;
        n++;
        w += 2;
      }
      this.seriesStart[s] = start;
      this.seriesPairs[s] = n;
      if (n > most) {
        most = n;
        widest = s;
      }
    }
    this.pairs = next;
    this.pairsLen = w;
    return widest;
  }

  /**
   * In every series whose field id `f` has `fields[f] !== 0`, replace the value of the label
   * `nameId` with `rewrite(valueId)` (a value id of this batch). For parsers, after the parse
   * (appendSeries keeps no hash to update): pairs stay sorted by name id, and series that
   * become equal are merged when the tables are made (./tables.ts).
   */
  rewriteLabelValues(fields: Uint8Array, nameId: number, rewrite: (valueId: number) => number): void {
    const pairs = this.pairs;
    for (let s = 0; s < this.seriesCount; s++) {
      const f = this.seriesField[s]!;
      if (f >= fields.length || fields[f] === 0) continue;
      const st = this.seriesStart[s]!;
      const n = this.seriesPairs[s]!;
      for (let i = 0; i < n; i++) {
        if (pairs[st + 2 * i] === nameId) {
          pairs[st + 2 * i + 1] = rewrite(pairs[st + 2 * i + 1]!);
          break;
        }
      }
    }
  }

  /**
   * Prometheus 3 stores the `le` of classic histogram buckets and the `quantile` of summary
   * samples in one float format ("1" -> "1.0", whatever the exposition wrote; see the
   * Prometheus 3 migration guide, "le and quantile label values"): rewrite them so, in the
   * series of the fields `leFields` / `quantileFields` (field ids; usually none or a few).
   */
  normalizeBounds(leFields: readonly number[], quantileFields: readonly number[]): void {
    if (leFields.length === 0 && quantileFields.length === 0) return;
    const values = this.labelValues;
    const cache = new Map<number, number>();
    const rewrite = (id: number): number => {
      let out = cache.get(id);
      if (out === undefined) {
        out = values.internString(normalizedBound(values.strings[id]!));
        cache.set(id, out);
      }
      return out;
    };
    const flags = (ids: readonly number[]): Uint8Array => {
      const a = new Uint8Array(this.fields.size);
      for (const f of ids) a[f] = 1;
      return a;
    };
    if (leFields.length > 0) this.rewriteLabelValues(flags(leFields), this.labelNames.internString('le'), rewrite);
    if (quantileFields.length > 0) this.rewriteLabelValues(flags(quantileFields), this.labelNames.internString('quantile'), rewrite);
  }

  /**
   * In the series of the bucket fields `bucketFields` (`_bucket` trimmed), give a series
   * without an `le` label its sample name back (`<field>_bucket`): it is no classic bucket.
   * VictoriaMetrics-style histograms (`x_bucket{vmrange="1.0e-3...1.2e-3"}`, no `le`) then keep
   * their name whether or not the exposition declares `# TYPE x histogram`, as Prometheus
   * stores them. For parsers, after the parse (per series, off the per-line path).
   */
  restoreBucketsWithoutLe(bucketFields: readonly number[]): void {
    if (bucketFields.length === 0) return;
    const le = this.labelNames.strings.indexOf('le');
    const flags = new Uint8Array(this.fields.size);
    for (const f of bucketFields) flags[f] = 1;
    const restored = new Map<number, number>();
    const pairs = this.pairs;
    for (let s = 0; s < this.seriesCount; s++) {
      const f = this.seriesField[s]!;
      if (f >= flags.length || flags[f] === 0) continue;
      const st = this.seriesStart[s]!;
      const n = this.seriesPairs[s]!;
      let hasLe = false;
      for (let i = 0; i < n && !hasLe; i++) hasLe = pairs[st + 2 * i] === le;
      if (hasLe) continue;
      let id = restored.get(f);
      if (id === undefined) {
        id = this.fields.internString(this.fields.strings[f]! + '_bucket');
        restored.set(f, id);
      }
      this.seriesField[s] = id;
    }
  }

  /** Append a sample of series `seriesId`; `tsNs` undefined means "no timestamp". */
  addSample(seriesId: number, value: number, tsNs: bigint | undefined): void {
    const i = this.length;
    if (i === this.values.length) this.growSamples();
    this.values[i] = value;
    this.series[i] = seriesId;
    if (tsNs === undefined) this.tsIndex[i] = -1;
    else {
      this.tsIndex[i] = this.timestamps.length;
      this.timestamps.push(tsNs);
    }
    this.length = i + 1;
  }

  private growSamples(): void {
    const n = this.values.length * 2;
    const v = new Float64Array(n);
    v.set(this.values);
    this.values = v;
    this.series = growI32(this.series, n);
    this.tsIndex = growI32(this.tsIndex, n);
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * size);
    const mask = size - 1;
    for (let id = 0; id < this.seriesCount; id++) {
      const h = this.seriesHash[id]!;
      let slot = h & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = id + 1;
      slots[2 * slot + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * A capacity hint for the batch of an exposition of `bytes` bytes. A sample line with its
 * share of HELP and TYPE lines takes about 64 bytes or more in the expositions we have
 * measured; a hint that is too small costs a few doublings, one that is too large costs
 * memory, so this aims low.
 */
export function batchCapacityFor(bytes: number): number {
  return Math.min(1 << 20, Math.max(16, bytes >> 6));
}

const EMPTY = new Int32Array(0);

function growI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}
