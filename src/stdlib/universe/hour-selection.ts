// hourSelection(start:, stop:, location:, timeColumn:) (Flux universe): keeps the rows whose
// time falls in the hours start..stop (both inclusive, 0-23) of the local clock of `location`
// (default: the `location` option, UTC unless set). start > stop wraps around midnight
// (`start: 22, stop: 2` keeps 22:00-02:59), as Flux's transformation does. Rows with a null
// time are dropped, and so is a table left without rows (as filter() does by default).
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { localCivil } from '../../values/calendar.js';
import { Time } from '../../values/value.js';
import { fail, intArg, locationArg, strArg, tablesArg } from './lib/args.js';
import { gather } from './lib/columns.js';
import { perTable } from './lib/stream.js';

const NS_PER_HOUR = 3_600_000_000_000n;
const NS_PER_DAY = 24n * NS_PER_HOUR;

export const hourSelection: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const start = intArg(args, ctx, 'start');
  const stop = intArg(args, ctx, 'stop');
  for (const [name, v] of [['start', start], ['stop', stop]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 23) throw fail(ctx, 'universe.hourSelection.hour', `${name} must be an hour between 0 and 23, got ${v}`);
  }
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  const loc = locationArg(args, ctx);
  const fixedOffset = loc.zone === 'UTC' || loc.zone === '';
  const keep = (h: number) => (start <= stop ? h >= start && h <= stop : h >= start || h <= stop);
  return perTable(input, (f) => {
    const ti = f.names.indexOf(timeColumn);
    if (ti < 0) throw fail(ctx, 'universe.hourSelection.missingColumn', `missing time column "${timeColumn}"`);
    const tc = f.cols[ti]!;
    if (tc.type !== 'time') throw fail(ctx, 'universe.hourSelection.columnType', `column "${timeColumn}" must be of type time, got ${tc.type}`);
    const ts = tc.ints!;
    const valid = tc.valid;
    const idx = new Int32Array(f.length);
    let m = 0;
    for (let i = 0; i < f.length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const t = ts[i]!;
      let hour: number;
      if (fixedOffset) {
        // UTC, or UTC plus a fixed offset: the hour of the day is arithmetic.
        let r = (t + loc.offsetNs) % NS_PER_DAY;
        if (r < 0n) r += NS_PER_DAY;
        hour = Number(r / NS_PER_HOUR);
      } else hour = localCivil(new Time(t), loc).hour;
      if (keep(hour)) idx[m++] = i;
    }
    if (m === 0) return null;
    if (m === f.length) return f;
    const sel = idx.subarray(0, m);
    return { ...f, cols: f.cols.map((c) => gather(c, sel)), length: m };
  });
};
