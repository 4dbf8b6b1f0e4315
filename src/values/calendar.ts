// Calendar arithmetic on times: adding durations with months, truncation, and the
// `location` (Flux `{zone: string, offset: duration}`) used by `date` functions.
//
// Contract (Flux `date.add` / `date.truncate`, Go's time.Time.AddDate):
// - A duration's months are added on the calendar of the location: the local date keeps
//   its wall-clock time; a day that does not exist in the target month is clamped to the
//   month's last day (2021-01-31 + 1mo = 2021-02-28). Its nanoseconds are then added as
//   an exact amount of elapsed time (1d is always 24h, also across a DST change).
// - Truncation happens on the local wall clock and is converted back to an instant.
// Time zones come from the IANA database through Intl (no bundled data); an unknown zone
// is a FluxError `location.unknownZone`.
import { FluxError } from '../errors/index.js';
import { Duration, INT64_MAX, INT64_MIN, Time } from './value.js';
import { civilFromNanos, formatTime, nanosFromCivil } from './format.js';

export interface Location {
  readonly zone: string;
  /** A fixed offset added to the zone's offset (Flux `timezone.fixed`). */
  readonly offsetNs: bigint;
}

export const UTC_LOCATION: Location = { zone: 'UTC', offsetNs: 0n };

const NS_PER_MS = 1_000_000n;
const NS_PER_DAY = 86_400_000_000_000n;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new FluxError('invalid', 'location.unknownZone', `unknown time zone ${JSON.stringify(zone)}`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Throws `location.unknownZone` when the IANA zone is unknown. */
export function checkZone(zone: string): void {
  if (zone !== 'UTC') formatterFor(zone);
}

/** The zone's UTC offset in nanoseconds at an instant (local = utc + offset). */
export function zoneOffsetNs(zone: string, utcNs: bigint): bigint {
  if (zone === 'UTC' || zone === '') return 0n;
  const f = formatterFor(zone);
  // Intl works on milliseconds; offsets are whole seconds, so flooring is exact enough.
  let ms = utcNs / NS_PER_MS;
  if (utcNs < 0n && utcNs % NS_PER_MS !== 0n) ms -= 1n;
  const msNum = Number(ms);
  if (!Number.isFinite(msNum) || Math.abs(msNum) > 8.64e15) return 0n;
  const parts = f.formatToParts(new Date(msNum));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value === 'BC' || p.value === 'B';
        break;
    }
  }
  if (bc) year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const localMs = d.getTime();
  const utcSecMs = msNum - (((msNum % 1000) + 1000) % 1000);
  return BigInt(localMs - utcSecMs) * NS_PER_MS;
}

/** Total offset of a location at an instant. */
export function locationOffsetNs(loc: Location, utcNs: bigint): bigint {
  return zoneOffsetNs(loc.zone, utcNs) + loc.offsetNs;
}

/**
 * The first instant in (lo, hi] at which `offsetAt` gives another offset than at `lo`, by
 * bisection (at most one change in between; instants in any unit).
 */
export function firstOffsetChange(offsetAt: (t: bigint) => bigint, lo: bigint, hi: bigint): bigint {
  const o = offsetAt(lo);
  while (hi - lo > 1n) {
    const mid = lo + (hi - lo) / 2n;
    if (offsetAt(mid) === o) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Local wall-clock nanoseconds (as if UTC) -> the instant; in a DST gap the later offset wins. */
export function localToUtc(loc: Location, localNs: bigint): bigint {
  const o1 = locationOffsetNs(loc, localNs);
  let utc = localNs - o1;
  const o2 = locationOffsetNs(loc, utc);
  if (o2 !== o1) {
    utc = localNs - o2;
    const o3 = locationOffsetNs(loc, utc);
    if (o3 !== o2) utc = localNs - (o3 > o2 ? o3 : o2);
  }
  return utc;
}

/** Add months to a local civil time, clamping the day to the target month's length. */
function addMonthsLocal(localNs: bigint, months: bigint): bigint {
  if (months === 0n) return localNs;
  const c = civilFromNanos(localNs);
  const total = BigInt(c.year) * 12n + BigInt(c.month - 1) + months;
  let year = Number(total / 12n);
  let m0 = Number(total % 12n);
  if (m0 < 0) {
    m0 += 12;
    year -= 1;
  }
  const dim = daysInMonth(year, m0 + 1);
  return nanosFromCivil({ ...c, year, month: m0 + 1, day: Math.min(c.day, dim) });
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
 * A time as a Flux value: int64 nanoseconds since the epoch (Flux SPEC, "Time types"), from
 * 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z. A time past either end
 * (`2262-04-11T00:00:00Z + 1d`, `time(v: "3000-01-01T00:00:00Z")`) is a FluxError
 * `time.outOfRange`: stored in a column it would wrap around to the other end.
 */
export function checkTimeRange(t: Time): Time {
  if (t.ns < INT64_MIN || t.ns > INT64_MAX) {
    throw new FluxError(
      'invalid',
      'time.outOfRange',
      `time ${formatTime(t)} is out of range: times are int64 nanoseconds, 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z`,
    );
  }
  return t;
}

/** `t + d` (or `t - d` with `sign` -1) in a location. */
export function addDuration(t: Time, d: Duration, loc: Location = UTC_LOCATION, sign: 1 | -1 = 1): Time {
  const neg = (d.negative ? -1 : 1) * sign < 0;
  let ns = t.ns;
  if (d.months !== 0n) {
    const local = ns + locationOffsetNs(loc, ns);
    const movedLocal = addMonthsLocal(local, neg ? -d.months : d.months);
    ns = loc.zone === 'UTC' && loc.offsetNs === 0n ? movedLocal : localToUtc(loc, movedLocal);
  }
  ns += neg ? -d.nanoseconds : d.nanoseconds;
  return new Time(ns);
}

/**
 * Truncate a time to a unit on the local wall clock. Units with months truncate to the
 * start of a month (multiples of the unit's months counted from year 0); other units to a
 * multiple of their length since the Unix epoch (so `1w` starts on a Thursday, as in Flux).
 */
export function truncateTime(t: Time, unit: Duration, loc: Location = UTC_LOCATION): Time {
  if (unit.isZero() || unit.negative) {
    throw new FluxError('invalid', 'date.invalidUnit', 'truncation unit must be a positive duration');
  }
  const off = locationOffsetNs(loc, t.ns);
  const local = t.ns + off;
  let truncLocal: bigint;
  if (unit.months !== 0n) {
    if (unit.nanoseconds !== 0n) {
      throw new FluxError('invalid', 'date.invalidUnit', 'truncation unit cannot mix months with shorter units');
    }
    const c = civilFromNanos(local);
    const total = BigInt(c.year) * 12n + BigInt(c.month - 1);
    const t2 = total - (((total % unit.months) + unit.months) % unit.months);
    let year = Number(t2 / 12n);
    let month = Number(t2 % 12n) + 1;
    if (month < 1) {
      month += 12;
      year -= 1;
    }
    truncLocal = nanosFromCivil({ year, month, day: 1, hour: 0, minute: 0, second: 0, nano: 0 });
  } else {
    const u = unit.nanoseconds;
    let r = local % u;
    if (r < 0n) r += u;
    truncLocal = local - r;
  }
  if (loc.zone === 'UTC' || loc.zone === '') return new Time(truncLocal - loc.offsetNs);
  // Keep the same offset when it still applies (sub-hour units inside one DST period).
  if (locationOffsetNs(loc, truncLocal - off) === off) return new Time(truncLocal - off);
  return new Time(localToUtc(loc, truncLocal));
}

/** Local civil fields of an instant in a location. */
export function localCivil(t: Time, loc: Location = UTC_LOCATION) {
  return civilFromNanos(t.ns + locationOffsetNs(loc, t.ns));
}

export { NS_PER_DAY };
