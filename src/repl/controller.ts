// Design: the REPL controller holds one persistent Flux session and turns lines of input
// into evaluated statements. It knows nothing about terminals: the TTY front end
// (./tty.ts) and the pipe front end (./pipe.ts) both feed it lines and print what it
// returns, so the behaviour people see in a terminal is the behaviour the tests drive.
//
// Input that does not yet form a complete program (the parser reports
// `syntax.unexpectedEOF`) is buffered and continued on the next line; a complete program
// is evaluated. Lines starting with `:` are REPL commands.

import { parse } from '../lang/index.js';
import type * as ast from '../lang/ast.js';
import { FluxError, toFluxError } from '../errors/index.js';
import type { Runtime, Session } from '../runtime/runtime.js';
import { renderResults } from '../cli/render.js';
import { readFailureReason } from '../cli/read-error.js';
import { renderDiagnostics } from '../cli/diagnostics.js';
import type { NamedSource } from '../cli/diagnostics.js';
import { asTableStream, collectTables, streamOf } from '../table/index.js';
import { isStream } from '../values/value.js';
import type { Value } from '../values/value.js';

export type OutputFormat = 'table' | 'csv' | 'json';

export interface ControllerOptions {
  runtime: Runtime;
  /** Terminal width for the table format (long cells are truncated to fit unless :wide). */
  width?: () => number | undefined;
  color?: boolean;
  /** Reads a file for `:load` (injected so the controller does no I/O of its own). */
  readFile: (path: string) => Promise<string>;
}

/** What one line of input produced. */
export interface LineOutcome {
  /** Text for stdout (results, help). */
  out: string;
  /** Text for stderr (diagnostics). */
  err: string;
  /** true when the input so far is incomplete and the next line continues it. */
  continued: boolean;
  /** true after `:quit`. */
  quit: boolean;
}

const HELP = `Commands:
  :help              this help
  :help NAME         a builtin's signature and documentation (e.g. :help prometheus.scrape)
  :load FILE         run a Flux file in this session
  :format [FMT]      print results as table (default), csv or json; alone: the current one
  :wide [on|off]     show long cells whole, or truncate them to the terminal width (alone: toggle)
  :reset             forget every variable, import and option of this session
  :quit              leave (Ctrl-D does too)

Enter Flux statements; an incomplete expression continues on the next line.
Ctrl-C cancels a running query (and an in-flight scrape) or clears the current input.
`;

/** Earlier inputs kept for diagnostics (the newest ones; see `ReplController.earlier`). */
const KEEP_EARLIER = 100;

export class ReplController {
  private session: Session;
  private buffer: string[] = [];
  private counter = 0;
  /**
   * Earlier inputs that bind a name (`x = ...`, a function, an option), newest first: a stream
   * one of them defines is read by a later input, and its errors point into it.
   */
  private earlier: NamedSource[] = [];
  format: OutputFormat = 'table';
  wide = false;
  /** Import aliases seen in this session (alias -> package path), for completion. */
  readonly imports = new Map<string, string>();
  /** Column names of the most recently printed tables, for `r.` completion. */
  lastColumns: string[] = [];
  private running: AbortController | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.session = options.runtime.session();
  }

  get runtime(): Runtime {
    return this.options.runtime;
  }

  /** Names bound in the session (variables, imports), for completion. */
  names(): string[] {
    return this.session.names();
  }

  private readonly columnCache = new WeakMap<object, string[]>();

  /**
   * The column names of the stream bound to `name` in the session (reading it: streams are
   * descriptions and may be read again), or undefined when `name` is not a stream.
   */
  async columnsOf(name: string): Promise<string[] | undefined> {
    const v = this.session.lookup(name);
    if (v === undefined || !isStream(v)) return undefined;
    const cached = this.columnCache.get(v);
    if (cached) return cached;
    const cols = new Set<string>();
    try {
      for await (const t of asTableStream(v, name)) for (const c of t.columns) cols.add(c.name);
    } catch {
      return undefined;
    }
    const out = [...cols];
    this.columnCache.set(v, out);
    return out;
  }

  /** true while input is buffered waiting for its continuation. */
  get pending(): boolean {
    return this.buffer.length > 0;
  }

  /** Drop buffered, incomplete input (Ctrl-C on a continuation line). */
  clearPending(): void {
    this.buffer = [];
  }

  /**
   * The input ended while a statement was still incomplete: evaluate what was buffered, so
   * its syntax error (`unexpected end of input`, with line, column and caret) is reported.
   */
  async endOfInput(): Promise<LineOutcome> {
    const source = this.buffer.join('\n');
    this.buffer = [];
    if (source.trim() === '') return { out: '', err: '', continued: false, quit: false };
    return this.evaluate(source, `<repl:${++this.counter}>`);
  }

  /** Cancel the running evaluation, if any. Returns true when something was cancelled. */
  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort(new FluxError('canceled', 'repl.canceled', 'query canceled'));
    return true;
  }

  async line(text: string): Promise<LineOutcome> {
    if (this.buffer.length === 0 && text.trim().startsWith(':')) return this.command(text.trim());
    this.buffer.push(text);
    const outcome = await this.submit(this.buffer.join('\n'));
    if (!outcome.continued) this.buffer = [];
    return outcome;
  }

  /**
   * Submit all input entered since the last complete program (the TTY front end keeps its
   * own buffer, as node's REPL does). Incomplete input returns `continued: true`.
   */
  async submit(source: string): Promise<LineOutcome> {
    if (source.trim() === '') return { out: '', err: '', continued: false, quit: false };
    if (source.trim().startsWith(':') && !source.includes('\n')) return this.command(source.trim());
    // Input that ends before its last statement does continues on the next line.
    const { file, diagnostics } = parse(source, '<repl>');
    if (diagnostics.some((d) => d.id === 'syntax.unexpectedEOF')) return { out: '', err: '', continued: true, quit: false };
    return this.evaluate(source, `<repl:${++this.counter}>`, file);
  }

  /** Evaluate a complete chunk of source (a line, a paste, a :load'ed file); `file` is its parse, when known. */
  async evaluate(source: string, name: string, file?: ast.File): Promise<LineOutcome> {
    const controller = new AbortController();
    this.running = controller;
    const parsed = file ?? parse(source, name).file;
    try {
      const result = await this.session.eval(source, { name, signal: controller.signal });
      this.noteImports(parsed);
      const printable = await this.rememberColumns(result.results);
      const out = printable.length
        ? await renderResults(printable, {
            format: this.format,
            width: this.wide ? undefined : this.options.width?.(),
            color: this.options.color,
          })
        : '';
      return { out, err: '', continued: false, quit: false };
    } catch (e) {
      const err = controller.signal.aborted ? new FluxError('canceled', 'repl.canceled', 'query canceled') : toFluxError(e);
      return { out: '', err: this.renderDiagnostics(err, source, name), continued: false, quit: false };
    } finally {
      this.running = undefined;
      // (after rendering: an input's own errors are located in it without this list)
      if (parsed.body.some((st) => st.type === 'VariableAssignment' || st.type === 'OptionStatement')) {
        this.earlier = [{ name, source }, ...this.earlier.filter((s) => s.name !== name)].slice(0, KEEP_EARLIER);
      }
    }
  }

  /**
   * Read each stream result once, remember its column names for `r.` completion, and hand
   * the renderer a fresh stream over the same tables (streams are read once).
   */
  private async rememberColumns(results: readonly { name: string; value: Value }[]): Promise<{ name: string; value: Value }[]> {
    const out: { name: string; value: Value }[] = [];
    for (const r of results) {
      if (!isStream(r.value)) {
        out.push(r);
        continue;
      }
      const tables = await collectTables(asTableStream(r.value, 'result'));
      const cols = new Set<string>();
      for (const t of tables) for (const c of t.columns) cols.add(c.name);
      if (cols.size) this.lastColumns = [...cols];
      out.push({ name: r.name, value: streamOf(tables) });
    }
    return out;
  }

  private renderDiagnostics(err: FluxError, source: string, name: string): string {
    return renderDiagnostics(err, name, source, { color: this.options.color, earlier: this.earlier }).join('\n') + '\n';
  }

  private noteImports(file: ast.File): void {
    for (const imp of file.imports) {
      const path = imp.path.value;
      this.imports.set(imp.as?.name ?? path.split('/').pop()!, path);
    }
  }

  private async command(text: string): Promise<LineOutcome> {
    const [cmd, ...rest] = text.slice(1).split(/\s+/);
    const arg = rest.join(' ').trim();
    const ok = (out: string): LineOutcome => ({ out, err: '', continued: false, quit: false });
    const bad = (err: string): LineOutcome => ({ out: '', err, continued: false, quit: false });
    switch (cmd) {
      case 'help':
      case 'h':
      case '?':
        return arg ? this.helpFor(arg) : ok(HELP);
      case 'quit':
      case 'q':
      case 'exit':
        return { out: '', err: '', continued: false, quit: true };
      case 'reset':
        this.session = this.options.runtime.session();
        this.earlier = [];
        this.imports.clear();
        this.lastColumns = [];
        return ok('session reset\n');
      case 'format':
        if (!arg) return ok(`format: ${this.format}\n`);
        if (arg === 'table' || arg === 'csv' || arg === 'json') {
          this.format = arg;
          return ok(`format: ${arg}\n`);
        }
        return bad(`:format takes table, csv or json (got "${arg}")\n`);
      case 'wide':
        if (arg && arg !== 'on' && arg !== 'off') return bad(`:wide takes on or off (got "${arg}")\n`);
        this.wide = arg === 'on' ? true : arg === 'off' ? false : !this.wide;
        return ok(`long cells ${this.wide ? 'shown whole' : 'truncated to the terminal width'}\n`);
      case 'load': {
        if (!arg) return bad(':load needs a file name\n');
        let source: string;
        try {
          source = await this.options.readFile(arg);
        } catch (e) {
          return bad(`:load: cannot read ${arg}: ${readFailureReason(e)}\n`);
        }
        return this.evaluate(source, arg);
      }
      default:
        return bad(`unknown command :${cmd} (try :help)\n`);
    }
  }

  private helpFor(name: string): LineOutcome {
    const dot = name.lastIndexOf('.');
    let pkg = 'universe';
    let member = name;
    if (dot > 0) {
      const prefix = name.slice(0, dot);
      member = name.slice(dot + 1);
      pkg = this.imports.get(prefix) ?? this.options.runtime.packagePaths().find((p) => p === prefix || p.endsWith('/' + prefix)) ?? prefix;
    }
    const doc = this.options.runtime.builtinDoc(pkg, member);
    if (!doc) return { out: '', err: `no builtin named ${name} (import its package first, or try :help)\n`, continued: false, quit: false };
    const text = `${name} : ${doc.signature}\n${doc.doc ? '\n' + doc.doc.trimEnd() + '\n' : ''}`;
    return { out: text, err: '', continued: false, quit: false };
  }
}
