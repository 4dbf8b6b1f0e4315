// The `promflux` command line: one binary, subcommands registered explicitly below.
// Each subcommand lives in src/cli/commands/<name>.ts and exports `register(program, io)`.
//
// Exit codes (documented in --help and the README):
//   0 success; 1 a query, scrape, test or run failed; 2 bad usage or a syntax error.
import { Command, CommanderError } from 'commander';
import { PROMFLUX_VERSION } from '../version.js';
import type { CliIO } from './io.js';
import { nodeIO } from './io.js';
import { registerVersion } from './commands/version.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerTask } from './commands/task.js';
import { registerParse } from './commands/parse.js';
import { registerTest } from './commands/test.js';
import { registerBucket } from './commands/bucket.js';
import { registerScrape } from './commands/scrape.js';
import { registerRepl, startRepl } from './commands/repl.js';

type Register = (program: Command, io: CliIO) => void;

/** Every subcommand, in the order `--help` lists them. */
const commands: readonly Register[] = [
  registerVersion,
  registerRun,
  registerRepl,
  registerServe,
  registerTask,
  registerParse,
  registerTest,
  registerBucket,
  registerScrape,
];

export function buildProgram(io: CliIO): Command {
  const program = new Command('promflux');
  program
    .description('A Flux runtime for scraping Prometheus metrics: run scripts, schedule tasks, query in a REPL.')
    .version(PROMFLUX_VERSION, '-V, --version', 'print the promflux version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // Help wraps at the terminal width, else at 80 columns (so piped help is stable).
      getOutHelpWidth: () => io.columns ?? 80,
      getErrHelpWidth: () => io.columns ?? 80,
    })
    .addHelpText(
      'after',
      `
Exit codes:
  0  success
  1  a query, scrape, test or run failed
  2  bad usage or a syntax error

Run 'promflux <command> --help' for a command's options and an example.`,
    )
    .exitOverride();
  for (const register of commands) register(program, io);
  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIO = nodeIO()): Promise<number> {
  // `promflux` alone starts the REPL, as `node` and `psql` do.
  if (argv.length === 0) {
    await startRepl(io, {});
    return io.exitCode();
  }
  const program = buildProgram(io);
  // `promflux help nope` would print the whole help as an error without naming "nope".
  // `promflux help help` is the help of help: the list of commands.
  if (argv[0] === 'help' && argv[1] === 'help') return main(['--help'], io);
  if (argv[0] === 'help' && argv.length > 1 && !argv[1]!.startsWith('-') && !program.commands.some((c) => c.name() === argv[1] || c.aliases().includes(argv[1]!))) {
    io.stderr(`error: unknown command '${argv[1]}'\n(run 'promflux --help' for the list of commands)\n`);
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exitCode();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      // `promflux help` asked for help (0); `promflux task` without a subcommand prints
      // help as an error (commander exit code 1): bad usage.
      if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : 2;
      return 2;
    }
    throw e;
  }
}
