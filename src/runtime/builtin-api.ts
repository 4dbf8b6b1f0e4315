// The builtin API: how native code in src/stdlib/<pkg>/ implements the `builtin`
// declarations of stdlib/<pkg>/<pkg>.flux. A package is a plain object listed explicitly
// in src/stdlib/index.ts; nothing registers itself as an import side effect.
//
// Signatures (parameter names, optional `?` parameters, the pipe `<-` parameter, types and
// doc comments) live only in the Flux declarations. The runtime checks arguments against
// them before calling the native function, so a native implementation can assume that
// required arguments are present and no unknown argument was passed.

import type { Clock } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import type { Span } from '../errors/index.js';
import type { MaybePromise, Time, Value } from '../values/value.js';

/** Everything a native builtin may use besides its arguments. */
export interface NativeContext {
  /** The full Flux name of the builtin being called (`prometheus.scrape`). */
  readonly name: string;
  /** The call site, for error messages. */
  readonly span: Span | undefined;
  readonly source: string | undefined;
  /** `now()` as the program sees it (honours `option now`, a task's scheduled time, `--now`). */
  now(): Time;
  /** The value of an option (`option location`, `option task`, `option testing.load`), if set. */
  option(name: string, pkg?: string): Value | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborted when the run is cancelled (Ctrl-C in the REPL, a task's timeout). */
  readonly signal: AbortSignal;
  /** Directory for promflux's own data (embedded store, spool, task state). */
  readonly dataDir: string;
  /**
   * Register a side effect that must complete before the run succeeds, even when the
   * program does not use its result (Flux's `to()` semantics). The runtime awaits every
   * registered promise at the end of the run; a rejection fails the run.
   */
  addSideEffect(effect: () => Promise<unknown>): void;
  /** Record a named result (`yield`). */
  addResult(name: string, value: Value): void;
  /** Services shared by the whole process (the HTTP client, the write pipeline, the store). */
  readonly services: Services;
  /**
   * Record per-call statistics for RunResult.stats (optional; table functions may report
   * rows in/out and time). `name` and `span` default to this call's.
   */
  stat?(entry: { name?: string; span?: Span; rowsIn?: number; rowsOut?: number; ms?: number }): void;
}

/**
 * Process-wide services (the HTTP client, the write pipeline, the store), shared by every
 * run of one Runtime. A package creates its service lazily on first use, so the runtime
 * layer never imports scrape/sink/store:
 *
 *     const writer = ctx.services.get('sink.writer', () => new Writer(ctx.dataDir, ctx.logger));
 *
 * `Runtime.close()` closes every service that has a `close(): Promise<void>` method, in
 * reverse order of creation (this is where pending writes are flushed on shutdown).
 */
export interface Services {
  get<T>(key: string, create: () => T): T;
}

/** A native implementation: named arguments in, a value (or a promise of one) out. */
export type NativeFunction = (args: ReadonlyMap<string, Value>, ctx: NativeContext) => MaybePromise<Value>;

/**
 * A native package: `path` is the Flux import path (`strings`, `experimental/prometheus`,
 * `universe`); `builtins` maps each `builtin` declared in stdlib/<path>/*.flux to a native
 * function or a constant value.
 */
export interface NativePackage {
  readonly path: string;
  readonly builtins: Readonly<Record<string, NativeFunction | { readonly value: Value }>>;
}
