// Errors raised while a stream is read (after the calls that built it have returned) name
// those calls: the error keeps the span of the failing code and gains one Flux stack frame
// per call of the chain that made the stream, ending with the user's call, exactly as an
// error thrown while the calls run (./errors.test.ts). See src/interpreter/call-frame.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FluxError } from '../../src/errors/index.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { directoryStdlib, defaultStdlibDir } from '../../src/index.js';
import { silentLogger } from '../../src/host/logger.js';
import type { NativePackage } from '../../src/runtime/builtin-api.js';
import { nativePackages } from '../../src/stdlib/index.js';
import { fixedClock, runtime, spanText } from './flux.js';

/** The error the program fails with once its results are read to the end. */
async function readError(source: string, rt: Runtime = runtime()): Promise<FluxError> {
  try {
    await rt.run(source, { name: 'test.flux', drainResults: true });
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(source)} to fail`);
}

const rows = 'import "array"\ndata = array.from(rows: [{_value: "x", n: 0}])\n';

interface LazyCase {
  readonly name: string;
  /** Appended to `rows` (so it starts on line 3). */
  readonly src: string;
  readonly id: string;
  /** Where the failing code is: the script (with its span) or a stdlib package. */
  readonly source: 'test.flux' | `stdlib/${string}`;
  readonly span?: string;
  /** The Flux stack, innermost first: exact frames, or patterns for frames inside the stdlib. */
  readonly frames: readonly (string | RegExp)[];
}

const STDLIB_MAP = /^function "map" @\d+:\d+-\d+:\d+$/;

const cases: LazyCase[] = [
  {
    name: 'toInt() (map in the stdlib) names the call in the script',
    src: 'data\n  |> toInt()\n  |> yield(name: "x")\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "int" @/, STDLIB_MAP, 'function "toInt" @4:6-4:13'],
  },
  {
    name: 'toUInt()',
    src: 'data |> toUInt()\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "uint" @/, STDLIB_MAP, 'function "toUInt" @3:9-3:17'],
  },
  {
    name: 'toFloat()',
    src: 'data |> toFloat()\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "float" @/, STDLIB_MAP, 'function "toFloat" @3:9-3:18'],
  },
  {
    name: 'toBool()',
    src: 'data |> toBool()\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "bool" @/, STDLIB_MAP, 'function "toBool" @3:9-3:17'],
  },
  {
    name: 'toTime()',
    src: 'data |> toTime()\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "time" @/, STDLIB_MAP, 'function "toTime" @3:9-3:17'],
  },
  {
    name: 'map with a failing row function in the script',
    src: 'data |> map(fn: (r) => ({r with v: int(v: r._value)}))\n',
    id: 'convert.invalidSyntax',
    source: 'test.flux',
    span: '3:36-3:52',
    frames: ['function "int" @3:36-3:52', 'function "map" @3:9-3:55'],
  },
  {
    name: 'filter with a failing predicate',
    src: 'data |> filter(fn: (r) => r.n + "s" == "s")\n',
    id: 'type.mismatch',
    source: 'test.flux',
    span: '3:27-3:36',
    frames: ['function "filter" @3:9-3:44'],
  },
  {
    name: 'reduce with a failing reducer',
    src: 'data |> reduce(identity: {s: 0}, fn: (r, accumulator) => ({s: accumulator.s / r.n}))\n',
    id: 'arith.divisionByZero',
    source: 'test.flux',
    span: '3:63-3:82',
    frames: ['function "reduce" @3:9-3:85'],
  },
  {
    name: 'a function of the script returning a stream built in its body',
    src: 'f = (t=<-) => t |> map(fn: (r) => ({r with v: 1 / r.n}))\ndata |> f()\n',
    id: 'arith.divisionByZero',
    source: 'test.flux',
    span: '3:47-3:54',
    frames: ['function "map" @3:20-3:57', 'function "f" @4:9-4:12'],
  },
  {
    name: 'a stdlib function called from a function of the script: every call of the chain',
    src: 'f = (t=<-) => t |> filter(fn: (r) => true) |> toInt()\ndata |> f()\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "int" @/, STDLIB_MAP, 'function "toInt" @3:47-3:54', 'function "f" @4:9-4:12'],
  },
  {
    name: 'read downstream (filter, limit, yield): attributed once, to the function that failed',
    src: 'data |> toInt() |> filter(fn: (r) => true) |> limit(n: 5) |> yield(name: "y")\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "int" @/, STDLIB_MAP, 'function "toInt" @3:9-3:16'],
  },
  {
    name: 'read by a function that consumes its input at once (findRecord): that call comes last',
    src: 'r = data |> toInt() |> findRecord(fn: (key) => true, idx: 0)\n',
    id: 'convert.invalidSyntax',
    source: 'stdlib/universe',
    frames: [/^function "int" @/, STDLIB_MAP, 'function "toInt" @3:13-3:20', 'function "findRecord" @3:24-3:61'],
  },
];

for (const c of cases) {
  test(`a lazily raised error: ${c.name}`, async () => {
    const e = await readError(rows + c.src);
    assert.equal(e.id, c.id);
    assert.equal(e.source, c.source);
    if (c.span !== undefined) assert.equal(spanText(e), c.span);
    assert.equal(e.fluxStack.length, c.frames.length, e.fluxStack.join('\n'));
    c.frames.forEach((want, i) => {
      const got = e.fluxStack[i]!;
      if (typeof want === 'string') assert.equal(got, want);
      else assert.match(got, want);
    });
  });
}

test('a lazily raised error names the table function like an eager one: error calling function "name" @l:c-l:c', async () => {
  const e = await readError(rows + 'data |> map(fn: (r) => ({r with v: 1 / r.n}))\n');
  assert.match(e.message, /^error calling function "map" @3:9-3:46: /);
});

test('a stream read twice attributes its error the same way both times', async () => {
  const src = rows + 'x = data |> toInt()\nx |> yield(name: "a")\nx |> yield(name: "b")\n';
  const r = await runtime().run(src, { name: 'test.flux' });
  assert.equal(r.results.length, 2);
  for (const res of r.results) {
    const stream = res.value as unknown as AsyncIterable<unknown>;
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      (e: unknown) => e instanceof FluxError && e.fluxStack.at(-1) === 'function "toInt" @3:13-3:20' && e.fluxStack.length === 3,
    );
  }
});

test('the call chain survives a native that answers asynchronously in the middle of a function body', async () => {
  // math.abs stands in for any native that returns a promise (a scrape, a query): the rest
  // of f's body, toInt() included, runs in a continuation.
  const fake: NativePackage = {
    path: 'math',
    builtins: { ...nativePackages.find((p) => p.path === 'math')!.builtins, abs: (args) => Promise.resolve(args.get('x')!) },
  };
  const rt = new Runtime({ stdlib: directoryStdlib(defaultStdlibDir()), natives: [...nativePackages.filter((p) => p.path !== 'math'), fake], clock: fixedClock, logger: silentLogger, dataDir: '/tmp/x' });
  const e = await readError('import "math"\n' + rows + 'f = (t=<-) => {\n  a = math.abs(x: 1.0)\n  return t |> toInt()\n}\ndata |> f()\n', rt);
  assert.equal(e.id, 'convert.invalidSyntax');
  assert.deepEqual(e.fluxStack.slice(-2), ['function "toInt" @6:15-6:22', 'function "f" @8:9-8:12']);
});

test('a stream passed through a call keeps its identity (a yielded stream is not printed again as _result)', async () => {
  const r = await runtime().run(rows + 'data |> toInt() |> yield(name: "y")\n', { name: 'test.flux' });
  assert.deepEqual(
    r.results.map((x) => x.name),
    ['y'],
  );
});
