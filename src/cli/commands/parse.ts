// `promflux parse FILE...`: check Flux syntax. Silent with exit 0 when every file parses;
// otherwise each diagnostic as `file:line:col: message`, the source line and a caret, exit 2.
// `--json` prints the AST (spans included, bigints as decimal strings).
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { renderError } from '../../errors/index.js';
import { astToJson, parse } from '../../lang/index.js';
import type { ast } from '../../lang/index.js';
import type { CliIO } from '../io.js';
import { readFailureReason } from '../read-error.js';
import { redactSource } from '../redact.js';

export interface ParseFlags {
  json?: boolean;
}

/** Parse each file (`-` is standard input) and report; returns nothing, sets the exit code. */
export async function parseFiles(files: readonly string[], flags: ParseFlags, io: CliIO): Promise<void> {
  const asts: ast.File[] = [];
  for (const f of files) {
    const name = f === '-' ? '<stdin>' : f;
    let source: string;
    try {
      source = f === '-' ? await io.readStdin() : await readFile(f, 'utf8');
    } catch (e) {
      io.stderr(`promflux parse: cannot read ${name}: ${readFailureReason(e)}\n`);
      io.setExitCode(2);
      continue;
    }
    const { file, diagnostics } = parse(source, name);
    asts.push(file);
    for (const d of diagnostics) io.stderr(`${renderError(d, redactSource(source), { color: io.stderrColor ?? io.color })}\n`);
    if (diagnostics.length > 0) io.setExitCode(2);
  }
  if (flags.json) {
    let text: string;
    try {
      text = astToJson(asts.length === 1 ? asts[0] : asts);
    } catch (e) {
      // JSON.stringify recurses; a tree nested thousands of levels deep exceeds the stack.
      if (!(e instanceof RangeError)) throw e;
      io.stderr('promflux parse: the syntax tree is nested too deeply to print as JSON\n');
      io.setExitCode(1);
      return;
    }
    io.stdout(`${text}\n`);
  }
}

export function registerParse(program: Command, io: CliIO): void {
  program
    .command('parse')
    .description('check the syntax of Flux files; print diagnostics with carets (exit 2 on a syntax error)')
    .argument('<files...>', 'Flux source files; - reads standard input')
    .option('--json', 'print the syntax tree as JSON (one object, or an array for several files)')
    .addHelpText(
      'after',
      `
Examples:
  promflux parse task.flux                 # silent, exit 0 when the file parses
  echo 'x = 1 +' | promflux parse -        # <stdin>:1:8: unexpected end of input; ...
  promflux parse --json query.flux | jq '.body[0].type'`,
    )
    .action(async (files: string[], flags: ParseFlags) => {
      await parseFiles(files, flags, io);
    });
}
