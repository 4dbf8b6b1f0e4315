// Closures: FunctionValues made from a FunctionExpression and the scope it was evaluated in.
// Arguments are named (Flux has no positional arguments); a parameter's default is
// evaluated at call time in the function's own scope, after the given arguments are bound,
// so defaults may refer to earlier parameters. The pipe parameter (`tables=<-`) receives
// the value on the left of `|>` under its own name.
import { FluxError, formatSpan } from '../errors/index.js';
import type { FunctionExpression } from '../lang/ast.js';
import type { CallSite, FunctionParam, FunctionValue, MaybePromise, Value } from '../values/value.js';
import { CallFrame } from './call-frame.js';
import type { Interpreter } from './evaluator.js';
import { Scope } from './scope.js';
import { nameOf } from '../lang/names.js';

export function paramsOf(node: FunctionExpression): FunctionParam[] {
  return node.params.map((p) => {
    const name = nameOf(p.key);
    const pipe = p.value?.type === 'PipeLiteral';
    return { name, optional: p.value !== null && !pipe, pipe };
  });
}

export class Closure implements FunctionValue {
  readonly kind = 'function' as const;
  readonly params: readonly FunctionParam[];

  constructor(
    readonly node: FunctionExpression,
    /** The captured scope. */
    readonly scope: Scope,
    readonly interpreter: Interpreter,
    public name: string = '<anonymous>',
  ) {
    this.params = paramsOf(node);
  }

  /** A name visible to the function body (its captured scope), for compiling row functions. */
  lookup(name: string): Value | undefined {
    return this.scope.lookup(name);
  }

  call(args: ReadonlyMap<string, Value>, site?: CallSite): MaybePromise<Value> {
    const params = this.params;
    const scope = new Scope(this.scope);
    if (site instanceof CallFrame) scope.callFrame = site;
    let bound = 0;
    let pendingDefaults: number[] | undefined;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const v = args.get(p.name);
      if (v !== undefined) {
        bound++;
        scope.vars.set(p.name, v);
      } else if (p.pipe) {
        throw new FluxError('invalid', 'call.missingPipe', `function ${this.name} needs a piped argument ${JSON.stringify(p.name)} (use |>)`, { span: site?.span, source: site?.source });
      } else if (p.optional) {
        (pendingDefaults ??= []).push(i);
      } else {
        this.checkUnknown(args, site);
        throw new FluxError('invalid', 'call.missingArgument', `missing required argument ${JSON.stringify(p.name)} in call to ${this.name}`, { span: site?.span, source: site?.source });
      }
    }
    if (bound !== args.size) this.checkUnknown(args, site);
    if (pendingDefaults !== undefined) {
      for (const i of pendingDefaults) {
        const prop = this.node.params[i]!;
        const v = this.interpreter.evalSync(prop.value!, scope, 'a parameter default');
        scope.vars.set(params[i]!.name, v);
      }
    }
    return this.interpreter.callBody(this, scope, site);
  }

  private checkUnknown(args: ReadonlyMap<string, Value>, site: CallSite | undefined): void {
    for (const name of args.keys()) {
      if (!this.params.some((p) => p.name === name)) {
        throw new FluxError('invalid', 'call.unknownArgument', `function ${this.name} has no parameter ${JSON.stringify(name)}`, { span: site?.span, source: site?.source });
      }
    }
  }

  describe(): string {
    return `function "${this.name}" ${formatSpan(this.node.span)}`;
  }
}

export function isClosure(v: unknown): v is Closure {
  return v instanceof Closure;
}
