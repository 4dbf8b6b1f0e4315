// The Flux front end: `parse(source, name)` -> `{ file, diagnostics }`.
// See grammar.md for the accepted syntax and where it deliberately differs from the Flux SPEC.
export { parse, parseWithStats } from './parser.js';
export type { ParseResult, ParseResultWithStats } from './parser.js';
export { tokenize, parseDateTime, parseDuration, KEYWORDS } from './lexer.js';
export type { Token, LexResult } from './lexer.js';
export { astToJson } from './json.js';
export { nameOf } from './names.js';
export type * as ast from './ast.js';
