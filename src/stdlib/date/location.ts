// Reading `t` (time or duration relative to now()) and `location` arguments of the date
// package; the default location is the `location` option (universe).
import { FluxError } from '../../errors/index.js';
import type { NativeContext } from '../../runtime/builtin-api.js';
import { addDuration, checkZone } from '../../values/calendar.js';
import type { Location } from '../../values/calendar.js';
import { Duration, RecordValue, Time, typeOf } from '../../values/value.js';
import type { Value } from '../../values/value.js';

export function locationOf(v: Value | undefined, ctx: NativeContext): Location {
  const rec = v === undefined || v === null ? ctx.option('location') : v;
  if (rec === undefined || rec === null) return { zone: 'UTC', offsetNs: 0n };
  if (!(rec instanceof RecordValue)) {
    throw new FluxError('invalid', 'location.invalid', `location must be a record {zone: string, offset: duration}, got ${typeOf(rec)}`);
  }
  const zone = rec.get('zone');
  const offset = rec.get('offset');
  if (typeof zone !== 'string') throw new FluxError('invalid', 'location.invalid', 'location.zone must be a string');
  let offsetNs = 0n;
  if (offset !== undefined && offset !== null) {
    if (!(offset instanceof Duration) || offset.months !== 0n) {
      throw new FluxError('invalid', 'location.invalid', 'location.offset must be a duration without months');
    }
    offsetNs = offset.signedNanos;
  }
  checkZone(zone);
  return { zone, offsetNs };
}

/** A Timeable argument: a time, or a duration taken relative to now(). */
export function timeArg(v: Value | undefined, name: string, ctx: NativeContext): Time | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Time) return v;
  if (v instanceof Duration) return addDuration(ctx.now(), v);
  throw new FluxError('invalid', 'call.argumentType', `argument ${JSON.stringify(name)} must be a time or a duration, got ${typeOf(v)}`);
}
