// What a full parse records for the scrape memo (./memo.ts): where each sample's value and
// timestamp lie in the body and, for OpenMetrics, the rules its numbers must keep.
import type { HistEntries } from './parse-openmetrics.js';

/** OpenMetrics rules on one sample's numbers (bits of TokenLog.rules). */
export const OM_NOT_NAN = 1;
export const OM_NOT_NEGATIVE = 2;
/** A stateset sample: 0 or 1. */
export const OM_ZERO_OR_ONE = 4;
/** An info sample: 1. */
export const OM_ONE = 8;
/** Its timestamp may not be before the previous sample's (same label group). */
export const OM_TS_NOT_BEFORE_PREVIOUS = 16;

/** An OpenMetrics (gauge) histogram family, for its rules on bucket counts and sums. */
export interface OmHistogram {
  readonly name: string;
  readonly startOffset: number;
  readonly hist: HistEntries;
}

/** Where the value and timestamp tokens of each sample lie in a body. */
export class TokenLog {
  length = 0;
  /** Per sample, 4 ints: value start, value end, timestamp start (-1: none), timestamp end. */
  at = new Int32Array(64);
  /** Per sample: the OM_* rules on its numbers (OpenMetrics; 0 in text bodies). */
  rules = new Uint8Array(16);
  /** The histogram families of an OpenMetrics body. */
  readonly histograms: OmHistogram[] = [];

  add(vs: number, ve: number, ts: number, te: number, rules = 0): void {
    const n = this.length;
    const o = 4 * n;
    if (o + 4 > this.at.length) {
      const a = new Int32Array(this.at.length * 2);
      a.set(this.at);
      this.at = a;
    }
    const at = this.at;
    at[o] = vs;
    at[o + 1] = ve;
    at[o + 2] = ts;
    at[o + 3] = te;
    if (rules !== 0) {
      if (n >= this.rules.length) {
        const r = new Uint8Array(Math.max(2 * this.rules.length, n + 1));
        r.set(this.rules);
        this.rules = r;
      }
      this.rules[n] = rules;
    }
    this.length = n + 1;
  }
}
