// The parser driver: tokens (lexer.ts) -> nearley (flux.ne) -> ast.File, with diagnostics and
// error recovery.
//
// Design: the token array is fed to one nearley Parser one statement line at a time (up to
// the next token that starts a line at bracket depth 0, or `name =` / a statement keyword at a
// line start). After each chunk, if the program so far is complete, that column is kept as
// the checkpoint (nearley's save/restore). On a syntax error the driver
//   1. reports `syntax.unexpectedToken` naming the token found and the tokens expected there;
//   2. rewinds to just before the bad token when the program up to it is complete, else to the
//      checkpoint;
//   3. skips tokens up to the next line that plausibly starts a statement, recording the
//      skipped text as a BadStatement, and continues from there.
// Running out of input in the middle of a construct is `syntax.unexpectedEOF` (the REPL
// relies on that id to ask for a continuation line).
import nearley from 'nearley';
import { FluxError, positionAt } from '../errors/index.js';
import type { Span } from '../errors/index.js';
import type * as ast from './ast.js';
import { arr, parseContext, tokenFeed } from './build.js';
import type { FileParts } from './build.js';
import grammar from './flux-grammar.generated.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';

export interface ParseResult {
  file: ast.File;
  diagnostics: FluxError[];
}

export interface ParseResultWithStats extends ParseResult {
  /** How many complete parses the grammar produced (1 for a valid program; tests assert it). */
  parseCount: number;
}

const compiled = nearley.Grammar.fromCompiled(grammar as unknown as nearley.CompiledRules);

/** The most diagnostics one parse reports; the rest of the input is skipped. */
const MAX_ERRORS = 50;

const OPENERS = new Set(['lparen', 'nlLparen', 'lbracket', 'nlLbracket', 'lbrace', 'interpStart']);
const CLOSERS = new Set(['rparen', 'rbracket', 'rbrace', 'interpEnd']);
/** Tokens that cannot begin a statement; recovery never resumes at them. */
const NOT_STATEMENT_START = new Set([
  'pipeForward',
  'pipeReceive',
  'arrow',
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'regexEq',
  'regexNeq',
  'assign',
  'plus',
  'minus',
  'star',
  'slash',
  'percent',
  'caret',
  'lparen',
  'lbracket',
  'rparen',
  'rbracket',
  'rbrace',
  'comma',
  'colon',
  'dot',
  'question',
  'kw_then',
  'kw_else',
  'kw_and',
  'kw_or',
  'kw_with',
  'strText',
  'strEnd',
  'interpEnd',
]);

const EXPRESSION_START = new Set([
  'ident',
  'int',
  'float',
  'duration',
  'datetime',
  'regex',
  'strStart',
  'lparen',
  'nlLparen',
  'lbracket',
  'nlLbracket',
  'lbrace',
  'minus',
  'nlMinus',
  'plus',
  'nlPlus',
  'kw_not',
  'kw_exists',
  'kw_if',
]);
const OPERATORS = new Set([
  'pipeForward',
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'regexEq',
  'regexNeq',
  'plus',
  'minus',
  'star',
  'slash',
  'percent',
  'caret',
  'kw_and',
  'kw_or',
  'dot',
]);

const DISPLAY: Record<string, string> = {
  ident: 'an identifier',
  int: 'an integer',
  float: 'a float',
  duration: 'a duration',
  datetime: 'a date-time',
  regex: 'a regular expression',
  strStart: 'a string',
  strText: 'string text',
  strEnd: '\'"\'',
  interpStart: '"${"',
  interpEnd: '"}"',
  pipeForward: '"|>"',
  pipeReceive: '"<-"',
  arrow: '"=>"',
  eq: '"=="',
  neq: '"!="',
  lt: '"<"',
  lte: '"<="',
  gt: '">"',
  gte: '">="',
  regexEq: '"=~"',
  regexNeq: '"!~"',
  assign: '"="',
  plus: '"+"',
  nlPlus: '"+"',
  minus: '"-"',
  nlMinus: '"-"',
  star: '"*"',
  slash: '"/"',
  percent: '"%"',
  caret: '"^"',
  lparen: '"("',
  nlLparen: '"("',
  rparen: '")"',
  lbracket: '"["',
  nlLbracket: '"["',
  rbracket: '"]"',
  lbrace: '"{"',
  rbrace: '"}"',
  comma: '","',
  colon: '":"',
  dot: '"."',
  question: '"?"',
};

function describeExpected(kind: string): string {
  if (kind.startsWith('kw_')) return `"${kind.slice(3)}"`;
  if (kind.startsWith('lit:')) return `"${kind.slice(4)}"`;
  return DISPLAY[kind] ?? kind;
}

function describeFound(t: Token): string {
  switch (t.type) {
    case 'ident':
      return `identifier "${t.text}"`;
    case 'int':
      return `integer ${t.text}`;
    case 'float':
      return `float ${t.text}`;
    case 'duration':
      return `duration ${t.text}`;
    case 'datetime':
      return `date-time ${t.text}`;
    case 'regex':
      return `regular expression ${t.text}`;
    case 'strStart':
      return 'string';
    case 'strText':
      return 'string text';
    default:
      if (t.type.startsWith('kw_')) return `keyword "${t.text}"`;
      return JSON.stringify(t.text);
  }
}

interface NearleyState {
  rule: { name: string; symbols: ({ type?: string; literal?: string } | string)[] };
  dot: number;
  reference: number;
  data: unknown;
}
interface NearleyColumn {
  index: number;
  states: NearleyState[];
  scannable: NearleyState[];
}
interface NearleyInternals {
  table: NearleyColumn[];
  current: number;
  results: unknown[];
  restore(column: NearleyColumn): void;
}

/** Token classes matched by a test function in flux.ne, by the function's name. */
const CLASS_KINDS: Record<string, string[]> = {
  isBinaryOp: ['binaryOp'],
  isUnaryOp: ['minus', 'plus'],
  isLiteral: ['int', 'float', 'duration', 'datetime', 'regex'],
  isLparen: ['lparen'],
  isLbracket: ['lbracket'],
  isLogicalPrefix: ['kw_not', 'kw_exists'],
  isLineUnaryOp: ['minus', 'plus'],
};
const STATEMENT_START = new Set(['kw_option', 'kw_builtin', 'kw_testcase', 'kw_return']);
const STATEMENT_KEYWORDS = new Set(['kw_option', 'kw_builtin', 'kw_testcase', 'kw_import', 'kw_package']);

/** The token kinds the parser could accept at a column, summarised for a message. */
function expectedAt(column: NearleyColumn | undefined): string {
  if (column === undefined) return 'nothing';
  const kinds = new Set<string>();
  for (const s of column.scannable) {
    const sym = s.rule.symbols[s.dot] as { type?: string; literal?: string; test?: { name: string } } | string;
    if (typeof sym === 'object' && sym !== null) {
      if (sym.type !== undefined) kinds.add(sym.type);
      else if (sym.literal !== undefined) kinds.add(`lit:${sym.literal}`);
      else if (sym.test !== undefined) for (const k of CLASS_KINDS[sym.test.name] ?? [sym.test.name]) kinds.add(k);
    }
  }
  const parts: string[] = [];
  const hasStatement = kinds.has('kw_option') && kinds.has('kw_builtin');
  const hasExpr = kinds.has('int') && kinds.has('strStart');
  const hasOps = kinds.has('binaryOp');
  if (hasStatement) parts.push('a statement');
  else if (hasExpr) parts.push('an expression');
  if (hasOps) parts.push('an operator');
  const seen = new Set<string>();
  for (const k of [...kinds].sort()) {
    if (hasStatement && (STATEMENT_START.has(k) || EXPRESSION_START.has(k))) continue;
    if (hasExpr && EXPRESSION_START.has(k)) continue;
    if (hasOps && (OPERATORS.has(k) || k === 'binaryOp' || k === 'lparen' || k === 'lbracket')) continue;
    if (k.startsWith('lit:') && hasExpr) continue; // contextual words (`where`, `stream`) are identifiers here
    const d = describeExpected(k);
    if (!seen.has(d)) {
      seen.add(d);
      parts.push(d);
    }
  }
  if (kinds.size === 3 && kinds.has('dot') && kinds.has('lbracket') && kinds.has('lparen')) {
    return 'a call: the right side of "|>" must be a function call such as f()';
  }
  if (parts.length === 0) return 'the end of input';
  if (parts.length === 1) return parts[0]!;
  return `one of ${parts.join(', ')}`;
}

function isComplete(column: NearleyColumn): boolean {
  for (const t of column.states) {
    if (t.rule.name === compiled.start && t.dot === t.rule.symbols.length && t.reference === 0 && t.data !== nearley.Parser.fail) {
      return true;
    }
  }
  return false;
}

/** Parse Flux source. Never throws: every problem is a diagnostic. */
export function parse(source: string, name = '<input>'): ParseResult {
  const { file, diagnostics } = parseWithStats(source, name);
  return { file, diagnostics };
}

/** `parse`, also reporting how many complete parses the grammar produced (for tests). */
export function parseWithStats(source: string, name = '<input>'): ParseResultWithStats {
  const lexed = tokenize(source, name);
  const tokens = lexed.tokens;
  const diagnostics: FluxError[] = [...lexed.diagnostics];
  const syntaxError = (id: string, message: string, span: Span): void => {
    diagnostics.push(new FluxError('invalid', id, message, { span, source: name }));
  };

  // Statement boundaries: tokens at the start of a line (or input, or after `{`) at depth 0.
  const boundary: boolean[] = new Array<boolean>(tokens.length);
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (CLOSERS.has(t.type)) depth = Math.max(0, depth - 1);
    // A checkpoint is only taken where the program so far is complete, so the looser test
    // inside brackets (`name =` or a statement keyword starting a line) is safe.
    boundary[i] =
      t.nl &&
      (depth === 0 || STATEMENT_KEYWORDS.has(t.type) || (t.type === 'ident' && tokens[i + 1]?.type === 'assign'));
    if (OPENERS.has(t.type)) depth++;
  }

  const resumesAt = (i: number): boolean => {
    const t = tokens[i]!;
    return boundary[i] === true && !NOT_STATEMENT_START.has(t.type);
  };

  parseContext.source = source;
  parseContext.comments = lexed.comments;

  const parser = new nearley.Parser(compiled) as unknown as nearley.Parser & NearleyInternals;
  // nearley's own report walks every state and JSON-encodes the token (bigints throw); the
  // driver writes its own message from the column instead.
  (parser as unknown as { reportError: () => string }).reportError = () => 'syntax error';
  tokenFeed.tokens = tokens;
  tokenFeed.index = 0;
  tokenFeed.to = 0;
  const bad: { from: number; to: number }[] = [];
  let errors = 0;
  // The latest column where the program so far is complete and the next token starts a
  // statement line; `token` is the index of that next token.
  let checkpoint: { column: NearleyColumn; token: number } = { column: parser.table[0]!, token: 0 };

  try {
    parser.feed(''); // no tokens yet: initialises parser.results (an empty program is valid)
    while (tokenFeed.index < tokens.length) {
      // Feed up to the next statement boundary, so a checkpoint can be taken there.
      let to = tokenFeed.index + 1;
      while (to < tokens.length && !boundary[to]) to++;
      tokenFeed.to = to;
      try {
        parser.feed('');
      } catch (e) {
        const failed = (e as { token?: Token }).token;
        if (failed === undefined) throw e;
        const e1 = tokenFeed.index - 1;
        errors++;
        syntaxError(
          'syntax.unexpectedToken',
          failed.type === 'kw_import'
            ? // Flux SPEC, Packages: File = [ PackageClause ] [ ImportList ] StatementList.
              'unexpected keyword "import": imports must come before every other statement (after the package clause, if any)'
            : `unexpected ${describeFound(failed)}; expected ${expectedAt(parser.table[parser.current])}`,
          { start: failed.start, end: failed.end },
        );
        // Rewind: to just before the bad token when the program up to it is complete, else to
        // the last complete statement boundary.
        const here = parser.table[parser.current]!;
        let badFrom: number;
        if (isComplete(here)) {
          parser.restore(here);
          badFrom = e1;
        } else {
          parser.restore(checkpoint.column);
          badFrom = checkpoint.token;
        }
        // Resume at the next line that starts a statement: a line start at depth 0, or (even
        // inside an unclosed bracket) `name =` or a statement keyword at the start of a line.
        // When the bad token is the `=` of `name =` at a line start, resume at that name.
        let r = e1 + 1;
        const prevTok = tokens[e1 - 1];
        if (failed.type === 'assign' && prevTok?.nl && prevTok.type === 'ident' && e1 - 1 > badFrom) r = e1 - 1;
        while (r < tokens.length && !resumesAt(r)) r++;
        if (errors >= MAX_ERRORS) r = tokens.length;
        bad.push({ from: badFrom, to: r - 1 });
        tokenFeed.index = r;
        const col = parser.table[parser.current]!;
        checkpoint = { column: col, token: r };
        continue;
      }
      if (tokenFeed.index < tokens.length && isComplete(parser.table[parser.current]!)) {
        checkpoint = { column: parser.table[parser.current]!, token: tokenFeed.index };
      }
    }
    if (parser.results.length === 0) {
      const last = tokens[tokens.length - 1];
      const at = last ? last.end : positionAt(source, source.length);
      syntaxError('syntax.unexpectedEOF', `unexpected end of input; expected ${expectedAt(parser.table[parser.current])}`, {
        start: at,
        end: at,
      });
      parser.restore(checkpoint.column);
      if (checkpoint.token < tokens.length) bad.push({ from: checkpoint.token, to: tokens.length - 1 });
    }
  } catch (e) {
    // A bug in the grammar or driver: report it instead of crashing the caller.
    diagnostics.push(
      new FluxError('internal', 'internal', `internal parser error: ${e instanceof Error ? e.message : String(e)}`, {
        source: name,
        cause: e,
      }),
    );
  }

  // Flux SPEC, Function literals: a body that starts with `{` is a block, so `(r) => {r with
  // x: 1}` or `(r) => {a: 1}` is a syntax error that nearley notices only later (often on the
  // next line). `{` then `name with` or `name:` cannot begin a block, so say what was meant;
  // no further line can complete such input, so it is not reported as unexpected EOF either
  // (the REPL would wait for a continuation line).
  if (diagnostics.some((d) => d.id.startsWith('syntax.'))) {
    const before = diagnostics.length;
    for (let i = 0; i + 3 < tokens.length; i++) {
      const [arrow, brace, name, next] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!, tokens[i + 3]!];
      if (arrow.type === 'arrow' && brace.type === 'lbrace' && name.type === 'ident' && (next.type === 'kw_with' || next.type === 'colon')) {
        // In a builtin's signature `=> {a: int}` is a record type, not a body: look back to the
        // statement's start (a signature may span lines; an assignment ends the search).
        let j = i;
        while (j > 0 && tokens[j]!.type !== 'kw_builtin' && !(tokens[j]!.type === 'ident' && tokens[j + 1]!.type === 'assign')) j--;
        if (tokens[j]!.type === 'kw_builtin') continue;
        syntaxError(
          'syntax.recordBody',
          'a function body in braces is a block, not a record: to return a record, wrap it in parentheses, as in (r) => ({r with x: 1})',
          { start: brace.start, end: next.end },
        );
      }
    }
    if (diagnostics.length > before) {
      const eof = diagnostics.findIndex((d) => d.id === 'syntax.unexpectedEOF');
      if (eof >= 0) diagnostics.splice(eof, 1);
    }
  }

  const results = parser.results as FileParts[];
  const parsed = results[0];
  const body: ast.Statement[] = parsed ? arr(parsed.stmts) : [];
  for (const r of bad) {
    if (r.to < r.from) continue;
    const from = tokens[r.from]!;
    const to = tokens[r.to]!;
    body.push({
      type: 'BadStatement',
      span: { start: from.start, end: to.end },
      text: source.slice(from.start.offset, to.end.offset),
    });
  }
  body.sort((a, b) => a.span.start.offset - b.span.start.offset);
  const file: ast.File = {
    type: 'File',
    span: { start: { line: 1, column: 1, offset: 0 }, end: positionAt(source, source.length) },
    name,
    package: parsed?.pkg ?? null,
    imports: parsed?.imports ?? [],
    body,
  };
  diagnostics.sort((a, b) => (a.span?.start.offset ?? 0) - (b.span?.start.offset ?? 0));
  // Release references to this source.
  tokenFeed.tokens = [];
  parseContext.source = '';
  parseContext.comments = new Map();
  return { file, diagnostics, parseCount: results.length };
}
