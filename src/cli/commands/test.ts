// `promflux test PATH...`: run the `testcase` blocks of `*_test.flux` files (directories are
// searched recursively). One line per testcase (`PASS`, `FAIL` or `SKIP`, file and name),
// the error or differing rows under a failing one, then `N passed, N failed` (`, N skipped`
// when any), and a note on stderr when no testcase ran. Exit 1 when a testcase failed, 2 when
// a path does not exist.
//
// Each run gets a fresh temporary data directory (removed afterwards) unless --data is
// given, so testcases that write with to() never touch the user's data.
import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRuntime, defaultStdlibDir } from '../../index.js';
import { isFluxError } from '../../errors/index.js';
import { nodeFileSystem } from '../../host/fs.js';
import { displayPath, runTests, summaryLine } from '../../runtime/test-runner.js';
import type { TestOutcome } from '../../runtime/test-runner.js';
import { checkTestResults } from '../../table/index.js';
import type { CliIO } from '../io.js';
import { renderDiagnostics } from '../diagnostics.js';

export interface TestFlags {
  run?: string;
  stdlib?: string;
  data?: string;
}

function indent(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

/** Run the testcases under `paths`, printing as they finish; sets the exit code. */
export async function testCommand(paths: readonly string[], flags: TestFlags, io: CliIO): Promise<void> {
  let filter: RegExp | undefined;
  if (flags.run !== undefined) {
    try {
      filter = new RegExp(flags.run);
    } catch (e) {
      io.stderr(`promflux test: invalid --run pattern: ${(e as Error).message}\n`);
      io.setExitCode(2);
      return;
    }
  }
  const stdlibDir = flags.stdlib === undefined ? defaultStdlibDir() : resolve(flags.stdlib);
  const tempData = flags.data === undefined ? await mkdtemp(join(tmpdir(), 'promflux-test-')) : undefined;
  const runtime = createRuntime({ stdlibDir, dataDir: tempData ?? resolve(flags.data!) });
  const cwd = process.cwd();
  const paint = (s: string, code: number) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const label = { pass: paint('PASS', 32), fail: paint('FAIL', 31), skip: paint('SKIP', 33) };
  const report = (o: TestOutcome) => {
    io.stdout(`${label[o.status]}  ${displayPath(o.file, cwd)}  ${o.name}${o.status === 'skip' ? '' : ` (${o.ms} ms)`}\n`);
    if (o.status === 'fail' && o.detail !== undefined) io.stdout(`${indent(o.detail)}\n`);
  };
  try {
    const summary = await runTests(
      paths,
      {
        runFile: (file, opts) => runtime.runFile(file, opts),
        checkResults: checkTestResults,
        fs: nodeFileSystem,
        stdlibDir,
        filter,
        monotonicMs: () => performance.now(),
        renderError: (err, name, source) => renderDiagnostics(err, name, source).join('\n'),
      },
      report,
    );
    io.stdout(`${summaryLine(summary)}\n`);
    // Nothing ran: say why on stderr, so that a path without *_test.flux files or a --run
    // pattern that matches nothing is not mistaken for a green run (the exit code stays 0).
    if (summary.outcomes.length === 0) {
      io.stderr(
        flags.run !== undefined
          ? `promflux test: no testcase name matches --run ${JSON.stringify(flags.run)}\n`
          : `promflux test: no testcases found (directories are searched for *_test.flux files)\n`,
      );
    }
    if (summary.failed > 0) io.setExitCode(summary.outcomes.some((o) => o.syntaxError) ? 2 : 1);
  } catch (e) {
    if (isFluxError(e) && e.id === 'test.pathNotFound') {
      io.stderr(`promflux test: ${e.message}\n`);
      io.setExitCode(2);
      return;
    }
    throw e;
  } finally {
    await runtime.close().catch(() => undefined);
    if (tempData !== undefined) await rm(tempData, { recursive: true, force: true });
  }
}

export function registerTest(program: Command, io: CliIO): void {
  program
    .command('test')
    .description('run the testcases of *_test.flux files (directories are searched recursively); exit 1 when one fails')
    .argument('<paths...>', 'test files or directories')
    .option('--run <regexp>', 'run only the testcases whose name matches')
    .option('--stdlib <dir>', 'the Flux standard library directory (where `extends` paths are resolved)')
    .option('--data <dir>', 'data directory for the testcases (default: a fresh temporary directory)')
    .addHelpText(
      'after',
      `
Each testcase runs as its own program: the file's top-level statements followed by the
testcase body. It fails when it raises an error or when testing.diff finds differences.
A testcase with \`option testing.tags = ["skip"]\` is skipped.

Examples:
  promflux test stdlib/                       # every testcase of the standard library
  promflux test stdlib/universe/filter_map_test.flux --run 'on_empty'
  # PASS  stdlib/universe/filter_map_test.flux  filter_on_empty_keep (4 ms)
  # 1 passed, 0 failed`,
    )
    .action(async (paths: string[], flags: TestFlags) => {
      await testCommand(paths, flags, io);
    });
}
