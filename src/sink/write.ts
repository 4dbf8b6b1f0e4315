// Writing a stream of tables through a pipeline: encode each table (in chunks of rows, so a
// huge table does not delay backpressure), queue the lines, and wait until every line was
// acknowledged, spooled or refused. Used by `to()` and by tests and benchmarks.
import type { Table } from '../table/types.js';
import { LineEncoder } from './encode.js';
import type { SkipCounts, ToMapping } from './encode.js';
import type { WriteOutcome, WritePipeline, WriteSession } from './pipeline.js';
import { LineBuffer } from './line-buffer.js';

export interface WriteTablesResult {
  readonly outcome: WriteOutcome;
  readonly counts: SkipCounts;
}

/** Rows per encoded chunk. */
export const CHUNK_ROWS = 5000;

/**
 * Encode and write `tables`. `onTable` sees every table as it is read (the pass-through of
 * `to()`). An encoding error (a missing column, a bad fieldFn result) rejects, after the
 * lines queued before it were written.
 */
export async function writeTables(
  pipeline: WritePipeline,
  tables: AsyncIterable<Table> | Iterable<Table>,
  mapping: ToMapping,
  onTable?: (t: Table) => void,
): Promise<WriteTablesResult> {
  const encoder = new LineEncoder(mapping, { dialect: pipeline.destination.dialect });
  const session = pipeline.session();
  if (mapping.fieldFn === undefined) return writeTablesFast(encoder, session, tables, onTable);
  let encodeError: unknown;
  let lines: string[] = [];
  const gather = Math.min(CHUNK_ROWS, pipeline.options.batchSize);
  try {
    for await (const t of tables) {
      onTable?.(t);
      for (let start = 0; start < t.length; start += CHUNK_ROWS) {
        const r = encoder.encode(t, lines, start, Math.min(t.length, start + CHUNK_ROWS));
        if (r !== undefined) await r;
        // Many small tables (a scrape has one per series) are gathered into one write.
        if (lines.length >= gather) {
          const wait = session.write(lines);
          lines = [];
          if (wait !== undefined) await wait;
        }
      }
    }
    if (lines.length > 0) session.write(lines);
  } catch (e) {
    encodeError = e;
  }
  const outcome = await session.done();
  if (encodeError !== undefined) throw encodeError;
  return { outcome, counts: encoder.counts };
}

/**
 * The default mapping: lines are written as bytes straight into batch buffers of
 * `batchSize` lines (no string per line; see ./line-buffer.ts).
 */
async function writeTablesFast(
  encoder: LineEncoder,
  session: WriteSession,
  tables: AsyncIterable<Table> | Iterable<Table>,
  onTable: ((t: Table) => void) | undefined,
): Promise<WriteTablesResult> {
  const batchSize = session.batchSize;
  let buf = new LineBuffer();
  let encodeError: unknown;
  try {
    for await (const t of tables) {
      onTable?.(t);
      for (let start = 0; start < t.length; ) {
        // Rows for the lines still missing from this batch (some rows may be skipped).
        const end = Math.min(t.length, start + Math.max(1, batchSize - buf.lines));
        encoder.encodeBytes(t, buf, start, end);
        start = end;
        if (buf.lines >= batchSize) {
          const full = buf;
          buf = new LineBuffer(full.bytes.length);
          const wait = session.writeBatch(full.view(), full.lines);
          if (wait !== undefined) await wait;
        }
      }
    }
    if (buf.lines > 0) session.writeBatch(buf.view(), buf.lines);
  } catch (e) {
    encodeError = e;
  }
  const outcome = await session.done();
  if (encodeError !== undefined) throw encodeError;
  return { outcome, counts: encoder.counts };
}
