// Schedules: when a task's runs are due. A schedule maps a time to the next scheduled time
// strictly after it; the scheduled time is what `now()` returns inside the run.
//
// `every` schedules are aligned to multiples of the interval since the Unix epoch (InfluxDB
// "every": a task loaded at 12:00:07 with `every: 10s` first runs for 12:00:10). `cron`
// schedules use croner, in UTC unless a location is given. Offsets and spreading move the
// execution time only, never the scheduled time.
import { Cron } from 'croner';
import type { TaskOptions } from './options.js';
import { firstOffsetChange, zoneOffsetNs } from '../values/calendar.js';

export interface Schedule {
  /** The first scheduled time strictly after `afterNs` (nanoseconds since the epoch). */
  next(afterNs: bigint): bigint;
  /** A typical interval in nanoseconds (the default run timeout). */
  readonly intervalNs: bigint;
}

const MS = 1_000_000n;

export function everySchedule(everyNs: bigint): Schedule {
  if (everyNs <= 0n) throw new Error('internal error: every must be positive');
  return {
    intervalNs: everyNs,
    next(afterNs: bigint): bigint {
      // floor division that also works before the epoch
      let q = afterNs / everyNs;
      if (afterNs < 0n && q * everyNs !== afterNs) q -= 1n;
      return (q + 1n) * everyNs;
    },
  };
}

/**
 * A cron schedule (5 fields, or 6 with seconds first). Throws croner's error for a bad pattern or zone.
 *
 * In a location with daylight-saving time the rule of cron(8) (Vixie cron) applies: a job
 * with a wildcard in its minute or hour field (or seconds, or `@hourly`) runs on the new wall
 * clock at once, so when the clock falls back it also runs in the second pass of the
 * repeated hour (an hourly job runs every real hour); a job at a fixed time runs once when its
 * time repeats, and one whose time falls in a skipped hour runs after the change (croner's
 * rule). croner alone skips a pass of the repeated hour (the second in New York, the first
 * on Lord Howe Island), and asked from inside the second pass it returns a time of the first
 * (before its argument), which the scheduler would run again.
 */
export function cronSchedule(pattern: string, timezone = 'UTC'): Schedule {
  const cron = new Cron(pattern, { paused: true, timezone, legacyMode: true });
  const cronNextMs = (ms: bigint): bigint => {
    const d = cron.nextRun(new Date(Number(ms)));
    if (d === null) throw new Error(`cron pattern "${pattern}" has no future run`);
    return BigInt(d.getTime());
  };
  const wildcard = hasWildcardTime(pattern);
  const fixedCrons = new Map<bigint, Cron>();
  /** The first run after `afterMs` on the wall clock of a fixed UTC offset. */
  const fixedNextMs = (offsetNs: bigint, afterMs: bigint): bigint | undefined => {
    let c = fixedCrons.get(offsetNs);
    if (c === undefined) {
      c = new Cron(pattern, { paused: true, utcOffset: Number(offsetNs / 60_000_000_000n), legacyMode: true });
      fixedCrons.set(offsetNs, c);
    }
    const d = c.nextRun(new Date(Number(afterMs)));
    return d === null ? undefined : BigInt(d.getTime());
  };
  const next = (afterNs: bigint): bigint => {
    // croner works in milliseconds and returns a time strictly after the one given.
    const ms = afterNs >= 0n ? afterNs / MS : (afterNs - MS + 1n) / MS;
    let base = cronNextMs(ms);
    if (timezone === 'UTC') return base * MS;
    // Around a change that sets the clock back croner is unreliable (it may skip either pass
    // of the repeated wall-clock interval, and asked from the second pass it answers with a
    // time of the first): its runs there are replaced by runs computed on the fixed offset of
    // each pass.
    for (const { t, shiftMs, offsetNs } of fallBacks(timezone, ms, base > ms ? base : ms + 1n)) {
      if (t - shiftMs > base) break;
      if (base >= t - shiftMs && base < t + shiftMs) base = cronNextMs(t + shiftMs - 1n);
      const first = fixedNextMs(offsetNs + shiftMs * MS, ms > t - shiftMs - 1n ? ms : t - shiftMs - 1n);
      if (first !== undefined && first < t && first < base) base = first;
      if (wildcard) {
        const second = fixedNextMs(offsetNs, ms > t - 1n ? ms : t - 1n);
        if (second !== undefined && second < t + shiftMs && second < base) base = second;
      }
    }
    if (base <= ms) throw new Error(`internal error: cron pattern "${pattern}" gives no run after ${ms} ms`);
    return base * MS;
  };
  // The typical interval: the gap between two consecutive runs after the epoch of 2024.
  const a = next(1_704_067_200_000n * MS);
  const b = next(a);
  return { next, intervalNs: b - a };
}

/** Does a cron pattern have a wildcard (`*`, `*` followed by a step) in its seconds, minutes or hours? */
function hasWildcardTime(pattern: string): boolean {
  const p = pattern.trim();
  if (p.startsWith('@')) return /^@hourly$/i.test(p);
  const fields = p.split(/\s+/);
  const timeFields = fields.length >= 6 ? fields.slice(0, 3) : fields.slice(0, 2);
  return timeFields.some((f) => f.includes('*'));
}

const MS_PER_DAY = 86_400_000n;
/** No daylight-saving shift is longer than this (they are 30 minutes to 2 hours). */
const MAX_SHIFT_MS = 3n * 3_600_000n;

/**
 * The changes of `zone` that set its clock back, in time order, whose repeated interval ends
 * after `fromMs` and that happen before `toMs`: at instant t (ms) the offset falls to
 * `offsetNs`, by `shiftMs`, so the instants [t, t + shiftMs) show the wall-clock times that
 * [t - shiftMs, t) showed (the second pass).
 */
function* fallBacks(zone: string, fromMs: bigint, toMs: bigint): Generator<{ t: bigint; shiftMs: bigint; offsetNs: bigint }> {
  if (zone === 'UTC') return;
  const off = (msT: bigint): bigint => zoneOffsetNs(zone, msT * MS);
  // Day by day (offsets change at most a few times a year), from far enough back that a
  // repeated interval containing fromMs is found.
  let a = fromMs - MAX_SHIFT_MS;
  let oa = off(a);
  while (a < toMs) {
    const b = a + MS_PER_DAY < toMs ? a + MS_PER_DAY : toMs;
    const ob = off(b);
    if (ob < oa) {
      // The first millisecond with the new offset.
      const hi = firstOffsetChange(off, a, b);
      const shiftMs = (oa - ob) / MS;
      if (hi + shiftMs > fromMs) yield { t: hi, shiftMs, offsetNs: ob };
    }
    a = b;
    oa = ob;
  }
}

export function scheduleOf(options: TaskOptions): Schedule {
  if (options.everyNs !== undefined) return everySchedule(options.everyNs);
  if (options.cron !== undefined) return cronSchedule(options.cron, options.location);
  throw new Error('internal error: task options without every or cron');
}

/**
 * The extra execution delay of a spread task: a stable fraction of its interval derived from
 * its name (FNV-1a), so tasks with the same interval start at different points of it.
 */
export function spreadDelayNs(name: string, intervalNs: bigint): bigint {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return intervalNs <= 1n ? 0n : (BigInt(h) * intervalNs) / 0x1_0000_0000n;
}
