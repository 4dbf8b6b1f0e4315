// Task options: `option task = {name: "scrape", every: 10s}` read the way InfluxDB reads them
// (InfluxDB "Task configuration options"): `name` (required), exactly one of `every` (a
// duration) or `cron` (a cron expression, evaluated in UTC unless a location is given),
// `offset` (delays execution; the scheduled time, and so `now()`, does not move),
// `concurrency` (default 1) and `retry` (immediate retries of a failed run, default 0).
//
// promflux adds a few optional fields of its own: `location` (IANA zone name for `cron`;
// `option location = timezone.location(name: ...)` works too, and a whole-hour
// `timezone.fixed(offset: ...)`), `timeout` (cancel a run
// after this long; default: the interval), `catchUp` (run the slots missed while promflux
// was down, in order), `catchUpLimit` (the most missed slots caught up, default 100) and
// `spread` (delay execution by a stable per-task fraction of the interval).
//
// Validation reports every problem at once; each error points at the offending property
// (or at the `option task` statement when a property is missing).
import { FluxError } from '../errors/index.js';
import type { Span } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import { Duration, RecordValue, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';
import { cronSchedule } from './schedule.js';
import { nameOf } from '../lang/names.js';

const HOUR_NS = 3_600_000_000_000n;

export interface TaskOptions {
  readonly name: string;
  /** Interval in nanoseconds (`every`), or undefined for a cron task. */
  readonly everyNs?: bigint;
  readonly cron?: string;
  /** IANA time zone for `cron`; 'UTC' unless given. */
  readonly location: string;
  /** Execution delay in nanoseconds (may be negative, must be shorter than the interval). */
  readonly offsetNs: bigint;
  readonly concurrency: number;
  readonly retry: number;
  /** Run timeout in nanoseconds; undefined means "the interval". */
  readonly timeoutNs?: bigint;
  readonly catchUp?: boolean;
  readonly catchUpLimit?: number;
  readonly spread?: boolean;
}

export const KNOWN_TASK_FIELDS = [
  'name',
  'every',
  'cron',
  'offset',
  'concurrency',
  'retry',
  'location',
  'timeout',
  'catchUp',
  'catchUpLimit',
  'spread',
] as const;

/** Spans of `option task = {...}` and of each of its properties, found in the parsed file. */
export interface TaskOptionSpans {
  readonly statement?: Span;
  readonly properties: ReadonlyMap<string, Span>;
}

/** Find the `option task = ...` statement of a file and the spans of its record's properties. */
export function taskOptionSpans(file: ast.File | undefined): TaskOptionSpans {
  const properties = new Map<string, Span>();
  if (file === undefined) return { properties };
  for (const st of file.body) {
    if (st.type !== 'OptionStatement') continue;
    const a = st.assignment;
    if (a.type !== 'VariableAssignment' || a.id.name !== 'task') continue;
    let init: ast.Expression = a.init;
    while (init.type === 'ParenExpression') init = init.expression;
    if (init.type === 'RecordExpression') {
      for (const p of init.properties) {
        const key = nameOf(p.key);
        properties.set(key, p.span);
      }
    }
    return { statement: st.span, properties };
  }
  return { properties };
}

/** Does this file declare `option task`? (Syntactic: no evaluation.) */
export function hasTaskOption(file: ast.File): boolean {
  return taskOptionSpans(file).statement !== undefined;
}

export interface ReadTaskOptionsInput {
  /** The value of `option task`, as the runtime evaluated it. */
  readonly task: Value | undefined;
  /** The value of `option location` (a `{zone, offset}` record), when the script sets it. */
  readonly location?: Value | undefined;
  readonly spans?: TaskOptionSpans;
  /** Source name (file path) for diagnostics. */
  readonly source?: string;
}

export type ReadTaskOptionsResult =
  | { readonly ok: true; readonly options: TaskOptions }
  | { readonly ok: false; readonly errors: readonly FluxError[] };

/** Validate the task option record, reporting every problem at once. */
export function readTaskOptions(input: ReadTaskOptionsInput): ReadTaskOptionsResult {
  const spans: TaskOptionSpans = input.spans ?? { properties: new Map() };
  const errors: FluxError[] = [];
  const err = (id: string, message: string, field?: string, code: 'invalid' | 'notFound' = 'invalid') => {
    const span = (field !== undefined ? spans.properties.get(field) : undefined) ?? spans.statement;
    errors.push(new FluxError(code, id, message, { span, source: input.source }));
  };
  const v = input.task;
  if (v === undefined) {
    err('task.missingOption', 'not a task: the script has no `option task = {...}`', undefined, 'notFound');
    return { ok: false, errors };
  }
  if (!(v instanceof RecordValue)) {
    err('task.notRecord', `option task must be a record, got ${typeOf(v)}`);
    return { ok: false, errors };
  }
  const f = (k: string): Value | undefined => v.get(k);

  for (const k of v.fields.keys()) {
    if (!(KNOWN_TASK_FIELDS as readonly string[]).includes(k)) {
      err('task.unknownOption', `unknown task option "${k}" (known: ${KNOWN_TASK_FIELDS.join(', ')})`, k);
    }
  }

  let name = '';
  const nameV = f('name');
  if (nameV === undefined || nameV === null) err('task.missingName', 'option task needs a `name`', nameV === null ? 'name' : undefined);
  else if (typeof nameV !== 'string') err('task.invalidName', `task name must be a string, got ${typeOf(nameV)}`, 'name');
  else if (nameV.trim() === '' || /[\u0000-\u001f/\\]/.test(nameV)) err('task.invalidName', 'task name must be non-empty, without control characters or slashes', 'name');
  else name = nameV;

  const everyV = f('every');
  const cronV = f('cron');
  const hasEvery = everyV !== undefined && everyV !== null;
  const hasCron = cronV !== undefined && cronV !== null;
  if (hasEvery && hasCron) err('task.conflictingSchedule', 'a task takes exactly one of `every` or `cron`, not both', 'cron');
  if (!hasEvery && !hasCron) err('task.missingSchedule', 'a task needs exactly one of `every` (a duration) or `cron` (a cron expression)');

  let everyNs: bigint | undefined;
  if (hasEvery) {
    const d = fixedDuration(everyV);
    if (d === undefined) err('task.invalidEvery', `every must be a duration of fixed length (no mo or y units; use cron for calendar schedules), got ${describe(everyV)}`, 'every');
    else if (d <= 0n) err('task.invalidEvery', 'every must be a positive duration', 'every');
    else everyNs = d;
  }

  let location = 'UTC';
  const locV = f('location');
  if (locV !== undefined && locV !== null) {
    if (typeof locV === 'string') location = locV;
    else err('task.invalidLocation', `location must be an IANA time zone name such as "Europe/Berlin", got ${typeOf(locV)}`, 'location');
  } else if (input.location instanceof RecordValue) {
    const zone = input.location.get('zone');
    if (typeof zone === 'string' && zone !== '') location = zone;
    // timezone.fixed(offset:) is {zone: "UTC", offset}: a cron task runs on that fixed
    // offset, through the IANA zone of that name (Etc/GMT+8 is UTC-8: POSIX signs).
    const off = input.location.get('offset');
    const offNs = off instanceof Duration && off.months === 0n ? off.signedNanos : 0n;
    if (offNs !== 0n && hasCron) {
      const hours = offNs / HOUR_NS;
      if ((location === 'UTC' || location === 'Etc/UTC') && offNs % HOUR_NS === 0n && hours >= -12n && hours <= 14n) {
        location = `Etc/GMT${hours > 0n ? '-' : '+'}${hours > 0n ? hours : -hours}`;
      } else {
        err('task.invalidLocation', `a cron task cannot run on the location option's fixed offset ${formatDuration(offNs)}${location !== 'UTC' ? ` added to "${location}"` : ''}: use a whole-hour timezone.fixed(), or a zone name (task option location: "Asia/Kolkata")`, 'cron');
      }
    }
  }

  let cron: string | undefined;
  if (hasCron) {
    if (typeof cronV !== 'string') err('task.invalidCron', `cron must be a string such as "0 * * * *", got ${typeOf(cronV)}`, 'cron');
    else {
      try {
        cronSchedule(cronV, location).next(0n);
        cron = cronV;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (/time ?zone/i.test(msg)) err('task.invalidLocation', `unknown time zone "${location}"`, locV !== undefined ? 'location' : 'cron');
        else err('task.invalidCron', `invalid cron expression "${cronV}": ${msg}`, 'cron');
      }
    }
  }

  let offsetNs = 0n;
  const offV = f('offset');
  if (offV !== undefined && offV !== null) {
    const d = fixedDuration(offV);
    if (d === undefined) err('task.invalidOffset', `offset must be a duration of fixed length, got ${describe(offV)}`, 'offset');
    else if (everyNs !== undefined && (d >= everyNs || -d >= everyNs)) err('task.invalidOffset', 'offset must be shorter than every', 'offset');
    else offsetNs = d;
  }

  const concurrency = positiveInt(f('concurrency'), 1, 1, 'concurrency', 'task.invalidConcurrency', err);
  const retry = positiveInt(f('retry'), 0, 0, 'retry', 'task.invalidRetry', err);
  const catchUpLimit = positiveInt(f('catchUpLimit'), 100, 0, 'catchUpLimit', 'task.invalidCatchUpLimit', err);

  let timeoutNs: bigint | undefined;
  const toV = f('timeout');
  if (toV !== undefined && toV !== null) {
    const d = fixedDuration(toV);
    if (d === undefined || d <= 0n) err('task.invalidTimeout', `timeout must be a positive duration of fixed length, got ${describe(toV)}`, 'timeout');
    else timeoutNs = d;
  }
  const catchUp = bool(f('catchUp'), 'catchUp', err);
  const spread = bool(f('spread'), 'spread', err);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    options: { name, everyNs, cron, location, offsetNs, concurrency, retry, timeoutNs, catchUp, spread, catchUpLimit },
  };
}

type ErrFn = (id: string, message: string, field?: string) => void;

function positiveInt(v: Value | undefined, dflt: number, min: number, field: string, id: string, err: ErrFn): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'bigint') {
    err(id, `${field} must be an int, got ${typeOf(v)}`, field);
    return dflt;
  }
  if (v < BigInt(min) || v > 10_000n) {
    err(id, `${field} must be between ${min} and 10000, got ${v}`, field);
    return dflt;
  }
  return Number(v);
}

function bool(v: Value | undefined, field: string, err: ErrFn): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') {
    err(`task.invalid${field[0]!.toUpperCase()}${field.slice(1)}`, `${field} must be a bool, got ${typeOf(v)}`, field);
    return undefined;
  }
  return v;
}

/** Signed nanoseconds of a duration without months, or undefined. */
function fixedDuration(v: Value | undefined): bigint | undefined {
  if (!(v instanceof Duration) || v.months !== 0n) return undefined;
  return v.signedNanos;
}

function describe(v: Value | undefined): string {
  if (v instanceof Duration) return v.months !== 0n ? 'a duration with months' : 'a duration';
  return v === undefined ? 'nothing' : typeOf(v);
}

/** A short human description of a task's schedule: `every 10s`, `cron "0 * * * *" (UTC)`. */
export function describeSchedule(o: TaskOptions): string {
  const base = o.everyNs !== undefined ? `every ${formatDuration(o.everyNs)}` : `cron "${o.cron}"${o.location !== 'UTC' ? ` (${o.location})` : ''}`;
  return o.offsetNs !== 0n ? `${base} offset ${formatDuration(o.offsetNs)}` : base;
}

/** `1h30m`, `10s`, `250ms`, `-5s`: a duration in Flux literal style. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  if (ns < 0n) return '-' + formatDuration(-ns);
  const units: [string, bigint][] = [
    ['h', 3_600_000_000_000n],
    ['m', 60_000_000_000n],
    ['s', 1_000_000_000n],
    ['ms', 1_000_000n],
    ['us', 1_000n],
    ['ns', 1n],
  ];
  let out = '';
  let rest = ns;
  for (const [u, size] of units) {
    if (rest >= size) {
      out += `${rest / size}${u}`;
      rest %= size;
    }
  }
  return out;
}
