// array.map / array.filter / array.concat (stdlib/array/array.flux). The function argument
// is called once per element with the element as `x`; calls stay synchronous unless the
// function returns a promise.
import { FluxError } from '../../errors/index.js';
import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { ArrayValue, isPromise, typeOf } from '../../values/value.js';
import type { FunctionValue, MaybePromise, Value } from '../../values/value.js';

function each(fn: FunctionValue, xs: readonly Value[], site: { span?: import('../../errors/index.js').Span; source?: string }, done: (out: Value[]) => Value): MaybePromise<Value> {
  const param = fn.params.find((p) => !p.pipe)?.name ?? 'x';
  const out: Value[] = new Array(xs.length);
  const step = (from: number): MaybePromise<Value> => {
    for (let i = from; i < xs.length; i++) {
      const r = fn.call(new Map([[param, xs[i]!]]), site);
      if (isPromise(r)) {
        return r.then((v) => {
          out[i] = v;
          return step(i + 1);
        });
      }
      out[i] = r;
    }
    return done(out);
  };
  return step(0);
}

export const map: NativeFunction = (a, ctx) => {
  const arr = a.get('arr') as ArrayValue | null;
  if (arr === null) return null;
  return each(a.get('fn') as FunctionValue, arr.elements, { span: ctx.span, source: ctx.source }, (out) => new ArrayValue(out));
};

export const filter: NativeFunction = (a, ctx) => {
  const arr = a.get('arr') as ArrayValue | null;
  if (arr === null) return null;
  return each(a.get('fn') as FunctionValue, arr.elements, { span: ctx.span, source: ctx.source }, (keep) => {
    const out: Value[] = [];
    keep.forEach((k, i) => {
      if (k === true) out.push(arr.elements[i]!);
      else if (k !== false && k !== null) {
        throw new FluxError('invalid', 'type.mismatch', `array.filter: fn must return a bool, got ${typeOf(k)}`);
      }
    });
    return new ArrayValue(out);
  });
};

export const concat: NativeFunction = (a) => {
  const arr = a.get('arr') as ArrayValue | null;
  const v = a.get('v') as ArrayValue | null;
  const xs = [...(arr?.elements ?? []), ...(v?.elements ?? [])];
  let t: string | undefined;
  for (const x of xs) {
    if (x === null) continue;
    const tx = typeOf(x);
    if (t !== undefined && tx !== t) throw new FluxError('invalid', 'type.mismatch', `array.concat: elements must have one type, found ${t} and ${tx}`);
    t = tx;
  }
  return new ArrayValue(xs);
};

export const arrayScalarPackage: NativePackage = { path: 'array', builtins: { map, filter, concat } };
