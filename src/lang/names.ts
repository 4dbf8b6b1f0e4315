// The name a record key, parameter or member property spells: `a` in `{a: 1}`, `(a) => ...`
// and `r.a`, or the string of `{"a b": 1}` and `r["a b"]`.
import type { Identifier, StringLiteral } from './ast.js';

export function nameOf(k: Identifier | StringLiteral): string {
  return k.type === 'Identifier' ? k.name : k.value;
}
