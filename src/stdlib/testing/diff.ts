// testing.diff, testing.assertEquals, testing.assertEmpty: comparisons of streams of tables
// by the rules of diffTables (src/table/diff.ts: tables matched by group key, columns by
// name, rows in order, floats within epsilon, NaN equal to NaN).
import { FluxError } from '../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../runtime/builtin-api.js';
import { asTableStream, collectTables, diffTables, formatTables, streamOf } from '../../table/index.js';
import type { Value } from '../../values/value.js';

function fail(ctx: NativeContext, id: string, message: string): FluxError {
  return new FluxError('invalid', id, `${ctx.name}: ${message}`, { span: ctx.span, source: ctx.source });
}

function numberArg(args: ReadonlyMap<string, Value>, name: string, dflt: number): number {
  const v = args.get(name);
  return typeof v === 'number' ? v : dflt;
}

export const diff: NativeFunction = (args, ctx) => {
  const got = asTableStream(args.get('got') ?? null, 'got');
  const want = asTableStream(args.get('want') ?? null, 'want');
  const epsilon = numberArg(args, 'epsilon', 1e-6);
  if (!(epsilon >= 0)) throw fail(ctx, 'testing.epsilon', `epsilon must be a non-negative float, got ${epsilon}`);
  const nansEqual = args.get('nansEqual') !== false;
  return streamOf(async function* () {
    const [g, w] = await Promise.all([collectTables(got), collectTables(want)]);
    yield* diffTables(g, w, { epsilon, nansEqual });
  });
};

export const assertEquals: NativeFunction = (args, ctx) => {
  const name = args.get('name');
  const got = asTableStream(args.get('got') ?? null, 'got');
  const want = asTableStream(args.get('want') ?? null, 'want');
  return streamOf(async function* () {
    const [g, w] = await Promise.all([collectTables(got), collectTables(want)]);
    const d = diffTables(g, w);
    if (d.length > 0) {
      throw fail(ctx, 'testing.unequal', `test ${String(name)}: unequal streams (- want, + got):\n${formatTables(d)}`);
    }
    yield* g;
  });
};

export const assertEmpty: NativeFunction = (args, ctx) => {
  const input = asTableStream(args.get('tables') ?? null, 'tables');
  return streamOf(async function* () {
    const tables = await collectTables(input);
    const rows = tables.reduce((n, t) => n + t.length, 0);
    if (rows > 0) throw fail(ctx, 'testing.notEmpty', `found ${rows} rows in ${tables.filter((t) => t.length > 0).length} tables, want none:\n${formatTables(tables.filter((t) => t.length > 0))}`);
    yield* tables;
  });
};
