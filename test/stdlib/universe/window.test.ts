// windowsOf (src/stdlib/universe/window.ts) has three paths (exact doubles over Int32 words,
// contiguous BigInt runs, and the general map of windows); each must give the windows a
// naive BigInt computation gives, over random sorted and unsorted times with long gaps
// (beyond the 2^52 ns chunk of the fast path), offsets, bounds and createEmpty.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeContext } from '../../../src/runtime/builtin-api.js';
import { Duration, Time } from '../../../src/values/value.js';
import type { Value } from '../../../src/values/value.js';
import { ColBuilder } from '../../../src/stdlib/universe/lib/columns.js';
import type { Frame } from '../../../src/stdlib/universe/lib/frame.js';
import { Windower, windowOptions, windowsOf } from '../../../src/stdlib/universe/window.js';
import { rng } from '../../support/rng.js';
import { collectTables, groupKeyId, isTableStream } from '../../../src/table/index.js';
import { runtime } from '../../interpreter/flux.js';

const ctx = { name: 'window', span: undefined, source: undefined, option: () => undefined } as unknown as NativeContext;


const SEC = 1_000_000_000n;
const DAY = 86_400n * SEC;

function frame(times: bigint[], bounds: [bigint, bigint] | null): Frame {
  const tb = new ColBuilder('time', times.length);
  for (const t of times) tb.pushInt(t);
  const names = ['_time'];
  const cols = [tb.finish()];
  const keyNames: string[] = [];
  const keyValues: Time[] = [];
  if (bounds !== null) {
    for (const [name, v] of [['_start', bounds[0]], ['_stop', bounds[1]]] as const) {
      const b = new ColBuilder('time', times.length);
      for (let i = 0; i < times.length; i++) b.pushInt(v);
      names.push(name);
      cols.push(b.finish());
      keyNames.push(name);
      keyValues.push(new Time(v));
    }
  }
  return { names, cols, length: times.length, keyNames, keyValues };
}

/** Windows as [start, stop, sorted rows] computed naively. */
function naive(times: bigint[], every: bigint, offset: bigint, bounds: [bigint, bigint] | null, createEmpty: boolean): string[] {
  const align = (t: bigint) => {
    let r = (t - offset) % every;
    if (r < 0n) r += every;
    return t - r;
  };
  const byStart = new Map<bigint, number[]>();
  times.forEach((t, i) => {
    const s = align(t);
    if (!byStart.has(s)) byStart.set(s, []);
    byStart.get(s)!.push(i);
  });
  if (createEmpty) {
    const lo = bounds !== null ? align(bounds[0]) : times.length ? align(times.reduce((a, b) => (a < b ? a : b))) : undefined;
    const hi = bounds !== null ? bounds[1] : times.length ? times.reduce((a, b) => (a > b ? a : b)) + 1n : undefined;
    if (lo !== undefined && hi !== undefined) for (let s = lo; s < hi; s += every) if (!byStart.has(s)) byStart.set(s, []);
  }
  return [...byStart.keys()]
    .sort((a, b) => (a < b ? -1 : 1))
    .map((s) => {
      let a = s;
      let b = s + every;
      if (bounds !== null) {
        if (a < bounds[0]) a = bounds[0];
        if (b > bounds[1]) b = bounds[1];
      }
      return `${a}-${b}:${byStart.get(s)!.join(',')}`;
    });
}

function actual(f: Frame, every: bigint, offset: bigint, createEmpty: boolean): string[] {
  const o = windowOptions(
    new Map<string, Value>([
      ['every', Duration.ofNanos(every)],
      ['offset', Duration.ofNanos(offset)],
      ['createEmpty', createEmpty],
    ]),
    ctx,
    false,
    false,
  );
  const ws = windowsOf(f, o, ctx);
  const out: string[] = [];
  for (let k = 0; k < ws.starts.length; k++) {
    const rows: number[] = [];
    for (let j = ws.offsets[k]!; j < ws.offsets[k + 1]!; j++) rows.push(ws.rows === null ? j : ws.rows[j]!);
    rows.sort((a, b) => a - b);
    out.push(`${ws.starts[k]}-${ws.stops[k]}:${rows.join(',')}`);
  }
  return out;
}

describe('windowsOf agrees with a naive computation', () => {
  for (let seed = 1; seed <= 24; seed++) {
    test(`seed ${seed}`, () => {
      const rand = rng(seed);
      const every = [10n * SEC, 60n * SEC, 3600n * SEC, DAY][seed % 4]!;
      const offset = seed % 3 === 0 ? 7n * SEC : 0n;
      const n = 1 + Math.floor(rand() * 60);
      const times: bigint[] = [];
      let t = 1_893_456_000n * SEC + BigInt(Math.floor(rand() * 1e6)) * 1000n;
      for (let i = 0; i < n; i++) {
        // Mostly small steps, sometimes a gap of up to 200 days (beyond the 2^52 ns chunk).
        const r = rand();
        t += r < 0.05 ? BigInt(Math.floor(rand() * 200)) * DAY : BigInt(Math.floor(rand() * Number(every) * 3));
        times.push(t);
      }
      // The long-gap cases use hour/day windows so that createEmpty stays small.
      const longGaps = every >= 3600n * SEC;
      const sorted = seed % 5 !== 0 ? times : [...times].reverse();
      const useBounds = seed % 2 === 0;
      const bounds: [bigint, bigint] | null = useBounds ? [times[0]! - 5n * SEC, times[times.length - 1]! + every + 3n * SEC] : null;
      for (const createEmpty of longGaps || !useBounds ? [false, true] : [false]) {
        if (createEmpty && !longGaps && (bounds === null ? times[times.length - 1]! - times[0]! : bounds[1] - bounds[0]) / every > 100_000n) continue;
        assert.deepEqual(
          actual(frame(sorted, bounds), every, offset, createEmpty),
          naive(sorted, every, offset, bounds, createEmpty),
          `every ${every} offset ${offset} createEmpty ${createEmpty} bounds ${useBounds}`,
        );
      }
    });
  }
});

describe('window() keeps group keys unique (Flux SPEC "Tables")', () => {
  async function windows(src: string): Promise<{ key: string; times: string[] }[]> {
    const r = await runtime().run(src, { name: 'window.flux' });
    const v = r.results.at(-1)!.value;
    assert.ok(isTableStream(v));
    const ts = await collectTables(v);
    assert.equal(new Set(ts.map((t) => groupKeyId(t.key))).size, ts.length, 'one table per group key');
    return ts.map((t) => ({
      key: t.key.columns.map((c, i) => `${c.name}=${String((t.key.values[i] as Time).ns ?? t.key.values[i])}`).join(','),
      times: Array.from({ length: t.length }, (_, i) => String((t.record(i).get('_time') as Time).ns)),
    }));
  }

  test('windows of a period longer than the range, clipped to the same bounds, are one table', async () => {
    // Every row lies in three 3m windows; all three are clipped to the 30 s range.
    const got = await windows(`import "array"
array.from(rows: [{_time: 2030-01-01T00:00:10Z, _value: 1}, {_time: 2030-01-01T00:00:20Z, _value: 2}])
  |> range(start: 2030-01-01T00:00:00Z, stop: 2030-01-01T00:00:30Z)
  |> window(every: 1m, period: 3m)`);
    const t10 = String(1_893_456_010n * SEC);
    const t20 = String(1_893_456_020n * SEC);
    assert.deepEqual(got, [{ key: `_start=${1_893_456_000n * SEC},_stop=${1_893_456_030n * SEC}`, times: [t10, t20, t10, t20, t10, t20] }]);
  });

  test('windows of input tables that differ only in _start/_stop merge when their bounds coincide', async () => {
    const got = await windows(`import "array"
data = array.from(rows: [{_time: 2030-01-01T00:00:10Z, _value: 1}, {_time: 2030-01-01T00:01:10Z, _value: 2}])
union(tables: [
  data |> range(start: 2030-01-01T00:00:00Z, stop: 2030-01-01T00:01:30Z),
  data |> range(start: 2030-01-01T00:00:00Z, stop: 2030-01-01T00:01:40Z),
]) |> window(every: 1m)`);
    const t0 = 1_893_456_000n * SEC;
    assert.deepEqual(
      got.map((w) => w.key),
      [`_start=${t0},_stop=${t0 + 60n * SEC}`, `_start=${t0 + 60n * SEC},_stop=${t0 + 90n * SEC}`, `_start=${t0 + 60n * SEC},_stop=${t0 + 100n * SEC}`],
    );
    assert.deepEqual(got[0]!.times, [String(t0 + 10n * SEC), String(t0 + 10n * SEC)]);
  });
});

// Times near the ends of the int64 range (1677-09-21T00:12:43.145224192Z and
// 2262-04-11T23:47:16.854775807Z): a window reaching past them is cut there (as at
// _start/_stop), and the windows of the other rows keep their epoch-aligned bounds.
describe('windowsOf near the ends of the time range', () => {
  const MIN = -(2n ** 63n);
  const MAX = 2n ** 63n - 1n;
  const WEEK = 7n * DAY;
  const clamp = (ws: string[]) =>
    ws.map((w) => {
      const [range, rows] = w.split(':') as [string, string];
      const m = /^(-?\d+)-(-?\d+)$/.exec(range)!;
      let a = BigInt(m[1]!);
      let b = BigInt(m[2]!);
      if (a < MIN) a = MIN;
      if (b > MAX) b = MAX;
      return `${a}-${b}:${rows}`;
    });
  const cases: { name: string; times: bigint[]; every: bigint; bounds: [bigint, bigint] | null }[] = [
    { name: 'first week, no bounds', times: [MIN, MIN + DAY, MIN + 20n * DAY], every: WEEK, bounds: null },
    { name: 'first week, bounds at the minimum', times: [MIN, MIN + DAY, MIN + 20n * DAY], every: WEEK, bounds: [MIN, MIN + 60n * DAY] },
    { name: 'last week, no bounds', times: [MAX - 2n * DAY, MAX - 1n], every: WEEK, bounds: null },
    { name: 'last week, bounds at the maximum', times: [MAX - 30n * DAY, MAX - 2n * DAY, MAX - 1n], every: WEEK, bounds: [MAX - 40n * DAY, MAX] },
    { name: 'last hour, no bounds', times: [MAX - 3n * 3600n * SEC, MAX - 10n, MAX - 1n], every: 3600n * SEC, bounds: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      for (const createEmpty of c.bounds !== null ? [false, true] : [false]) {
        const got = actual(frame(c.times, c.bounds), c.every, 0n, createEmpty);
        assert.deepEqual(got, clamp(naive(c.times, c.every, 0n, c.bounds, createEmpty)), `createEmpty ${createEmpty}`);
        for (const w of got) {
          const [a, b] = w.split(':')[0]!.split(/(?<=\d)-/).map(BigInt) as [bigint, bigint];
          assert.ok(a >= MIN && b <= MAX && a < b, w);
        }
      }
      // Unsorted rows take the general path: same windows.
      const rev = [...c.times].reverse();
      const n = c.times.length - 1;
      const back = (w: string) => w.replace(/:(.*)$/, (_m, rows: string) => ':' + rows.split(',').filter((x) => x !== '').map((r) => String(n - Number(r))).sort((x, y) => Number(x) - Number(y)).join(','));
      assert.deepEqual(actual(frame(rev, c.bounds), c.every, 0n, false).map(back).sort(), actual(frame(c.times, c.bounds), c.every, 0n, false).sort());
    });
  }
});

// Calendar windows (every in months): Flux's interval.Window puts the i-th start at
// (epoch + offset) + i * every on the calendar, counting months from 1970-01 (SPEC: windows
// are aligned to the Unix epoch plus offset). Each start is computed from that zero, not by
// stepping from the previous start, which drifted once a start's day was clamped (1969-12-31
// + 2mo = 02-28, then + 1mo = 03-28 instead of 03-31).
describe('calendar windows', () => {
  const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString().replace('.000Z', 'Z');
  const at = (s: string) => BigInt(Date.parse(s)) * 1_000_000n;
  const UTC = { zone: 'UTC', offsetNs: 0n };
  const NY = { zone: 'America/New_York', offsetNs: 0n };
  const mo = (n: bigint) => new Duration(n, 0n);
  const starts = (w: Windower, from: string, n: number) => {
    const out: string[] = [];
    let s = w.align(at(from));
    for (let i = 0; i < n; i++, s = w.next(s)) out.push(iso(s));
    return out;
  };

  test('every 1mo, offset -1d: each window starts on the last day of a month', () => {
    const w = new Windower(mo(1n), mo(1n), Duration.ofNanos(-DAY), UTC);
    assert.deepEqual(starts(w, '2021-01-15T00:00:00Z', 6), ['2020-12-31T00:00:00Z', '2021-01-31T00:00:00Z', '2021-02-28T00:00:00Z', '2021-03-31T00:00:00Z', '2021-04-30T00:00:00Z', '2021-05-31T00:00:00Z']);
    assert.equal(iso(w.align(at('2021-03-31T12:00:00Z'))), '2021-03-31T00:00:00Z');
    assert.equal(iso(w.align(at('2021-03-30T12:00:00Z'))), '2021-02-28T00:00:00Z');
    assert.equal(iso(w.prev(at('2021-03-31T00:00:00Z'))), '2021-02-28T00:00:00Z');
    // Windows are contiguous: a window stops where the next one starts.
    assert.equal(iso(w.stopOf(at('2021-02-28T00:00:00Z'))), '2021-03-31T00:00:00Z');
  });

  test('every 1mo, offset -1d in America/New_York: local last days, across DST', () => {
    const w = new Windower(mo(1n), mo(1n), Duration.ofNanos(-DAY), NY);
    assert.deepEqual(starts(w, '2021-02-15T00:00:00Z', 3), ['2021-01-31T05:00:00Z', '2021-02-28T05:00:00Z', '2021-03-31T04:00:00Z']);
  });

  test('every 18mo: aligned to months since 1970-01, as Flux counts them', () => {
    const w = new Windower(mo(18n), mo(18n), new Duration(0n, 0n), UTC);
    assert.deepEqual(starts(w, '2021-03-15T00:00:00Z', 3), ['2021-01-01T00:00:00Z', '2022-07-01T00:00:00Z', '2024-01-01T00:00:00Z']);
    assert.equal(iso(w.align(at('1969-12-15T00:00:00Z'))), '1968-07-01T00:00:00Z');
  });

  test('every 1y, offset 1mo15d; period 2mo over every 1mo', () => {
    const y = new Windower(mo(12n), mo(12n), new Duration(1n, 15n * DAY), UTC);
    assert.deepEqual(starts(y, '2021-01-20T00:00:00Z', 2), ['2020-02-16T00:00:00Z', '2021-02-16T00:00:00Z']);
    const p = new Windower(mo(1n), mo(2n), new Duration(0n, 0n), UTC);
    assert.equal(iso(p.stopOf(at('2021-01-01T00:00:00Z'))), '2021-03-01T00:00:00Z');
  });
});

describe('calendar windows: align, next and prev agree over random times, offsets and zones', () => {
  const zones = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata'];
  for (let seed = 1; seed <= 10; seed++) {
    test(`seed ${seed}`, () => {
      const rand = rng(1000 + seed);
      const every = new Duration(BigInt(1 + Math.floor(rand() * 18)), 0n);
      const offDays = BigInt(Math.floor(rand() * 60) - 30);
      const offset = Duration.ofNanos(offDays * DAY + BigInt(Math.floor(rand() * 24)) * 3600n * SEC);
      const loc = { zone: zones[seed % zones.length]!, offsetNs: 0n };
      const w = new Windower(every, every, offset, loc);
      for (let k = 0; k < 40; k++) {
        // 1900 .. 2100
        const t = BigInt(Math.floor((rand() * 200 - 70) * 365.25 * 86400)) * SEC + BigInt(Math.floor(rand() * 1e9));
        const s = w.align(t);
        const n = w.next(s);
        assert.ok(s <= t && t < n, `${s} <= ${t} < ${n} (every ${every.months}mo, offset ${offset.signedNanos}, ${loc.zone})`);
        assert.equal(w.prev(n), s);
        assert.equal(w.align(n), n);
        assert.equal(w.stopOf(s), n);
      }
    });
  }
});

// Windows shorter than 3h in a time zone follow its wall clock; across a change of offset
// they must stay contiguous and never overlap, whichever way a start is reached.
describe('wall-clock windows across daylight-saving changes', () => {
  const HOUR = 3600n * SEC;
  const days: [string, string][] = [
    ['America/New_York', '2021-03-14T00:00:00Z'],
    ['America/New_York', '2021-11-07T00:00:00Z'],
    ['Europe/London', '2021-03-28T00:00:00Z'],
    ['Europe/London', '2021-10-31T00:00:00Z'],
    ['Australia/Lord_Howe', '2021-04-03T08:00:00Z'],
    ['Australia/Lord_Howe', '2021-10-02T08:00:00Z'],
  ];
  for (const [zone, day] of days) {
    test(`${zone} ${day.slice(0, 10)}`, () => {
      const from = BigInt(Date.parse(day)) * 1_000_000n;
      for (const every of [15n * 60n * SEC, 30n * 60n * SEC, HOUR, 2n * HOUR]) {
        for (const off of [0n, 30n * 60n * SEC, -HOUR]) {
          const w = new Windower(Duration.ofNanos(every), Duration.ofNanos(every), Duration.ofNanos(off), { zone, offsetNs: 0n });
          // Walk the windows of the day: each starts where the previous stopped.
          let s = w.align(from);
          const starts: bigint[] = [];
          while (s < from + 14n * HOUR) {
            const n = w.next(s);
            assert.ok(n > s, `next(${s}) = ${n}`);
            assert.equal(w.stopOf(s), n);
            assert.equal(w.prev(n), s, `prev(next(${s}))`);
            starts.push(s);
            s = n;
          }
          // Every instant lies in the window found for it.
          for (let t = from; t < from + 12n * HOUR; t += 7n * 60n * SEC + 13n) {
            const a = w.align(t);
            assert.ok(starts.includes(a), `align(${t}) = ${a} is not a window start (every ${every}, offset ${off})`);
            assert.ok(a <= t && t < w.next(a));
          }
        }
      }
    });
  }

  test('every 2h in America/New_York on 2021-03-14: createEmpty windows do not overlap the row windows', () => {
    const at = (s: string) => BigInt(Date.parse(s)) * 1_000_000n;
    const o = {
      windower: new Windower(Duration.ofNanos(2n * HOUR), Duration.ofNanos(2n * HOUR), Duration.ofNanos(0n), { zone: 'America/New_York', offsetNs: 0n }),
      timeColumn: '_time',
      startColumn: '_start',
      stopColumn: '_stop',
      createEmpty: true,
    };
    const ws = windowsOf(frame([at('2021-03-14T08:30:00Z'), at('2021-03-14T10:30:00Z')], [at('2021-03-14T04:00:00Z'), at('2021-03-14T13:00:00Z')]), o, ctx);
    const iso = (n: bigint) => new Date(Number(n / 1_000_000n)).toISOString().slice(11, 16);
    const got = [...ws.starts].map((s, k) => `${iso(s)}-${iso(ws.stops[k]!)}:${ws.offsets[k + 1]! - ws.offsets[k]!}`);
    // 00:00 EST (05:00Z) .. 02:00 local, which is 03:00 EDT (07:00Z); then 04:00 EDT (08:00Z) ...
    assert.deepEqual(got, ['04:00-05:00:0', '05:00-07:00:0', '07:00-08:00:0', '08:00-10:00:1', '10:00-12:00:1', '12:00-13:00:0']);
  });
});
