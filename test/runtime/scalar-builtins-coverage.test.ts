// Every scalar builtin (universe helpers, strings, regexp, math, date, dict, types, array,
// timezone) has tests: its name appears in a call in the package's test file, and it rejects
// unknown and missing arguments before running.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/env.js';
import { runtime } from '../interpreter/flux.js';

const packages: Record<string, { tests: string; only?: string[] }> = {
  universe: { tests: 'test/stdlib/universe/scalars.test.ts', only: ['now', 'string', 'int', 'uint', 'float', 'bool', 'time', 'duration', 'bytes', 'display', 'length', 'contains', 'die', 'yield'] },
  strings: { tests: 'test/stdlib/strings' },
  regexp: { tests: 'test/stdlib/regexp' },
  math: { tests: 'test/stdlib/math' },
  date: { tests: 'test/stdlib/date' },
  dict: { tests: 'test/stdlib/dict' },
  types: { tests: 'test/stdlib/types' },
  array: { tests: 'test/stdlib/array/scalar.test.ts', only: ['map', 'filter', 'concat'] },
  timezone: { tests: 'test/stdlib/timezone' },
};

function testText(path: string): string {
  const p = join(REPO_ROOT, path);
  if (p.endsWith('.ts')) return readFileSync(p, 'utf8');
  return readdirSync(p)
    .filter((n) => n.endsWith('.test.ts'))
    .map((n) => readFileSync(join(p, n), 'utf8'))
    .join('\n');
}

for (const [path, spec] of Object.entries(packages)) {
  const def = runtime().registry.get(path)!;
  const names = spec.only ?? [...def.builtins.keys()];
  const text = testText(spec.tests);
  test(`${path}: every builtin is exercised by its tests`, () => {
    const untested = names.filter((n) => {
      const call = path === 'universe' ? new RegExp(`(^|[^.\\w])${n}\\(`) : new RegExp(`${path}\\.${n}\\b`);
      return !call.test(text);
    });
    assert.deepEqual(untested, []);
  });
  test(`${path}: every builtin function rejects unknown and missing arguments`, () => {
    for (const name of names) {
      const sig = def.builtins.get(name)?.sig;
      if (!sig) continue; // a constant
      const callee = path === 'universe' ? name : `p.${name}`;
      const prefix = path === 'universe' ? '' : `import p "${path}"\n`;
      const unknown = runtime().check(`${prefix}x = ${callee}(zzzUnknown: 1)`, 't.flux').map((e) => e.id);
      assert.ok(unknown.includes('call.unknownArgument'), `${path}.${name}: ${unknown.join(', ')}`);
      if (sig.params.some((p) => !p.optional && !p.pipe)) {
        const missing = runtime().check(`${prefix}x = ${callee}()`, 't.flux').map((e) => e.id);
        assert.deepEqual(missing.filter((id) => id !== 'call.missingArgument' && id !== 'call.missingPipe'), [], `${path}.${name}`);
        assert.ok(missing.includes('call.missingArgument'), `${path}.${name}`);
      }
    }
  });
}
