// The scrape memo (src/scrape/memo.ts): a text body that repeats the target's last one but
// for its numbers is read without a full parse. Every test compares with the full parse of
// the same body: the memo may only ever change how fast a body is read, never what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyToTables, ScrapeMemo, type ExpositionFormat } from '../../src/scrape/index.js';
import { isFluxError } from '../../src/errors/index.js';
import type { Table } from '../../src/table/index.js';
import { SCRAPE_TIME_NS } from './helpers.js';
import { rng } from '../support/rng.js';

const URL = 'http://target/metrics';

/** Every table: columns, key, rows (value bits included: -0 and NaN payloads show). */
function render(tables: Iterable<Table>): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`table ${t.columns.map((c) => `${c.name}:${c.type}`).join(',')} key ${t.key.columns.map((c) => c.name).join(',')}=${JSON.stringify(t.key.values)}`);
    for (let r = 0; r < t.length; r++) {
      const cells: string[] = [];
      for (let i = 0; i < t.columns.length; i++) {
        const v = t.column(i).get(r);
        cells.push(typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : String(v));
      }
      out.push('  ' + cells.join(' | '));
    }
  }
  return out.join('\n');
}

/** Read `text` through `memo` (as a scrape does) and without one; both must agree. */
function both(memo: ScrapeMemo, text: string, startNs = SCRAPE_TIME_NS, format: ExpositionFormat = 'prometheus-text'): { hit: boolean; rendered: string } {
  const body = Buffer.from(text, 'utf8');
  const hits = memo.hits;
  let viaMemo: string | Error;
  let full: string | Error;
  try {
    const r = bodyToTables(body, format, URL, startNs, memo);
    viaMemo = render(r.tables.tables()) + `\nsamples ${r.samples} rows ${r.tables.rows} tables ${r.tables.count}`;
  } catch (e) {
    viaMemo = e as Error;
  }
  try {
    const r = bodyToTables(body, format, URL, startNs);
    full = render(r.tables.tables()) + `\nsamples ${r.samples} rows ${r.tables.rows} tables ${r.tables.count}`;
  } catch (e) {
    full = e as Error;
  }
  if (full instanceof Error || viaMemo instanceof Error) {
    assert.ok(isFluxError(full) && isFluxError(viaMemo), `both fail with a FluxError: ${String(viaMemo)} / ${String(full)}`);
    assert.equal(viaMemo.id, full.id);
    assert.equal(viaMemo.message, full.message);
    return { hit: memo.hits > hits, rendered: `error ${full.message}` };
  }
  assert.equal(viaMemo, full, `memo and full parse differ for:\n${text}`);
  return { hit: memo.hits > hits, rendered: full };
}

const BASE = [
  '# HELP http_requests_total Requests.',
  '# TYPE http_requests_total counter',
  'http_requests_total{code="200",method="GET"} 1027',
  'http_requests_total{code="500",method="GET"} 3 1767225600000',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{le="0.1"} 5',
  'latency_seconds_bucket{le="1"} 9',
  'latency_seconds_bucket{le="+Inf"} 10',
  'latency_seconds_sum 4.5',
  'latency_seconds_count 10',
  'temp{"room.name"="hall \\"A\\"",zone="n"}\t-2.5e1  ',
  'up 1',
  '# end',
].join('\n');

test('a body with new numbers is read through the memo and gives what a full parse gives', () => {
  const memo = new ScrapeMemo();
  assert.equal(both(memo, BASE).hit, false, 'the first body is parsed in full');
  const next = BASE.replace(' 1027', ' 1100000')
    .replace(' 3 1767225600000', ' 4 1767225610000')
    .replace('le="1"} 9', 'le="1"} NaN')
    .replace('+Inf"} 10', '+Inf"} +Inf')
    .replace('sum 4.5', 'sum -0')
    .replace('-2.5e1', '17')
    .replace('up 1', 'up 0');
  const r = both(memo, next, SCRAPE_TIME_NS + 10_000_000_000n);
  assert.equal(r.hit, true);
  assert.match(r.rendered, /1100000/);
  assert.match(r.rendered, /\| -0 \|/);
  // The memo keeps the first body: a third body is compared with it again.
  assert.equal(both(memo, BASE).hit, true);
  assert.equal(memo.hits, 2);
});

test('anything but a number changed: the full parse, then the memo holds the new body', () => {
  const changes: [string, string][] = [
    ['code="200"', 'code="201"'], // a label value
    ['# HELP http_requests_total Requests.', '# HELP http_requests_total Requests!'], // a comment
    ['# TYPE latency_seconds histogram', '# TYPE latency_seconds untyped'], // a type: _bucket kept
    ['latency_seconds_count 10', 'latency_seconds_count  10'], // a blank
    ['up 1', 'up 1 1767225600000'], // a timestamp added
    [' 3 1767225600000', ' 3'], // a timestamp removed
    ['up 1', 'up 1\nup2 1'], // a line added
    ['latency_seconds_sum 4.5\n', ''], // a line removed
    ['up 1', 'up 1\n'], // a final line end
    ['temp{', 'temp {'],
    ['# end', 'z 1 2'], // after the last number: a sample of the same length
  ];
  for (const [from, to] of changes) {
    const memo = new ScrapeMemo();
    both(memo, BASE);
    assert.ok(BASE.includes(from), from);
    const changed = BASE.replace(from, to);
    assert.equal(both(memo, changed).hit, false, `${from} -> ${to}`);
    // The changed body is now the one numbers are compared with.
    assert.equal(both(memo, changed.replace(' 1027', ' 1028')).hit, true, `${from} -> ${to}, then a number`);
  }
});

test('a number the full parser rejects fails the scrape with the full parse error, line and column', () => {
  for (const [from, to, id] of [
    [' 1027', ' 0x10', 'scrape.malformed'],
    [' 1027', ' 1_000', 'scrape.malformed'],
    [' 1027', ' 1abc', 'scrape.malformed'],
    [' 1767225600000', ' 1767225600000.5', 'scrape.malformed'],
    [' 1767225600000', ' 99999999999999999', 'scrape.timestampRange'],
    ['up 1', 'up "1"', 'scrape.malformed'],
  ] as const) {
    const memo = new ScrapeMemo();
    both(memo, BASE);
    const r = both(memo, BASE.replace(from, to));
    assert.equal(r.hit, false, to);
    assert.match(r.rendered, /^error .*at line \d+, column \d+/, to);
    assert.ok(r.rendered.includes(id === 'scrape.timestampRange' ? 'outside the range' : 'invalid'), `${to}: ${r.rendered}`);
    // The memo still holds the good body.
    assert.equal(both(memo, BASE.replace(' 1027', ' 5')).hit, true, to);
  }
});

test('a body with a repeated series is not kept (its rows depend on the timestamps)', () => {
  const memo = new ScrapeMemo();
  const text = 'a 1 1000\na 2 1000\nb 3\n';
  both(memo, text);
  assert.equal(memo.size, 0);
  assert.equal(both(memo, 'a 1 1000\na 2 2000\nb 3\n').hit, false);
});

const OM = [
  '# TYPE req_seconds histogram',
  '# HELP req_seconds Requests.',
  'req_seconds_bucket{path="/a",le="0.5"} 3 1767225600.000',
  'req_seconds_bucket{path="/a",le="1.0"} 5 1767225600.000',
  'req_seconds_bucket{path="/a",le="+Inf"} 7 1767225600.000 # {trace_id="abc"} 0.7 1767225599.5',
  'req_seconds_count{path="/a"} 7 1767225600.000',
  'req_seconds_sum{path="/a"} 4.5 1767225600.000',
  'req_seconds_created{path="/a"} 1767225000.0 1767225600.000',
  '# TYPE hits counter',
  'hits_total{code="200"} 17',
  'hits_total{code="500"} 1',
  '# TYPE jobs counter',
  'jobs_total 5 1767225600.0',
  'jobs_created 1767225000.0 1767225600.0',
  '# TYPE up gauge',
  'up NaN',
  '# TYPE lat summary',
  'lat{quantile="0.5"} 0.25',
  'lat{quantile="0.9"} 0.5',
  'lat_count 10',
  'lat_sum 3.5',
  '# TYPE state stateset',
  'state{state="a"} 1',
  'state{state="b"} 0',
  '# TYPE build info',
  'build_info{version="1.2"} 1',
  '# TYPE temp gaugehistogram',
  'temp_bucket{le="-5.0"} 1',
  'temp_bucket{le="+Inf"} 4',
  'temp_gcount 4',
  'temp_gsum -3',
  '# EOF',
  '',
].join('\n');

test('an OpenMetrics body with new numbers is read through the memo, its rules on numbers checked again', () => {
  const om = (s: string) => both(memo, s, SCRAPE_TIME_NS, 'openmetrics');
  const memo = new ScrapeMemo();
  assert.equal(om(OM).hit, false);
  // New numbers that keep every rule: read through the memo.
  const next = OM.replaceAll('1767225600.000', '1767225610.000')
    .replace('le="0.5"} 3', 'le="0.5"} 4')
    .replace('le="+Inf"} 7', 'le="+Inf"} 9')
    .replace('count{path="/a"} 7', 'count{path="/a"} 9')
    .replace('hits_total{code="200"} 17', 'hits_total{code="200"} 1e3')
    .replace('up NaN', 'up -2.5')
    .replace('state{state="a"} 1', 'state{state="a"} 0');
  assert.equal(om(next).hit, true);
  // Each rule broken by a number alone: the full parse, and its error.
  const broken: [string, string, RegExp][] = [
    ['le="1.0"} 5', 'le="1.0"} 2', /bucket counts decrease/],
    ['count{path="/a"} 7', 'count{path="/a"} 8', /count does not match/],
    ['temp_gsum -3', 'temp_gsum NaN', /cannot be NaN/],
    ['hits_total{code="500"} 1', 'hits_total{code="500"} -1', /cannot be negative/],
    ['hits_total{code="500"} 1', 'hits_total{code="500"} NaN', /cannot be NaN/],
    ['lat{quantile="0.9"} 0.5', 'lat{quantile="0.9"} -0.5', /quantile values cannot be negative/],
    ['state{state="b"} 0', 'state{state="b"} 2', /stateset samples must be 0 or 1/],
    ['build_info{version="1.2"} 1', 'build_info{version="1.2"} 2', /info samples must be 1/],
    ['le="1.0"} 5 1767225600.000', 'le="1.0"} 5 1767225599.000', /timestamps go backwards/],
    ['jobs_created 1767225000.0 1767225600.0', 'jobs_created 1767225000.0 1767225599.0', /timestamps go backwards/],
    ['req_seconds_sum{path="/a"} 4.5 1767225600.000', 'req_seconds_sum{path="/a"} 4.5 99999999999', /outside the range/],
    ['lat_count 10', 'lat_count 10\t'], // no tab between tokens in OpenMetrics
  ].map(([a, b, e]) => [a, b, e ?? /./] as [string, string, RegExp]);
  for (const [from, to, error] of broken) {
    const m = new ScrapeMemo();
    both(m, OM, SCRAPE_TIME_NS, 'openmetrics');
    assert.ok(OM.includes(from), from);
    const r = both(m, OM.replace(from, to), SCRAPE_TIME_NS, 'openmetrics');
    assert.equal(r.hit, false, to);
    assert.match(r.rendered, /^error /, to);
    assert.match(r.rendered, error, to);
  }
  // An exemplar's numbers are not a sample's: a new exemplar means a full parse.
  const m = new ScrapeMemo();
  both(m, OM, SCRAPE_TIME_NS, 'openmetrics');
  assert.equal(both(m, OM.replace('} 0.7 1767225599.5', '} 0.8 1767225599.5'), SCRAPE_TIME_NS, 'openmetrics').hit, false);
});

test('a target that changes format: the memo of the other format is not used', () => {
  const memo = new ScrapeMemo();
  both(memo, 'up 1\n');
  const r = both(memo, '# TYPE up gauge\nup 1\n# EOF\n', SCRAPE_TIME_NS, 'openmetrics');
  assert.equal(r.hit, false);
  assert.equal(both(memo, '# TYPE up gauge\nup 2\n# EOF\n', SCRAPE_TIME_NS, 'openmetrics').hit, true);
  assert.equal(both(memo, 'up 1\n').hit, false);
});

test('memos share a budget: the least recently used go first; a body over the budget is not kept', () => {
  const body = (n: number) => Array.from({ length: n }, (_, i) => `m_${i} ${i}`).join('\n');
  const probe = new ScrapeMemo();
  bodyToTables(Buffer.from(body(10)), 'prometheus-text', 'http://a/metrics', SCRAPE_TIME_NS, probe);
  const one = probe.size;
  assert.ok(one > 0);
  // Room for two memos of 10 series, not three.
  const memo = new ScrapeMemo(Math.floor(2.5 * one));
  bodyToTables(Buffer.from(body(10)), 'prometheus-text', 'http://a/metrics', SCRAPE_TIME_NS, memo);
  bodyToTables(Buffer.from(body(10)), 'prometheus-text', 'http://b/metrics', SCRAPE_TIME_NS, memo);
  assert.equal(memo.size, 2 * one);
  // a is used again (a hit), so b is the least recently used when c comes.
  bodyToTables(Buffer.from(body(10)), 'prometheus-text', 'http://a/metrics', SCRAPE_TIME_NS, memo);
  assert.equal(memo.hits, 1);
  bodyToTables(Buffer.from(body(12)), 'prometheus-text', 'http://c/metrics', SCRAPE_TIME_NS, memo);
  assert.ok(memo.size <= memo.budget);
  bodyToTables(Buffer.from(body(10)), 'prometheus-text', 'http://a/metrics', SCRAPE_TIME_NS, memo);
  assert.equal(memo.hits, 2, 'a is still kept');
  bodyToTables(Buffer.from(body(10)), 'prometheus-text', 'http://b/metrics', SCRAPE_TIME_NS, memo);
  assert.equal(memo.hits, 2, 'b was dropped');
  memo.clear();
  bodyToTables(Buffer.from(body(50)), 'prometheus-text', 'http://big/metrics', SCRAPE_TIME_NS, memo);
  assert.equal(memo.size, 0, 'over the budget');
});

// Random bodies, then random new numbers (always a hit) or random other edits (a hit only
// when the edit kept every byte outside the numbers): the memo agrees with the full parse.
test('random bodies and edits: the memo agrees with the full parse', () => {
  const rnd = rng(0x5eed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const NUMBERS = ['0', '1', '-1', '12.5', '1e3', '-2.5E-3', 'NaN', 'nan', '+Inf', '-Inf', 'inf', '+inf', '-0', '0.000001', '123456789012', '.5', '5.', '1e308', '4.9e-324', '007', '-00', '999999999999999', '1234567890123456', '9007199254740993', '-12345678901234567890'];
  const BAD = ['0x10', '1_0', '1abc', '--1', '', 'Infinity1', '+', 'e5', '1e'];
  const blanks = () => pick([' ', ' ', ' ', '\t', '  ']);
  interface Line {
    head: string; // everything before the value
    value: string;
    ts: string | null;
    tsSep: string;
    tail: string; // blanks after the last number
  }
  type Item = Line | string;
  const build = (items: Item[], finalNewline: boolean) =>
    items.map((it) => (typeof it === 'string' ? it : `${it.head}${it.value}${it.ts === null ? '' : it.tsSep + it.ts}${it.tail}`)).join('\n') + (finalNewline ? '\n' : '');
  const number = () => pick(NUMBERS);
  const stamp = () => String(1_767_225_600_000 + Math.floor(rnd() * 1e6));
  let hits = 0;
  let fallbacks = 0;
  let extra = 0;
  for (let round = 0; round < 150; round++) {
    const items: Item[] = [];
    const families = 1 + Math.floor(rnd() * 5);
    for (let f = 0; f < families; f++) {
      const type = pick(['counter', 'gauge', 'histogram', 'summary', 'untyped', null]);
      const name = `fam_${f}`;
      if (rnd() < 0.5) items.push(`# HELP ${name} Family ${f} \\n help.`);
      if (type !== null) items.push(`# TYPE ${name} ${type}`);
      if (rnd() < 0.2) items.push('');
      if (rnd() < 0.2) items.push('# a comment');
      const series = 1 + Math.floor(rnd() * 5);
      for (let s = 0; s < series; s++) {
        const labels = [`i="${s}"`];
        if (rnd() < 0.5) labels.push(`path="C:\\\\x \\"${s}\\""`);
        if (rnd() < 0.3) labels.push(`"dotted.name"="v${s}"`);
        const suffixes = type === 'histogram' ? ['_bucket:0.5', '_bucket:+Inf', '_sum', '_count'] : type === 'summary' ? [':0.5', ':0.9', '_sum', '_count'] : [''];
        for (const sfx of suffixes) {
          const [suffix, bound] = sfx.split(':');
          const ls = [...labels];
          if (bound !== undefined) ls.push(`${type === 'histogram' ? 'le' : 'quantile'}="${bound}"`);
          if (rnd() < 0.3) ls.reverse();
          const trailingComma = rnd() < 0.2 ? ',' : '';
          const head = `${name}${suffix}{${ls.join(',')}${trailingComma}}${blanks()}`;
          items.push({ head, value: number(), ts: rnd() < 0.3 ? stamp() : null, tsSep: blanks(), tail: rnd() < 0.2 ? blanks() : '' });
        }
      }
    }
    const finalNewline = rnd() < 0.8;
    const memo = new ScrapeMemo();
    both(memo, build(items, finalNewline));
    for (let edit = 0; edit < 4; edit++) {
      const lines = items.filter((it): it is Line => typeof it !== 'string');
      if (lines.length === 0) break;
      const kind = rnd();
      if (kind < 0.6) {
        // New numbers only: always read through the memo.
        for (const l of lines) {
          l.value = number();
          if (l.ts !== null) l.ts = stamp();
        }
        const r = both(memo, build(items, finalNewline), SCRAPE_TIME_NS + BigInt(edit));
        assert.equal(r.hit, true, `numbers only, round ${round}`);
        hits++;
        continue;
      }
      const l = pick(lines);
      const { value, ts } = l;
      if (kind < 0.7) l.value = pick(BAD);
      else if (kind < 0.75) l.ts = l.ts === null ? stamp() : null;
      else if (kind < 0.8) l.tail = l.tail === '' ? ' ' : '';
      else if (kind < 0.85) l.head = l.head.replace('i="', 'i="x');
      else if (kind < 0.9) items.splice(items.indexOf(l), 1);
      else if (kind < 0.95) items.push({ ...l, head: l.head.replace('{', `{extra="${extra++}",`) });
      else l.ts = l.ts === null ? '1.5' : '99999999999999999999';
      const r = both(memo, build(items, finalNewline), SCRAPE_TIME_NS + BigInt(edit));
      fallbacks++;
      // A rejected body leaves the memo as it was: back to the numbers it read. (Some edits
      // still parse: an empty value before a timestamp makes the timestamp the value.)
      if (r.rendered.startsWith('error ')) {
        l.value = value;
        l.ts = ts;
      } else if (l.value === '' && l.ts !== null) {
        l.head += l.tsSep;
        l.value = l.ts;
        l.ts = null;
      } else assert.ok(!BAD.includes(l.value), `${l.value} was accepted`);
    }
  }
  assert.ok(hits > 300 && fallbacks > 100, `${hits} hits, ${fallbacks} other edits`);
});

// The comparison reads eight bytes at a time as a float64: -0 equals +0 and a NaN equals no
// NaN as numbers, so for those the bytes decide. (A comment may hold any byte but a line end.)
test('bytes that read as equal or unequal doubles are still compared as bytes', () => {
  // The eight bytes at offset 8 or 16 of the body: both halves of a 16-byte step.
  const body = (eight: number[], v: string, pad: number) => Buffer.concat([Buffer.from('#' + ' '.repeat(pad)), Buffer.from(eight), Buffer.from(`${' '.repeat(16)}\nup ${v}\n`)]);
  const PLUS_ZERO = [0, 0, 0, 0, 0, 0, 0, 0];
  const MINUS_ZERO = [0, 0, 0, 0, 0, 0, 0, 0x80];
  const NAN_1 = [1, 0, 0, 0, 0, 0, 0xf8, 0x7f];
  const NAN_2 = [2, 0, 0, 0, 0, 0, 0xf8, 0x7f];
  for (const [first, second, same] of [
    [PLUS_ZERO, MINUS_ZERO, false],
    [MINUS_ZERO, PLUS_ZERO, false],
    [NAN_1, NAN_2, false],
    [NAN_1, NAN_1, true],
    [PLUS_ZERO, PLUS_ZERO, true],
  ] as const) {
    for (const pad of [7, 15]) {
      const memo = new ScrapeMemo();
      bodyToTables(body([...first], '1', pad), 'prometheus-text', URL, SCRAPE_TIME_NS, memo);
      const r = bodyToTables(body([...second], '2', pad), 'prometheus-text', URL, SCRAPE_TIME_NS, memo);
      assert.equal(r.reused, same, `${first} then ${second}, at ${pad + 1}`);
      assert.equal([...r.tables.tables()][0]!.column(3).get(0), 2);
    }
  }
});

// Random OpenMetrics bodies, then random new numbers: some keep every rule, some break one
// (a negative count, a NaN, decreasing buckets, a timestamp going back). The memo agrees with
// the full parse, and reads a body through itself exactly when the full parse accepts it.
test('random OpenMetrics bodies and new numbers: the memo agrees with the full parse', () => {
  const rnd = rng(0x0e11);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  /** A sample line: text before the value, its value and timestamp as numbers, text after. */
  interface Sample {
    head: string;
    kind: 'count' | 'bucket' | 'gauge' | 'one' | 'bit' | 'quantile' | 'gsum';
    group: number; // samples of one group: timestamps all or none, never going back
    hist: boolean; // of a histogram: one timestamp for the whole group
    bucketRank: number; // order of a bucket in its group (counts must not decrease)
    value: number;
    tail: string;
  }
  const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : pick([String(v), v.toExponential(), String(v)]));
  let hits = 0;
  let errors = 0;
  for (let round = 0; round < 120; round++) {
    const lines: (string | Sample)[] = [];
    const withTs = new Map<number, boolean>();
    let group = 0;
    const families = 1 + Math.floor(rnd() * 5);
    for (let f = 0; f < families; f++) {
      const type = pick(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'stateset', 'info', 'unknown']);
      const name = `f${f}`;
      lines.push(`# TYPE ${name} ${type}`);
      if (rnd() < 0.5) lines.push(`# HELP ${name} Family ${f}.`);
      const groups = 1 + Math.floor(rnd() * 3);
      const stamped = rnd() < 0.4; // per family: the samples of an info family are one group
      for (let g = 0; g < groups; g++) {
        group++;
        withTs.set(group, stamped);
        const l = `g="${g}"`;
        // An exemplar now and then on a bucket (rank 1-3; rank 99 is the count).
        const add = (head: string, kind: Sample['kind'], bucketRank = 0) => lines.push({ head, kind, group, hist: type.endsWith('histogram'), bucketRank, value: 0, tail: bucketRank >= 1 && bucketRank <= 3 && rnd() < 0.2 ? ` # {t="${g}"} 0.5` : '' });
        if (type === 'counter') {
          add(`${name}_total{${l}} `, 'count');
          if (rnd() < 0.5) add(`${name}_created{${l}} `, 'gauge');
        } else if (type === 'histogram' || type === 'gaugehistogram') {
          const les = ['0.1', '1.0', '+Inf'];
          les.forEach((le, i) => add(`${name}_bucket{${l},le="${le}"} `, 'bucket', i + 1));
          if (type === 'histogram') {
            add(`${name}_count{${l}} `, 'bucket', 99);
            add(`${name}_sum{${l}} `, 'count');
          } else {
            add(`${name}_gcount{${l}} `, 'bucket', 99);
            add(`${name}_gsum{${l}} `, 'gsum');
          }
        } else if (type === 'summary') {
          add(`${name}{${l},quantile="0.5"} `, 'quantile');
          add(`${name}_count{${l}} `, 'count');
          add(`${name}_sum{${l}} `, 'count');
        } else if (type === 'stateset') {
          add(`${name}{${l},${name}="a"} `, 'bit');
          add(`${name}{${l},${name}="b"} `, 'bit');
        } else if (type === 'info') add(`${name}_info{${l}} `, 'one');
        else add(`${name}{${l}} `, 'gauge');
      }
    }
    // Numbers: valid (counts that grow along a histogram's buckets, as its count), or now and
    // then one that breaks a rule.
    const renumber = (breakRules: boolean) => {
      const groupBase = new Map<number, number>();
      const groupTs = new Map<number, number>();
      for (const s of lines) {
        if (typeof s === 'string') continue;
        const base = groupBase.get(s.group) ?? Math.floor(rnd() * 100);
        groupBase.set(s.group, base);
        const ts = (groupTs.get(s.group) ?? 1_767_225_600 + Math.floor(rnd() * 1000)) + (!s.hist && rnd() < 0.3 ? 1 : 0);
        groupTs.set(s.group, ts);
        let v: number;
        switch (s.kind) {
          case 'count':
            v = rnd() * 1000;
            break;
          case 'bucket':
            v = base + Math.min(s.bucketRank, 3) * 10; // _count (rank 99) equals the +Inf bucket
            break;
          case 'gauge':
            v = pick([NaN, -1.5, 0, 42, Infinity]);
            break;
          case 'one':
            v = 1;
            break;
          case 'bit':
            v = pick([0, 1]);
            break;
          case 'quantile':
            v = rnd();
            break;
          case 'gsum':
            v = rnd() * 10; // not negative: the buckets are not
            break;
        }
        if (breakRules && rnd() < 0.08) v = pick([-1, NaN, 7, base - 5]);
        s.value = v;
        const tsText = withTs.get(s.group) ? ` ${(breakRules && rnd() < 0.05 ? ts - 2 : ts).toFixed(pick([0, 1, 3]))}` : '';
        (s as Sample & { text: string }).text = `${s.head}${fmt(v)}${tsText}${s.tail}`;
      }
    };
    const build = () => lines.map((s) => (typeof s === 'string' ? s : (s as Sample & { text: string }).text)).join('\n') + '\n# EOF\n';
    const memo = new ScrapeMemo();
    renumber(false);
    const first = both(memo, build(), SCRAPE_TIME_NS, 'openmetrics');
    assert.ok(!first.rendered.startsWith('error '), `round ${round}: ${first.rendered}\n${build()}`);
    for (let edit = 0; edit < 5; edit++) {
      renumber(edit % 2 === 1);
      const r = both(memo, build(), SCRAPE_TIME_NS, 'openmetrics');
      const failed = r.rendered.startsWith('error ');
      assert.equal(r.hit, !failed, `round ${round}, edit ${edit}: ${r.rendered.slice(0, 200)}\n${build()}`);
      if (failed) errors++;
      else hits++;
    }
  }
  assert.ok(hits > 300 && errors > 30, `${hits} read through the memo, ${errors} refused`);
});
