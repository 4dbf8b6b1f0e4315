// Process entry: run the CLI, print unexpected errors without a stack unless PROMFLUX_DEBUG is set.
import { main } from './main.js';

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
