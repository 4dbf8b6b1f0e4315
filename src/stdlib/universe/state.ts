// stateCount and stateDuration (Flux universe): track runs of consecutive rows for which
// a predicate holds. A row that does not satisfy fn gets -1; inside a run, stateCount is
// 1, 2, 3, ... and stateDuration is the time since the run's first row in `unit`s.
// The predicate is compiled like filter's (./row-compiler.ts) when possible.

import type { NativeFunction } from '../../runtime/builtin-api.js';
import { Duration } from '../../values/value.js';
import { durationArg, fail, fixedNanos, fnArg, strArg, tablesArg } from './lib/args.js';
import type { ColData } from './lib/columns.js';
import type { Frame } from './lib/frame.js';
import { perTable } from './lib/stream.js';
import { predicateRows } from './filter.js';

function withIntColumn(f: Frame, name: string, out: BigInt64Array): Frame {
  const col: ColData = { type: 'int', length: f.length, valid: null, ints: out };
  const names = [...f.names];
  const cols = [...f.cols];
  const i = names.indexOf(name);
  if (i >= 0) cols[i] = col;
  else {
    names.push(name);
    cols.push(col);
  }
  return { ...f, names, cols };
}

export const stateCount: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  const column = strArg(args, ctx, 'column', 'stateCount');
  return perTable(input, async (f) => {
    const mask = await predicateRows(fn, f, ctx);
    const out = new BigInt64Array(f.length);
    let run = 0n;
    for (let i = 0; i < f.length; i++) {
      if (mask[i] === 1) out[i] = ++run;
      else {
        run = 0n;
        out[i] = -1n;
      }
    }
    return withIntColumn(f, column, out);
  });
};

export const stateDuration: NativeFunction = (args, ctx) => {
  const input = tablesArg(args, ctx);
  const fn = fnArg(args, ctx, 'fn');
  const column = strArg(args, ctx, 'column', 'stateDuration');
  const timeColumn = strArg(args, ctx, 'timeColumn', '_time');
  const unit = fixedNanos(ctx, 'unit', durationArg(args, ctx, 'unit', Duration.ofNanos(1_000_000_000n)));
  if (unit <= 0n) throw fail(ctx, 'universe.stateDuration.unit', 'unit must be positive');
  return perTable(input, async (f) => {
    const ti = f.names.indexOf(timeColumn);
    if (ti < 0) throw fail(ctx, 'universe.stateDuration.missingTimeColumn', `missing time column "${timeColumn}"`);
    const tc = f.cols[ti]!;
    if (tc.type !== 'time') throw fail(ctx, 'universe.stateDuration.timeColumnType', `column "${timeColumn}" must be of type time`);
    const mask = await predicateRows(fn, f, ctx);
    const out = new BigInt64Array(f.length);
    let start: bigint | undefined;
    for (let i = 0; i < f.length; i++) {
      if (mask[i] === 1 && (tc.valid === null || tc.valid[i] !== 0)) {
        const t = tc.ints![i]!;
        if (start === undefined) start = t;
        out[i] = (t - start) / unit;
      } else {
        start = undefined;
        out[i] = -1n;
      }
    }
    return withIntColumn(f, column, out);
  });
};
