// Relabeling, table-driven. Expected outputs are worked out by hand from Prometheus's
// documented <relabel_config> rules (see the header of src/discovery/relabel.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, expand, hashmod, relabel, type RelabelRuleInput } from '../../src/discovery/relabel.js';
import { FluxError } from '../../src/errors/index.js';

type Case = { name: string; input: Record<string, string>; rules: RelabelRuleInput[]; want: Record<string, string> | null };

const cases: Case[] = [
  {
    name: 'replace with every default copies the joined value of the source labels',
    input: { a: 'x', b: 'y' },
    rules: [{ sourceLabels: ['a', 'b'], targetLabel: 'c' }],
    want: { a: 'x', b: 'y', c: 'x;y' },
  },
  {
    name: 'replace: a missing source label joins as the empty string',
    input: { a: 'x' },
    rules: [{ sourceLabels: ['a', 'missing'], targetLabel: 'c' }],
    want: { a: 'x', c: 'x;' },
  },
  {
    name: 'replace uses groups and a custom separator',
    input: { __address__: '10.1.2.3:9100', env: 'prod' },
    rules: [{ sourceLabels: ['__address__', 'env'], separator: '|', regex: '([^:]+):(\\d+)\\|(.*)', targetLabel: 'host', replacement: '$3-$1' }],
    want: { __address__: '10.1.2.3:9100', env: 'prod', host: 'prod-10.1.2.3' },
  },
  {
    name: 'replace: the regex is anchored, a partial match changes nothing',
    input: { a: 'foobar' },
    rules: [{ sourceLabels: ['a'], regex: 'foo', targetLabel: 'b', replacement: 'hit' }],
    want: { a: 'foobar' },
  },
  {
    name: 'replace with an empty result removes the target label',
    input: { a: '', drop_me: 'v' },
    rules: [{ sourceLabels: ['a'], targetLabel: 'drop_me' }],
    want: { a: '' },
  },
  {
    name: 'replace expands groups in the target label; an invalid result name is skipped',
    input: { k: 'zone', v: 'eu' },
    rules: [
      { sourceLabels: ['k', 'v'], regex: '(.*);(.*)', targetLabel: 'meta_$1', replacement: '$2' },
      { sourceLabels: ['v'], regex: '(.*)', targetLabel: '${1}-bad', replacement: 'x' },
    ],
    want: { k: 'zone', v: 'eu', meta_zone: 'eu' },
  },
  {
    name: 'replace: named groups, ${n} braces, $$ and $1x (the group named "1x", empty)',
    input: { a: 'abc' },
    rules: [{ sourceLabels: ['a'], regex: '(?P<first>a)(b)(c)', targetLabel: 't', replacement: '${first}-${2}x-$$-$1x-$3' }],
    want: { a: 'abc', t: 'a-bx-$--c' },
  },
  {
    name: 'keep keeps a matching set',
    input: { job: 'node' },
    rules: [{ sourceLabels: ['job'], regex: 'node|app', action: 'keep' }],
    want: { job: 'node' },
  },
  {
    name: 'keep drops a set that does not match',
    input: { job: 'db' },
    rules: [{ sourceLabels: ['job'], regex: 'node|app', action: 'keep' }],
    want: null,
  },
  {
    name: 'drop drops a matching set, and later rules do not run',
    input: { env: 'dev' },
    rules: [
      { sourceLabels: ['env'], regex: 'dev', action: 'drop' },
      { sourceLabels: ['env'], targetLabel: 'x' },
    ],
    want: null,
  },
  {
    name: 'drop keeps a set that does not match',
    input: { env: 'prod' },
    rules: [{ sourceLabels: ['env'], regex: 'dev', action: 'drop' }],
    want: { env: 'prod' },
  },
  {
    name: 'keepequal keeps when the joined value equals the target label',
    input: { a: '1', b: '1' },
    rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }],
    want: { a: '1', b: '1' },
  },
  {
    name: 'keepequal drops when they differ',
    input: { a: '1', b: '2' },
    rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'keepequal' }],
    want: null,
  },
  {
    name: 'dropequal drops when equal',
    input: { a: '1', b: '1' },
    rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }],
    want: null,
  },
  {
    name: 'dropequal keeps when they differ',
    input: { a: '1', b: '2' },
    rules: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'dropequal' }],
    want: { a: '1', b: '2' },
  },
  {
    // md5("a") = 0cc175b9c0f1b6a8 31c399e269772661: the last 8 bytes, big-endian, mod 10.
    name: 'hashmod: MD5, last 8 bytes big-endian, modulo',
    input: { addr: 'a' },
    rules: [{ sourceLabels: ['addr'], targetLabel: 'shard', modulus: 10, action: 'hashmod' }],
    want: { addr: 'a', shard: String(BigInt('0x31c399e269772661') % 10n) },
  },
  {
    name: 'labelmap copies labels whose names match to the expanded replacement',
    input: { __meta_kubernetes_pod_label_app: 'web', __meta_kubernetes_pod_label_tier: 'front', other: 'o' },
    rules: [{ regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }],
    want: { __meta_kubernetes_pod_label_app: 'web', __meta_kubernetes_pod_label_tier: 'front', other: 'o', app: 'web', tier: 'front' },
  },
  {
    name: 'labeldrop removes labels whose names match',
    input: { keep_me: '1', tmp_a: '2', tmp_b: '3' },
    rules: [{ regex: 'tmp_.*', action: 'labeldrop' }],
    want: { keep_me: '1' },
  },
  {
    name: 'labelkeep removes labels whose names do not match',
    input: { job: 'j', instance: 'i', noise: 'n' },
    rules: [{ regex: 'job|instance', action: 'labelkeep' }],
    want: { job: 'j', instance: 'i' },
  },
  {
    name: 'lowercase and uppercase write the converted joined value',
    input: { a: 'MiXeD', b: 'x' },
    rules: [
      { sourceLabels: ['a'], targetLabel: 'low', action: 'lowercase' },
      { sourceLabels: ['a', 'b'], targetLabel: 'up', action: 'uppercase' },
    ],
    want: { a: 'MiXeD', b: 'x', low: 'mixed', up: 'MIXED;X' },
  },
  {
    name: 'the action name is case-insensitive',
    input: { a: 'v' },
    rules: [{ sourceLabels: ['a'], regex: 'v', action: 'Drop' }],
    want: null,
  },
  {
    name: 'lowercase of a missing source removes the target label (an empty label is no label)',
    input: { env: 'Prod' },
    rules: [{ sourceLabels: ['missing'], targetLabel: 'env', action: 'lowercase' }],
    want: {},
  },
  {
    name: 'labelmap does not copy an empty value into a new label',
    input: { __meta_x: '', __meta_y: 'v' },
    rules: [{ regex: '__meta_(.*)', action: 'labelmap' }],
    want: { __meta_x: '', __meta_y: 'v', y: 'v' },
  },
  {
    name: 'the default regex (.*) matches across newlines',
    input: { a: 'x\ny' },
    rules: [{ sourceLabels: ['a'], targetLabel: 'b' }],
    want: { a: 'x\ny', b: 'x\ny' },
  },
];

for (const c of cases) {
  test(`relabel: ${c.name}`, () => {
    const rules = c.rules.map((r, i) => compileRule(r, `rule ${i}`));
    const got = relabel(new Map(Object.entries(c.input)), rules);
    assert.deepEqual(got === null ? null : Object.fromEntries([...got].sort()), c.want === null ? null : Object.fromEntries(Object.entries(c.want).sort()));
  });
}

const badRules: { name: string; rule: RelabelRuleInput; id: string }[] = [
  { name: 'unknown action', rule: { action: 'rename' }, id: 'relabel.badAction' },
  { name: 'replace without target', rule: { sourceLabels: ['a'] }, id: 'relabel.missingTarget' },
  { name: 'hashmod without modulus', rule: { sourceLabels: ['a'], targetLabel: 't', action: 'hashmod' }, id: 'relabel.badModulus' },
  { name: 'lowercase with an invalid target', rule: { sourceLabels: ['a'], targetLabel: '1bad', action: 'lowercase' }, id: 'relabel.badTarget' },
  { name: 'replace with a literal invalid target', rule: { sourceLabels: ['a'], targetLabel: 'my-label' }, id: 'relabel.badTarget' },
  { name: 'keepequal with a regex (it would be ignored)', rule: { sourceLabels: ['a'], targetLabel: 'b', regex: 'x', action: 'keepequal' }, id: 'relabel.badRule' },
  { name: 'dropequal with a separator', rule: { sourceLabels: ['a'], targetLabel: 'b', separator: ',', action: 'dropequal' }, id: 'relabel.badRule' },
  { name: 'labelkeep with a replacement', rule: { regex: 'a', replacement: 'b', action: 'labelkeep' }, id: 'relabel.badRule' },
  { name: 'labelmap to an invalid label name', rule: { regex: 'a_(.*)', replacement: 'x-$1', action: 'labelmap' }, id: 'relabel.badRule' },
  { name: 'labeldrop with source labels', rule: { sourceLabels: ['a'], regex: 'x', action: 'labeldrop' }, id: 'relabel.badRule' },
  { name: 'a regex that does not compile', rule: { sourceLabels: ['a'], targetLabel: 't', regex: '(' }, id: 'relabel.badRegex' },
  { name: 'a backreference (not RE2)', rule: { sourceLabels: ['a'], targetLabel: 't', regex: '(a)\\1' }, id: 'relabel.badRegex' },
];
test('relabel rule: fields set to their defaults are accepted by actions that take fewer', () => {
  compileRule({ sourceLabels: ['a'], targetLabel: 'b', regex: '(.*)', separator: ';', replacement: '$1', action: 'keepequal' });
  compileRule({ regex: 'tmp_.*', replacement: '$1', action: 'labeldrop' });
  compileRule({ regex: '__meta_(.+)', replacement: 'k8s_${1}_x', action: 'labelmap' });
});

for (const c of badRules) {
  test(`relabel rule error: ${c.name}`, () => {
    assert.throws(
      () => compileRule(c.rule),
      (e: unknown) => e instanceof FluxError && e.id === c.id && e.message.startsWith('relabel rule: '),
    );
  });
}

test('expand leaves an invalid reference literally', () => {
  const m = /^(a)$/.exec('a')!;
  assert.equal(expand('${', m), '${');
  assert.equal(expand('cost $', m), 'cost $');
  assert.equal(expand('${x y}', m), '${x y}');
});

test('hashmod agrees with MD5 digests known by heart', () => {
  // md5("") = d41d8cd98f00b204 e9800998ecf8427e
  assert.equal(hashmod('', 1000), Number(BigInt('0xe9800998ecf8427e') % 1000n));
  // md5("foo") = acbd18db4cc2f85c edef654fccc4a4d8
  assert.equal(hashmod('foo', 7), Number(BigInt('0xedef654fccc4a4d8') % 7n));
});
