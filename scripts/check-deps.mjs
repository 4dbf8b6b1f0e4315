#!/usr/bin/env node
// Keeps imports pointing the way ARCHITECTURE.md says. Fails (exit 1) listing each
// offending import with file and line.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');

// Which of our layers each layer may import (besides itself).
const allowed = {
  errors: [],
  lang: ['errors'],
  semantic: ['lang', 'errors'],
  values: ['errors'],
  table: ['values', 'errors'],
  interpreter: ['semantic', 'lang', 'values', 'errors'],
  runtime: ['interpreter', 'semantic', 'lang', 'values', 'errors', 'host'],
  host: ['errors'],
  scrape: ['table', 'values', 'errors', 'host'],
  sink: ['table', 'values', 'errors', 'host'],
  store: ['table', 'values', 'errors', 'host'],
  discovery: ['values', 'errors', 'host'],
  stdlib: ['runtime', 'table', 'values', 'errors', 'host', 'scrape', 'sink', 'store', 'discovery', 'lang'],
  task: ['runtime', 'values', 'errors', 'host', 'lang', 'semantic'],
  repl: '*',
  cli: '*',
  '.': '*',
};
// Node built-ins and packages that only some layers may touch.
const restricted = [
  { pattern: /^apache-arrow/, only: ['table'], why: 'only src/table imports apache-arrow' },
  { pattern: /^undici/, only: ['host'], why: 'network access goes through src/host' },
  { pattern: /^(node:)?(fs|fs\/promises)$/, only: ['host', 'cli', 'repl', '.'], why: 'file-system access goes through src/host (inject a FileSystem)' },
  { pattern: /^(node:)?(http|https|net|tls|dns)$/, only: ['host', 'cli', '.'], why: 'network access goes through src/host' },
];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.generated.ts')) out.push(p);
  }
  return out;
}
const layerOf = (file) => {
  const rel = relative(src, file).split('/');
  return rel.length === 1 ? '.' : rel[0];
};

const problems = [];
for (const file of walk(src)) {
  const layer = layerOf(file);
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/.exec(line) ?? /^\s*import\s+['"]([^'"]+)['"]/.exec(line) ?? /\bimport\(\s*['"]([^'"]+)['"]\s*\)/.exec(line);
    if (!m) return;
    const spec = m[1];
    const where = `${relative(root, file)}:${i + 1}`;
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src)) return;
      const tl = layerOf(target.endsWith('.js') ? target : target + '/x');
      if (tl === layer) return;
      // src/version.ts is a constant every layer may read (the User-Agent, `version`).
      if (relative(src, target) === 'version.js') return;
      const ok = allowed[layer];
      if (ok === undefined) problems.push(`${where}: unknown layer "${layer}" (add it to scripts/check-deps.mjs and ARCHITECTURE.md)`);
      else if (ok !== '*' && !ok.includes(tl)) problems.push(`${where}: ${layer} must not import ${tl} ("${spec}")`);
      return;
    }
    for (const r of restricted) {
      if (r.pattern.test(spec) && !r.only.includes(layer)) problems.push(`${where}: ${layer} imports "${spec}": ${r.why}`);
    }
  });
  if (!['host', 'cli', 'repl', '.'].includes(layer) && /\bDate\.now\(\)|\bnew Date\(\)(?!\.)|\bfetch\(/.test(text) && !/allow-host-call/.test(text)) {
    const i = lines.findIndex((l) => /\bDate\.now\(\)|\bnew Date\(\)(?!\.)|\bfetch\(/.test(l) && !l.trim().startsWith('//'));
    if (i >= 0) problems.push(`${relative(root, file)}:${i + 1}: ${layer} reads the clock or network directly; use src/host`);
  }
}
if (problems.length) {
  console.error('dependency check failed:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('dependency directions: ok');
