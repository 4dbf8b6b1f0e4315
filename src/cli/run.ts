// Process entry: run the CLI, print unexpected errors without a stack unless PROMFLUX_DEBUG is set.
import { main } from './main.js';

// `promflux ... | head`: once the reader has gone, stop quietly (as tools killed by SIGPIPE do)
// instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`promflux: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.PROMFLUX_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 70;
  },
);
