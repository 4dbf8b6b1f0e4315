// testing.shouldError(fn:, want:): calls fn (reading the stream it returns, so errors raised
// while tables are produced count) and succeeds only when that fails with a message matching
// the regexp want.
import { FluxError, toFluxError } from '../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { collectTables, isTableStream } from '../../table/index.js';
import { RecordValue, Regexp, isFunction } from '../../values/value.js';

function fail(ctx: NativeContext, id: string, message: string): FluxError {
  return new FluxError('invalid', id, message, { span: ctx.span, source: ctx.source });
}

export const shouldError: NativeFunction = async (args, ctx) => {
  const fn = args.get('fn') ?? null;
  const want = args.get('want') ?? null;
  if (!isFunction(fn)) throw fail(ctx, 'testing.fnType', 'fn must be a function');
  if (!(want instanceof Regexp)) throw fail(ctx, 'testing.wantType', 'want must be a regular expression');
  let message: string | undefined;
  try {
    const v = await fn.call(new Map(), { span: ctx.span, source: ctx.source });
    if (isTableStream(v)) await collectTables(v);
  } catch (e) {
    message = toFluxError(e).message;
  }
  if (message === undefined) throw fail(ctx, 'testing.noError', `expected an error matching /${want.source}/, but fn succeeded`);
  want.re.lastIndex = 0;
  if (!want.re.test(message)) throw fail(ctx, 'testing.wrongError', `error ${JSON.stringify(message)} does not match /${want.source}/`);
  return new RecordValue(new Map());
};
