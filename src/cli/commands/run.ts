// `promflux run FILE|-`: check and run a Flux script, print its results (yields, bare
// stream statements, bare scalar expressions) through src/cli/render.ts.
//
// Exit codes: 0 ok; 2 when the script does not parse or fails the checks before running
// (unknown names, bad arguments: every diagnostic is printed with a caret) or when the
// usage is wrong; 1 when it fails while running (a failing builtin, die(), a type error).
// Diagnostics never include a JavaScript stack trace.
import type { Command } from 'commander';
import { Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { createRuntime } from '../../index.js';
import { FluxError, toFluxError } from '../../errors/index.js';
import { parseTime } from '../../values/convert.js';
import type { Time } from '../../values/value.js';
import { renderResultsSettled } from '../render.js';
import type { ResultFormat } from '../render.js';
import { DATA_DIR_HELP, resolveDataDir } from '../data-dir.js';
import type { CliIO } from '../io.js';
import { withProgress } from '../progress.js';
import { readFailureReason } from '../read-error.js';
import { renderDiagnostics } from '../diagnostics.js';
import { logFormatOption, logLevelOption, loggerFromFlags } from '../log-flags.js';
import type { LogFlags } from '../log-flags.js';

export interface RunFlags extends LogFlags {
  now?: string;
  format?: ResultFormat;
  data?: string;
}

/** Print every diagnostic of an error, with a caret under the code when it is in `source`. */
export function printDiagnostics(io: CliIO, err: FluxError, name: string, source: string): void {
  for (const out of renderDiagnostics(err, name, source, { color: io.stderrColor ?? io.color })) io.stderr(out + '\n');
}

export async function runCommand(file: string, flags: RunFlags, io: CliIO): Promise<void> {
  let now: Time | undefined;
  if (flags.now !== undefined) {
    try {
      now = parseTime(flags.now);
    } catch {
      io.stderr(`promflux run: --now must be an RFC3339 time (like 2030-01-01T00:00:00Z), got ${JSON.stringify(flags.now)}\n`);
      io.setExitCode(2);
      return;
    }
  }
  const name = file === '-' ? '<stdin>' : file;
  let source: string;
  try {
    source = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`promflux run: cannot read ${file}: ${readFailureReason(e)}\n`);
    io.setExitCode(2);
    return;
  }
  const runtime = createRuntime({ dataDir: resolveDataDir(flags.data, io.env), logger: loggerFromFlags(flags, io) });
  try {
    const problems = runtime.check(source, name);
    if (problems.length) {
      for (const p of problems) printDiagnostics(io, p, name, source);
      io.setExitCode(2);
      return;
    }
    let results;
    try {
      results = (await withProgress(io, `running ${name}`, () => runtime.run(source, { name, now }))).results;
    } catch (e) {
      printDiagnostics(io, toFluxError(e), name, source);
      io.setExitCode(1);
      return;
    }
    // Streams are lazy: reading them for printing is where a scrape or a query does its work.
    // What was rendered before a failure is printed (with CSV, Flux's error table follows).
    const { output, error } = await withProgress(io, `running ${name}`, () => renderResultsSettled(results, { format: flags.format ?? 'table', color: io.color }));
    io.stdout(output);
    if (error) {
      printDiagnostics(io, error, name, source);
      io.setExitCode(1);
    }
  } finally {
    await runtime.close().catch((e: unknown) => {
      io.stderr(`promflux run: ${toFluxError(e).message}\n`);
      io.setExitCode(1);
    });
  }
}

export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('run a Flux script and print its results')
    .argument('<file>', "the script to run ('-' reads standard input)")
    .option('--now <time>', 'pin now() to this RFC3339 time')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .option('--data <dir>', DATA_DIR_HELP)
    .addOption(logFormatOption())
    .addOption(logLevelOption('warn'))
    .addHelpText(
      'after',
      `
Examples:
  promflux run script.flux
  echo 'import "strings"  strings.toUpper(v: "hi")' | promflux run -
  promflux run --now 2030-01-01T00:00:00Z --format csv query.flux

Exit codes: 0 ok, 1 the script failed while running, 2 syntax or check errors (or bad usage).`,
    )
    .action(async (file: string, flags: RunFlags) => {
      await runCommand(file, flags, io);
    });
}
