// Design: table streams are lazy (./README.md): a stream wraps a source of tables and
// produces them only when iterated. A stream is a description of tables, as in Flux, so it
// may be read more than once (`data = ...` then `data |> a()` and `data |> b()`): a source
// given as a function is called again for each read (re-running the upstream
// transformation), and an array is replayed. A source that is itself a one-shot iterator (a
// generator object) can be read only once, and so can a stream made with `{once: true}`
// (for example a tee that hands its tables to exactly one reader); a second read of those
// is a promflux bug, reported as an internal error.
import { FluxError } from '../errors/index.js';
import { isStream, typeOf } from '../values/value.js';
import type { Value } from '../values/value.js';
import type { Table, TableStream } from './types.js';

export type TableSource = Iterable<Table> | AsyncIterable<Table> | (() => AsyncIterable<Table> | Iterable<Table>);

export interface StreamOptions {
  /** The source can be read only once (a second read is an internal error). */
  readonly once?: boolean;
}

/** true for an iterator that returns itself from [Symbol.iterator] / [Symbol.asyncIterator] (a generator object). */
function isOneShot(src: TableSource): boolean {
  if (typeof src === 'function' || Array.isArray(src)) return false;
  const it = src as { [Symbol.iterator]?: () => unknown; [Symbol.asyncIterator]?: () => unknown };
  if (typeof it[Symbol.asyncIterator] === 'function') return it[Symbol.asyncIterator]!() === src;
  if (typeof it[Symbol.iterator] === 'function') return it[Symbol.iterator]!() === src;
  return true;
}

class Stream implements TableStream {
  readonly kind = 'stream' as const;
  private reads = 0;
  private readonly once: boolean;
  constructor(
    private readonly source: TableSource,
    options: StreamOptions,
  ) {
    this.once = options.once === true || isOneShot(source);
  }

  [Symbol.asyncIterator](): AsyncIterator<Table> {
    if (this.once && this.reads > 0) {
      throw new FluxError('internal', 'table.streamReadTwice', 'internal error: a table stream was read twice (this stream can be read once)');
    }
    this.reads++;
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
    return this.reads > 0;
  }
}

/**
 * A lazy stream over `source`: an array (replayed on each read), a function returning an
 * iterable or async iterable (called on each read), or a one-shot iterator (read once).
 */
export function streamOf(source: TableSource, options: StreamOptions = {}): TableStream {
  return new Stream(source, options);
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
