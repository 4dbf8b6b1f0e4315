#!/usr/bin/env node
// promflux entry point: runs the compiled CLI from dist/ (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('promflux: not built yet; run `npm run build` in the promflux folder first\n');
  process.exit(2);
}
await import(entry.href);
