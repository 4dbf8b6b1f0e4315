// Prefix reuse, shared by the two exposition parsers. Consecutive sample lines usually share
// a long prefix (same metric, same leading labels: client libraries write a family's series
// sorted by label values). Each sample line is compared with the previous one; the metric
// name and every label whose closing quote lies inside the common prefix are taken from the
// previous line (same bytes, so the same ids) instead of being scanned and interned again.
//
// Only plain labels (`name="value"` without escapes, spaces or non-ASCII bytes) are read
// here; for anything else `labels` answers -1 and the parser scans the label set with its
// general LabelScanner from the brace, which also reports every error. So this path never
// accepts what the general one rejects: in strict mode (OpenMetrics) a "," must be followed by
// a label name, as the general scanner requires.
import type { SampleBatch } from './batch.js';
import { isLabelChar, isLabelStart, BSLASH, COMMA, DQUOTE, EQ, RBRACE } from './lex.js';

/** Most labels a line may have on this path (more: the general path). */
const MAX_FAST_LABELS = 64;

export class LinePrefix {
  /** Offset of the previous sample line's first byte (-1: none). */
  private prevStart = -1;
  private prevLen = 0;
  /** Length of the previous line's metric name (from its first byte). */
  prevNameEnd = 0;
  /** Labels of the previous line read by `labels` (their quotes, name ids, value ids). */
  private prevCount = 0;
  private prevQuote = new Int32Array(MAX_FAST_LABELS);
  private prevLN = new Int32Array(MAX_FAST_LABELS);
  private prevLV = new Int32Array(MAX_FAST_LABELS);
  private curQuote = new Int32Array(MAX_FAST_LABELS);
  private curLN = new Int32Array(MAX_FAST_LABELS);
  private curLV = new Int32Array(MAX_FAST_LABELS);
  /** Labels the last `labels` call read (valid when it did not answer -1). */
  count = 0;

  /** Forget the previous line (a new body). */
  reset(): void {
    this.prevStart = -1;
  }

  /**
   * How many bytes the line starting at `base` (ending before `eol`) shares with the previous
   * sample line; -1 when there is none.
   */
  common(buf: Uint8Array, view: DataView, base: number, eol: number): number {
    const prev = this.prevStart;
    if (prev < 0) return -1;
    const max = Math.min(eol - base, this.prevLen);
    let c = 0;
    // Four bytes at a time (unaligned DataView reads), then byte by byte.
    while (c + 4 <= max && view.getUint32(base + c) === view.getUint32(prev + c)) c += 4;
    while (c < max && buf[base + c] === buf[prev + c]) c++;
    return c;
  }

  /**
   * Read the label set at buf[braceAt] === '{' of the line starting at `base` into the batch's
   * scratch labels: the labels inside the common prefix (`common`, from `common()`) are taken
   * from the previous line when `sameName` (the metric name has the previous line's length),
   * then plain labels are scanned. Returns the index after '}', or -1 when the general scanner
   * must read the label set (the batch's scratch labels are then partly filled: the caller
   * begins them again).
   */
  labels(buf: Uint8Array, base: number, braceAt: number, eol: number, common: number, sameName: boolean, strict: boolean, batch: SampleBatch): number {
    let i = braceAt + 1;
    let k = 0;
    let b: number;
    const reusable = sameName ? this.prevCount : 0;
    const prevQuote = this.prevQuote;
    const curQuote = this.curQuote;
    const curLN = this.curLN;
    const curLV = this.curLV;
    for (;;) {
      let ln: number;
      let lv: number;
      // Label k: the previous line's when its closing quote lies in the common prefix (then
      // so did the quotes of the labels before it), else scanned.
      if (k < reusable && prevQuote[k]! < common) {
        ln = this.prevLN[k]!;
        lv = this.prevLV[k]!;
        i = base + prevQuote[k]!;
      } else {
        if (i >= eol || k === MAX_FAST_LABELS) return -1;
        b = buf[i]!;
        if (b === RBRACE) {
          this.count = k;
          return i + 1;
        }
        if (!isLabelStart(b)) return -1;
        const ns = i;
        i++;
        while (i < eol && isLabelChar(buf[i]!)) i++;
        if (buf[i] !== EQ || buf[i + 1] !== DQUOTE) return -1;
        ln = batch.labelNames.intern(buf, ns, i);
        i += 2;
        const vs = i;
        while (i < eol && (b = buf[i]!) !== DQUOTE && b !== BSLASH && b < 0x80) i++;
        if (i >= eol || b !== DQUOTE) return -1;
        lv = batch.labelValues.intern(buf, vs, i);
      }
      // i is at the label's closing quote.
      batch.addLabel(ln, lv);
      curQuote[k] = i - base;
      curLN[k] = ln;
      curLV[k] = lv;
      k++;
      i++;
      b = buf[i]!;
      if (b === COMMA) {
        i++;
        if (strict && !isLabelStart(buf[i]!)) return -1;
      } else if (b === RBRACE) {
        this.count = k;
        return i + 1;
      } else return -1;
    }
  }

  /**
   * The line at buf[base, eol) becomes the previous line, with a metric name of `nameEnd`
   * bytes and the `count` labels the last `labels` call read (0: none). `count` -1: the line
   * cannot serve as a prefix.
   */
  commit(base: number, eol: number, nameEnd: number, count: number): void {
    if (count < 0) {
      this.prevStart = -1;
      return;
    }
    this.prevStart = base;
    this.prevLen = eol - base;
    this.prevNameEnd = nameEnd;
    this.prevCount = count;
    const q = this.prevQuote;
    this.prevQuote = this.curQuote;
    this.curQuote = q;
    const n = this.prevLN;
    this.prevLN = this.curLN;
    this.curLN = n;
    const v = this.prevLV;
    this.prevLV = this.curLV;
    this.curLV = v;
  }
}
