// Design: call frames that outlive their call, for the errors of lazy streams.
//
// A table function returns a stream; its per-row functions (map's fn, toInt's `int(v:)`, a
// filter predicate) and its reader run when the stream is read, long after the call and the
// calls around it have returned. An error raised then would point only at the innermost code
// (often inside the standard library) and name none of the user's calls.
//
// So every call gets a CallFrame (it is the CallSite handed to the callee): the call node,
// the function, and the frame of the call whose body it is evaluated in (`caller`; a Closure
// records its own frame on its body scope). The chain is thus the dynamic call chain, also
// across asynchronous continuations, since it travels with the scope. When a call returns a
// stream, the interpreter hands out a view of it (`withFrames`) that remembers the chain; an
// error leaving that view's reader gains the frames (and the `error calling function` prefix
// of a native) of every call of the chain, innermost first, exactly as if it had been thrown
// while the calls were running (ARCHITECTURE.md habit 2).
//
// Each error is attributed once: by the view of the stream whose reader raised it. An error
// that merely passes through a downstream reader (an upstream function's error read by map)
// already carries its frames and goes on unchanged. An attributed error is recognised by its
// Flux stack (the array): natives that rewrap an upstream error keep that array (`to()`,
// FluxError.withSpan), while a call that adds a frame makes a new one.
import { toFluxError } from '../errors/index.js';
import type { FluxError, Span } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import { isStream } from '../values/value.js';
import type { CallSite, FunctionValue, Value } from '../values/value.js';

export class CallFrame implements CallSite {
  constructor(
    readonly span: Span,
    /** The source the call is written in. */
    readonly source: string,
    readonly fn: FunctionValue,
    readonly node: ast.Node,
    /** The call whose body this call is evaluated in; undefined at the top level of a file, or in a function a native calls per row. */
    readonly caller: CallFrame | undefined,
  ) {}
}

/** How an error leaving a call gains that call's frame (Interpreter.callError). */
export type AddFrame = (err: unknown, frame: CallFrame) => FluxError;

/** The frame chain a stream view carries (read through the proxy, also through other proxies of it). */
const FRAMES = Symbol('promflux.callFrames');

/** Flux stacks of errors already attributed to the call chain of a stream. */
const attributedStacks = new WeakSet<readonly string[]>();

type IterableStream = Value & object & AsyncIterable<unknown>;

function isIterableStream(v: Value): v is IterableStream {
  return isStream(v) && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** Whether `v` is a stream view made by `withFrames` (or a proxy of one). */
export function hasFrames(v: Value): boolean {
  return v !== null && typeof v === 'object' && (v as { [FRAMES]?: unknown })[FRAMES] !== undefined;
}

/**
 * `result` of the call `frame`, ready to be read later: a stream becomes a view whose reader
 * errors gain the frames of `frame` and its callers. A stream that already is such a view
 * (a pass-through like yield, a Flux function returning a stream made inside it, whose chain
 * includes this call) and every other value are returned as they are. The view forwards every
 * other property to the stream (a store source's pushdown methods, a grouped stream's symbol
 * properties), so table functions see the stream they would have seen.
 */
export function withFrames(result: Value, frame: CallFrame, addFrame: AddFrame): Value {
  if (!isIterableStream(result) || hasFrames(result)) return result;
  const attribute = (err: unknown): FluxError => {
    let fe = toFluxError(err);
    if (attributedStacks.has(fe.fluxStack)) return fe;
    for (let f: CallFrame | undefined = frame; f !== undefined; f = f.caller) fe = addFrame(fe, f);
    attributedStacks.add(fe.fluxStack);
    return fe;
  };
  return new Proxy(result, {
    get(target, prop) {
      if (prop === FRAMES) return frame;
      if (prop === Symbol.asyncIterator) {
        return () => {
          let it: AsyncIterator<unknown>;
          try {
            it = target[Symbol.asyncIterator]();
          } catch (err) {
            throw attribute(err);
          }
          return {
            next(): Promise<IteratorResult<unknown>> {
              try {
                return it.next().then(undefined, (err: unknown) => Promise.reject(attribute(err)));
              } catch (err) {
                return Promise.reject(attribute(err));
              }
            },
            return: it.return ? (v?: unknown) => it.return!(v) : undefined,
          };
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Value;
}
