// JSON form of the AST (`promflux parse --json`, golden fixtures): bigints become decimal
// strings, every node keeps its span.
import type { Node } from './ast.js';

/** Serialise an AST node (or any value holding nodes) as indented JSON; bigints as strings. */
export function astToJson(node: Node | unknown, indent = 2): string {
  return JSON.stringify(node, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}
