// The REPL on a terminal, built on node:repl: line editing, history saved to a file and
// searchable with Ctrl-R, tab completion, Ctrl-C that cancels a running query (aborting an
// in-flight scrape) and keeps the session, Ctrl-D to leave.
//
// Design: node's REPL hands over each line as it is typed, also while an earlier line is
// still being evaluated (an asynchronous eval does not pause it). Lines therefore go through
// one queue: each is evaluated after the one before it has finished, so input typed or pasted
// ahead runs in order. Continuation lines are collected by the controller (not by node's
// repl.Recoverable, which would take a line typed ahead as a statement of its own); the
// prompt says "... " while a statement is incomplete, and Ctrl-C there drops it.
import repl from 'node:repl';
import type { Readable, Writable } from 'node:stream';
import { completeAsync } from './completion.js';
import type { ReplController } from './controller.js';

export interface TtyOptions {
  input: Readable;
  output: Writable & { columns?: number };
  historyFile?: string;
  prompt?: string;
}

const CONTINUE = '... ';

export function runTty(controller: ReplController, options: TtyOptions): Promise<number> {
  const prompt = options.prompt ?? 'flux> ';
  /**
   * Lines handed to eval and not finished (the one running and those waiting behind it). A
   * statement runs whenever this is above 0: the next queued line starts in the same
   * microtask sequence that ends the one before, so no key press sees a gap.
   */
  let running = 0;
  let queue: Promise<void> = Promise.resolve();
  const server = repl.start({
    prompt,
    input: options.input,
    output: options.output,
    terminal: true,
    useColors: false,
    ignoreUndefined: true,
    preview: false,
    completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
      completeAsync(controller, line).then(
        (r) => callback(null, r),
        () => callback(null, [[], line]),
      );
    },
    eval: (cmd, _context, _file, callback) => {
      const text = cmd.endsWith('\n') ? cmd.slice(0, -1) : cmd;
      // A line typed while an earlier one runs: by the time it runs, finishing the earlier
      // line has shown a fresh prompt, so its output starts on the next line.
      const typedAhead = running > 0;
      running++;
      queue = queue.then(async () => {
        let quit = false;
        try {
          const outcome = await controller.line(text);
          if (typedAhead && (outcome.out || outcome.err)) options.output.write('\n');
          if (outcome.out) options.output.write(outcome.out.endsWith('\n') ? outcome.out : outcome.out + '\n');
          if (outcome.err) options.output.write(outcome.err);
          quit = outcome.quit;
        } catch (e) {
          options.output.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        } finally {
          running--;
        }
        server.setPrompt(controller.pending ? CONTINUE : prompt);
        if (quit) server.close();
        else callback(null, undefined);
      });
    },
  });
  // Ctrl-C while a query runs cancels it; on a continuation line it drops the incomplete
  // statement; otherwise node's REPL handles it (clear the line, or leave on a second Ctrl-C
  // on an empty line).
  const defaults = server.listeners('SIGINT') as ((...a: unknown[]) => void)[];
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', (...args: unknown[]) => {
    if (running > 0 && controller.cancel()) {
      options.output.write('^C\n');
      return;
    }
    if (running === 0 && controller.pending) {
      controller.clearPending();
      // End the line, leaving what was typed on screen: readline's clearLine, which node's
      // own REPL calls on Ctrl-C.
      (server as unknown as { clearLine(): void }).clearLine();
      server.setPrompt(prompt);
      server.displayPrompt();
      return;
    }
    for (const fn of defaults) fn.apply(server, args);
  });
  return new Promise((resolve) => {
    server.on('exit', () => resolve(0));
    if (options.historyFile) {
      server.setupHistory(options.historyFile, (err) => {
        if (err) options.output.write(`history disabled: ${err.message}\n`);
      });
    }
  });
}
