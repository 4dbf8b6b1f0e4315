// prometheus.scrapeTargets + discovery through the Flux runtime, against real local targets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../../src/index.js';
import { asTableStream, collectTables, type Table } from '../../../src/table/index.js';
import { startHttpTarget } from '../../support/http-target.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { requireExternal } from '../../support/env.js';

type Target = Awaited<ReturnType<typeof startHttpTarget>>;
let targets: Target[] = [];
let dir: string;
let runtime: Runtime;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promflux-fleet-'));
  runtime = createRuntime({ dataDir: join(dir, 'data') });
  targets = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      startHttpTarget({
        '/metrics': { body: `# TYPE requests_total counter\nrequests_total{code="200",instance="inner"} ${10 + i}\n# TYPE temp gauge\ntemp ${i}.5\n` },
      }),
    ),
  );
});
after(async () => {
  await runtime.close();
  await Promise.all(targets.map((t) => t.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

const hostPort = (t: Target) => new URL(t.url).host;

async function query(src: string): Promise<Table[]> {
  const r = await runtime.run(src, { name: 'fleet.flux' });
  const s = r.results.find((x) => x.name === '_result');
  assert.ok(s, 'a _result');
  return collectTables(asTableStream(s.value, '_result'));
}

function rows(tables: Table[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const t of tables) {
    for (let i = 0; i < t.length; i++) {
      const rec: Record<string, unknown> = {};
      for (const [k, v] of t.record(i).fields) rec[k] = v;
      out.push(rec);
    }
  }
  return out;
}

test('file discovery + target relabeling + scrape of every kept target, with up and target labels', async () => {
  const file = join(dir, 'targets.json');
  writeFileSync(
    file,
    JSON.stringify([
      { targets: [hostPort(targets[0]!), hostPort(targets[1]!)], labels: { env: 'prod' } },
      { targets: [hostPort(targets[2]!)], labels: { env: 'dev' } },
    ]),
  );
  const tables = await query(`
import "experimental/prometheus"
import "experimental/prometheus/discovery"
prometheus.scrapeTargets(
    targets: discovery.file(files: ["${file}"]),
    job: "node",
    relabel: [{sourceLabels: ["env"], regex: "dev", action: "drop"}],
    concurrency: 2,
)`);
  const all = rows(tables);
  const up = all.filter((r) => r._field === 'up');
  assert.deepEqual(up.map((r) => [r.instance, r._value, r.job, r.env]).sort(), [
    [hostPort(targets[0]!), 1, 'node', 'prod'],
    [hostPort(targets[1]!), 1, 'node', 'prod'],
  ].sort());
  const req = all.filter((r) => r._field === 'requests_total');
  assert.equal(req.length, 2);
  // The scraped `instance` label clashes with the target's: kept as exported_instance.
  assert.ok(req.every((r) => r.exported_instance === 'inner' && r.instance !== 'inner'));
  assert.deepEqual(req.map((r) => r._value).sort(), [10, 11]);
  const samples = all.filter((r) => r._field === 'scrape_samples_scraped');
  assert.deepEqual(samples.map((r) => r._value), [2, 2]);
  // Columns are in the fixed order, labels sorted.
  const t = tables.find((x) => x.key.values.includes('requests_total'))!;
  assert.deepEqual(t.columns.map((c) => c.name), ['_time', '_measurement', '_field', '_value', 'url', 'code', 'env', 'exported_instance', 'instance', 'job']);
});

test('a target that is down gives up = 0 and does not fail the others', async () => {
  const dead = await startHttpTarget({ '/metrics': { body: 'x 1\n' } });
  const deadAddr = hostPort(dead);
  await dead.close();
  const tables = await query(`
import "experimental/prometheus"
import "experimental/prometheus/discovery"
prometheus.scrapeTargets(targets: discovery.static(targets: ["${deadAddr}", "${hostPort(targets[3]!)}"]), timeout: 2s)`);
  const up = rows(tables).filter((r) => r._field === 'up');
  assert.deepEqual(up.map((r) => [r.instance, r._value]).sort(), [
    [deadAddr, 0],
    [hostPort(targets[3]!), 1],
  ].sort());
});

test('metric relabeling renames and drops series; sampleLimit fails a target', async () => {
  const tables = await query(`
import "experimental/prometheus"
prometheus.scrapeTargets(
    targets: ["${hostPort(targets[0]!)}"],
    metricRelabel: [
        {sourceLabels: ["__name__"], regex: "temp", action: "drop"},
        {sourceLabels: ["__name__"], regex: "(.*)_total", targetLabel: "__name__", replacement: "\\\${1}_count_total"},
    ],
)`);
  const all = rows(tables);
  assert.deepEqual(all.filter((r) => !String(r._field).startsWith('scrape_') && r._field !== 'up').map((r) => r._field), ['requests_count_total']);
  assert.equal(all.find((r) => r._field === 'scrape_samples_post_metric_relabeling')!._value, 1);

  const limited = rows(await query(`
import "experimental/prometheus"
prometheus.scrapeTargets(targets: ["${hostPort(targets[0]!)}"], sampleLimit: 1)`));
  assert.equal(limited.find((r) => r._field === 'up')!._value, 0);
  assert.equal(limited.filter((r) => r._field === 'temp').length, 0);
});

test('discovery.relabel previews targets; hashmod splits a fleet into shards', async () => {
  const r = await runtime.run(`
import "experimental/prometheus/discovery"
ts = discovery.static(targets: ["a:1", "b:2", "c:3", "d:4", "e:5", "f:6"])
shard = (n) => discovery.relabel(targets: ts, rules: [
    {sourceLabels: ["__address__"], modulus: 3, targetLabel: "__tmp_hash", action: "hashmod"},
    {sourceLabels: ["__tmp_hash"], regex: string(v: n), action: "keep"},
])
[shard(n: 0), shard(n: 1), shard(n: 2)]`);
  const v = r.results[0]!.value as unknown as { elements: { elements: { get(k: string): unknown }[] }[] };
  const shards = v.elements.map((a) => a.elements.map((t) => t.get('address')));
  const flat = shards.flat().sort();
  assert.deepEqual(flat, ['a:1', 'b:2', 'c:3', 'd:4', 'e:5', 'f:6'], 'every target is in exactly one shard');
});

test('discovery.http: bearer and basic auth, redirects; credentials never in messages or __meta_url', async () => {
  const list = JSON.stringify([{ targets: ['h1:9100'], labels: { team: 'a' } }]);
  const sd = await startHttpTarget({
    '/bearer': { body: list, contentType: 'application/json', auth: { bearer: 'sd-token-123' } },
    '/basic': { body: list, contentType: 'application/json', auth: { username: 'sd', password: 'sd-pass-456' } },
    '/moved': {
      handler: (_req, res) => {
        res.writeHead(302, { location: '/bearer' });
        res.end();
      },
    },
  });
  const addresses = (v: unknown) => (v as { elements: { get(k: string): unknown }[] }).elements.map((t) => t.get('address'));
  const metaUrl = (v: unknown) =>
    (v as { elements: { get(k: string): { entries: Map<unknown, { value: unknown }> } }[] }).elements.map((t) => [...t.get('labels').entries.values()].find((e) => (e as { key?: unknown }).key === '__meta_url'));
  try {
    const bearer = await runtime.run(`import "experimental/prometheus/discovery"\ndiscovery.http(url: "${sd.url}/moved", bearerToken: "sd-token-123")`);
    assert.deepEqual(addresses(bearer.results[0]!.value), ['h1:9100']);
    assert.equal(sd.requests.at(-1)!.headers['authorization'], 'Bearer sd-token-123');
    const viaUserinfo = `http://sd:sd-pass-456@127.0.0.1:${sd.port}/basic?token=q-secret-789`;
    const basic = await runtime.run(`import "experimental/prometheus/discovery"\ndiscovery.http(url: "${viaUserinfo}")`);
    assert.deepEqual(addresses(basic.results[0]!.value), ['h1:9100']);
    const meta = JSON.stringify(metaUrl(basic.results[0]!.value));
    assert.ok(meta.includes(`127.0.0.1:${sd.port}/basic?token=xxxxx`), meta);
    assert.ok(!meta.includes('sd-pass-456') && !meta.includes('q-secret-789'), meta);
    sd.routes['/basic'] = { status: 500, body: 'denied sd:sd-pass-456 q-secret-789' };
    await assert.rejects(
      runtime.run(`import "experimental/prometheus/discovery"\ndiscovery.http(url: "http://sd:sd-pass-456@127.0.0.1:${sd.port}/basic?token=q-secret-789&x=1")`),
      (e: unknown) => {
        const m = (e as Error).message;
        assert.equal((e as { id?: string }).id, 'discovery.httpFailed');
        assert.match(m, /HTTP 500/);
        assert.ok(!m.includes('sd-pass-456') && !m.includes('q-secret-789'), m);
        return true;
      },
    );
    await assert.rejects(
      runtime.run(`import "experimental/prometheus/discovery"\ndiscovery.http(url: "${sd.url}/basic", bearerToken: "t-1", username: "u")`),
      (e: unknown) => (e as { id?: string }).id === 'discovery.invalidOption' && !(e as Error).message.includes('t-1'),
    );
  } finally {
    await sd.close();
  }
});

test('discovery.http reads a real http_sd endpoint and keeps the last good list when it fails', async () => {
  const sd = await startHttpTarget({
    '/targets': { body: JSON.stringify([{ targets: [hostPort(targets[0]!)], labels: { team: 'a' } }]), contentType: 'application/json' },
  });
  try {
    const src = `
import "experimental/prometheus/discovery"
discovery.http(url: "${sd.url}/targets", timeout: 2s)`;
    const first = await runtime.run(src);
    const addresses = (v: unknown) => (v as { elements: { get(k: string): unknown }[] }).elements.map((t) => t.get('address'));
    assert.deepEqual(addresses(first.results[0]!.value), [hostPort(targets[0]!)]);
    sd.routes['/targets'] = { status: 500, body: 'broken' };
    const second = await runtime.run(src);
    assert.deepEqual(addresses(second.results[0]!.value), [hostPort(targets[0]!)], 'the last good list is kept');
    await assert.rejects(
      runtime.run(`
import "experimental/prometheus/discovery"
discovery.http(url: "${sd.url}/never-worked", timeout: 2s)`),
      (e: unknown) => (e as { id?: string }).id === 'discovery.httpFailed',
    );
  } finally {
    await sd.close();
  }
});

test('a scraped label displaced by a target label moves to exported_<name>, prefixed again when that is taken', async () => {
  // Prometheus (honor_labels: false, scrape.resolveConflictingExposedLabels): job="a" is
  // displaced by the target's job; exported_job="b" is scraped too, so "a" goes to
  // exported_exported_job. Nothing is lost, on the path without and with metric relabeling.
  const t = await startHttpTarget({ '/metrics': { body: 'm{job="a",exported_job="b",code="1"} 7\n' } });
  try {
    for (const metricRelabel of ['', ', metricRelabel: [{targetLabel: "r", replacement: "1"}]']) {
      const m = rows(await query(`
import "experimental/prometheus"
prometheus.scrapeTargets(targets: ["${hostPort(t)}"], job: "node"${metricRelabel})`)).filter((r) => r._field === 'm');
      assert.equal(m.length, 1, `the series is kept (${metricRelabel || 'no metric relabeling'})`);
      assert.deepEqual([m[0]!.job, m[0]!.exported_job, m[0]!.exported_exported_job, m[0]!.code, m[0]!._value], ['node', 'b', 'a', '1', 7]);
    }
  } finally {
    await t.close();
  }
});

test('metric relabeling that removes __name__ from a series fails the target (Prometheus: missing metric name); an emptied label set is only dropped', async () => {
  const t = await startHttpTarget({ '/metrics': { body: 'm{code="200"} 1\nm{code="500"} 2\n' } });
  const warnings: { msg: string; id: unknown }[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (msg: string, f?: Record<string, unknown>) => void warnings.push({ msg, id: f?.id }) };
  const run = async (rule: string) => {
    const r = await runtime.run(`
import "experimental/prometheus"
prometheus.scrapeTargets(targets: ["${hostPort(t)}"], metricRelabel: [${rule}])`, { logger });
    return rows(await collectTables(asTableStream(r.results[0]!.value, '_result')));
  };
  try {
    const noName = await run('{sourceLabels: ["code"], regex: "500", targetLabel: "__name__", replacement: ""}');
    assert.equal(noName.find((r) => r._field === 'up')!._value, 0);
    assert.deepEqual(noName.filter((r) => r._field === 'm'), []);
    assert.deepEqual(warnings.map((w) => w.id), ['scrape.missingName']);
    const emptied = await run('{regex: ".*", action: "labeldrop"}');
    assert.equal(emptied.find((r) => r._field === 'up')!._value, 1);
    assert.deepEqual(emptied.filter((r) => r._field === 'm'), []);
  } finally {
    await t.close();
  }
});

const dnsmasq = '/usr/sbin/dnsmasq';
test('discovery.dns keeps a name\'s last good answer across runs when its server stops answering', { skip: requireExternal('dnsmasq', existsSync(dnsmasq)) }, async () => {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const port = sock.address().port;
  await new Promise<void>((r) => sock.close(() => r()));
  const args = ['--keep-in-foreground', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--user=root', '--pid-file=', '--host-record=node1.fleet.lan,127.0.0.21'];
  const proc = spawn(dnsmasq, args, { stdio: 'ignore' });
  const exited = new Promise((r) => proc.once('exit', r));
  const src = `
import "experimental/prometheus/discovery"
discovery.dns(names: ["node1.fleet.lan"], type: "A", port: 9100, servers: ["127.0.0.1:${port}"])`;
  const addresses = async () => ((await runtime.run(src)).results[0]!.value as unknown as { elements: { get(k: string): unknown }[] }).elements.map((t) => t.get('address'));
  try {
    // dnsmasq needs a moment to bind: ask until it answers (at most 10s).
    let first: unknown[] = [];
    for (let i = 0; i < 100 && first.length === 0; i++) {
      first = await addresses();
      if (first.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(first, ['127.0.0.21:9100']);
    proc.kill('SIGTERM');
    await exited;
    assert.deepEqual(await addresses(), ['127.0.0.21:9100'], 'the server is gone: the last good answer is used');
  } finally {
    proc.kill('SIGTERM');
  }
});

test('discovery.dns: type is case-insensitive (Prometheus upper-cases it); an unknown type is discovery.dnsType', async () => {
  const idOf = async (type: string) => {
    try {
      await runtime.run(`import "experimental/prometheus/discovery"\ndiscovery.dns(names: ["x.lan"], type: "${type}")`);
      return undefined;
    } catch (e) {
      return (e as { id?: string }).id;
    }
  };
  assert.equal(await idOf('a'), 'discovery.dnsPort', '"a" is A, which needs a port');
  assert.equal(await idOf('aaaa'), 'discovery.dnsPort');
  assert.equal(await idOf('TXT'), 'discovery.dnsType');
});

test('discovery.relabel previews with the labels scrapeTargets gives the rules: job, __scheme__, __metrics_path__', async () => {
  const r = await runtime.run(`
import "experimental/prometheus/discovery"
discovery.relabel(
    targets: discovery.static(targets: ["a:1", "b:2"], labels: {}),
    job: "node",
    rules: [
        {sourceLabels: ["job", "__scheme__", "__metrics_path__"], regex: "node;http;/metrics", action: "keep"},
        {sourceLabels: ["__address__"], regex: "b:2", action: "drop"},
    ],
)`);
  const v = r.results[0]!.value as unknown as { elements: { get(k: string): unknown }[] };
  assert.deepEqual(v.elements.map((t) => t.get('address')), ['a:1'], 'the keep rule on the defaults keeps what scrapeTargets would keep');
});

test('honorLabels: true keeps a scraped label over the target label of that name (Prometheus honor_labels)', async () => {
  const t = await startHttpTarget({ '/metrics': { body: 'pushed{job="batch",instance="worker-1"} 1\nplain 2\n' } });
  try {
    for (const metricRelabel of ['', ', metricRelabel: [{targetLabel: "r", replacement: "1"}]']) {
      const all = rows(await query(`
import "experimental/prometheus"
prometheus.scrapeTargets(targets: ["${hostPort(t)}"], job: "pushgateway", honorLabels: true${metricRelabel})`));
      const pushed = all.find((r) => r._field === 'pushed')!;
      assert.deepEqual([pushed.job, pushed.instance, pushed.exported_job, pushed.exported_instance], ['batch', 'worker-1', undefined, undefined]);
      const plain = all.find((r) => r._field === 'plain')!;
      assert.deepEqual([plain.job, plain.instance], ['pushgateway', hostPort(t)], 'a series without them gets the target labels');
      assert.equal(all.find((r) => r._field === 'up')!.job, 'pushgateway');
    }
  } finally {
    await t.close();
  }
});
