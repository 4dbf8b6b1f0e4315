// One error as the user reads it (promflux run, the REPL): `file:line:col: message` with the
// offending line and a caret, credentials masked (./redact.ts).
//
// An error raised inside a standard-library function written in Flux points into that
// package's source (`stdlib/date:81:19: ...`), which says nothing about the user's code. It
// is then followed by the call in the user's source that led there (the outermost frame of
// the error's Flux stack, a span in that source) with its own caret, and by the frames.
//
// In the REPL a stream defined by an earlier input is read (and fails) in a later one: the
// error then points into that earlier input, or its call frames do. The REPL passes its
// earlier inputs (`earlier`), so those are quoted with their caret too, under their own name
// (`<repl:2>:1:38`).
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

/** A named source text (a file, a REPL input). */
export interface NamedSource {
  readonly name: string;
  readonly source: string;
}

export interface DiagnosticOptions {
  readonly color?: boolean;
  /**
   * Other sources of the same session, newest first (the REPL's earlier inputs): where a
   * stream they define fails when read later. Frames do not name their source, so a frame is
   * taken to be a call in the first of `source`, then these, whose text there names its function.
   */
  readonly earlier?: readonly NamedSource[];
}

/** Every diagnostic of `err` for a program named `name` with text `source`, one block each. */
export function renderDiagnostics(err: FluxError, name: string, source: string, options: DiagnosticOptions = {}): string[] {
  const sources: NamedSource[] = [{ name, source }, ...(options.earlier ?? []).filter((s) => s.name !== name)];
  const shown = new Map<string, string>();
  const shownText = (s: NamedSource): string => {
    let t = shown.get(s.name);
    if (t === undefined) shown.set(s.name, (t = redactSource(s.source)));
    return t;
  };
  return errorList(err).map((e) => {
    const own = e.source === undefined ? sources[0] : sources.find((s) => s.name === e.source);
    const inUserCode = own !== undefined;
    const located = e.source === undefined ? new FluxError(e.code, e.id, e.message, { span: e.span, source: name, stack: e.fluxStack }) : e;
    let out = renderError(located, own !== undefined ? shownText(own) : undefined, { color: options.color });
    const frames = e.fluxStack;
    if (!inUserCode && frames.length > 0) {
      for (const s of sources) {
        const span = callIn(frames[frames.length - 1]!, s.source);
        if (span === undefined) continue;
        const call = new FluxError(e.code, e.id, `called here`, { span, source: s.name });
        out += '\n' + renderError(call, shownText(s), { color: options.color });
        break;
      }
    }
    if (frames.length > 1 || (!inUserCode && frames.length > 0)) out += '\n' + frames.map((f) => `    at ${f}`).join('\n');
    return out;
  });
}
