// Schedules: when a task's runs are due. A schedule maps a time to the next scheduled time
// strictly after it; the scheduled time is what `now()` returns inside the run.
//
// `every` schedules are aligned to multiples of the interval since the Unix epoch (InfluxDB
// "every": a task loaded at 12:00:07 with `every: 10s` first runs for 12:00:10). `cron`
// schedules use croner, in UTC unless a location is given. Offsets and spreading move the
// execution time only, never the scheduled time.
import { Cron } from 'croner';
import type { TaskOptions } from './options.js';

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

/** A cron schedule (5 fields, or 6 with seconds first). Throws croner's error for a bad pattern or zone. */
export function cronSchedule(pattern: string, timezone = 'UTC'): Schedule {
  const cron = new Cron(pattern, { paused: true, timezone, legacyMode: true });
  const next = (afterNs: bigint): bigint => {
    // croner works in milliseconds and returns a time strictly after the one given.
    const ms = afterNs >= 0n ? afterNs / MS : (afterNs - MS + 1n) / MS;
    const d = cron.nextRun(new Date(Number(ms)));
    if (d === null) throw new Error(`cron pattern "${pattern}" has no future run`);
    return BigInt(d.getTime()) * MS;
  };
  // The typical interval: the gap between two consecutive runs after the epoch of 2024.
  const a = next(1_704_067_200_000n * MS);
  const b = next(a);
  return { next, intervalNs: b - a };
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
