// Builtin signatures (Flux SPEC "Builtin statements", "Types"): the parameter list of a
// `builtin name : (a: int, ?b: string, <-tables: stream[A]) => stream[B]` declaration,
// and the text form of type expressions for documentation (`:help`, builtinDoc).
import type * as ast from '../lang/ast.js';
import { nameOf } from '../lang/names.js';

export interface ParamSig {
  readonly name: string;
  /** May be omitted (`?b`, or a Flux parameter with a default). */
  readonly optional: boolean;
  /** The pipe parameter (`<-tables`, `tables=<-`). */
  readonly pipe: boolean;
  /** Declared type, when known (builtins). */
  readonly type?: ast.MonoType;
}

/** What the checker and the runtime know about a function's parameters. */
export interface FunctionSig {
  readonly params: readonly ParamSig[];
  readonly result?: ast.MonoType;
}

/** Parameters of a builtin's declared type, or undefined when it is not a function type. */
export function signatureOfType(te: ast.TypeExpression): FunctionSig | undefined {
  const ty = te.ty;
  if (ty.type !== 'FunctionType') return undefined;
  return {
    params: ty.parameters.map((p) => ({
      name: p.name?.name ?? 'tables',
      optional: p.kind === 'optional',
      pipe: p.kind === 'pipe',
      type: p.ty,
    })),
    result: ty.result,
  };
}

/** Parameters of a Flux function literal. */
export function signatureOfFunction(fn: ast.FunctionExpression): FunctionSig {
  return {
    params: fn.params.map((p) => {
      const pipe = p.value?.type === 'PipeLiteral';
      return { name: nameOf(p.key), optional: p.value !== null && !pipe, pipe };
    }),
  };
}

export function formatMonoType(t: ast.MonoType): string {
  switch (t.type) {
    case 'NamedType':
    case 'TvarType':
      return t.name.name;
    case 'ArrayType':
      return `[${formatMonoType(t.element)}]`;
    case 'DictType':
      return `[${formatMonoType(t.key)}: ${formatMonoType(t.value)}]`;
    case 'StreamType':
      return `stream[${formatMonoType(t.element)}]`;
    case 'VectorType':
      return `vector[${formatMonoType(t.element)}]`;
    case 'RecordType': {
      const props = t.properties.map((p) => `${p.name.type === 'Identifier' ? p.name.name : JSON.stringify(p.name.value)}: ${formatMonoType(p.ty)}`);
      if (t.tvar) return props.length ? `{${t.tvar.name} with ${props.join(', ')}}` : `{${t.tvar.name}}`;
      return `{${props.join(', ')}}`;
    }
    case 'FunctionType': {
      const ps = t.parameters.map((p) => {
        const prefix = p.kind === 'optional' ? '?' : p.kind === 'pipe' ? '<-' : '';
        return `${prefix}${p.name?.name ?? ''}: ${formatMonoType(p.ty)}`;
      });
      return `(${ps.join(', ')}) => ${formatMonoType(t.result)}`;
    }
  }
}

export function formatTypeExpression(te: ast.TypeExpression): string {
  let s = formatMonoType(te.ty);
  if (te.constraints.length) {
    s += ' where ' + te.constraints.map((c) => `${c.tvar.name}: ${c.kinds.map((k) => k.name).join(' + ')}`).join(', ');
  }
  return s;
}
