// date.second / minute / hour / weekDay / monthDay / yearDay / month / year / week /
// quarter / millisecond / microsecond / nanosecond: calendar fields in a location.
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { localCivil } from '../../values/calendar.js';
import { daysFromCivil } from '../../values/format.js';
import type { CivilTime } from '../../values/format.js';
import { locationOf, timeArg } from './location.js';

const field =
  (f: (c: CivilTime) => number): NativeFunction =>
  (args, ctx) => {
    const t = timeArg(args.get('t'), 't', ctx);
    if (t === null) return null;
    return BigInt(f(localCivil(t, locationOf(args.get('location'), ctx))));
  };

const weekDayOf = (c: CivilTime) => (((daysFromCivil(c.year, c.month, c.day) + 4) % 7) + 7) % 7;
const yearDayOf = (c: CivilTime) => daysFromCivil(c.year, c.month, c.day) - daysFromCivil(c.year, 1, 1) + 1;

/** ISO 8601 week number. */
function isoWeek(c: CivilTime): number {
  const wd = weekDayOf(c) || 7; // Monday = 1 .. Sunday = 7
  const thursday = daysFromCivil(c.year, c.month, c.day) - wd + 4;
  // The ISO year is the year of that Thursday.
  let y = c.year;
  if (thursday < daysFromCivil(y, 1, 1)) y -= 1;
  else if (thursday >= daysFromCivil(y + 1, 1, 1)) y += 1;
  return Math.floor((thursday - daysFromCivil(y, 1, 1)) / 7) + 1;
}

export const second = field((c) => c.second);
export const minute = field((c) => c.minute);
export const hour = field((c) => c.hour);
export const weekDay = field(weekDayOf);
export const monthDay = field((c) => c.day);
export const yearDay = field(yearDayOf);
export const month = field((c) => c.month);
export const year = field((c) => c.year);
export const week = field(isoWeek);
export const quarter = field((c) => Math.floor((c.month - 1) / 3) + 1);
export const millisecond = field((c) => Math.floor(c.nano / 1_000_000));
export const microsecond = field((c) => Math.floor(c.nano / 1_000));
export const nanosecond = field((c) => c.nano);
