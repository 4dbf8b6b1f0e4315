// The Runtime facade: results, options, readOptions, sessions, docs, package listing,
// side effects, services, and isolation between runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Runtime } from '../../src/runtime/runtime.js';
import { createRuntime, directoryStdlib, defaultStdlibDir } from '../../src/index.js';
import { silentLogger } from '../../src/host/logger.js';
import type { NativePackage } from '../../src/runtime/builtin-api.js';
import { nativePackages } from '../../src/stdlib/index.js';
import { RecordValue, Time } from '../../src/values/value.js';
import type { StreamValue } from '../../src/values/value.js';
import { displayValue } from '../../src/values/display.js';
import { FluxError } from '../../src/errors/index.js';
import { fixedClock, runtime, spanText } from '../interpreter/flux.js';

test('run returns bare scalar results with an empty name, in program order', async () => {
  const r = await runtime().run('1 + 1\nx = 5\n"s"');
  assert.deepEqual(r.results.map((x) => [x.name, displayValue(x.value)]), [['', '2'], ['', '"s"']]);
  assert.deepEqual(r.stats, { calls: [] });
});

test('run rejects with every syntax diagnostic', async () => {
  await assert.rejects(runtime().run('x = (1 +\n', { name: 'bad.flux' }), (e: Error & { id?: string; source?: string }) => e.id === 'syntax.unexpectedEOF' && e.source === 'bad.flux');
});

test('options of one run do not leak into the next', async () => {
  const rt = runtime();
  const a = await rt.run('option now = () => 2040-01-01T00:00:00Z\nnow()');
  const b = await rt.run('now()');
  assert.deepEqual(a.results[0]!.value, new Time(2_208_988_800_000_000_000n));
  assert.deepEqual(b.results[0]!.value, new Time(1_893_456_000_000_000_000n));
  await rt.run('import "math"\noption math.pi = 3.0\nmath.pi');
  const c = await rt.run('import "math"\nmath.pi');
  assert.equal(c.results[0]!.value, Math.PI);
});

test('option on a package member that does not exist is an error', async () => {
  await assert.rejects(runtime().run('import "math"\noption math.nope = 1'), (e: Error & { id?: string }) => e.id === 'package.unknownMember');
});

test('readOptions evaluates only options (and the plain assignments they use)', async () => {
  const src = 'import "strings"\nevery = 1h\noption task = {name: "t", every: every, offset: 5m}\nx = die(msg: "must not run")\noption now = () => 2030-01-01T00:00:00Z';
  const opts = await runtime().readOptions(src, 'task.flux');
  const task = opts.get('task');
  assert.ok(task instanceof RecordValue);
  assert.equal(displayValue(task), '{name: "t", every: 1h, offset: 5m}');
  assert.ok(opts.has('now'));
});

test('readOptions reports package options as pkg.name', async () => {
  const opts = await runtime().readOptions('import "math"\noption math.pi = 3.0');
  assert.equal(opts.get('math.pi'), 3.0);
});

test('a session keeps its scope and imports between evaluations and allows redefinition', async () => {
  const s = runtime().session();
  await s.eval('import "strings"\nx = 2');
  const r = await s.eval('f = (y) => x * y\nf(y: 21)');
  assert.equal(r.results[0]!.value, 42n);
  const r2 = await s.eval('x = 10\nstrings.toUpper(v: "a")');
  assert.equal(r2.results[0]!.value, 'A');
  assert.equal((await s.eval('f(y: 1)')).results[0]!.value, 2n, 'f keeps the x it captured');
  assert.ok(s.names().includes('f'));
  assert.ok(s.names().includes('strings'));
  await assert.rejects(s.eval('nope + 1'), (e: Error & { id?: string }) => e.id === 'undefined.identifier');
  await assert.rejects(s.eval('y = die(msg: "x")'), (e: Error & { id?: string }) => e.id === 'die');
  assert.equal((await s.eval('x')).results[0]!.value, 10n, 'the session survives errors');
});

// A name defined in an earlier input is checked as if defined earlier in the same program: a
// function's field reads and its record result, a value's type (these ran, unchecked, before).
test('a session checks calls of functions and values defined in earlier inputs', async () => {
  const s = runtime().session({ name: '<repl>' });
  await s.eval('f = (a) => a.b\ng = () => ({x: 1})\nn = 1', { name: '<repl:1>' });
  const fails = async (src: string, id: string, span: string, message?: RegExp) =>
    assert.rejects(s.eval(src, { name: '<repl:2>' }), (e: unknown) => {
      assert.ok(e instanceof FluxError, String(e));
      assert.equal(e.id, id, e.message);
      assert.equal(spanText(e), span);
      assert.equal(e.source, '<repl:2>');
      if (message) assert.match(e.message, message);
      return true;
    });
  // The read is in the earlier input: the message names it.
  await fails('y = f(a: {c: 1})', 'record.missingField', '1:10-1:16', /which f reads from a at <repl:1>:1:14 /);
  await fails('y = g().z', 'record.missingField', '1:9-1:10');
  await fails('y = if true then n else "a"', 'type.mismatch', '1:25-1:28');
  assert.ok(!s.names().includes('y'), 'nothing ran');
  assert.equal((await s.eval('f(a: {b: 2}) + g().x + n')).results[0]!.value, 4n);
  // A record read from a table may lack a column: that reads as null, in a later input too.
  await s.eval('import "array"\nrec = array.from(rows: [{a: 1}]) |> findRecord(fn: (key) => true, idx: 0)');
  assert.equal((await s.eval('exists rec.missing')).results[0]!.value, false);
  assert.equal((await s.eval('rec.missing')).results[0]!.value, null);
  // A redefinition replaces what was known.
  await s.eval('n = "a"');
  assert.equal((await s.eval('if true then n else "b"')).results[0]!.value, 'a');
});

test('a session checks the fields of records written in earlier inputs', async () => {
  const s = runtime().session({ name: '<repl>' });
  const fails = async (src: string, span: string) =>
    assert.rejects(s.eval(src, { name: '<repl:n>' }), (e: unknown) => {
      assert.ok(e instanceof FluxError, String(e));
      assert.equal(e.id, 'record.missingField', e.message);
      assert.equal(spanText(e), span);
      return true;
    });
  await s.eval('r = {a: 1, n: {b: 2}}');
  await fails('x = r.c', '1:7-1:8');
  await fails('x = r.n.z', '1:9-1:10');
  await s.eval('t = {r with c: 3}');
  await fails('x = t.d', '1:7-1:8');
  assert.equal((await s.eval('t.c + r.n.b')).results[0]!.value, 5n);
  // Defined before an input failed at run time: still known.
  await assert.rejects(s.eval('q = {a: 1}\nx = die(msg: "stop")'), (e: Error & { id?: string }) => e.id === 'die');
  await fails('x = q.b', '1:7-1:8');
  // Redefined as something else: the old fields no longer apply.
  await s.eval('import "array"\nr = array.from(rows: [{a: 1}]) |> findRecord(fn: (key) => true, idx: 0)');
  assert.equal((await s.eval('r.c')).results[0]!.value, null);
});

test('builtinDoc, packagePaths, packageMembers', () => {
  const rt = runtime();
  const doc = rt.builtinDoc('strings', 'substring');
  assert.ok(doc);
  assert.equal(doc.signature, '(v: string, start: int, end: int) => string');
  assert.match(doc.doc, /^substring returns the characters/);
  assert.equal(rt.builtinDoc('universe', 'yield')?.signature, '(<-tables: stream[A], ?name: string) => stream[A]');
  assert.match(rt.builtinDoc('types', 'isNumeric')?.doc ?? '', /isNumeric reports/);
  assert.equal(rt.builtinDoc('strings', 'nope'), undefined);
  assert.equal(rt.builtinDoc('nope', 'x'), undefined);
  for (const p of ['universe', 'strings', 'regexp', 'math', 'date', 'dict', 'types', 'array', 'timezone']) assert.ok(rt.packagePaths().includes(p), p);
  assert.ok(rt.packageMembers('strings').includes('toUpper'));
  assert.ok(rt.packageMembers('universe').includes('now'));
  assert.deepEqual(rt.packageMembers('nope'), []);
});

function testRuntime(extra: NativePackage[], stdlib = directoryStdlib(defaultStdlibDir())): Runtime {
  return new Runtime({ stdlib, natives: [...nativePackages.filter((p) => p.path !== 'math'), ...extra], clock: fixedClock, logger: silentLogger, dataDir: '/tmp/x' });
}

test('side effects run before run() resolves; a failing one rejects the run', async () => {
  const log: string[] = [];
  let fail = false;
  const fake: NativePackage = {
    path: 'math',
    builtins: {
      ...nativePackages.find((p) => p.path === 'math')!.builtins,
      abs: (args, ctx) => {
        ctx.addSideEffect(async () => {
          log.push(`effect ${ctx.name}`);
          if (fail) throw new Error('write failed');
        });
        return args.get('x')!;
      },
    },
  };
  const rt = testRuntime([fake]);
  await rt.run('import "math"\nx = math.abs(x: 1.0)');
  assert.deepEqual(log, ['effect math.abs']);
  fail = true;
  await assert.rejects(rt.run('import "math"\nx = math.abs(x: 1.0)'), /write failed/);
});

test('natives reach services, options and stats through the context; close() closes services', async () => {
  const closed: string[] = [];
  let calls = 0;
  const fake: NativePackage = {
    path: 'math',
    builtins: {
      ...nativePackages.find((p) => p.path === 'math')!.builtins,
      abs: (args, ctx) => {
        const svc = ctx.services.get('counter', () => ({ n: 0, close: async () => void closed.push('counter') }));
        svc.n++;
        calls = svc.n;
        ctx.stat?.({ rowsIn: 3, rowsOut: 1 });
        assert.equal(displayValue(ctx.option('location') ?? null), '{zone: "UTC", offset: 0ns}');
        assert.equal(ctx.dataDir, '/tmp/x');
        return args.get('x')!;
      },
    },
  };
  const rt = testRuntime([fake]);
  const r = await rt.run('import "math"\nx = math.abs(x: 1.0)\ny = math.abs(x: 2.0)');
  assert.equal(calls, 2, 'one service instance shared');
  assert.equal(r.stats.calls.length, 2);
  assert.equal(r.stats.calls[0]!.name, 'math.abs');
  assert.equal(r.stats.calls[0]!.rowsIn, 3);
  await rt.close();
  assert.deepEqual(closed, ['counter']);
});

test('a native returning a promise makes evaluation asynchronous, transparently', async () => {
  const fake: NativePackage = {
    path: 'math',
    builtins: { ...nativePackages.find((p) => p.path === 'math')!.builtins, abs: async (args) => Math.abs(args.get('x') as number) },
  };
  const rt = testRuntime([fake]);
  const r = await rt.run('import "math"\nf = (v) => math.abs(x: v) + 1.0\n[f(v: -1.0), f(v: -2.0)]\n"${math.abs(x: -3.0)}"\nif math.abs(x: -1.0) > 0.5 then "big" else "small"');
  assert.deepEqual(r.results.map((x) => displayValue(x.value)), ['[2.0, 3.0]', '"3"', '"big"']);
  await assert.rejects(rt.run('import "math"\nx = math.abs(x: -1.0) + 1'), (e: Error & { id?: string }) => e.id === 'type.mismatch');
});

test('yield of a stream-like value records it once, under its name', async () => {
  const stream: StreamValue = { kind: 'stream' };
  const fake: NativePackage = {
    path: 'math',
    builtins: { ...nativePackages.find((p) => p.path === 'math')!.builtins, NaN: () => stream as never },
  };
  const rt = testRuntime([fake]);
  const r = await rt.run('import "math"\nmath.NaN() |> yield(name: "a")\nmath.NaN()');
  assert.deepEqual(r.results.map((x) => x.name), ['a']);
  assert.equal(r.results[0]!.value, stream);
});

test('an unknown time zone in option location fails at the first date call', async () => {
  await assert.rejects(
    runtime().run('import "date"\noption location = {zone: "No/Where", offset: 0h}\nx = date.hour(t: now())'),
    (e: Error & { id?: string }) => e.id === 'location.unknownZone',
  );
});

test('createRuntime defaults', async () => {
  const rt = createRuntime({ dataDir: '/tmp/promflux-x', clock: fixedClock });
  assert.equal((await rt.run('now()')).results[0]!.value instanceof Time, true);
});

test('an aborted signal stops a long-running program with run.canceled', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    runtime().run('f = (n) => if n == 0 then 0 else f(n: n - 1) + f(n: n - 1)\nx = f(n: 15)', { signal: ac.signal }),
    (e: Error & { id?: string }) => e.id === 'run.canceled',
  );
});

test('eval returns the last expression value; query returns named results', async () => {
  assert.equal(await runtime().eval('x = 20\nx + 1\nx * 2'), 40n);
  assert.equal(await runtime().eval('x = 1'), null);
  const results = await runtime().query('1\n"a"');
  assert.deepEqual(results.map((r) => r.value), [1n, 'a']);
});
