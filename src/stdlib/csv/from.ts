// csv.from(csv:, file:, mode:): annotated CSV (or raw CSV) into a stream of tables.
// The decoder is src/table/csv.ts; the file is read through the host FileSystem (the
// `host.fs` service, so tests may inject one). Tables of every result in the input are
// returned in order; an error table in the input fails the call with its message.
import { FluxError, toFluxError } from '../../errors/index.js';
import type { NativeContext, NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { nodeFileSystem, isNotFound } from '../../host/fs.js';
import type { FileSystem } from '../../host/fs.js';
import { decodeCsv, streamOf } from '../../table/index.js';
import type { Table, TableStream } from '../../table/index.js';

function fail(ctx: NativeContext, id: string, message: string, code: 'invalid' | 'notFound' = 'invalid'): FluxError {
  return new FluxError(code, id, message, { span: ctx.span, source: ctx.source });
}

/** Decode annotated CSV text into a stream, errors pointing at the call. */
export function csvStream(text: string, mode: 'annotations' | 'raw', source: string, ctx: NativeContext): TableStream {
  let decoded;
  try {
    decoded = decodeCsv(text, { mode, source });
  } catch (e) {
    const err = toFluxError(e);
    throw new FluxError(err.code, err.id, err.message, { span: ctx.span, source: ctx.source, cause: e });
  }
  if (decoded.error !== undefined) throw fail(ctx, 'csv.errorTable', `the CSV holds an error: ${decoded.error}`);
  const tables: Table[] = [];
  for (const r of decoded.results) tables.push(...r.tables);
  return streamOf(tables);
}

function modeArg(args: ReadonlyMap<string, unknown>, ctx: NativeContext): 'annotations' | 'raw' {
  const mode = args.get('mode') ?? 'annotations';
  if (mode !== 'annotations' && mode !== 'raw') throw fail(ctx, 'csv.mode', `mode must be "annotations" or "raw", got ${JSON.stringify(mode)}`);
  return mode;
}

export const from: NativeFunction = (args, ctx) => {
  const csv = args.get('csv');
  const file = args.get('file');
  const mode = modeArg(args, ctx);
  const hasCsv = csv !== undefined && csv !== null;
  const hasFile = file !== undefined && file !== null;
  if (hasCsv === hasFile) throw fail(ctx, 'csv.source', 'give exactly one of csv and file');
  if (hasCsv) return csvStream(csv as string, mode, 'csv', ctx);
  const path = file as string;
  const fs = ctx.services.get<FileSystem>('host.fs', () => nodeFileSystem);
  return fs.readFile(path).then(
    (bytes) => csvStream(new TextDecoder().decode(bytes), mode, path, ctx),
    (e: unknown) => {
      if (isNotFound(e)) throw fail(ctx, 'csv.fileNotFound', `file ${JSON.stringify(path)} does not exist`, 'notFound');
      throw fail(ctx, 'csv.fileRead', `cannot read file ${JSON.stringify(path)}: ${(e as Error).message ?? String(e)}`);
    },
  );
};

export const csvPackage: NativePackage = { path: 'csv', builtins: { from } };
