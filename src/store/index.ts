// The embedded store: where `to()` writes and `from()` reads when no InfluxDB host is
// configured. Design, durability and concurrency: see the Design comment in ./store.ts.
//
// API (for the to() helper, src/sink, and for from() in src/stdlib):
//
//   const store = openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock, logger });
//   // one per process: share it through ctx.services.get(STORE_SERVICE, () => openStore(...))
//
//   await store.write('bucket', series);   // series: SeriesBatch[] (columnar, one per
//       // measurement+tags+field; types float/int/uint/bool/string; exact ns times).
//       // Resolves only when durable (fsync + atomic MANIFEST publish): an acknowledged write
//       // survives kill -9. Creates the bucket (default retention 30d) on first write.
//       // Concurrent writes are grouped into one flush. Rejects with a FluxError
//       // (store.duplicateTag, store.invalidTag, store.invalidBucket: nothing written;
//       // store.writeFailed for I/O errors). A series whose field type conflicts (with the
//       // bucket or an earlier series of the same write) is dropped and the rest is written:
//       // the write then rejects with a FieldTypeConflictError (store.fieldTypeConflict,
//       // `.conflict`, `.dropped`, `.written`), InfluxDB's partial write. Points older than the
//       // bucket's retention are dropped (logged as a warning), as InfluxDB rejects them. The
//       // store keeps references to the arrays passed in until the write resolves: do not
//       // mutate them before.
//   const b = new BatchBuilder(); b.add(measurement, tags, field, timeNs, value); store.write('bucket', b.build());
//       // row-by-row convenience; value: number (float) | bigint (int) | UInt | boolean | string;
//       // points of a series with another type than its first are kept for write() to drop
//       // build() returns series that carry their series key to write() (no second computation);
//       // a copy made with spread syntax does not carry it, so `{ ...s, tags }` stays correct
//   b.addSeries(measurement, tags, field, type, times, values);
//       // a run of points of one series at once (the arrays are kept, not copied): how to()
//       // hands over a table that is one series
//   for await (const s of store.read('bucket', { start, stop, predicate })) { ... }
//       // SeriesData per series, sorted by series key; [start, stop) ns; StorePredicate pushdown;
//       // reads only the blocks it needs, or most of a segment through a 1 MiB window: its
//       // buffers do not grow with the segments' size
//   await store.buckets();  await store.createBucket(name, { retentionNs });  await store.deleteBucket(name);
//   await store.maintain(); // retention + compaction now (also runs in the background after writes);
//       // a compaction streams series by series, in memory bounded by one series, not by the
//       // partition; rejects with the first failure (store.corrupt, store.io) after the rest ran
//   await store.close();    // flushes pending writes; a compaction in progress stops (nothing published)
//
// Tables: `seriesToTables` / `tablesToSeries` in ./tables.ts convert to and from src/table.
export { openStore, Store, DEFAULT_RETENTION_NS, NS_PER_DAY, NS_PER_HOUR, shardDurationFor } from './store.js';
export type { StoreOptions } from './store.js';
export { BatchBuilder, fieldTypeOf } from './batch.js';
export { FieldTypeConflictError } from './conflict.js';
export type { FieldTypeConflict } from './conflict.js';
export type { FieldValue } from './batch.js';
export type { FieldType, FieldValues, SeriesBatch, SeriesData, StorePredicate, ReadOptions, BucketInfo, ReadStats, DamagedSegment, RepairReport } from './types.js';
export { isPushdownSource } from './pushdown.js';
export type { PushdownSource } from './pushdown.js';
export { matchPoint, compileForIndex } from './predicate.js';

/** The Services key under which the process-wide Store lives. */
export const STORE_SERVICE = 'store';

import { join as joinPath } from 'node:path';
import { nodeFileSystem } from '../host/fs.js';
import type { Clock } from '../host/clock.js';
import type { Logger } from '../host/logger.js';
import { openStore as open } from './store.js';
import type { Store as StoreT } from './store.js';

/**
 * The process-wide store of a data directory, created on first use and shared through the
 * runtime's Services (so to() and from() in one process use one Store and Runtime.close()
 * flushes it). `services` is NativeContext.services.
 */
export function sharedStore(
  services: { get<T>(key: string, create: () => T): T },
  dataDir: string,
  clock: Clock,
  logger: Logger,
): StoreT {
  return services.get(`${STORE_SERVICE}:${dataDir}`, () => open({ dir: joinPath(dataDir, 'store'), fs: nodeFileSystem, clock, logger }));
}
