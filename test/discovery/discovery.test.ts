// Target population and discovery against real files and a real DNS server (dnsmasq on a
// loopback port started by the test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { compileRule } from '../../src/discovery/relabel.js';
import { expandGroups, populateTargets } from '../../src/discovery/targets.js';
import { dnsDiscoverer, fileDiscoverer, httpDiscoverer, staticDiscoverer } from '../../src/discovery/sources.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { createDnsResolver } from '../../src/host/dns.js';
import { requireExternal } from '../support/env.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'promflux-sd-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('populateTargets: defaults, instance, params, __ labels removed, empty labels removed', async () => {
  const { groups } = await staticDiscoverer(['a.example:9100', 'b.example:9100'], { env: 'prod', __meta_rack: 'r1', empty: '' }).discover();
  const res = populateTargets(expandGroups(groups), { jobName: 'node', params: { module: 'http_2xx' } }, []);
  assert.equal(res.targets.length, 2);
  const t = res.targets[0]!;
  assert.equal(t.url, 'http://a.example:9100/metrics?module=http_2xx');
  assert.deepEqual(Object.fromEntries(t.labels), { env: 'prod', instance: 'a.example:9100', job: 'node' });
});

test('populateTargets: relabeling rewrites scheme, path and address, and drops targets', async () => {
  const { groups } = await staticDiscoverer(['keep:1', 'skip:2', 'keep2:3'], {}).discover();
  const rules = [
    compileRule({ sourceLabels: ['__address__'], regex: 'skip:.*', action: 'drop' }),
    compileRule({ targetLabel: '__scheme__', replacement: 'https' }),
    compileRule({ targetLabel: '__metrics_path__', replacement: '/probe' }),
    compileRule({ sourceLabels: ['__address__'], regex: '(.*):(\\d+)', targetLabel: 'port', replacement: '$2' }),
  ];
  const res = populateTargets(expandGroups(groups), { jobName: 'j' }, rules);
  assert.equal(res.dropped, 1);
  assert.deepEqual(
    res.targets.map((t) => [t.url, t.labels.get('port')]),
    [
      ['https://keep:1/probe', '1'],
      ['https://keep2:3/probe', '3'],
    ],
  );
});

test('populateTargets: no address and a bad scheme are per-target errors', () => {
  const res = populateTargets(
    [{ labels: new Map([['x', '1']]) }, { labels: new Map([['__address__', 'h:1'], ['__scheme__', 'ftp']]) }],
    { jobName: 'j' },
    [],
  );
  assert.equal(res.targets.length, 0);
  assert.deepEqual(res.errors.map((e) => e.error.id), ['discovery.noAddress', 'discovery.badScheme']);
});

test('populateTargets: a target whose address relabeling emptied is named by its discovered address', () => {
  const res = populateTargets([{ labels: new Map([['__address__', '10.9.8.7:9100']]) }], { jobName: 'j' }, [compileRule({ targetLabel: '__address__', replacement: '' })]);
  assert.deepEqual(res.errors.map((e) => e.error.id), ['discovery.noAddress']);
  assert.ok(res.errors[0]!.error.message.includes('10.9.8.7:9100'), res.errors[0]!.error.message);
});

test('populateTargets: an address that is not host:port is a per-target error, credentials not shown', () => {
  const res = populateTargets(
    ['http://h:1', 'h:1/sub', 'h:1?x=1', 'user:s3cret@h:1', 'ok:1'].map((a) => ({ labels: new Map([['__address__', a]]) })),
    { jobName: 'j' },
    [],
  );
  assert.deepEqual(res.targets.map((t) => t.url), ['http://ok:1/metrics']);
  assert.deepEqual(res.errors.map((e) => e.error.id), Array(4).fill('discovery.badAddress'));
  assert.match(res.errors[0]!.error.message, /__scheme__/);
  for (const e of res.errors) assert.ok(!e.error.message.includes('s3cret') && !e.discovered.get('__address__')!.includes('s3cret'), e.error.message);
});

test('populateTargets: an empty job, instance or __metrics_path__ gets its default, as a missing one does', () => {
  const res = populateTargets([{ labels: new Map([['__address__', 'h:1'], ['job', ''], ['instance', ''], ['__metrics_path__', '']]) }], { jobName: 'node' }, []);
  assert.equal(res.targets[0]!.url, 'http://h:1/metrics');
  assert.deepEqual(Object.fromEntries(res.targets[0]!.labels), { instance: 'h:1', job: 'node' });
});

test('populateTargets: a query in __metrics_path__ is kept and __param_ labels set their parameter in it; # stays in the path', () => {
  const t = (labels: Record<string, string>) => populateTargets([{ labels: new Map(Object.entries({ __address__: 'h:1', ...labels })) }], { jobName: 'j' }, []).targets[0]!.url;
  assert.equal(t({ __metrics_path__: '/v1/sys/metrics?format=prometheus' }), 'http://h:1/v1/sys/metrics?format=prometheus');
  assert.equal(t({ __metrics_path__: '/probe?module=a&target=x', __param_module: 'b', __param_debug: 'true' }), 'http://h:1/probe?module=b&target=x&debug=true');
  assert.equal(t({ __metrics_path__: '/m#1' }), 'http://h:1/m%231');
  assert.equal(t({ __param_a: 'x y' }), 'http://h:1/metrics?a=x+y');
});

test('file_sd: JSON and YAML files, __meta_filepath, re-read on change, last good kept on a bad edit', async () => {
  const json = join(dir, 'targets.json');
  const yml = join(dir, 'more.yml');
  writeFileSync(json, JSON.stringify([{ targets: ['h1:1', 'h2:2'], labels: { team: 'a' } }]));
  writeFileSync(yml, '- targets: ["h3:3"]\n  labels:\n    team: b\n');
  const d = fileDiscoverer(nodeFileSystem, [json, yml]);
  let r = await d.discover();
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['h1:1', 'h2:2', 'h3:3']);
  assert.equal(r.groups[0]!.labels.__meta_filepath, json);

  writeFileSync(json, JSON.stringify([{ targets: ['h9:9'] }]));
  utimesSync(json, new Date(), new Date(Date.now() + 5000));
  r = await d.discover();
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['h9:9', 'h3:3']);

  writeFileSync(json, '[{"targets": ');
  utimesSync(json, new Date(), new Date(Date.now() + 10000));
  r = await d.discover();
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['h9:9', 'h3:3']);
  assert.deepEqual(r.warnings.map((w) => w.id), ['discovery.badFile']);
});

test('file_sd YAML: number and boolean label values are their text; null is no label; a group may have no targets', async () => {
  const yml = join(dir, 'typed.yaml');
  writeFileSync(yml, '- targets: [h1:1]\n  labels:\n    port: 9100\n    version: 1.20\n    canary: true\n    gone: null\n- labels: {team: a}\n- targets:\n');
  const r = await fileDiscoverer(nodeFileSystem, [yml]).discover();
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['h1:1']);
  const { __meta_filepath: _f, ...labels } = r.groups[0]!.labels;
  assert.deepEqual(labels, { port: '9100', version: '1.20', canary: 'true', gone: '' });
  const res = populateTargets(expandGroups(r.groups), { jobName: 'j' }, []);
  assert.deepEqual(Object.fromEntries(res.targets[0]!.labels), { canary: 'true', instance: 'h1:1', job: 'j', port: '9100', version: '1.20' });
});

test('file_sd: a misspelt group field and a YAML syntax error are reported with where', async () => {
  const typo = join(dir, 'typo.json');
  writeFileSync(typo, JSON.stringify([{ target: ['h1:1'] }]));
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, '- targets: [h1:1\n  labels: {a: b}\n');
  const r = await fileDiscoverer(nodeFileSystem, [typo, bad]).discover();
  assert.deepEqual(r.groups, []);
  assert.deepEqual(r.warnings.map((w) => w.id), ['discovery.badFile', 'discovery.badFile']);
  assert.match(r.warnings[0]!.message, /group 0: unknown field "target"/);
  assert.match(r.warnings[1]!.message, /line \d+, column \d+/);
  assert.ok(!r.warnings[1]!.message.includes('\n'), 'one line');
});

test('file_sd: a * in the last path segment reads every matching file; a deleted file takes its targets with it', async () => {
  const sub = join(dir, 'fleet');
  mkdirSync(sub);
  writeFileSync(join(sub, 'tg_a.json'), JSON.stringify([{ targets: ['a:1'] }]));
  writeFileSync(join(sub, 'tg_b.yml'), '- targets: [b:1]\n');
  writeFileSync(join(sub, 'other.json'), JSON.stringify([{ targets: ['x:1'] }]));
  const single = join(dir, 'single.json');
  writeFileSync(single, JSON.stringify([{ targets: ['s:1'] }]));
  const d = fileDiscoverer(nodeFileSystem, [join(sub, 'tg_*.json'), join(sub, 'tg_*.yml'), join(sub, 'none_*.json'), single]);
  let r = await d.discover();
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['a:1', 'b:1', 's:1']);
  assert.equal(r.groups[1]!.labels.__meta_filepath, join(sub, 'tg_b.yml'));
  rmSync(join(sub, 'tg_a.json'));
  rmSync(single);
  r = await d.discover();
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['b:1']);
  assert.deepEqual(r.warnings.map((w) => w.id), ['discovery.fileMissing'], 'a named file that is gone is reported; a glob that matches less is not');
});

test('http_sd: keeps the last good list when the endpoint fails, fails when it never worked', async () => {
  let answer: unknown = [{ targets: ['x:1'], labels: { a: 'b' } }];
  let fail = false;
  const get = async () => {
    if (fail) throw new Error('connection refused');
    return answer;
  };
  const d = httpDiscoverer(get, 'http://sd.example/targets');
  assert.deepEqual((await d.discover()).groups.flatMap((g) => g.targets), ['x:1']);
  fail = true;
  const r = await d.discover();
  assert.deepEqual(r.groups.flatMap((g) => g.targets), ['x:1']);
  assert.equal(r.warnings[0]!.id, 'discovery.httpFailed');
  const never = httpDiscoverer(get, 'http://sd.example/other');
  await assert.rejects(never.discover(), (e: unknown) => (e as { id?: string }).id === 'discovery.httpFailed');
  answer = { not: 'a list' };
  fail = false;
  const r2 = await d.discover();
  assert.deepEqual(r2.groups.flatMap((g) => g.targets), ['x:1'], 'an invalid document keeps the last good list');
  // A document of the wrong shape is reported as such, naming the URL once.
  assert.equal(r2.warnings[0]!.id, 'discovery.badDocument');
  assert.equal(r2.warnings[0]!.message, 'http_sd http://sd.example/targets: expected a list of target groups ({targets: [...], labels: {...}}); using the last good list');
  const bad = httpDiscoverer(async () => [{ targets: 'x:1' }], 'http://sd.example/bad');
  await assert.rejects(bad.discover(), (e: unknown) => (e as { id?: string }).id === 'discovery.badDocument' && (e as Error).message === 'http_sd http://sd.example/bad: group 0: "targets" must be a list of strings');
});

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const dnsmasq = '/usr/sbin/dnsmasq';
test('DNS discovery: SRV and A records from a real dnsmasq', { skip: requireExternal('dnsmasq', existsSync(dnsmasq)) }, async () => {
  const port = await freeUdpPort();
  const proc: ChildProcess = spawn(
    dnsmasq,
    [
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      '--no-daemon',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--user=root',
      '--pid-file=',
      '--host-record=node1.test.lan,127.0.0.11',
      '--host-record=node2.test.lan,127.0.0.12',
      '--srv-host=_metrics._tcp.test.lan,node1.test.lan,9100',
      '--srv-host=_metrics._tcp.test.lan,node2.test.lan,9200',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  try {
    const resolver = createDnsResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 1000 });
    // dnsmasq needs a moment to bind; poll until it answers.
    const deadline = Date.now() + 10000;
    let srv: Awaited<ReturnType<typeof resolver.resolveSrv>> = [];
    while (Date.now() < deadline) {
      try {
        srv = await resolver.resolveSrv('_metrics._tcp.test.lan');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(srv.length > 0, `dnsmasq answered (${stderr})`);
    const d = dnsDiscoverer(resolver, { names: ['_metrics._tcp.test.lan'], type: 'SRV' });
    const r = await d.discover();
    assert.deepEqual(r.groups.flatMap((g) => g.targets).sort(), ['node1.test.lan:9100', 'node2.test.lan:9200']);
    const a = await dnsDiscoverer(resolver, { names: ['node1.test.lan', 'missing.test.lan'], type: 'A', port: 9100 }).discover();
    assert.deepEqual(a.groups.flatMap((g) => g.targets), ['127.0.0.11:9100']);
    assert.deepEqual(a.warnings.map((w) => w.id), ['discovery.dnsFailed']);
  } finally {
    proc.kill('SIGTERM');
  }
});

test('DNS: a failed lookup keeps the name\'s last good answer; NXDOMAIN is an empty answer', async () => {
  const answers = new Map<string, string[] | Error>([['a.lan', ['10.0.0.1']], ['b.lan', ['10.0.0.2']]]);
  const failing = (code: string) => Object.assign(new Error(`queryA ${code}`), { code });
  const resolver = {
    resolveA: async (name: string) => {
      const a = answers.get(name);
      if (a instanceof Error) throw a;
      return a ?? [];
    },
    resolveAAAA: async () => [],
    resolveSrv: async () => [],
  };
  const d = dnsDiscoverer(resolver, { names: ['a.lan', 'b.lan'], type: 'A', port: 9100 });
  const targetsOf = (r: { groups: { targets: readonly string[] }[] }) => r.groups.flatMap((g) => g.targets);
  assert.deepEqual(targetsOf(await d.discover()), ['10.0.0.1:9100', '10.0.0.2:9100']);
  answers.set('a.lan', failing('ETIMEOUT'));
  answers.set('b.lan', failing('ENOTFOUND'));
  const r = await d.discover();
  assert.deepEqual(targetsOf(r), ['10.0.0.1:9100'], 'a.lan timed out: its last answer; b.lan does not exist any more');
  assert.deepEqual(r.warnings.map((w) => w.id), ['discovery.dnsFailed', 'discovery.dnsFailed']);
  assert.match(r.warnings[0]!.message, /last good answer/);
  answers.set('a.lan', ['10.0.0.3']);
  assert.deepEqual(targetsOf(await d.discover()), ['10.0.0.3:9100']);
});

test('DNS: names are looked up at once, so a name whose server is slow does not hold up the others', async () => {
  const asked: string[] = [];
  let release!: (a: string[]) => void;
  const slow = new Promise<string[]>((r) => (release = r));
  const resolver = {
    resolveA: (name: string) => {
      asked.push(name);
      return name === 'slow.lan' ? slow : Promise.resolve(['10.0.0.9']);
    },
    resolveAAAA: async () => [],
    resolveSrv: async () => [],
  };
  const pending = dnsDiscoverer(resolver, { names: ['slow.lan', 'fast.lan'], type: 'A', port: 1 }).discover();
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert.deepEqual(asked, ['slow.lan', 'fast.lan'], 'fast.lan is asked while slow.lan is pending');
  release(['10.0.0.8']);
  assert.deepEqual((await pending).groups.flatMap((g) => g.targets), ['10.0.0.8:1', '10.0.0.9:1'], 'in the order of names');
});

test('DNS A discovery needs a port', () => {
  assert.throws(() => dnsDiscoverer(createDnsResolver(), { names: ['x'], type: 'A' }), (e: unknown) => (e as { id?: string }).id === 'discovery.dnsPort');
});
