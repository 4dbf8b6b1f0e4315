// Progress of long operations (a scrape, a script run) on stderr, drawn only when stderr is a
// terminal: piped or redirected output stays exactly the results and the diagnostics.
//
// Design: a spinner line `⠋ label (1.2s)` appears once the operation has taken longer than
// `delayMs` (so quick commands never flicker), is redrawn in place every `intervalMs` with
// `\r` + erase-line, and is erased by `done()` before the command prints anything else.
// `createProgress` takes the clock and the writer, so the drawing is tested without timers;
// `startProgress` wires it to real timers (unref'd: a forgotten spinner never keeps the
// process alive).
import type { CliIO } from './io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ERASE_LINE = '\r\u001b[2K';

export interface Progress {
  /** Change the label (for example `scraping URL` -> `rendering`). */
  update(label: string): void;
  /** Erase the line; later ticks draw nothing. Safe to call more than once. */
  done(): void;
}

export interface ProgressDrawer extends Progress {
  /** Redraw for the current time; draws nothing before `delayMs` or after `done()`. */
  tick(): void;
}

export interface ProgressOptions {
  /** Stay invisible for operations shorter than this (default 300 ms). */
  readonly delayMs?: number;
}

/** The drawing logic, driven by explicit `tick()` calls. */
export function createProgress(write: (s: string) => void, label: string, nowMs: () => number, opts: ProgressOptions = {}): ProgressDrawer {
  const delayMs = opts.delayMs ?? 300;
  const started = nowMs();
  let frame = 0;
  let drawn = false;
  let finished = false;
  let text = label;
  return {
    update(l) {
      text = l;
    },
    tick() {
      if (finished) return;
      const elapsed = nowMs() - started;
      if (elapsed < delayMs) return;
      write(`${ERASE_LINE}${FRAMES[frame++ % FRAMES.length]} ${text} (${(elapsed / 1000).toFixed(1)}s)`);
      drawn = true;
    },
    done() {
      if (finished) return;
      finished = true;
      if (drawn) write(ERASE_LINE);
    },
  };
}

const NO_PROGRESS: Progress = { update() {}, done() {} };

/** Show progress for a long operation on stderr when it is a terminal; a no-op otherwise. */
export function startProgress(io: CliIO, label: string, opts: ProgressOptions & { readonly intervalMs?: number } = {}): Progress {
  if (!io.stderrIsTTY) return NO_PROGRESS;
  const p = createProgress((s) => io.stderr(s), label, () => performance.now(), opts);
  const timer = setInterval(() => p.tick(), opts.intervalMs ?? 100);
  timer.unref();
  return {
    update: (l) => p.update(l),
    done() {
      clearInterval(timer);
      p.done();
    },
  };
}

/** Run `fn` with progress shown while it is pending; the line is erased however it ends. */
export async function withProgress<T>(io: CliIO, label: string, fn: () => Promise<T>): Promise<T> {
  const p = startProgress(io, label);
  try {
    return await fn();
  } finally {
    p.done();
  }
}
