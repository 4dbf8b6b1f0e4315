// Design: the Runtime facade (ARCHITECTURE.md "runtime"). One Runtime holds the parsed
// standard library (PackageRegistry), the process-wide services and the host interfaces;
// every run gets its own RunState (interpreter, package scopes, options, results), so runs
// are independent and may overlap.
//
// run(): parse -> check (all diagnostics at once, rejecting with FluxErrors) -> evaluate ->
// drain side effects -> results. Streams among the results are not consumed here; the
// caller reads each exactly once.
import { FluxError, FluxErrors, toFluxError } from '../errors/index.js';
import type { Clock } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import type * as ast from '../lang/ast.js';
import { parse } from '../lang/index.js';
import { Scope, isClosure } from '../interpreter/index.js';
import { checkFile } from '../semantic/index.js';
import type { CheckEnv, FunctionSig, PackageInfo, PredefinedInfo, RecordShape, StaticType } from '../semantic/index.js';
import { isFunction, isPromise, isStream, typeOf } from '../values/value.js';
import type { Time, Value } from '../values/value.js';
import type { NativePackage, Services } from './builtin-api.js';
import { PackageRegistry } from './packages.js';
import type { StdlibSource } from './packages.js';
import { RunState } from './run-state.js';
import type { RunStats } from './run-state.js';
import { nameOf } from '../lang/names.js';

export type { RunStats, CallStat } from './run-state.js';
export type { StdlibSource } from './packages.js';

export interface RunOptions {
  /** Source name for diagnostics. */
  name?: string;
  /** Pins now(). */
  now?: Time;
  signal?: AbortSignal;
  logger?: Logger;
  /**
   * Read every table-stream result to its end before the run completes, discarding the
   * tables (a scheduled task: nobody reads its results, but its whole pipeline must run,
   * so an error anywhere in it fails the run and the row counts are complete). The
   * results are then empty streams.
   */
  drainResults?: boolean;
}

export interface RunResult {
  /** Yields in program order; a bare stream expression statement is `_result`; a bare scalar has name ''. */
  results: { name: string; value: Value }[];
  stats: RunStats;
}

export interface Session {
  eval(source: string, opts?: RunOptions): Promise<RunResult>;
  /** Names defined so far (for completion), including the prelude's. */
  names(): string[];
  /** The value bound to a name in the session, if any (for completion). */
  lookup(name: string): Value | undefined;
}

export interface RuntimeConfig {
  readonly stdlib: StdlibSource;
  readonly natives: readonly NativePackage[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dataDir: string;
  /** Maximum nesting of Flux function calls (default 400). */
  readonly maxCallDepth?: number;
}

class ServiceRegistry implements Services {
  private readonly items = new Map<string, unknown>();
  get<T>(key: string, create: () => T): T {
    if (!this.items.has(key)) this.items.set(key, create());
    return this.items.get(key) as T;
  }
  async close(): Promise<void> {
    const all = [...this.items.values()].reverse();
    this.items.clear();
    let first: unknown;
    for (const s of all) {
      const close = (s as { close?: unknown } | null)?.close;
      if (typeof close === 'function') {
        try {
          await (close as () => Promise<void>).call(s);
        } catch (e) {
          first ??= e;
        }
      }
    }
    if (first !== undefined) throw toFluxError(first);
  }
}

export class Runtime {
  readonly registry: PackageRegistry;
  private readonly services = new ServiceRegistry();

  constructor(private readonly config: RuntimeConfig) {
    this.registry = new PackageRegistry(config.stdlib, config.natives);
  }

  private env() {
    return {
      registry: this.registry,
      clock: this.config.clock,
      logger: this.config.logger,
      dataDir: this.config.dataDir,
      services: this.services,
      maxCallDepth: this.config.maxCallDepth,
    };
  }

  /** Parse a source, rejecting with all syntax diagnostics. */
  private parseOrThrow(source: string, name: string): ast.File {
    const { file, diagnostics } = parse(source, name);
    if (diagnostics.length) throw diagnostics.length === 1 ? diagnostics[0]! : new FluxErrors(diagnostics);
    return file;
  }

  checkEnv(predefined?: ReadonlyMap<string, FunctionSig | null>, predefinedInfo?: ReadonlyMap<string, PredefinedInfo>): CheckEnv {
    const universe = this.registry.get('universe');
    return {
      prelude: universe?.members ?? new Map(),
      package: (path: string): PackageInfo | undefined => this.registry.get(path),
      predefined,
      predefinedInfo,
    };
  }

  /** Every syntax and semantic diagnostic of a program ([] when it may run). */
  check(source: string, name = '<input>'): FluxError[] {
    const { file, diagnostics } = parse(source, name);
    if (diagnostics.length) return [...diagnostics];
    return checkFile(file, this.checkEnv());
  }

  async run(source: string, opts: RunOptions = {}): Promise<RunResult> {
    const file = this.parseOrThrow(source, opts.name ?? '<input>');
    return this.runFile(file, opts);
  }

  /** The value of the program's last bare expression statement (null when it has none). */
  async eval(source: string, opts: RunOptions = {}): Promise<Value> {
    const { results } = await this.run(source, opts);
    return results.length ? results[results.length - 1]!.value : null;
  }

  /** The program's named results (yields, `_result`, and '' for bare scalars), in program order. */
  async query(source: string, opts: RunOptions = {}): Promise<RunResult['results']> {
    return (await this.run(source, opts)).results;
  }

  /**
   * Semantic check results per parsed file: a task runs the same AST every interval, and
   * the check depends only on the file and this runtime's (fixed) packages.
   */
  private readonly checked = new WeakMap<ast.File, FluxError[]>();

  async runFile(file: ast.File, opts: RunOptions = {}): Promise<RunResult> {
    let errors = this.checked.get(file);
    if (errors === undefined) {
      errors = checkFile(file, this.checkEnv());
      this.checked.set(file, errors);
    }
    if (errors.length) throw errors.length === 1 ? errors[0]! : new FluxErrors(errors);
    try {
      const state = new RunState(this.env(), opts);
      const scope = state.programScope(file.name);
      const r = state.interpreter.runFile(file, scope);
      if (isPromise(r)) await r;
      if (opts.drainResults) {
        // Together: a to() result is a tee of what to() writes; reading it while the write
        // runs lets each table go as soon as it is written instead of buffering them all.
        const [results, effects] = await Promise.allSettled([drainResults(state.results, state.signal), state.drainSideEffects()]);
        if (effects.status === 'rejected') throw effects.reason;
        if (results.status === 'rejected') throw results.reason;
      }
      await state.drainSideEffects();
      return { results: state.results, stats: state.stats };
    } catch (e) {
      throw toFluxError(e);
    }
  }

  /**
   * Evaluate only the imports and option statements of a program (and assignments without
   * calls that they may refer to), for example to read `option task` without running it.
   * Keys: `name` for program and prelude options, `pkg.name` for package options.
   */
  async readOptions(source: string, name = '<input>'): Promise<Map<string, Value>> {
    const file = this.parseOrThrow(source, name);
    const body = file.body.filter((st) => st.type === 'OptionStatement' || (st.type === 'VariableAssignment' && !containsCall(st.init)));
    const options = file.body.filter((st): st is ast.OptionStatement => st.type === 'OptionStatement');
    const state = new RunState(this.env(), {});
    const scope = state.programScope(file.name);
    try {
      const r = state.interpreter.runFile({ ...file, body }, scope);
      if (isPromise(r)) await r;
    } catch (e) {
      throw toFluxError(e);
    }
    const out = new Map<string, Value>();
    for (const st of options) {
      const a = st.assignment;
      if (a.type === 'VariableAssignment') {
        out.set(a.id.name, state.option(a.id.name) ?? scope.lookup(a.id.name) ?? null);
      } else if (a.member.object.type === 'Identifier') {
        const alias = a.member.object.name;
        const imp = file.imports.find((i) => (i.as?.name ?? i.path.value.split('/').pop()) === alias);
        const member = nameOf(a.member.property);
        if (imp) out.set(`${alias}.${member}`, state.option(member, imp.path.value) ?? null);
      }
    }
    return out;
  }

  /** A REPL session: one persistent scope; each eval may redefine earlier names. */
  session(opts: RunOptions = {}): Session {
    const state = new RunState(this.env(), opts);
    let scope: Scope = state.programScope(opts.name ?? '<repl>');
    const imports = new Map<string, string>();
    // The fields the checker knew of a name's record when an input defined it, with the value
    // that input gave the name: handed back to the checker while the name still holds it.
    const shapes = new Map<string, { value: Value; shape: RecordShape }>();
    const runtime = this;
    return {
      async eval(source: string, evalOpts: RunOptions = {}): Promise<RunResult> {
        const name = evalOpts.name ?? opts.name ?? '<repl>';
        const file = runtime.parseOrThrow(source, name);
        const predefined = new Map<string, FunctionSig | null>();
        // What the checker can know of earlier inputs' names: a function literal a name is
        // bound to (its field reads and its result are checked as in one program), the type
        // of a value, and the fields of a record the checker knew exactly when it was defined
        // (a record literal; not a record read from a table, which may lack a column).
        const info = new Map<string, PredefinedInfo>();
        const packages = new Set(imports.keys());
        for (const n of scope.names()) {
          if (state.universe.scope.hasOwn(n) && scope.owner(n) === state.universe.scope) continue;
          const v = scope.lookup(n);
          predefined.set(n, v !== undefined && isFunction(v) ? { params: v.params } : null);
          if (v === undefined || v === null || packages.has(n)) continue;
          const type = typeOf(v);
          const known = STATIC_TYPES.has(type) ? (type as StaticType) : undefined;
          const shape = shapes.get(n);
          if (isClosure(v)) info.set(n, { fn: v.node, fnSource: v.scope.source, type: 'function' });
          else if (shape !== undefined && shape.value === v) info.set(n, { type: 'record', shape: shape.shape });
          else if (known !== undefined) info.set(n, { type: known });
        }
        const pending = new Map<string, RecordShape>();
        const errors = checkFile(file, { ...runtime.checkEnv(predefined, info), onRecordShape: (n, shape) => pending.set(n, shape) });
        if (errors.length) throw errors.length === 1 ? errors[0]! : new FluxErrors(errors);
        state.reset({ now: evalOpts.now ?? opts.now, signal: evalOpts.signal ?? opts.signal, logger: evalOpts.logger ?? opts.logger });
        const next = new Scope(scope, name);
        const keepShapes = () => {
          for (const [n, shape] of pending) if (next.hasOwn(n)) shapes.set(n, { value: next.vars.get(n)!, shape });
        };
        try {
          const r = state.interpreter.runFile(file, next, imports);
          if (isPromise(r)) await r;
          await state.drainSideEffects();
        } catch (e) {
          scope = next; // keep what was defined before the failure
          keepShapes();
          throw toFluxError(e);
        }
        scope = next;
        keepShapes();
        return { results: [...state.results], stats: { calls: [...state.stats.calls] } };
      },
      names(): string[] {
        return scope.names().sort();
      },
      lookup(name: string): Value | undefined {
        return scope.lookup(name);
      },
    };
  }

  /** A builtin's (or Flux-written member's) signature and doc comment. */
  builtinDoc(pkg: string, name: string): { signature: string; doc: string } | undefined {
    const def = this.registry.get(pkg);
    if (!def) return undefined;
    const b = def.builtins.get(name);
    if (b) return { signature: b.signature, doc: b.doc };
    return def.docs.get(name);
  }

  packagePaths(): string[] {
    return this.config.stdlib.packagePaths().sort();
  }

  packageMembers(path: string): string[] {
    const def = this.registry.get(path);
    return def ? [...def.members.keys()].sort() : [];
  }

  /** Close every service (flushes pending writes). */
  async close(): Promise<void> {
    await this.services.close();
  }
}

/** The value types the checker tracks (semantic StaticType). */
const STATIC_TYPES: ReadonlySet<string> = new Set(['int', 'uint', 'float', 'string', 'bool', 'duration', 'time', 'regexp', 'array', 'record', 'dict', 'function']);

function containsCall(e: ast.Node): boolean {
  let found = false;
  const visit = (n: unknown): void => {
    if (found || n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as { type?: string };
    if (node.type === 'CallExpression' || node.type === 'PipeExpression') {
      found = true;
      return;
    }
    if (node.type === 'FunctionExpression') return; // calls inside a function body do not run
    for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(v);
  };
  visit(e);
  return found;
}

/** Read each distinct table-stream result to its end (see RunOptions.drainResults). */
async function drainResults(results: readonly { value: Value }[], signal: AbortSignal): Promise<void> {
  const seen = new Set<unknown>();
  for (const { value } of results) {
    if (!isStream(value) || seen.has(value)) continue;
    seen.add(value);
    const tables = value as unknown as Partial<AsyncIterable<unknown>>;
    if (typeof tables[Symbol.asyncIterator] !== 'function') continue;
    for await (const _ of tables as AsyncIterable<unknown>) {
      if (signal.aborted) throw toFluxError(signal.reason ?? new FluxError('canceled', 'run.canceled', 'the run was canceled'));
    }
  }
}
