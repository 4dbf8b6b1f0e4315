import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/index.js';
import type { Runtime } from '../../src/index.js';
import { nodeFileSystem } from '../../src/host/fs.js';
import { runTests, summaryLine } from '../../src/runtime/test-runner.js';
import type { TestRunnerDeps } from '../../src/runtime/test-runner.js';
import { checkTestResults } from '../../src/table/index.js';
import { main } from '../../src/cli/main.js';
import { memoryIO } from '../../src/cli/io.js';

const DATA = `"#datatype,string,long,string,double
#group,false,false,true,false
#default,_result,,,
,result,table,host,_value
,,0,a,1
"`;
const OTHER = DATA.replace(',,0,a,1', ',,0,a,2');

const PASSING = `package demo_test
import "csv"
import "testing"

data = ${DATA}

testcase equal {
    testing.diff(got: csv.from(csv: data), want: csv.from(csv: data))
}

testcase skipped {
    option testing.tags = ["skip"]
    testing.diff(got: csv.from(csv: data), want: csv.from(csv: ${OTHER}))
}
`;

const FAILING = `package bad_test
import "csv"
import "testing"

testcase differs {
    testing.diff(got: csv.from(csv: ${OTHER}), want: csv.from(csv: ${DATA}))
}

testcase errors {
    csv.from(csv: "#datatype,string,long,double\\n#group,false,false,false\\n#default,_result,,\\n,result,table,v\\n,,0,x\\n")
}
`;

// A stdlib directory holding a base test file that another file extends.
const BASE = `package base_test
import "csv"
import "testing"

want = ${DATA}

testcase shared {
    got = csv.from(csv: input)
    testing.diff(got: got, want: csv.from(csv: want))
}
`;
const EXTENDS = `package ext_test
import "testing"

testcase shared extends "demo/base_test" {
    input = ${DATA}
    super()
}
`;

describe('Flux testcase runner', () => {
  let dir: string;
  let runtime: Runtime;
  let deps: TestRunnerDeps;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promflux-runner-'));
    await mkdir(join(dir, 'stdlib', 'demo'), { recursive: true });
    await mkdir(join(dir, 'tests', 'sub'), { recursive: true });
    await writeFile(join(dir, 'stdlib', 'demo', 'base_test.flux'), BASE);
    await writeFile(join(dir, 'tests', 'demo_test.flux'), PASSING);
    await writeFile(join(dir, 'tests', 'sub', 'bad_test.flux'), FAILING);
    await mkdir(join(dir, 'tests-ext'), { recursive: true });
    await writeFile(join(dir, 'tests-ext', 'ext_test.flux'), EXTENDS);
    await writeFile(join(dir, 'tests', 'helper.flux'), 'syntax error here (');
    await mkdir(join(dir, 'tests-broken'), { recursive: true });
    await writeFile(join(dir, 'tests-broken', 'broken_test.flux'), 'testcase t {\n  x = (\n}\n');
    runtime = createRuntime({ dataDir: join(dir, 'data') });
    deps = {
      runFile: (f, o) => runtime.runFile(f, o),
      checkResults: checkTestResults,
      fs: nodeFileSystem,
      stdlibDir: join(dir, 'stdlib'),
    };
  });
  after(async () => {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes, fails, skips and reports each testcase', async () => {
    const s = await runTests([join(dir, 'tests'), join(dir, 'tests-ext')], deps);
    const by = Object.fromEntries(s.outcomes.map((o) => [o.name, o]));
    assert.deepEqual(s.outcomes.map((o) => [o.name, o.status]).sort(), [
      ['differs', 'fail'],
      ['equal', 'pass'],
      ['errors', 'fail'],
      ['shared', 'pass'],
      ['skipped', 'skip'],
    ]);
    assert.match(by.differs!.detail!, /_diff:string/);
    assert.match(by.differs!.detail!, /^\s*-\s+a\s+1$/m);
    assert.match(by.differs!.detail!, /^\s*\+\s+a\s+2$/m);
    assert.match(by.errors!.detail!, /invalid float value "x"/);
    assert.equal(summaryLine(s), '2 passed, 2 failed, 1 skipped');
  });

  it('a test file that does not parse is one failure with the diagnostic', async () => {
    const s = await runTests([join(dir, 'tests-broken')], deps);
    assert.equal(s.outcomes.length, 1);
    assert.equal(s.outcomes[0]!.status, 'fail');
    assert.match(s.outcomes[0]!.detail!, /broken_test\.flux:\d+:\d+: /);
  });

  it('filters testcases by name', async () => {
    const s = await runTests([join(dir, 'tests')], { ...deps, filter: /^equal$/ });
    assert.deepEqual(s.outcomes.map((o) => o.name), ['equal']);
  });

  it('promflux test: one line per testcase, the summary, exit 1 on failure', async () => {
    const io = memoryIO();
    const code = await main(['test', join(dir, 'tests')], io);
    assert.equal(code, 1);
    assert.match(io.out, /^PASS  .*demo_test\.flux  equal \(\d+ ms\)$/m);
    assert.match(io.out, /^FAIL  .*bad_test\.flux  differs/m);
    assert.match(io.out, /^SKIP  .*demo_test\.flux  skipped$/m);
    assert.match(io.out, /\n1 passed, 2 failed, 1 skipped\n$/);
  });

  it('promflux test: exit 0 when all pass, 2 for a missing path', async () => {
    const ok = memoryIO();
    assert.equal(await main(['test', join(dir, 'tests', 'demo_test.flux')], ok), 0);
    assert.match(ok.out, /1 passed, 0 failed, 1 skipped\n$/);
    const missing = memoryIO();
    assert.equal(await main(['test', join(dir, 'nope')], missing), 2);
    assert.match(missing.err, /no such file or directory/);
  });

  it('an injected renderError gets the error with the failing program\'s file name and text', async () => {
    const file = join(dir, 'render_test.flux');
    const text = 'package render_test\nimport "array"\n\ntestcase conv {\n    array.from(rows: [{_value: "a"}]) |> toInt() |> yield()\n}\n';
    await writeFile(file, text);
    const seen: [string, string, string | undefined, string | undefined][] = [];
    const s = await runTests([file], {
      ...deps,
      renderError: (err, name, source) => {
        seen.push([err.id, name, err.source, err.fluxStack.at(-1)]);
        return `rendered ${name} ${source.length}`;
      },
    });
    // The error is inside the stdlib: it is rendered against the program, whose call led there.
    assert.deepEqual(seen, [['convert.invalidSyntax', file, 'stdlib/universe', 'function "toInt" @5:42-5:49']]);
    assert.equal(s.outcomes[0]!.detail, `rendered ${file} ${text.length}`);
  });

  it('promflux test: an error inside the stdlib is followed by the testcase\'s call (called here) and the frames', async () => {
    const file = join(dir, 'called_test.flux');
    await writeFile(file, 'package called_test\nimport "array"\n\ntestcase conv {\n    array.from(rows: [{_value: "a"}]) |> toInt() |> yield()\n}\n');
    const io = memoryIO();
    assert.equal(await main(['test', file], io), 1);
    assert.match(io.out, /^ {6}stdlib\/universe:\d+:\d+: .*cannot parse "a" as int$/m);
    assert.ok(io.out.includes(`      ${file}:5:42: called here\n       5 |     array.from(rows: [{_value: "a"}]) |> toInt() |> yield()\n         |                                          ^^^^^^^\n`), io.out);
    assert.match(io.out, /^ {10}at function "toInt" @5:42-5:49$/m);
  });

  it('promflux test: a failure quoting a line with a credential masks it', async () => {
    const file = join(dir, 'secret_test.flux');
    await writeFile(file, 'package secret_test\nimport "experimental/prometheus"\n\ntestcase scrape_refused {\n    prometheus.scrape(url: "http://u:s3cr3t-pw@127.0.0.1:1/m", bearerToken: "tok-777") |> yield()\n}\n');
    const io = memoryIO();
    assert.equal(await main(['test', file], io), 1);
    const all = io.out + io.err;
    assert.match(all, /FAIL/);
    assert.match(all, / 5 \|/, all);
    assert.ok(!all.includes('s3cr3t-pw') && !all.includes('tok-777'), all);
  });
});
