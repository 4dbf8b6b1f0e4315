// date.time / truncate / add / sub (calendar rules in src/values/calendar.ts).
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { addDuration, checkTimeRange, truncateTime } from '../../values/calendar.js';
import { Duration } from '../../values/value.js';
import { locationOf, timeArg } from './location.js';

export const time: NativeFunction = (args, ctx) => timeArg(args.get('t'), 't', ctx);

export const truncate: NativeFunction = (args, ctx) => {
  const t = timeArg(args.get('t'), 't', ctx);
  const unit = args.get('unit');
  if (t === null || !(unit instanceof Duration)) return null;
  return truncateTime(t, unit, locationOf(args.get('location'), ctx));
};

export const add: NativeFunction = (args, ctx) => {
  const t = timeArg(args.get('to'), 'to', ctx);
  const d = args.get('d');
  if (t === null || !(d instanceof Duration)) return null;
  return checkTimeRange(addDuration(t, d, locationOf(args.get('location'), ctx), 1));
};

export const sub: NativeFunction = (args, ctx) => {
  const t = timeArg(args.get('from'), 'from', ctx);
  const d = args.get('d');
  if (t === null || !(d instanceof Duration)) return null;
  return checkTimeRange(addDuration(t, d, locationOf(args.get('location'), ctx), -1));
};
