// Design: the Flux testcase runner behind `promflux test` (Flux SPEC "Testcase statement",
// and the layout of Flux's own stdlib tests). For every `testcase` of a `*_test.flux` file
// it builds one program: the file's imports and top-level statements (everything but the
// testcases) followed by the testcase's body, and runs it with `runFile`. The testcase
// passes when the run succeeds and the injected `checkResults` (src/table: every yielded
// stream is read; a table with a `_diff` column is a difference) finds nothing.
//
// - `testcase name extends "pkg/file_test" { ... super() ... }`: the base is the testcase
//   of the same name in stdlib/pkg/file_test.flux; the program is the base file's imports
//   and top-level statements plus this file's imports, then this body with each `super()`
//   statement replaced by the base testcase's body.
// - `option testing.tags = [..., "skip", ...]` at top level or in the testcase skips it.
// - Testcases run one after another (each gets its own run, so options never leak).
import { join, relative, sep } from 'node:path';
import { FluxError, FluxErrors, errorList, renderError, toFluxError } from '../errors/index.js';
import { redactSource } from '../errors/redact-source.js';
import type { FileSystem } from '../host/fs.js';
import type * as ast from '../lang/ast.js';
import { parse } from '../lang/index.js';
import type { RunOptions, RunResult } from './runtime.js';
import { nameOf } from '../lang/names.js';

export type TestStatus = 'pass' | 'fail' | 'skip';

export interface TestOutcome {
  readonly file: string;
  readonly name: string;
  readonly status: TestStatus;
  /** Why it failed (a rendered error or the differing rows). */
  readonly detail?: string;
  readonly ms: number;
  /** The file did not parse (the CLI exits 2 for syntax errors). */
  readonly syntaxError?: boolean;
}

export interface TestRunnerDeps {
  runFile(file: ast.File, opts?: RunOptions): Promise<RunResult>;
  /** undefined when the results pass; otherwise a description of the difference. */
  checkResults(results: RunResult['results']): Promise<string | undefined>;
  readonly fs: Pick<FileSystem, 'readFile' | 'readdir' | 'stat'>;
  /** The standard library directory, where `extends` paths are resolved. */
  readonly stdlibDir: string;
  /** Only testcases whose name matches run (the others are not reported). */
  readonly filter?: RegExp;
  /** Monotonic milliseconds, for timings. */
  readonly monotonicMs?: () => number;
  /**
   * How the error of a failing testcase is shown, given the program's file name and text (the
   * CLI passes its diagnostics renderer, which follows an error inside the standard library
   * with the testcase's call that led there and the Flux stack). Default: `renderError`.
   */
  readonly renderError?: (err: FluxError, name: string, source: string) => string;
}

export interface TestSummary {
  readonly outcomes: TestOutcome[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

const TEST_FILE = /_test\.flux$/;

/** The `*_test.flux` files under the given files and directories (sorted, recursive). */
export async function findTestFiles(paths: readonly string[], fs: TestRunnerDeps['fs']): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const st = await fs.stat(p);
    if (st === undefined) throw new FluxError('notFound', 'test.pathNotFound', `no such file or directory: ${p}`);
    if (!st.isDirectory) {
      out.push(p);
      return;
    }
    for (const name of (await fs.readdir(p)).sort()) {
      const child = join(p, name);
      const cst = await fs.stat(child);
      if (cst?.isDirectory) await walk(child);
      else if (TEST_FILE.test(name)) out.push(child);
    }
  };
  for (const p of paths) await walk(p);
  return [...new Set(out)];
}

function isSuperCall(st: ast.Statement): boolean {
  return (
    st.type === 'ExpressionStatement' &&
    st.expression.type === 'CallExpression' &&
    st.expression.callee.type === 'Identifier' &&
    st.expression.callee.name === 'super'
  );
}

/** Whether statements set `option testing.tags` to an array holding "skip". */
function taggedSkip(statements: readonly ast.Statement[], testingAlias: string | undefined): boolean {
  if (testingAlias === undefined) return false;
  return statements.some((st) => {
    if (st.type !== 'OptionStatement' || st.assignment.type !== 'MemberAssignment') return false;
    const m = st.assignment.member;
    const prop = nameOf(m.property);
    if (m.object.type !== 'Identifier' || m.object.name !== testingAlias || prop !== 'tags') return false;
    const init = st.assignment.init;
    return init.type === 'ArrayExpression' && init.elements.some((e) => e.type === 'StringLiteral' && e.value === 'skip');
  });
}

function aliasOf(imp: ast.ImportDeclaration): string {
  return imp.as?.name ?? imp.path.value.split('/').pop()!;
}

interface ParsedFile {
  readonly path: string;
  readonly text: string;
  readonly file: ast.File;
}

class Runner {
  private readonly sources = new Map<string, string>();
  constructor(private readonly deps: TestRunnerDeps) {}

  private now(): number {
    return this.deps.monotonicMs?.() ?? 0;
  }

  async load(path: string): Promise<ParsedFile> {
    const text = new TextDecoder().decode(await this.deps.fs.readFile(path));
    this.sources.set(path, text);
    const { file, diagnostics } = parse(text, path);
    if (diagnostics.length) throw diagnostics.length === 1 ? diagnostics[0]! : new FluxErrors(diagnostics);
    return { path, text, file };
  }

  /** An error as a testcase's detail; `program` is the file the failing program was made from, when there was one. */
  render(e: unknown, program?: ParsedFile): string {
    const err = toFluxError(e);
    return errorList(err)
      .map((x) => {
        const own = x.source === undefined ? undefined : this.sources.get(x.source);
        if (this.deps.renderError !== undefined && program !== undefined) {
          // An error in a file the runner read is shown against that file; one inside the
          // standard library against the program, whose call led there.
          return own === undefined ? this.deps.renderError(x, program.path, program.text) : this.deps.renderError(x, x.source!, own);
        }
        return renderError(x, own === undefined ? undefined : redactSource(own));
      })
      .join('\n');
  }

  async runFile(path: string): Promise<TestOutcome[]> {
    let parsed: ParsedFile;
    try {
      parsed = await this.load(path);
    } catch (e) {
      return [{ file: path, name: '(file)', status: 'fail', detail: this.render(e), ms: 0, syntaxError: true }];
    }
    const { file } = parsed;
    const top = file.body.filter((st) => st.type !== 'TestCaseStatement');
    const cases = file.body.filter((st): st is ast.TestCaseStatement => st.type === 'TestCaseStatement');
    const out: TestOutcome[] = [];
    for (const tc of cases) {
      if (this.deps.filter && !this.deps.filter.test(tc.id.name)) continue;
      out.push(await this.runCase(parsed, top, tc));
    }
    return out;
  }

  private async runCase(parsed: ParsedFile, top: readonly ast.Statement[], tc: ast.TestCaseStatement): Promise<TestOutcome> {
    const started = this.now();
    const name = tc.id.name;
    const done = (status: TestStatus, detail?: string): TestOutcome => ({
      file: parsed.path,
      name,
      status,
      ...(detail === undefined ? {} : { detail }),
      ms: Math.round(this.now() - started),
    });
    // Diagnostics name the file most of the program comes from (the base, when extending).
    let programFile = parsed;
    try {
      let imports = [...parsed.file.imports];
      let prefix: ast.Statement[] = [...top];
      let body: ast.Statement[] = [...tc.block.body];
      if (tc.extends !== null) {
        const basePath = join(this.deps.stdlibDir, ...`${tc.extends.value}.flux`.split('/'));
        let base: ParsedFile;
        try {
          base = await this.load(basePath);
        } catch (e) {
          throw new FluxError('notFound', 'test.extendsNotFound', `testcase ${name} extends ${JSON.stringify(tc.extends.value)}, which cannot be read: ${toFluxError(e).message}`, {
            span: tc.extends.span,
            source: parsed.path,
          });
        }
        const baseCase = base.file.body.find((st): st is ast.TestCaseStatement => st.type === 'TestCaseStatement' && st.id.name === name);
        if (baseCase === undefined) {
          throw new FluxError('notFound', 'test.extendsNotFound', `${basePath} has no testcase ${name}`, { span: tc.extends.span, source: parsed.path });
        }
        const seen = new Set(base.file.imports.map(aliasOf));
        imports = [...base.file.imports, ...imports.filter((i) => !seen.has(aliasOf(i)))];
        prefix = [...base.file.body.filter((st) => st.type !== 'TestCaseStatement'), ...prefix];
        body = body.flatMap((st) => (isSuperCall(st) ? [...baseCase.block.body] : [st]));
        programFile = base;
      }
      const testing = imports.find((i) => i.path.value === 'testing');
      if (taggedSkip([...prefix, ...body], testing === undefined ? undefined : aliasOf(testing))) return done('skip');
      const program: ast.File = { ...programFile.file, imports, body: [...prefix, ...body] };
      const result = await this.deps.runFile(program, { name: programFile.path });
      const diff = await this.deps.checkResults(result.results);
      return diff === undefined ? done('pass') : done('fail', diff);
    } catch (e) {
      return done('fail', this.render(e, programFile));
    }
  }
}

/** Run every testcase of the `*_test.flux` files under `paths`, reporting each as it finishes. */
export async function runTests(paths: readonly string[], deps: TestRunnerDeps, onOutcome?: (o: TestOutcome) => void): Promise<TestSummary> {
  const files = await findTestFiles(paths, deps.fs);
  const runner = new Runner(deps);
  const outcomes: TestOutcome[] = [];
  for (const f of files) {
    for (const o of await runner.runFile(f)) {
      outcomes.push(o);
      onOutcome?.(o);
    }
  }
  const count = (s: TestStatus) => outcomes.filter((o) => o.status === s).length;
  return { outcomes, passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

/** The testcases of one file (for callers that run files one by one, such as node:test). */
export async function runTestFile(path: string, deps: TestRunnerDeps): Promise<TestOutcome[]> {
  return new Runner(deps).runFile(path);
}

/** `N passed, N failed` (`, N skipped` when any). */
export function summaryLine(s: Pick<TestSummary, 'passed' | 'failed' | 'skipped'>): string {
  return `${s.passed} passed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} skipped` : ''}`;
}

/** A path shown relative to `base` when it is inside it. */
export function displayPath(path: string, base: string): string {
  const r = relative(base, path);
  return r.startsWith('..') || r === '' ? path : r.split(sep).join('/');
}
