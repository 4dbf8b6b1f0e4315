// Design: the state of one run (or one REPL session): its interpreter, its own instances of
// the packages it uses (scopes built from the shared package definitions), option values,
// results, side effects and per-call stats. Package scopes are per run so that `option`
// statements (`option now`, `option location`, `option pkg.x`) affect only this run.
//
// Option rules (Flux SPEC "Options"): `option x = v` in a program replaces the prelude
// binding `x` when the prelude has one (`now`, `location`), otherwise it defines `x` in
// the program (`task`); `option pkg.x = v` replaces member x of an imported package, which
// must exist. Functions of a package see the replaced value, because they look names up in
// their package scope when they run.
import { FluxError, formatSpan } from '../errors/index.js';
import type { Span } from '../errors/index.js';
import type { Clock } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import type * as ast from '../lang/ast.js';
import { Interpreter, Scope } from '../interpreter/index.js';
import { RecordValue, Time, isFunction, isPromise, isStream } from '../values/value.js';
import type { CallSite, FunctionValue, MaybePromise, Value } from '../values/value.js';
import type { NativeContext, NativeFunction, Services } from './builtin-api.js';
import type { FunctionSig } from '../semantic/index.js';
import { NativeFunctionValue, unimplemented } from './native.js';
import type { PackageDef, PackageRegistry } from './packages.js';
import type { StepRecord } from './step-stats.js';

export interface CallStat {
  readonly name: string;
  readonly span?: Span;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly ms?: number;
}

export interface RunStats {
  readonly calls: CallStat[];
}

export interface RunEnvironment {
  readonly registry: PackageRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dataDir: string;
  readonly services: Services;
  readonly maxCallDepth?: number;
}

interface PackageInstance {
  readonly def: PackageDef;
  readonly scope: Scope;
  readonly value: RecordValue;
}

export class RunState {
  readonly interpreter: Interpreter;
  readonly results: { name: string; value: Value }[] = [];
  readonly stats: RunStats = { calls: [] };
  /** Options defined by the program itself (`option task = ...`). */
  readonly programOptions = new Map<string, Value>();
  private readonly packages = new Map<string, PackageInstance>();
  private sideEffects: (() => Promise<unknown>)[] = [];
  private readonly yielded = new WeakSet<object>();
  private loading = 0;
  readonly universe: PackageInstance;
  private nativeNow: FunctionValue | undefined;
  private fixedNow: Time | undefined;
  signal: AbortSignal;
  logger: Logger;

  constructor(
    readonly env: RunEnvironment,
    opts: { now?: Time; signal?: AbortSignal; logger?: Logger; collectExpressions?: boolean } = {},
  ) {
    this.fixedNow = opts.now;
    this.signal = opts.signal ?? new AbortController().signal;
    this.logger = opts.logger ?? env.logger;
    this.interpreter = new Interpreter(
      {
        importPackage: (path) => this.importPackage(path),
        setOption: (pkg, name, value, span) => this.setOption(pkg, name, value, span),
        onExpression: (value) => this.onExpression(value),
        checkCancel: () => {
          if (this.signal.aborted) throw new FluxError('canceled', 'run.canceled', 'the run was canceled');
        },
      },
      { maxCallDepth: env.maxCallDepth },
    );
    const universe = this.instantiate('universe');
    if (!universe) throw new FluxError('internal', 'stdlib.missingUniverse', 'the standard library has no universe package (stdlib/universe/*.flux)');
    this.universe = universe;
  }

  /** Per-run settings that a REPL session may change between evaluations. */
  reset(opts: { now?: Time; signal?: AbortSignal; logger?: Logger }): void {
    this.fixedNow = opts.now;
    this.signal = opts.signal ?? new AbortController().signal;
    this.logger = opts.logger ?? this.env.logger;
    this.results.length = 0;
    this.stats.calls.length = 0;
    this.sideEffects = [];
  }

  /** A fresh scope for a program, below the prelude. */
  programScope(source: string): Scope {
    return new Scope(this.universe.scope, source);
  }

  importPackage(path: string): RecordValue | undefined {
    return this.instantiate(path)?.value;
  }

  private instantiate(path: string): PackageInstance | undefined {
    const existing = this.packages.get(path);
    if (existing) return existing;
    const def = this.env.registry.get(path);
    if (!def) return undefined;
    const parent = path === 'universe' ? undefined : this.universe.scope;
    const scope = new Scope(parent, `stdlib/${path}`);
    const value = new RecordValue(scope.vars);
    const inst: PackageInstance = { def, scope, value };
    this.packages.set(path, inst);
    for (const b of preparedBuiltins(path, def)) {
      if (b.native === undefined) {
        scope.set(b.name, b.unimplemented);
      } else if (typeof b.native === 'function') {
        const fn = new NativeFunctionValue(b.full, b.sig, b.native, this.contextFactory);
        scope.set(b.name, fn);
        if (path === 'universe' && b.name === 'now') this.nativeNow = fn;
      } else {
        scope.set(b.name, b.native.value);
      }
    }
    this.loading++;
    try {
      for (const file of def.files) {
        const r = this.interpreter.runFile({ ...file, body: file.body.filter((st) => st.type !== 'BuiltinStatement') }, scope);
        if (isPromise(r)) throw new FluxError('internal', 'stdlib.asyncInit', `package ${path} waits for data while loading`);
      }
    } finally {
      this.loading--;
    }
    return inst;
  }

  private setOption(pkg: string | undefined, name: string, value: Value, _span: Span): boolean {
    if (this.loading > 0) return false; // a package declaring its own option: a plain binding
    if (pkg === undefined) {
      if (this.universe.scope.hasOwn(name)) {
        this.universe.scope.set(name, value);
        return true;
      }
      this.programOptions.set(name, value);
      return false;
    }
    const inst = this.instantiate(pkg);
    if (!inst || !inst.scope.hasOwn(name)) return false;
    inst.scope.set(name, value);
    return true;
  }

  private onExpression(value: Value): void {
    if (isStream(value)) {
      if (!this.yielded.has(value as object)) this.addResult('_result', value);
    } else {
      this.results.push({ name: '', value });
    }
  }

  addResult(name: string, value: Value): void {
    if (value !== null && typeof value === 'object') this.yielded.add(value);
    this.results.push({ name, value });
  }

  addSideEffect(effect: () => Promise<unknown>): void {
    this.sideEffects.push(effect);
  }

  /** Run every registered side effect (in registration order); the first failure rejects. */
  async drainSideEffects(): Promise<void> {
    while (this.sideEffects.length) {
      const batch = this.sideEffects;
      this.sideEffects = [];
      for (const effect of batch) await effect();
    }
  }

  /** `now()` as the program sees it: `option now`, else the pinned time, else the clock (fixed per run). */
  now(): Time {
    const bound = this.universe.scope.vars.get('now');
    if (bound !== undefined && bound !== this.nativeNow && isFunction(bound)) {
      const v = bound.call(new Map());
      if (!(v instanceof Time)) {
        throw new FluxError('invalid', 'option.now', 'option now must be a function returning a time');
      }
      return v;
    }
    return this.baseNow();
  }

  /** The run's own time (ignoring `option now`). */
  baseNow(): Time {
    if (this.fixedNow === undefined) this.fixedNow = new Time(this.env.clock.nowNanos());
    return this.fixedNow;
  }

  /** An option's current value: program options, then the prelude (or the named package). */
  option(name: string, pkg?: string): Value | undefined {
    if (pkg === undefined || pkg === 'universe') {
      if (pkg === undefined && this.programOptions.has(name)) return this.programOptions.get(name);
      return this.universe.scope.vars.get(name);
    }
    return this.instantiate(pkg)?.scope.vars.get(name);
  }

  /** The NativeContext of one call; one factory per run, shared by all of its native functions. */
  private readonly contextFactory = (name: string, site: CallSite | undefined): NativeContext => new CallContext(this, name, site);
}

interface PreparedBuiltin {
  readonly name: string;
  /** The name in messages: `name` in universe, `alias.name` elsewhere. */
  readonly full: string;
  readonly sig: FunctionSig;
  readonly native: NativeFunction | { readonly value: Value } | undefined;
  /** The value bound when there is no native implementation. */
  readonly unimplemented: Value;
}

/**
 * What instantiating a package's builtins needs, computed once per package definition: a
 * run only makes its NativeFunctionValues (they carry the run's context factory).
 */
const prepared = new WeakMap<PackageDef, readonly PreparedBuiltin[]>();
function preparedBuiltins(path: string, def: PackageDef): readonly PreparedBuiltin[] {
  let list = prepared.get(def);
  if (list !== undefined) return list;
  const alias = path.split('/').pop()!;
  const out: PreparedBuiltin[] = [];
  for (const [name, decl] of def.builtins) {
    const full = path === 'universe' ? name : `${alias}.${name}`;
    const native = def.natives.get(name);
    out.push({
      name,
      full,
      sig: decl.sig ?? { params: [] },
      native,
      unimplemented: native === undefined && decl.sig ? unimplemented(full, decl.sig) : null,
    });
  }
  prepared.set(def, out);
  return out;
}

class CallContext implements NativeContext {
  constructor(
    private readonly run: RunState,
    readonly name: string,
    private readonly site: CallSite | undefined,
  ) {}
  get span() {
    return this.site?.span;
  }
  get source() {
    return this.site?.source;
  }
  now(): Time {
    return this.run.now();
  }
  option(name: string, pkg?: string): Value | undefined {
    return this.run.option(name, pkg);
  }
  get clock(): Clock {
    return this.run.env.clock;
  }
  get logger(): Logger {
    return this.run.logger;
  }
  get signal(): AbortSignal {
    return this.run.signal;
  }
  get dataDir(): string {
    return this.run.env.dataDir;
  }
  get services(): Services {
    return this.run.env.services;
  }
  addSideEffect(effect: () => Promise<unknown>): void {
    this.run.addSideEffect(effect);
  }
  addResult(name: string, value: Value): void {
    this.run.addResult(name, value);
  }
  stat(entry: { rowsIn?: number; rowsOut?: number; ms?: number; name?: string; span?: Span }): void {
    this.run.stats.calls.push({ name: entry.name ?? this.name, span: entry.span ?? this.site?.span, rowsIn: entry.rowsIn, rowsOut: entry.rowsOut, ms: entry.ms });
  }
  /** A per-call record that stays live: its counts grow as the call's streams are read. */
  step(): StepRecord {
    const record: StepRecord = { name: this.name, span: this.site?.span };
    this.run.stats.calls.push(record);
    return record;
  }
}

/** `name @l:c-l:c` for logs. */
export function describeSite(name: string, span: Span | undefined): string {
  return span ? `${name} ${formatSpan(span)}` : name;
}

export type { MaybePromise, ast };
