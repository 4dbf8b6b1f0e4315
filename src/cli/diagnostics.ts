// One error as the user reads it (promflux run, the REPL): `file:line:col: message` with the
// offending line and a caret, credentials masked (./redact.ts).
//
// An error raised inside a standard-library function written in Flux points into that
// package's source (`stdlib/date:81:19: ...`), which says nothing about the user's code. It
// is then followed by the call in the user's source that led there (the outermost frame of
// the error's Flux stack, a span in that source) with its own caret, and by the frames.
import { FluxError, errorList, renderError, type Span } from '../errors/index.js';
import { redactSource } from './redact.js';

const FRAME = /^function "([^"]*)" @(\d+):(\d+)-(\d+):(\d+)$/;

/**
 * The span of a Flux stack frame (`function "f" @2:5-2:30`) when it is a call in `source`:
 * frames do not name their file, so the spanned text must exist and name the function (a
 * frame inside the standard library does not pass). Offsets are unknown (-1); renderError
 * reads lines and columns.
 */
function callIn(frame: string, source: string): Span | undefined {
  const m = FRAME.exec(frame);
  if (m === null) return undefined;
  const [sl, sc, el, ec] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const lines = source.split('\n');
  if (sl < 1 || el > lines.length || sl > el) return undefined;
  const text = sl === el ? lines[sl - 1]!.slice(sc - 1, ec - 1) : lines[sl - 1]!.slice(sc - 1);
  if (m[1] === '' || !text.includes(m[1]!)) return undefined;
  return { start: { line: sl, column: sc, offset: -1 }, end: { line: el, column: ec, offset: -1 } };
}

export interface DiagnosticOptions {
  readonly color?: boolean;
}

/** Every diagnostic of `err` for a program named `name` with text `source`, one block each. */
export function renderDiagnostics(err: FluxError, name: string, source: string, options: DiagnosticOptions = {}): string[] {
  const shown = redactSource(source);
  return errorList(err).map((e) => {
    const inUserCode = e.source === undefined || e.source === name;
    const located = e.source === undefined ? new FluxError(e.code, e.id, e.message, { span: e.span, source: name, stack: e.fluxStack }) : e;
    let out = renderError(located, inUserCode ? shown : undefined, { color: options.color });
    const frames = e.fluxStack;
    if (!inUserCode && frames.length > 0) {
      const span = callIn(frames[frames.length - 1]!, source);
      if (span !== undefined) {
        const call = new FluxError(e.code, e.id, `called here`, { span, source: name });
        out += '\n' + renderError(call, shown, { color: options.color });
      }
    }
    if (frames.length > 1 || (!inUserCode && frames.length > 0)) out += '\n' + frames.map((f) => `    at ${f}`).join('\n');
    return out;
  });
}
