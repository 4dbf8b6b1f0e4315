// Tab completion for the REPL. Given the text left of the cursor, it proposes:
//   - package paths inside `import "...`;
//   - members after `alias.` for an imported package;
//   - parameter names inside a call's parentheses (`prometheus.scrape(ti` -> `timeout:`);
//   - column names after `r.` inside a function literal: the columns of the pipeline's source
//     when it is a stream bound in the session (`data |> filter(fn: (r) => r.`), else those of
//     the tables the session printed most recently;
//   - otherwise identifiers in scope (session names, universe builtins, keywords).
// It returns [candidates, the fragment they replace], as node's readline completer expects.

import type { Runtime } from '../runtime/runtime.js';

export interface CompletionSource {
  readonly runtime: Runtime;
  names(): string[];
  readonly imports: ReadonlyMap<string, string>;
  readonly lastColumns: readonly string[];
  /** Columns of the stream bound to a session name, if it is one. */
  columnsOf?(name: string): Promise<string[] | undefined>;
}

/**
 * `complete`, plus the columns of a pipeline's source after `r.`: in
 * `data |> filter(fn: (r) => r.ho`, when `data` is a stream in the session, its columns.
 */
export async function completeAsync(src: CompletionSource, line: string): Promise<[string[], string]> {
  const member = /([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$/.exec(line);
  if (member && src.columnsOf && !src.imports.has(member[1]!) && isFunctionParam(line, member[1]!)) {
    const head = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*=\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\|>/.exec(line);
    const cols = head ? await src.columnsOf(head[1]!) : undefined;
    if (cols) return [filter(cols, member[2]!), member[2]!];
  }
  return complete(src, line);
}

const KEYWORDS = ['import', 'option', 'package', 'return', 'builtin', 'testcase', 'if', 'then', 'else', 'and', 'or', 'not', 'exists', 'true', 'false'];

export function complete(src: CompletionSource, line: string): [string[], string] {
  // import "pa|
  const imp = /\bimport\s+(?:\w+\s+)?"([^"]*)$/.exec(line);
  if (imp) {
    const frag = imp[1]!;
    return [filter(src.runtime.packagePaths().filter((p) => p !== 'universe'), frag), frag];
  }

  // r.col| inside a function literal whose parameter is r (or any single identifier param)
  const member = /([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$/.exec(line);
  if (member) {
    const [, obj, frag] = member as unknown as [string, string, string];
    const pkg = src.imports.get(obj);
    if (pkg !== undefined) {
      return [filter(src.runtime.packageMembers(pkg), frag), frag];
    }
    if (isFunctionParam(line, obj) && src.lastColumns.length) {
      return [filter([...src.lastColumns], frag), frag];
    }
    return [[], frag];
  }

  const word = /([A-Za-z_][A-Za-z0-9_]*)$/.exec(line);
  const frag = word ? word[1]! : '';

  // inside f(...: propose parameter names not yet given
  const call = openCall(line.slice(0, line.length - frag.length));
  if (call) {
    const params = paramsOf(src, call.callee).filter((p) => !call.given.has(p));
    const hits = filter(params, frag).map((p) => `${p}: `);
    if (hits.length) return [hits, frag];
  }

  const universe = src.runtime.packageMembers('universe');
  const pool = [...new Set([...src.names(), ...universe, ...KEYWORDS, ...src.imports.keys()])];
  return [filter(pool, frag), frag];
}

function filter(items: readonly string[], prefix: string): string[] {
  return items.filter((i) => i.startsWith(prefix)).sort();
}

/** true when `name` is a parameter of a function literal that is open at the end of `line`. */
function isFunctionParam(line: string, name: string): boolean {
  return new RegExp(`\\(\\s*(?:[A-Za-z_][A-Za-z0-9_]*\\s*(?:=[^,)]*)?\\s*,\\s*)*${name}\\s*(?:=[^,)]*)?\\)\\s*=>`).test(line);
}

/** The innermost call whose parenthesis is still open at the end of `text`, and the argument names given so far. */
function openCall(text: string): { callee: string; given: Set<string> } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '"' && text[i - 1] !== '\\') inString = !inString;
    if (inString) continue;
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (depth === 0) {
        if (ch !== '(') return undefined;
        const callee = /([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*$/.exec(text.slice(0, i));
        if (!callee) return undefined;
        const args = text.slice(i + 1);
        const given = new Set([...args.matchAll(/(?:^|,)\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]!));
        return { callee: callee[1]!, given };
      }
      depth--;
    }
  }
  return undefined;
}

/** Parameter names of a builtin, read from its declared signature. */
function paramsOf(src: CompletionSource, callee: string): string[] {
  const dot = callee.indexOf('.');
  const pkg = dot > 0 ? src.imports.get(callee.slice(0, dot)) : 'universe';
  const name = dot > 0 ? callee.slice(dot + 1) : callee;
  if (pkg === undefined) return [];
  const doc = src.runtime.builtinDoc(pkg, name);
  if (!doc) return [];
  return signatureParams(doc.signature);
}

/** `(url: string, ?timeout: duration, <-tables: stream[A]) => ...` -> ["url", "timeout"] (not the pipe parameter). */
export function signatureParams(signature: string): string[] {
  if (!signature.startsWith('(')) return [];
  let depth = 0;
  let end = -1;
  for (let i = 0; i < signature.length; i++) {
    const ch = signature[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        end = i;
        break;
      }
    }
  }
  const inner = signature.slice(1, end < 0 ? undefined : end);
  const out: string[] = [];
  depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if ((ch === ',' && depth === 0) || i === inner.length) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  for (const p of parts) {
    const m = /^\s*(\??)([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(p);
    if (m) out.push(m[2]!);
  }
  return out;
}
