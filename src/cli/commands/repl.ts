import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIO } from '../io.js';
import { DATA_DIR_HELP, resolveDataDir } from '../data-dir.js';
import { loggerFromFlags } from '../log-flags.js';
import { readFailureReason } from '../read-error.js';
import { nodeFileSystem } from '../../host/fs.js';
import { createRuntime } from '../../index.js';
import { ReplController } from '../../repl/controller.js';
import { runPipe } from '../../repl/pipe.js';
import { runTty } from '../../repl/tty.js';

export interface ReplFlags {
  data?: string;
  format?: string;
  history?: boolean;
}

/** Start the REPL: on a terminal interactively, otherwise reading statements from stdin. */
export async function startRepl(io: CliIO, flags: ReplFlags): Promise<void> {
  const dataDir = resolveDataDir(flags.data, io.env);
  // Warnings of the session (a fleet target that failed, points to() skipped) go to stderr as
  // in `promflux run`, never swallowed.
  const runtime = createRuntime({ dataDir, logger: loggerFromFlags({ logLevel: 'warn' }, io) });
  const controller = new ReplController({
    runtime,
    width: () => process.stdout.columns,
    color: io.color,
    readFile: (p) => readFile(p, 'utf8'),
  });
  if (flags.format === 'csv' || flags.format === 'json') controller.format = flags.format;
  try {
    if (process.stdin.isTTY && process.stdout.isTTY) {
      let historyFile: string | undefined;
      if (flags.history !== false) {
        // A data directory that cannot be made costs the history, not the session.
        try {
          // (not node's recursive mkdir: it calls a read-only file system ENOENT, and never returns under /proc)
          await nodeFileSystem.mkdirp(dataDir);
          historyFile = join(dataDir, 'repl_history');
        } catch (e) {
          io.stderr(`history disabled: cannot create the data directory ${dataDir}: ${readFailureReason(e)}\n`);
        }
      }
      io.stdout(`promflux REPL: Flux statements, :help for commands, Ctrl-D to leave\n`);
      await runTty(controller, { input: process.stdin, output: process.stdout, historyFile });
    } else {
      io.setExitCode(await runPipe(controller, process.stdin, io));
    }
  } finally {
    await runtime.close();
  }
}

export function registerRepl(program: Command, io: CliIO): void {
  program
    .command('repl')
    .description('query interactively: a persistent Flux session (also what `promflux` alone starts)')
    .option('--data <dir>', DATA_DIR_HELP)
    .addOption(new Option('--format <format>', 'result format').choices(['table', 'csv', 'json']).default('table'))
    .option('--no-history', 'do not read or save the history file (<data>/repl_history)')
    .addHelpText(
      'after',
      `
On a terminal: multi-line input, Tab completion, Ctrl-R history search, Ctrl-C cancels a
running query, Ctrl-D leaves. Type :help for the REPL's own commands.
Without a terminal, statements are read from stdin and run as they complete.

Example:
  $ promflux repl
  flux> import "experimental/prometheus"
  flux> prometheus.scrape(url: "http://127.0.0.1:9100/metrics")
  ...     |> filter(fn: (r) => r._field == "node_load1")
  $ echo '1 + 1' | promflux repl`,
    )
    .action(async (flags: ReplFlags) => startRepl(io, flags));
}
