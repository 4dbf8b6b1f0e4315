// Every `builtin` declared in stdlib/**/*.flux has a native implementation, and every
// native implementation has a declaration (ARCHITECTURE.md habit 3). Walks every package.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime } from '../../src/index.js';
import { nativePackages } from '../../src/stdlib/index.js';

test('every declared builtin is implemented and every native is declared', () => {
  const rt = createRuntime({ dataDir: '/nonexistent/promflux-test' });
  const problems: string[] = [];
  const paths = new Set([...rt.packagePaths(), ...nativePackages.map((p) => p.path)]);
  for (const path of paths) {
    const def = rt.registry.get(path);
    const natives = new Set(nativePackages.filter((p) => p.path === path).flatMap((p) => Object.keys(p.builtins)));
    if (!def) {
      for (const n of natives) problems.push(`${path}.${n}: native implementation without any stdlib/${path}/*.flux`);
      continue;
    }
    for (const name of def.builtins.keys()) if (!natives.has(name)) problems.push(`${path}.${name}: declared but not implemented`);
    for (const name of natives) if (!def.builtins.has(name)) problems.push(`${path}.${name}: implemented but not declared`);
  }
  assert.deepEqual(problems, []);
});

test('no native builtin is registered twice for one package', () => {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const p of nativePackages) {
    for (const k of Object.keys(p.builtins)) {
      const id = `${p.path}.${k}`;
      if (seen.has(id)) dups.push(id);
      seen.add(id);
    }
  }
  assert.deepEqual(dups, []);
});

test('every standard library package loads and runs its Flux definitions', async () => {
  const rt = createRuntime({ dataDir: '/nonexistent/promflux-test' });
  for (const path of rt.packagePaths()) {
    const r = await rt.run(`import p "${path}"\nx = 1`, { name: `load-${path}.flux` });
    assert.deepEqual(r.results, [], path);
  }
});

test('the Flux sources of every package pass the checks (names, arguments)', async () => {
  const { checkFile } = await import('../../src/semantic/index.js');
  const rt = createRuntime({ dataDir: '/nonexistent/promflux-test' });
  const problems: string[] = [];
  for (const path of rt.packagePaths()) {
    const def = rt.registry.get(path)!;
    const env = rt.checkEnv(new Map(def.members));
    for (const file of def.files) {
      const body = file.body.filter((st) => st.type !== 'BuiltinStatement' && st.type !== 'OptionStatement');
      for (const e of checkFile({ ...file, body }, env)) {
        if (e.id === 'assign.redeclared') continue; // members are predefined for the check
        problems.push(`${file.name}:${e.span?.start.line}: ${e.id}: ${e.message}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
