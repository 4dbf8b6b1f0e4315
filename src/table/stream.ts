// Design: table streams are lazy and read once (./README.md). A stream wraps a source of tables and
// produces them only when iterated; iterating it a second time is a promflux bug (an
// internal error), since the source (a scrape, a file, an upstream transformation) may not
// be repeatable.
import { FluxError } from '../errors/index.js';
import { isStream, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';
import type { Table, TableStream } from './types.js';

export type TableSource = Iterable<Table> | AsyncIterable<Table> | (() => AsyncIterable<Table> | Iterable<Table>);

class Stream implements TableStream {
  readonly kind = 'stream' as const;
  private consumed = false;
  constructor(private readonly source: TableSource) {}

  [Symbol.asyncIterator](): AsyncIterator<Table> {
    if (this.consumed) {
      throw new FluxError('internal', 'table.streamReadTwice', 'internal error: a table stream was read twice (streams are read once)');
    }
    this.consumed = true;
    const src = typeof this.source === 'function' ? this.source() : this.source;
    if (Symbol.asyncIterator in src) return (src as AsyncIterable<Table>)[Symbol.asyncIterator]();
    const it = (src as Iterable<Table>)[Symbol.iterator]();
    return {
      next: async () => it.next(),
      return: async (v?: unknown) => (it.return ? it.return(v) : { done: true, value: undefined }) as IteratorResult<Table>,
    };
  }

  /** Whether the stream has been read (for diagnostics). */
  get isConsumed(): boolean {
    return this.consumed;
  }
}

/**
 * A lazy, read-once stream over `source`: an iterable (array, generator), an async
 * iterable, or a function returning one (called when the stream is first read).
 */
export function streamOf(source: TableSource): TableStream {
  return new Stream(source);
}

/** Whether `v` is a table stream this engine can read. */
export function isTableStream(v: Value | unknown): v is TableStream {
  return isStream(v as Value) && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * `v` as a table stream; a FluxError (`table.notAStream`) naming `what` (the argument, e.g.
 * `tables`) otherwise.
 */
export function asTableStream(v: Value, what: string): TableStream {
  if (isTableStream(v)) return v;
  throw new FluxError('invalid', 'table.notAStream', `${what} must be a stream of tables, got ${typeOf(v)}`);
}

/** Read the whole stream into an array of tables. */
export async function collectTables(stream: TableStream | AsyncIterable<Table>): Promise<Table[]> {
  const out: Table[] = [];
  for await (const t of stream) out.push(t);
  return out;
}

/** A stream of the tables of `stream` transformed by `fn` (lazily, one at a time); `fn` may drop a table by returning undefined. */
export function mapStream(stream: TableStream, fn: (t: Table) => Table | undefined | Promise<Table | undefined>): TableStream {
  return streamOf(async function* () {
    for await (const t of stream) {
      const r = await fn(t);
      if (r !== undefined) yield r;
    }
  });
}
