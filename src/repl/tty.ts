// The REPL on a terminal, built on node:repl: line editing, multi-line continuation (via
// repl.Recoverable), history saved to a file and searchable with Ctrl-R, tab completion,
// Ctrl-C that cancels a running query (aborting an in-flight scrape) and keeps the
// session, Ctrl-D to leave.
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

export function runTty(controller: ReplController, options: TtyOptions): Promise<number> {
  const prompt = options.prompt ?? 'flux> ';
  let busy = false;
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
      busy = true;
      const text = cmd.endsWith('\n') ? cmd.slice(0, -1) : cmd;
      controller.submit(text).then(
        (outcome) => {
          busy = false;
          if (outcome.continued) return callback(new repl.Recoverable(new Error('incomplete input')), undefined);
          if (outcome.out) options.output.write(outcome.out.endsWith('\n') ? outcome.out : outcome.out + '\n');
          if (outcome.err) options.output.write(outcome.err);
          if (outcome.quit) {
            server.close();
            return;
          }
          callback(null, undefined);
        },
        (e: unknown) => {
          busy = false;
          options.output.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
          callback(null, undefined);
        },
      );
    },
  });
  // Ctrl-C while a query runs cancels it; otherwise node's REPL handles it (clear line,
  // or leave on a second Ctrl-C on an empty line).
  const defaults = server.listeners('SIGINT') as ((...a: unknown[]) => void)[];
  server.removeAllListeners('SIGINT');
  server.on('SIGINT', (...args: unknown[]) => {
    if (busy && controller.cancel()) {
      options.output.write('^C\n');
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
