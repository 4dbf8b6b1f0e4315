// Seeded property test of range/filter pushdown into the embedded store: random data (every
// field type, NaN/±Inf, missing tags, several shards and segments, overwritten points, with and
// without compaction) and random `from |> range |> filter` queries, each run twice through the
// runtime: once pushed down, once with pushdown defeated (an unpushable filter first, so range
// and filter run in the table functions), compared table by table and cell by cell. When the
// evaluated query fails (a comparison Flux cannot evaluate, e.g. a string `_value` with a
// number), the pushed-down one must fail with the same error id, not return rows.
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import { openStore, BatchBuilder, isPushdownSource } from '../../src/store/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { systemClock } from '../../src/host/clock.js';
import { silentLogger } from '../../src/host/logger.js';
import { collectTables, formatTimeNs } from '../../src/table/index.js';
import type { Table, TableStream } from '../../src/table/types.js';
import { FluxError } from '../../src/errors/index.js';
import { Time, UInt } from '../../src/values/value.js';
import type { Value } from '../../src/values/value.js';
import { rng } from '../support/rng.js';

const dataDir = mkdtempSync(join(tmpdir(), 'promflux-pushprop-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const T0 = 1_767_000_000_000_000_000n;
const HOUR = 3_600_000_000_000n;


type Kind = 'float' | 'int' | 'uint' | 'bool' | 'string';
// Field name -> type; `v` has a type per measurement (as InfluxDB allows across measurements).
const FIELDS: Record<string, Kind> = { f: 'float', i: 'int', u: 'uint', b: 'bool', s: 'string' };
const V_TYPE: Record<string, Kind> = { cpu: 'float', mem: 'int', disk: 'string' };
const MEAS = ['cpu', 'mem', 'disk'];

const FLOATS = [NaN, Infinity, -Infinity, 0, -0, 1, 2, 2.5, 3, -1.5, 10, 1e300];
const INTS = [-3n, 0n, 1n, 2n, 3n, 10n, 2n ** 40n];
const UINTS = [0n, 1n, 2n, 3n, 10n, 2n ** 50n];
const STRINGS = ['', 'a', 'b', '10', 'x y'];

function sample(kind: Kind, pick: <T>(a: readonly T[]) => T): number | bigint | boolean | string | UInt {
  switch (kind) {
    case 'float':
      return pick(FLOATS);
    case 'int':
      return pick(INTS);
    case 'uint':
      return new UInt(pick(UINTS));
    case 'bool':
      return pick([true, false]);
    case 'string':
      return pick(STRINGS);
  }
}

// Literals in Flux per kind (names bound in the query prelude below).
const LITS: Record<Kind, readonly string[]> = {
  float: ['2.5', '3.0', '-1.5', '0.0', 'nan', 'inf', 'ninf'],
  int: ['2', '3', '-3', '0', '10'],
  uint: ['u2', 'u3', 'u10'],
  bool: ['true', 'false'],
  string: ['"a"', '"10"', '""', '"b"'],
};
const PRELUDE = 'nan = float(v: "NaN")\ninf = float(v: "+Inf")\nninf = float(v: "-Inf")\nu2 = uint(v: 2)\nu3 = uint(v: 3)\nu10 = uint(v: 10)\n';

/** Writes random data; returns what a full read must give: `series key|time|value` lines (later writes win). */
async function seed(store: ReturnType<typeof openStore>, bucket: string, rand: () => number): Promise<string[]> {
  const model = new Map<string, string>();
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  await store.createBucket(bucket, { retentionNs: 0n });
  const series: { m: string; tags: [string, string][]; f: string; kind: Kind }[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < 24; k++) {
    const m = pick(MEAS);
    const tags: [string, string][] = [];
    const host = pick(['a', 'b', 'c', undefined]);
    if (host) tags.push(['host', host]);
    const region = pick(['eu', 'us', undefined]);
    if (region) tags.push(['region', region]);
    const f = pick(['f', 'i', 'u', 'b', 's', 'v']);
    const key = JSON.stringify([m, tags, f]);
    if (seen.has(key)) continue;
    seen.add(key);
    series.push({ m, tags, f, kind: f === 'v' ? V_TYPE[m]! : FIELDS[f]! });
  }
  // Several writes (one segment each per shard), times over three weeks (7-day shards), with
  // overlapping times so that later writes replace earlier values.
  for (let w = 0; w < 4; w++) {
    const b = new BatchBuilder();
    for (const s of series) {
      const n = Math.floor(rand() * 5);
      for (let i = 0; i < n; i++) {
        // Half of the points on a few hot hours, so that writes often replace a value.
        const t = T0 + BigInt(rand() < 0.5 ? pick([0, 7, 200, 201, 400]) : Math.floor(rand() * 21 * 24)) * HOUR;
        const v = sample(s.kind, pick);
        b.add(s.m, s.tags, s.f, t, v);
        model.set(`${s.m}|${s.f}|${[...s.tags].sort().join(',')}|${t}`, cell(v));
      }
    }
    await store.write(bucket, b.build());
  }
  return [...model].map(([k, v]) => `${k}|${v}`).sort();
}

function modelRows(tables: Table[]): string[] {
  const out: string[] = [];
  for (const t of tables) {
    const tagCols = t.columns.filter((c) => !c.name.startsWith('_')).map((c) => c.name);
    for (let i = 0; i < t.length; i++) {
      const r = t.record(i);
      const tags = tagCols
        .map((k) => [k, r.get(k)] as [string, Value])
        .sort()
        .join(',');
      out.push(`${r.get('_measurement')}|${r.get('_field')}|${tags}|${(r.get('_time') as Time).ns}|${cell(r.get('_value') ?? null)}`);
    }
  }
  return out.sort();
}

/** A random predicate body over `r`; `unguarded` allows `_value` comparisons over every series. */
function predicate(rand: () => number, unguarded: boolean): string {
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const cmp = ['==', '!=', '<', '<=', '>', '>='];
  const flip: Record<string, string> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
  const value = (kind: Kind): string => {
    let op = pick(kind === 'bool' ? ['==', '!='] : cmp);
    const lit = pick(LITS[kind]);
    if (rand() < 0.3) return `${lit} ${flip[op]} r._value`;
    if (kind === 'bool' && rand() < 0.1) op = '<';
    return `r._value ${op} ${lit}`;
  };
  const atom = (): string =>
    pick([
      () => `r._measurement ${pick(['==', '!='])} "${pick([...MEAS, 'nope'])}"`,
      () => `r._field ${pick(['==', '!='])} "${pick(['f', 'i', 'u', 'b', 's', 'v', 'nope'])}"`,
      () => `r.${pick(['host', 'region', 'zone'])} ${pick(['==', '!='])} "${pick(['a', 'b', 'eu', 'us', ''])}"`,
      () => `r["${pick(['host', 'region', 'zone'])}"] ${pick(['=~', '!~'])} /${pick(['^[ab]$', 'u', '^$', '(?i)EU', '.*'])}/`,
      () => `${pick(['"a"', '"eu"'])} == r.${pick(['host', 'region'])}`,
      // A _value comparison of the field's own type (guarded by _field, and _measurement for v).
      () => {
        const f = pick(['f', 'i', 'u', 'b', 's', 'v']);
        if (f === 'v') {
          const m = pick(MEAS);
          return `(r._field == "v" and r._measurement == "${m}" and ${value(V_TYPE[m]!)})`;
        }
        return `(r._field == "${f}" and ${value(FIELDS[f]!)})`;
      },
      // Over every series: strings and booleans (numbers mix in Flux; see the unit tests).
      () => (unguarded ? value(pick(['string', 'bool'] as const)) : `r._field == "f"`),
    ])();
  const expr = (d: number): string => {
    const x = rand();
    if (d > 0 && x < 0.35) return `(${expr(d - 1)} ${pick(['and', 'or'])} ${expr(d - 1)})`;
    if (d > 0 && x < 0.45) return `not (${expr(d - 1)})`;
    return atom();
  };
  return expr(2);
}

function cell(v: Value): string {
  if (v === null) return 'null';
  if (v instanceof Time) return `t${v.ns}`;
  if (v instanceof UInt) return `u${v.value}`;
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'f-0' : `f${v}`;
  return `${typeof v}:${String(v)}`;
}

function canon(tables: Table[]): string[] {
  return tables
    .map((t) => {
      const rows: string[] = [];
      for (let i = 0; i < t.length; i++) rows.push(t.columns.map((c) => `${c.name}=${cell(t.record(i).get(c.name) ?? null)}`).join(' '));
      return `[${t.key.columns.map((c) => c.name).join(',')}] ${t.columns.map((c) => `${c.name}:${c.type}`).join(',')}\n  ${rows.join('\n  ')}`;
    })
    .sort();
}

type Outcome = { ok: string[] } | { err: string };

test('pushed-down range and filter give the rows the evaluated ones give (seeded)', async () => {
  const seeds = [1, 2, 3, 4];
  const seen = { rows: 0, empty: 0, errors: 0 };
  for (const seedNo of seeds) {
    const rand = rng(seedNo);
    const bucket = `p${seedNo}`;
    const compact = seedNo % 2 === 0;
    const store = openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock: systemClock, logger: silentLogger, compactionFanIn: 2 });
    const written = await seed(store, bucket, rand);
    if (compact) await store.maintain(bucket);
    await store.close();
    const rt = createRuntime({ dataDir, logger: silentLogger });
    try {
      // Everything written is read back once (later writes replace earlier values).
      const all = await rt.run(`from(bucket: "${bucket}") |> range(start: 2025-01-01T00:00:00Z, stop: 2027-01-01T00:00:00Z)`);
      assert.deepEqual(modelRows(await collectTables(all.results[0]!.value as TableStream)), written, `seed ${seedNo}: a full read`);
      const run = async (src: string, pushed: boolean): Promise<Outcome> => {
        try {
          const r = await rt.run(PRELUDE + src);
          const v = r.results.at(-1)!.value;
          // The pushed query really is pushed (from |> range |> filter is still a store source);
          // the evaluated one is not.
          assert.equal(isPushdownSource(v), pushed, src);
          return { ok: canon(await collectTables(v as TableStream)) };
        } catch (e) {
          if (e instanceof FluxError) return { err: e.id };
          throw e;
        }
      };
      for (let q = 0; q < 40; q++) {
        const body = predicate(rand, rand() < 0.3);
        // Sometimes a second filter (pushed too: the two predicates are and-ed in the store).
        const second = rand() < 0.3 ? ` |> filter(fn: (r) => ${predicate(rand, rand() < 0.3)})` : '';
        // Bounds on the hour grid (exactly on points) or between; sometimes empty or reversed-to-empty.
        const a = BigInt(Math.floor(rand() * 22 * 24)) * HOUR + (rand() < 0.2 ? 1n : 0n);
        const span = BigInt(Math.floor(rand() * 14 * 24)) * HOUR;
        const start = formatTimeNs(T0 + a);
        const stop = formatTimeNs(T0 + a + span);
        const pushed = `from(bucket: "${bucket}") |> range(start: ${start}, stop: ${stop}) |> filter(fn: (r) => ${body})${second}`;
        const evaluated =
          `from(bucket: "${bucket}") |> range(start: 2025-01-01T00:00:00Z, stop: 2027-01-01T00:00:00Z) |> filter(fn: (r) => exists r._time)` +
          ` |> range(start: ${start}, stop: ${stop}) |> filter(fn: (r) => ${body})${second}`;
        const want = await run(evaluated, false);
        const got = await run(pushed, true);
        assert.deepEqual(got, want, `seed ${seedNo} (compacted: ${compact}), query ${q}:\n${pushed}`);
        if ('err' in want) seen.errors++;
        else if (want.ok.length === 0) seen.empty++;
        else seen.rows++;
      }
    } finally {
      await rt.close();
    }
  }
  // The generator reaches every outcome: rows, no rows, and an error.
  assert.ok(seen.rows > 40 && seen.empty > 5 && seen.errors > 5, JSON.stringify(seen));
});

describe('pushdown and the evaluator agree on', () => {
  // One small bucket: a float series with NaN, a float series without the region tag, and
  // int, bool and string series.
  const ready = (async () => {
    const store = openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock: systemClock, logger: silentLogger });
    await store.createBucket('fix', { retentionNs: 0n });
    const b = new BatchBuilder();
    b.add('cpu', [['host', 'a'], ['region', 'eu']], 'f', T0, NaN);
    b.add('cpu', [['host', 'a'], ['region', 'eu']], 'f', T0 + HOUR, 2.5);
    b.add('cpu', [['host', 'a'], ['region', 'eu']], 'f', T0 + 2n * HOUR, 4);
    b.add('cpu', [['host', 'b']], 'f', T0, 1);
    b.add('cpu', [['host', 'a']], 'i', T0, 3n);
    b.add('cpu', [['host', 'a']], 'b', T0, true);
    b.add('log', [], 's', T0 + 5n * HOUR, 'x');
    await store.write('fix', b.build());
    await store.close();
  })();
  const rt = createRuntime({ dataDir, logger: silentLogger });
  after(() => rt.close());
  const range = (hours = 4n) => `range(start: ${formatTimeNs(T0)}, stop: ${formatTimeNs(T0 + hours * HOUR)})`;
  /**
   * `filter(fn: (r) => body)` for each body in a row, pushed down (all of them) or evaluated
   * (a first filter the store cannot take stops the pushdown).
   */
  const runFilters = async (bodies: readonly string[], pushed: boolean, hours?: bigint): Promise<Outcome> => {
    await ready;
    const filters = bodies.map((b) => `filter(fn: (r) => ${b})`).join(' |> ');
    const src = `from(bucket: "fix") |> ${range(hours)} |> ${pushed ? '' : 'filter(fn: (r) => exists r._time) |> '}${filters}`;
    try {
      const r = await rt.run(PRELUDE + src);
      return { ok: canon(await collectTables(r.results.at(-1)!.value as TableStream)) };
    } catch (e) {
      if (e instanceof FluxError) return { err: e.id };
      throw e;
    }
  };
  const run = (body: string, pushed: boolean, hours?: bigint): Promise<Outcome> => runFilters([body], pushed, hours);
  const rows = (o: Outcome) => ('ok' in o ? o.ok.reduce((n, t) => n + t.split('\n  ').length - 1, 0) : -1);

  test('a _value comparison with a value of another kind is an error, not a silent false', async () => {
    // The bool and string series cannot be compared with a number: `not` must not turn that into true.
    for (const body of ['not (r._value > 1.0)', 'r._value != 2', '"x" == r._value or r._field == "f"']) {
      assert.deepEqual(await run(body, true), { err: 'type.mismatch' }, body);
      assert.deepEqual(await run(body, true), await run(body, false), body);
    }
    const bool = '(r._field == "b" and r._value > true)';
    assert.deepEqual(await run(bool, true), { err: 'type.notComparable' });
    assert.deepEqual(await run(bool, true), await run(bool, false));
    // A deciding operand before the comparison stops the evaluation, as in the evaluator.
    for (const body of ['r._field == "f" and not (r._value > 1.0)', 'r._field != "s" and r._field != "i" and (r._field == "b" or r._value >= 3.0)']) {
      const got = await run(body, true);
      assert.ok('ok' in got, body);
      assert.deepEqual(got, await run(body, false), body);
    }
    // The string series has no point in this range: nothing is compared, nothing fails.
    const late = 'r._field != "b" and r._field != "i" and r._value > 1.0';
    assert.equal(rows(await run(late, true, 3n)), 2);
    assert.deepEqual(await run(late, true, 3n), await run(late, false, 3n));
    assert.deepEqual(await run(late, true, 6n), { err: 'type.mismatch' });
  });

  test('the error of a pushed comparison points at the filter function', async () => {
    await ready;
    const fnText = '(r) => not (r._value > 1.0)';
    const src = `from(bucket: "fix")\n  |> ${range()}\n  |> filter(fn: ${fnText})`;
    const at = src.indexOf(fnText);
    await assert.rejects(
      async () => collectTables((await rt.run(src)).results.at(-1)!.value as TableStream),
      (e: unknown) => e instanceof FluxError && e.id === 'type.mismatch' && e.span?.start.offset === at && e.span.end.offset === at + fnText.length,
    );
  });

  test('NaN: every comparison is false except !=', async () => {
    const ne = await run('r._field == "f" and r._value != 2.5', true);
    assert.deepEqual(ne, await run('r._field == "f" and r._value != 2.5', false));
    assert.ok('ok' in ne && ne.ok.some((t) => t.includes('_value=fNaN')), 'the NaN point passes !=');
    for (const op of ['==', '<', '<=', '>', '>=']) {
      const body = `r._field == "f" and r._value ${op} nan`;
      assert.deepEqual(await run(body, true), { ok: [] }, body);
      assert.deepEqual(await run(body, true), await run(body, false), body);
    }
    assert.equal(rows(await run('r._field == "f" and r._value != nan', true)), 4);
  });

  // Flux SPEC, "Missing values (null)": and/or are three-valued (`null and true` is null,
  // `null and false` false, `null or false` null), and `not null` is null.
  test('a missing tag: three-valued and/or, not null is null', async () => {
    for (const body of [
      'not (r.region == "eu" and r._field == "f")',
      'not (r.region == "us" or r._field == "i")',
      'not (r.region == "eu")',
      'r.region != "eu" or r.host == "b"',
      'not (r.region == "eu" and r._field == "i")',
    ]) {
      const got = await run(body, true);
      assert.deepEqual(got, await run(body, false), body);
    }
    // The host=b float series has no region: `null and true` is null, so not drops it ...
    const got = await run('not (r.region == "eu" and r._field == "f")', true);
    assert.ok('ok' in got && !got.ok.some((t) => t.includes('host=string:b')), 'the series without region is dropped');
    // ... while `null and false` is false, so not keeps it.
    const kept = await run('not (r.region == "eu" and r._field == "i")', true);
    assert.ok('ok' in kept && kept.ok.some((t) => t.includes('host=string:b')), 'the series without region is kept');
    // A null left operand decides nothing: the right one is evaluated (and fails on the
    // string series, pushed or not).
    assert.deepEqual(await run('r.region == "eu" and r._value > 1.0', true), { err: 'type.mismatch' });
    assert.deepEqual(await run('r.region == "eu" and r._value > 1.0', false), { err: 'type.mismatch' });
  });

  test('successive filters: a row the first drops for null never reaches the second', async () => {
    // The string series has no region: the first filter drops it, so the second never
    // compares its _value with a number (one filter with `and` would: see above).
    for (const pushed of [true, false]) {
      const got = await runFilters(['r.region == "eu"', 'r._value > 1.0'], pushed);
      assert.ok('ok' in got, `pushed: ${pushed}`);
      assert.deepEqual(got, await runFilters(['r.region == "eu"', 'r._value > 1.0'], !pushed));
    }
  });

  test('numbers of different types compare as in Flux (int with float as float64)', async () => {
    // Flux values/binary.go defines <, ==, ... between int, uint and float.
    assert.equal(rows(await run('r._field == "i" and r._value > 2.5', true)), 1);
    assert.equal(rows(await run('r._field == "i" and r._value == 3.0', true)), 1);
    assert.equal(rows(await run('r._field == "f" and r._value >= u2', true)), 2);
  });
});
