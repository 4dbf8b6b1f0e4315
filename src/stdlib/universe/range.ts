// range(start:, stop:): keeps rows whose time column lies in [start, stop) (Flux `range`).
// - start/stop: a time, a duration relative to now(), or an int of Unix seconds; stop
//   defaults to now().
// - Rows with a null time are dropped; a table with no row left is dropped entirely.
// - _start and _stop (startColumn/stopColumn) are set to the bounds and added to the group
//   key. A table whose key already holds _start/_stop gets the intersection of both ranges
//   ("each input table's group key value is modified to fit within the time bounds").
// - A table without the time column is an error (`universe.range.missingTimeColumn`).
// - start must be before stop: an empty range is an error, as in Flux ("cannot query an empty
//   range", `universe.range.emptyRange`), not an empty result that hides swapped bounds.

import type { NativeFunction } from '../../runtime/builtin-api.js';
import { Time } from '../../values/value.js';
import { formatTime } from '../../values/format.js';
import { fail, strArg, tablesArg, timeBoundArg } from './lib/args.js';
import { constantCol, gather } from './lib/columns.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { frameOf, toTable } from './lib/frame.js';
import { KeyedCollector } from './lib/regroup.js';
import { streamOf } from '../../table/index.js';
import { isPushdownSource } from '../../store/index.js';

export const range: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const start = timeBoundArg(args, ctx, 'start');
  const stop = timeBoundArg(args, ctx, 'stop', () => ctx.now().ns);
  if (start >= stop) {
    throw fail(ctx, 'universe.range.emptyRange', `cannot query an empty range: start ${formatTime(new Time(start))} is not before stop ${formatTime(new Time(stop))}`);
  }
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  const startColumn = strArg(args, ctx, 'startColumn', '_start');
  const stopColumn = strArg(args, ctx, 'stopColumn', '_stop');
  // Directly after from(): narrow the store's read instead of reading everything (see
  // src/store/pushdown.ts); the source adds _start/_stop exactly as below.
  const raw = args.get('tables');
  if (isPushdownSource(raw) && timeColumn === '_time' && startColumn === '_start' && stopColumn === '_stop') {
    return raw.pushRange(start, stop);
  }
  const rangeFrame = (f: Frame): Frame | null => {
    const ti = f.names.indexOf(timeColumn);
    if (ti < 0) throw fail(ctx, 'universe.range.missingTimeColumn', `missing time column "${timeColumn}"`);
    const tc = f.cols[ti]!;
    if (tc.type !== 'time') throw fail(ctx, 'universe.range.timeColumnType', `column "${timeColumn}" must be of type time, got ${tc.type}`);
    let lo = start;
    let hi = stop;
    const ks = f.keyNames.indexOf(startColumn);
    const ke = f.keyNames.indexOf(stopColumn);
    const oldStart = ks >= 0 ? f.keyValues[ks] : undefined;
    const oldStop = ke >= 0 ? f.keyValues[ke] : undefined;
    if (oldStart instanceof Time && oldStart.ns > lo) lo = oldStart.ns;
    if (oldStop instanceof Time && oldStop.ns < hi) hi = oldStop.ns;
    const ts = tc.ints!;
    const valid = tc.valid;
    const idx = new Int32Array(f.length);
    let m = 0;
    for (let i = 0; i < f.length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const t = ts[i]!;
      if (t >= lo && t < hi) idx[m++] = i;
    }
    if (m === 0) return null;
    const sel = idx.subarray(0, m);
    const out: Frame = {
      names: [...f.names],
      cols: m === f.length ? [...f.cols] : f.cols.map((c) => gather(c, sel)),
      length: m,
      keyNames: [...f.keyNames],
      keyValues: [...f.keyValues],
    };
    setBound(out, startColumn, constantCol('time', new Time(lo), m), new Time(lo), 0);
    setBound(out, stopColumn, constantCol('time', new Time(hi), m), new Time(hi), 1);
    return out;
  };
  return streamOf(async function* () {
    // Tables whose key already held a bound can end up with equal keys (two ranges that
    // differ only in _start/_stop, cut to the same bounds); keys are unique within a stream
    // (Flux SPEC "Tables"), so those tables are collected and tables with equal keys
    // concatenated. Other tables gain the same bounds and keep their distinct keys: they
    // stream through.
    const bounded = new KeyedCollector();
    for await (const t of input) {
      const f = frameOf(t);
      const hadBound = f.keyNames.includes(startColumn) || f.keyNames.includes(stopColumn);
      const out = rangeFrame(f);
      if (out === null) continue;
      if (hadBound) bounded.add({ ...out, sameKey: true });
      else yield toTable(out);
    }
    for (const f of bounded.frames()) yield toTable(f);
  });
};

/** Put a bound column into a frame (prepended when new) and into its group key. */
function setBound(f: Frame, name: string, col: ColData, value: Time, pos: number): void {
  const i = f.names.indexOf(name);
  if (i >= 0) f.cols[i] = col;
  else {
    f.names.splice(pos, 0, name);
    f.cols.splice(pos, 0, col);
  }
  const k = f.keyNames.indexOf(name);
  if (k >= 0) f.keyValues[k] = value;
  else {
    f.keyNames.push(name);
    f.keyValues.push(value);
  }
}
