// Native builtins as Flux function values. Before calling the native implementation the
// arguments are checked against the Flux declaration (builtin-api.ts contract): unknown
// arguments, missing required arguments and arguments of the wrong basic type are
// FluxErrors here, so natives can trust what they receive.
import { FluxError } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import type { FunctionSig } from '../semantic/index.js';
import { ArrayValue, DictValue, RecordValue, isFunction, isPromise, isStream, typeOf } from '../values/value.js';
import type { CallSite, FunctionParam, FunctionValue, MaybePromise, Value } from '../values/value.js';
import type { NativeContext, NativeFunction } from './builtin-api.js';
import { instrumentCall, type StepRecord } from './step-stats.js';

/** Creates the NativeContext of one call. */
export type ContextFactory = (name: string, site: CallSite | undefined) => NativeContext;

const BASIC = new Set(['int', 'uint', 'float', 'string', 'bool', 'time', 'duration', 'bytes', 'regexp']);

/** Whether a value fits a declared type (type variables and constraints accept anything). */
export function fitsType(v: Value, t: ast.MonoType): boolean {
  if (v === null) return true;
  switch (t.type) {
    case 'NamedType':
      return BASIC.has(t.name.name) ? typeOf(v) === t.name.name : true;
    case 'TvarType':
      return true;
    case 'ArrayType':
      return v instanceof ArrayValue;
    case 'DictType':
      return v instanceof DictValue;
    case 'StreamType':
      return isStream(v);
    case 'VectorType':
      return true;
    case 'RecordType':
      return v instanceof RecordValue;
    case 'FunctionType':
      return isFunction(v);
  }
}

function typeName(t: ast.MonoType): string {
  switch (t.type) {
    case 'NamedType':
    case 'TvarType':
      return t.name.name;
    case 'ArrayType':
      return 'array';
    case 'DictType':
      return 'dict';
    case 'StreamType':
      return 'stream of tables';
    case 'VectorType':
      return 'vector';
    case 'RecordType':
      return 'record';
    case 'FunctionType':
      return 'function';
  }
}

/** The Flux-visible parameters of a signature, made once per signature (runs share them). */
const paramCache = new WeakMap<FunctionSig, readonly FunctionParam[]>();
function paramsOf(sig: FunctionSig): readonly FunctionParam[] {
  let ps = paramCache.get(sig);
  if (ps === undefined) {
    ps = sig.params.map((p) => ({ name: p.name, optional: p.optional, pipe: p.pipe }));
    paramCache.set(sig, ps);
  }
  return ps;
}

export class NativeFunctionValue implements FunctionValue {
  readonly kind = 'function' as const;
  readonly params: readonly FunctionParam[];

  constructor(
    readonly name: string,
    private readonly sig: FunctionSig,
    private readonly impl: NativeFunction,
    private readonly context: ContextFactory,
  ) {
    this.params = paramsOf(sig);
  }

  call(args: ReadonlyMap<string, Value>, site?: CallSite): MaybePromise<Value> {
    const params = this.sig.params;
    if (args.size > params.length) this.unknown(args, site);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const v = args.get(p.name);
      if (v === undefined) {
        if (p.optional) continue;
        if (p.pipe) {
          throw new FluxError('invalid', 'call.missingPipe', `${this.name} needs piped input ${JSON.stringify(p.name)} (use |>)`, { span: site?.span, source: site?.source });
        }
        throw new FluxError('invalid', 'call.missingArgument', `missing required argument ${JSON.stringify(p.name)}`, { span: site?.span, source: site?.source });
      }
      if (p.type !== undefined && !fitsType(v, p.type)) {
        throw new FluxError('invalid', 'call.argumentType', `argument ${JSON.stringify(p.name)} must be ${typeName(p.type)}, got ${typeOf(v)}`, { span: site?.span, source: site?.source });
      }
    }
    let known = 0;
    for (const p of params) if (args.has(p.name)) known++;
    if (known !== args.size) this.unknown(args, site);
    const ctx = this.context(this.name, site);
    // Per-step statistics (rows in, rows out, time) for calls that return streams.
    const step = (ctx as { step?: () => StepRecord }).step;
    if (step === undefined) return this.impl(args, ctx);
    const pipe = params.find((p) => p.pipe)?.name;
    const inst = instrumentCall(args, pipe, () => step.call(ctx), ctx.clock);
    const t0 = ctx.clock.monotonicMs();
    const out = this.impl(inst.args, ctx);
    return isPromise(out) ? out.then((v) => inst.wrap(v, ctx.clock.monotonicMs() - t0)) : inst.wrap(out, ctx.clock.monotonicMs() - t0);
  }

  private unknown(args: ReadonlyMap<string, Value>, site: CallSite | undefined): never {
    for (const k of args.keys()) {
      if (!this.sig.params.some((p) => p.name === k)) {
        throw new FluxError('invalid', 'call.unknownArgument', `unknown argument ${JSON.stringify(k)} (parameters: ${this.sig.params.map((p) => p.name).join(', ') || 'none'})`, { span: site?.span, source: site?.source });
      }
    }
    throw new Error('internal error: unknown argument not found');
  }
}

/** A declared builtin without a native implementation. */
export function unimplemented(name: string, sig: FunctionSig): FunctionValue {
  return {
    kind: 'function',
    name,
    params: sig.params.map((p) => ({ name: p.name, optional: p.optional, pipe: p.pipe })),
    call(_args, site) {
      throw new FluxError('unimplemented', 'builtin.unimplemented', `builtin ${name} is declared but has no implementation`, { span: site?.span, source: site?.source });
    },
  };
}
