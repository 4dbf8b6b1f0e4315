// Argument access for the universe table functions. The runtime has already checked the
// arguments against the Flux declarations in stdlib/universe/tables.flux (names, required
// parameters, types), so these helpers only supply defaults and check what the type
// system cannot (an existing column, a positive n, a known mode).

import { FluxError } from '../../../errors/index.js';
import type { NativeContext } from '../../../runtime/builtin-api.js';
import { asTableStream } from '../../../table/index.js';
import type { TableStream } from '../../../table/types.js';
import { ArrayValue, Duration, INT64_MAX, INT64_MIN, RecordValue, Time, isFunction, typeOf } from '../../../values/value.js';
import type { FunctionValue, Value } from '../../../values/value.js';
import { UTC_LOCATION, addDuration, checkZone } from '../../../values/calendar.js';
import type { Location } from '../../../values/calendar.js';

export type Args = ReadonlyMap<string, Value>;

/** A user error raised by a table function, pointing at the call site. */
export function fail(ctx: NativeContext, id: string, message: string): FluxError {
  return new FluxError('invalid', id, `${ctx.name}: ${message}`, { span: ctx.span, source: ctx.source });
}

export function tablesArg(args: Args, ctx: NativeContext, name = 'tables'): TableStream {
  const v = args.get(name);
  if (v === undefined || v === null) throw fail(ctx, 'universe.missingTables', `missing the piped-forward tables`);
  return asTableStream(v, ctx.name);
}

function wrongType(ctx: NativeContext, name: string, want: string, v: Value): FluxError {
  return fail(ctx, 'universe.argumentType', `argument "${name}" must be ${want}, got ${typeOf(v)}`);
}

export function strArg(args: Args, ctx: NativeContext, name: string, dflt?: string): string {
  const v = args.get(name);
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  }
  if (typeof v !== 'string') throw wrongType(ctx, name, 'a string', v);
  return v;
}

export function optStrArg(args: Args, ctx: NativeContext, name: string): string | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrongType(ctx, name, 'a string', v);
  return v;
}

export function boolArg(args: Args, ctx: NativeContext, name: string, dflt: boolean): boolean {
  const v = args.get(name);
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw wrongType(ctx, name, 'a bool', v);
  return v;
}

export function intArg(args: Args, ctx: NativeContext, name: string, dflt?: number): number {
  const v = args.get(name);
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  }
  if (typeof v !== 'bigint') throw wrongType(ctx, name, 'an int', v);
  return Number(v);
}

export function floatArg(args: Args, ctx: NativeContext, name: string, dflt?: number): number {
  const v = args.get(name);
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  }
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw wrongType(ctx, name, 'a float', v);
}

export function durationArg(args: Args, ctx: NativeContext, name: string, dflt?: Duration): Duration {
  const v = args.get(name);
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  }
  if (!(v instanceof Duration)) throw wrongType(ctx, name, 'a duration', v);
  return v;
}

/** A duration that must be a fixed number of nanoseconds (no months), as a signed bigint. */
export function fixedNanos(ctx: NativeContext, name: string, d: Duration): bigint {
  if (d.months !== 0n) throw fail(ctx, 'universe.calendarDuration', `argument "${name}" cannot use calendar units (mo, y) here`);
  return d.signedNanos;
}

export function strArrayArg(args: Args, ctx: NativeContext, name: string, dflt?: string[]): string[] {
  const v = args.get(name);
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  }
  if (!(v instanceof ArrayValue)) throw wrongType(ctx, name, 'an array of strings', v);
  return v.elements.map((e) => {
    if (typeof e !== 'string') throw wrongType(ctx, name, 'an array of strings', v);
    return e;
  });
}

export function fnArg(args: Args, ctx: NativeContext, name: string): FunctionValue {
  const v = args.get(name);
  if (v === undefined || v === null) throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  if (!isFunction(v)) throw wrongType(ctx, name, 'a function', v);
  return v;
}

export function optFnArg(args: Args, ctx: NativeContext, name: string): FunctionValue | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (!isFunction(v)) throw wrongType(ctx, name, 'a function', v);
  return v;
}

export function recordArg(args: Args, ctx: NativeContext, name: string): RecordValue | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (!(v instanceof RecordValue)) throw wrongType(ctx, name, 'a record', v);
  return v;
}

/**
 * A time bound (range start/stop): a time, a duration relative to now(), or an int of
 * Unix seconds (Flux SPEC / `range` docs).
 */
export function timeBoundArg(args: Args, ctx: NativeContext, name: string, dflt?: () => bigint): bigint {
  const v = args.get(name);
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt();
    throw fail(ctx, 'universe.missingArgument', `missing required argument "${name}"`);
  }
  if (v instanceof Time) return v.ns;
  if (v instanceof Duration) return clampTime(addDuration(ctx.now(), v).ns);
  if (typeof v === 'bigint') return clampTime(v * 1_000_000_000n);
  throw wrongType(ctx, name, 'a time, a duration or an int', v);
}

/**
 * A bound past the range of times (int64 nanoseconds), such as `start: -1000y` or an int of
 * Unix seconds beyond 2262, is the end of that range: every time is within it. (Unclamped, it
 * wrapped around to the other end when stored in _start/_stop.)
 */
function clampTime(ns: bigint): bigint {
  return ns < INT64_MIN ? INT64_MIN : ns > INT64_MAX ? INT64_MAX : ns;
}


/**
 * The `location` argument, else the `location` option (Flux universe: "location ... Default
 * is the location option"), else UTC. An unknown zone is `location.unknownZone` at the call.
 */
export function locationArg(args: Args, ctx: NativeContext): Location {
  const opt = ctx.option('location');
  const loc = recordArg(args, ctx, 'location') ?? (opt instanceof RecordValue ? opt : undefined);
  if (loc === undefined) return UTC_LOCATION;
  const zone = loc.get('zone');
  const off = loc.get('offset');
  const z = typeof zone === 'string' ? zone : 'UTC';
  try {
    checkZone(z);
  } catch (e) {
    throw e instanceof FluxError ? e.withSpan(ctx.span, ctx.source) : e;
  }
  return { zone: z, offsetNs: off instanceof Duration ? off.signedNanos : 0n };
}
