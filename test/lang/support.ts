// Helpers for the parser tests: compact AST snapshots and rendered diagnostics.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderError } from '../../src/errors/index.js';
import type { FluxError, Span } from '../../src/errors/index.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

function isSpan(v: unknown): v is Span {
  return typeof v === 'object' && v !== null && 'start' in v && 'end' in v && 'line' in (v as Span).start;
}

/** AST as JSON with spans as `line:col-line:col` and bigints as strings (golden format). */
export function snapshotAst(node: unknown): string {
  return `${JSON.stringify(
    node,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (isSpan(v)) return `${v.start.line}:${v.start.column}-${v.end.line}:${v.end.column}`;
      return v;
    },
    2,
  )}\n`;
}

/** Each diagnostic as `id @span` followed by its caret rendering. */
export function snapshotDiagnostics(diags: readonly FluxError[], source: string): string {
  return diags
    .map((d) => {
      const s = d.span;
      const where = s ? `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}` : 'no span';
      return `${d.id} @${where}\n${renderError(d, source)}\n`;
    })
    .join('\n');
}

export function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}
