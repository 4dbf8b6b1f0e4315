// FluxError: the one error type a user ever sees. Every error a user can cause carries
// a code (the Flux error codes: invalid, notFound, unavailable, deadline, ...), a stable
// id that tests assert on, a message, and a source span when it comes from source.
// Internal bugs are asserts (`assert()` below), not FluxErrors.

/** A position in source text. line and column are 1-based; offset is a 0-based UTF-16 index. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A half-open range [start, end) of source text. */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/** The Flux error codes (flux/codes). */
export type ErrorCode =
  | 'invalid'
  | 'notFound'
  | 'unavailable'
  | 'deadline'
  | 'canceled'
  | 'unimplemented'
  | 'permissionDenied'
  | 'unauthenticated'
  | 'resourceExhausted'
  | 'internal'
  | 'unknown';

export interface FluxErrorOptions {
  /** The source span the error points at, when it comes from source. */
  span?: Span;
  /** The name of the source (a file path, `<stdin>`, `<repl>`), used when rendering. */
  source?: string;
  /** The underlying error, kept for logs; never rendered with secrets. */
  cause?: unknown;
  /** Flux-level call stack, innermost first: `function "name" @l:c-l:c`. */
  stack?: readonly string[];
}

export class FluxError extends Error {
  readonly code: ErrorCode;
  /** A stable, dotted identifier such as `syntax.unexpectedToken` or `scrape.timeout`. */
  readonly id: string;
  readonly span: Span | undefined;
  readonly source: string | undefined;
  readonly fluxStack: readonly string[];

  constructor(code: ErrorCode, id: string, message: string, options: FluxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FluxError';
    this.code = code;
    this.id = id;
    this.span = options.span;
    this.source = options.source;
    this.fluxStack = options.stack ?? [];
  }

  /** A copy with a span/source filled in when this error has none yet. */
  withSpan(span: Span | undefined, source?: string): FluxError {
    if (this.span !== undefined || span === undefined) return this;
    return new FluxError(this.code, this.id, this.message, {
      span,
      source: source ?? this.source,
      cause: this.cause,
      stack: this.fluxStack,
    });
  }

  /** A copy whose message is prefixed (used for `error calling function "x" @l:c-l:c: ...`). */
  wrap(prefix: string, span?: Span, frame?: string): FluxError {
    return new FluxError(this.code, this.id, `${prefix}: ${this.message}`, {
      span: this.span ?? span,
      source: this.source,
      cause: this.cause,
      stack: frame === undefined ? this.fluxStack : [...this.fluxStack, frame],
    });
  }
}

export function isFluxError(e: unknown): e is FluxError {
  return e instanceof FluxError;
}

/** Internal invariant. A failing assert is a promflux bug, never a user error. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(`internal error: ${message}`);
}

/** `@3:1-3:40`: the compact span form used in runtime error messages (as Flux prints it). */
export function formatSpan(span: Span): string {
  return `@${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
}

/** A zero-width span at a position. */
export function pointSpan(pos: Position): Span {
  return { start: pos, end: pos };
}

/** Compute the position of a UTF-16 offset in text. O(n); meant for error paths only. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset: end };
}

export interface RenderOptions {
  /** Wrap the caret line in ANSI red. */
  color?: boolean;
}

/**
 * Render a diagnostic the way the CLI and REPL print it:
 *
 *     file.flux:3:9: error message
 *       3 | x = 1 +
 *         |         ^
 *
 * `sourceText` is the whole text of the file the span refers to; when it is missing or the
 * error has no span, only the first line is printed.
 */
export function renderError(err: FluxError, sourceText?: string, options: RenderOptions = {}): string {
  const name = err.source ?? '<input>';
  if (err.span === undefined || sourceText === undefined) {
    return err.span === undefined
      ? `${name}: ${err.message}`
      : `${name}:${err.span.start.line}:${err.span.start.column}: ${err.message}`;
  }
  const { start, end } = err.span;
  const lines = sourceText.split('\n');
  const lineText = (lines[start.line - 1] ?? '').replace(/\r$/, '');
  const width = Math.max(
    1,
    end.line === start.line ? end.column - start.column : lineText.length - start.column + 2,
  );
  const gutter = String(start.line);
  const pad = ' '.repeat(gutter.length);
  let caret = ' '.repeat(Math.max(0, start.column - 1)) + '^'.repeat(Math.min(width, Math.max(1, lineText.length - start.column + 2)));
  if (options.color) caret = `\u001b[31m${caret}\u001b[0m`;
  return [
    `${name}:${start.line}:${start.column}: ${err.message}`,
    ` ${gutter} | ${expandTabs(lineText)}`,
    ` ${pad} | ${caret}`,
  ].join('\n');
}

function expandTabs(s: string): string {
  return s.replace(/\t/g, ' ');
}

/** Turn anything thrown into a FluxError (unknown errors become `internal`). */
export function toFluxError(e: unknown): FluxError {
  if (e instanceof FluxError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FluxError('internal', 'internal', message, { cause: e });
}

/**
 * Several errors reported at once (all syntax or semantic diagnostics of a program).
 * Its code, id, span and message are those of the first error.
 */
export class FluxErrors extends FluxError {
  readonly errors: readonly FluxError[];
  constructor(errors: readonly FluxError[]) {
    assert(errors.length > 0, 'FluxErrors needs at least one error');
    const first = errors[0]!;
    super(first.code, first.id, first.message, { span: first.span, source: first.source });
    this.errors = errors;
  }
}

/** The individual errors of a FluxError (itself, or each of a FluxErrors). */
export function errorList(e: FluxError): readonly FluxError[] {
  return e instanceof FluxErrors ? e.errors : [e];
}
