// `to()` (influxdata/influxdb, also in the prelude as `to`): writes its input tables to
// InfluxDB (src/sink) and passes them through unchanged.
//
// Flux semantics kept here:
// - `to()` runs even when its result is unused: the write is registered with
//   `ctx.addSideEffect`, and the run succeeds only when every point was acknowledged;
// - its result is the input tables, so `|> to(...) |> yield()` works. One driver reads the
//   input once; the tables it reads are handed to whoever reads the result (a tee);
// - parameter rules: exactly one of bucket / bucketID, at most one of org / orgID, token
//   required with host.
import { FluxError } from '../../../errors/index.js';
import type { NativeContext, NativeFunction } from '../../../runtime/builtin-api.js';
import { asTableStream, streamOf } from '../../../table/index.js';
import type { Table, TableStream } from '../../../table/types.js';
import { ArrayValue, isFunction, typeOf } from '../../../values/value.js';
import type { FunctionValue, Value } from '../../../values/value.js';
import { nodeFileSystem } from '../../../host/fs.js';
import { LineEncoder, describeSkips } from '../../../sink/encode.js';
import { BatchBuilder, FieldTypeConflictError, sharedStore } from '../../../store/index.js';
import { writeTables } from '../../../sink/write.js';
import type { ToMapping } from '../../../sink/encode.js';
import { isHttpUrl, redactHostText } from '../../../sink/destination.js';
import type { InfluxTarget } from '../../../sink/destination.js';
import { SinkService, loadSinkConfig } from '../../../sink/service.js';
import type { WriteOutcome } from '../../../sink/pipeline.js';

export interface ToParams {
  readonly bucket?: string;
  readonly bucketID?: string;
  readonly org?: string;
  readonly orgID?: string;
  readonly host?: string;
  /** Secret. */
  readonly token?: string;
  readonly mapping: ToMapping;
}

function err(ctx: NativeContext, code: 'invalid' | 'unavailable' | 'notFound' | 'unauthenticated' | 'permissionDenied', id: string, message: string, cause?: unknown): FluxError {
  return new FluxError(code, id, `to: ${message}`, { span: ctx.span, source: ctx.source, cause });
}

function optString(args: ReadonlyMap<string, Value>, ctx: NativeContext, name: string): string | undefined {
  const v = args.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw err(ctx, 'invalid', 'to.argumentType', `${name} must be a string, got ${typeOf(v)}`);
  return v;
}

/** Checks the parameters (the Flux declaration already checked names and basic types). */
export function parseToParams(args: ReadonlyMap<string, Value>, ctx: NativeContext): ToParams {
  const bucket = optString(args, ctx, 'bucket');
  const bucketID = optString(args, ctx, 'bucketID');
  const org = optString(args, ctx, 'org');
  const orgID = optString(args, ctx, 'orgID');
  const host = optString(args, ctx, 'host');
  const token = optString(args, ctx, 'token');
  if (bucket !== undefined && bucketID !== undefined) {
    throw err(ctx, 'invalid', 'to.bucketConflict', 'give either bucket or bucketID, not both');
  }
  if (bucket === undefined && bucketID === undefined) {
    throw err(ctx, 'invalid', 'to.bucketRequired', 'a bucket is required: give bucket or bucketID');
  }
  if ((bucket ?? bucketID) === '') throw err(ctx, 'invalid', 'to.bucketRequired', `${bucket !== undefined ? 'bucket' : 'bucketID'} must not be empty`);
  if (org !== undefined && orgID !== undefined) {
    throw err(ctx, 'invalid', 'to.orgConflict', 'give either org or orgID, not both');
  }
  if (host !== undefined) {
    if (!isHttpUrl(host)) throw err(ctx, 'invalid', 'to.invalidHost', `host must be an http:// or https:// URL, got "${redactHostText(host)}"`);
    if (token === undefined) {
      throw err(ctx, 'invalid', 'to.tokenRequired', 'token is required when host is given (InfluxDB 1.x: "username:password", or "" without authentication)');
    }
  }
  const timeColumn = optString(args, ctx, 'timeColumn') ?? '_time';
  const measurementColumn = optString(args, ctx, 'measurementColumn') ?? '_measurement';
  if (timeColumn === '') throw err(ctx, 'invalid', 'to.emptyColumnName', 'timeColumn must not be empty');
  if (measurementColumn === '') throw err(ctx, 'invalid', 'to.emptyColumnName', 'measurementColumn must not be empty');
  let tagColumns: string[] | undefined;
  const tc = args.get('tagColumns');
  if (tc !== undefined && tc !== null) {
    if (!(tc instanceof ArrayValue)) throw err(ctx, 'invalid', 'to.argumentType', `tagColumns must be an array of strings, got ${typeOf(tc)}`);
    tagColumns = tc.elements.map((e, i) => {
      if (typeof e !== 'string') throw err(ctx, 'invalid', 'to.argumentType', `tagColumns[${i}] must be a string, got ${typeOf(e)}`);
      return e;
    });
    for (const special of [timeColumn, measurementColumn]) {
      if (tagColumns.includes(special)) throw err(ctx, 'invalid', 'to.tagColumnConflict', `tagColumns must not include "${special}"`);
    }
  }
  let fieldFn: FunctionValue | undefined;
  const ff = args.get('fieldFn');
  if (ff !== undefined && ff !== null) {
    if (!isFunction(ff)) throw err(ctx, 'invalid', 'to.argumentType', `fieldFn must be a function, got ${typeOf(ff)}`);
    if (!ff.params.some((p) => p.name === 'r')) throw err(ctx, 'invalid', 'to.fieldFnParams', 'fieldFn must take a parameter named r: (r) => ({...})');
    fieldFn = ff;
  }
  return {
    ...(bucket !== undefined ? { bucket } : {}),
    ...(bucketID !== undefined ? { bucketID } : {}),
    ...(org !== undefined ? { org } : {}),
    ...(orgID !== undefined ? { orgID } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(token !== undefined ? { token } : {}),
    mapping: { timeColumn, measurementColumn, ...(tagColumns !== undefined ? { tagColumns } : {}), ...(fieldFn !== undefined ? { fieldFn } : {}) },
  };
}

/** The process-wide sink service (created on first use; closed by Runtime.close()). */
interface SinkHolder {
  readonly service: Promise<SinkService>;
  close(): Promise<void>;
}

export function sinkService(ctx: NativeContext): Promise<SinkService> {
  const holder = ctx.services.get<SinkHolder>('sink', () => {
    const service = loadSinkConfig(nodeFileSystem, process.env).then(
      (config) => new SinkService({ fs: nodeFileSystem, clock: ctx.clock, logger: ctx.logger, dataDir: ctx.dataDir, config }),
    );
    service.catch(() => undefined);
    return {
      service,
      async close() {
        const s = await service.catch(() => undefined);
        await s?.close();
      },
    };
  });
  return holder.service;
}

/** Where the parameters and the configuration say to write; undefined means the embedded store. */
function resolveTarget(p: ToParams, service: SinkService): InfluxTarget | undefined {
  const bucket = p.bucket !== undefined ? { bucket: p.bucket } : { bucketID: p.bucketID! };
  const org = p.orgID !== undefined ? { orgID: p.orgID } : p.org !== undefined ? { org: p.org } : {};
  if (p.host !== undefined) return { url: p.host, token: p.token ?? '', ...org, ...bucket };
  return service.defaultTarget(bucket, org, p.token);
}

/** Turns a session's outcome into the run's error, or undefined when everything was acknowledged. */
export function outcomeError(ctx: NativeContext, o: WriteOutcome, description: string): FluxError | undefined {
  if (o.rejected > 0 && o.rejectedError !== undefined) {
    const status = o.rejectedError.status;
    const code = status === 401 ? 'unauthenticated' : status === 403 ? 'permissionDenied' : status === 404 ? 'notFound' : 'invalid';
    return err(ctx, code, 'to.writeRejected', `${description} refused a write of ${o.rejected} points (it may have stored some of them): ${o.rejectedError.message}`);
  }
  if (o.spooled > 0 || o.dropped > 0) {
    const why = o.lastError?.message ?? 'the destination is unavailable';
    const dropped = o.dropped > 0 ? `; the spool is full and ${o.dropped} older points were DROPPED` : '';
    return err(
      ctx,
      'unavailable',
      'to.spooled',
      `${why}; ${o.spooled} points were saved to the write spool and will be re-sent by a later run${dropped}`,
    );
  }
  return undefined;
}

/**
 * A tee over a read-once stream: the driver pulls tables from the input (writing them) and
 * appends them here; the returned stream replays them to one reader.
 */
class Tee {
  private readonly tables: Table[] = [];
  private ended = false;
  private error: unknown;
  private waiter: (() => void) | undefined;

  push(t: Table): void {
    this.tables.push(t);
    this.wake();
  }
  end(error?: unknown): void {
    this.ended = true;
    this.error = error;
    this.wake();
  }
  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
  stream(start: () => void): TableStream {
    const self = this;
    return streamOf(async function* () {
      start();
      let i = 0;
      for (;;) {
        if (i < self.tables.length) {
          const t = self.tables[i]!;
          self.tables[i] = undefined as unknown as Table; // let it go once replayed
          i++;
          yield t;
          continue;
        }
        if (self.ended) {
          if (self.error !== undefined) throw self.error;
          return;
        }
        await new Promise<void>((resolve) => (self.waiter = resolve));
      }
    }, { once: true });
  }
}

export const to: NativeFunction = (args, ctx) => {
  const params = parseToParams(args, ctx);
  const input = asTableStream(args.get('tables') ?? null, 'tables');
  const tee = new Tee();
  let driver: Promise<void> | undefined;
  const start = (): Promise<void> => {
    if (driver === undefined) {
      driver = write(input, params, ctx, tee);
      driver.catch(() => undefined);
    }
    return driver;
  };
  ctx.addSideEffect(() => start());
  return tee.stream(() => void start());
};

/** Points per store write (each write is one durable flush). */
const STORE_BATCH = 50_000;

/**
 * No InfluxDB configured: write to the embedded local store of the data directory
 * (`from(bucket:)` reads it back). `org` has no meaning there. Each store write resolves
 * only once durable, so the run succeeds only when every point is on disk.
 */
async function writeToStore(input: TableStream, params: ToParams, ctx: NativeContext, tee: Tee): Promise<void> {
  const store = sharedStore(ctx.services, ctx.dataDir, ctx.clock, ctx.logger);
  const bucket = params.bucket ?? params.bucketID!;
  const encoder = new LineEncoder(params.mapping);
  // A field type conflict drops only the conflicting series of a store write (InfluxDB's
  // partial write, src/store/conflict.ts): the other points, and the later writes of this
  // to(), are still written, and the run fails at the end with the first conflict and the
  // number of points dropped in all.
  let conflict: FieldTypeConflictError | undefined;
  let dropped = 0;
  let written = 0;
  const put = async (b: BatchBuilder): Promise<void> => {
    try {
      await store.write(bucket, b.build());
      written += b.size;
    } catch (e) {
      // A failure after earlier writes of this to() succeeded (a disk filling up): those
      // points are in the bucket; say how many, so the user knows what a re-run repeats.
      if (!(e instanceof FieldTypeConflictError) && e instanceof FluxError && written > 0) {
        throw new FluxError(e.code, e.id, `${e.message}; ${written} points of this to() were written before the failure`, { cause: e.cause });
      }
      if (!(e instanceof FieldTypeConflictError)) throw e;
      conflict ??= e;
      dropped += e.dropped;
      written += e.written;
    }
  };
  let batch = new BatchBuilder();
  for await (const t of input) {
    tee.push(t);
    for (let start = 0; start < t.length; start += STORE_BATCH) {
      const r = encoder.encodePoints(t, batch, start, Math.min(t.length, start + STORE_BATCH));
      if (r !== undefined) await r;
      if (batch.size >= STORE_BATCH) {
        await put(batch);
        batch = new BatchBuilder();
      }
    }
  }
  if (batch.size > 0) await put(batch);
  const skips = describeSkips(encoder.counts, params.mapping.timeColumn);
  if (skips !== undefined) ctx.logger.warn(`to: ${skips}`, { destination: `local store bucket "${bucket}"`, written: encoder.counts.points });
  if (conflict !== undefined) throw new FieldTypeConflictError(conflict.conflict, dropped, written);
}

async function write(input: TableStream, params: ToParams, ctx: NativeContext, tee: Tee): Promise<void> {
  try {
    const service = await sinkService(ctx);
    // In the background: a down default host must not delay writes elsewhere. A to() to the
    // default host shares that drain (WritePipeline.drain), so its points stay in order.
    void service.startupDrain();
    const target = resolveTarget(params, service);
    if (target === undefined) {
      await writeToStore(input, params, ctx, tee);
      tee.end();
      return;
    }
    const pipeline = await service.pipelineFor(target);
    const { outcome, counts } = await writeTables(pipeline, input, params.mapping, (t) => tee.push(t));
    const skips = describeSkips(counts, params.mapping.timeColumn);
    if (skips !== undefined) {
      ctx.logger.warn(`to: ${skips}`, { destination: pipeline.destination.description, written: outcome.written });
    }
    const e = outcomeError(ctx, outcome, pipeline.destination.description);
    if (e !== undefined) throw e;
    tee.end();
  } catch (e) {
    const fe =
      e instanceof FluxError
        ? new FluxError(e.code, e.id, e.message.startsWith('to: ') ? e.message : `to: ${e.message}`, {
            span: e.span ?? ctx.span,
            source: e.source ?? ctx.source,
            cause: e.cause,
            stack: e.fluxStack,
          })
        : err(ctx, 'unavailable', 'to.writeFailed', `writing failed: ${String((e as Error)?.message ?? e)}`, e);
    tee.end(fe);
    throw fe;
  }
}
