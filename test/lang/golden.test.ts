// Golden fixtures: fixtures/syntax/<name>.flux -> <name>.ast.json (one per construct) and
// fixtures/errors/<name>.flux -> <name>.diag.txt (one per error class). `npm run golden`
// rewrites the snapshots.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWithStats } from '../../src/lang/index.js';
import { assertGolden } from '../support/golden.js';
import { FIXTURES, listFiles, snapshotAst, snapshotDiagnostics } from './support.js';

describe('syntax fixtures', () => {
  const files = listFiles(join(FIXTURES, 'syntax'), '.flux');
  it('has fixtures', () => assert.ok(files.length >= 10));
  for (const f of files) {
    it(basename(f), () => {
      const source = readFileSync(f, 'utf8');
      const r = parseWithStats(source, basename(f));
      assert.deepEqual(
        r.diagnostics.map((d) => `${d.id}: ${d.message}`),
        [],
        'a syntax fixture parses without diagnostics',
      );
      assert.equal(r.parseCount, 1, 'exactly one parse');
      assertGolden(f.replace(/\.flux$/, '.ast.json'), snapshotAst(r.file));
    });
  }
});

describe('error fixtures', () => {
  const files = listFiles(join(FIXTURES, 'errors'), '.flux');
  it('has fixtures', () => assert.ok(files.length >= 10));
  for (const f of files) {
    it(basename(f), () => {
      const source = readFileSync(f, 'utf8');
      const r = parseWithStats(source, basename(f));
      assert.ok(r.diagnostics.length > 0, 'an error fixture has diagnostics');
      assert.ok(r.parseCount <= 1, 'never more than one parse');
      for (const d of r.diagnostics) {
        assert.notEqual(d.id, 'internal');
        assert.ok(d.span, `${d.id} has a span`);
      }
      assertGolden(f.replace(/\.flux$/, '.diag.txt'), snapshotDiagnostics(r.diagnostics, source));
    });
  }
});
