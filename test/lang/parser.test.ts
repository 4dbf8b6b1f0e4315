// Parser behaviour: precedence, newline handling, comments, exactly one parse over every
// fixture and stdlib file, realistic Flux without diagnostics, error ids, spans and recovery.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type * as ast from '../../src/lang/ast.js';
import { parse, parseWithStats } from '../../src/lang/index.js';
import { REPO_ROOT } from '../support/env.js';
import { FIXTURES, listFiles } from './support.js';

/** A compact rendering of an expression tree with explicit grouping. */
function show(e: ast.Node | null): string {
  if (e === null) return 'null';
  switch (e.type) {
    case 'Identifier':
      return e.name;
    case 'IntegerLiteral':
      return String(e.value);
    case 'FloatLiteral':
      return `${e.value}f`;
    case 'StringLiteral':
      return JSON.stringify(e.value);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return `(${show(e.left)} ${e.operator} ${show(e.right)})`;
    case 'UnaryExpression':
      return `(${e.operator} ${show(e.argument)})`;
    case 'PipeExpression':
      return `(${show(e.argument)} |> ${show(e.call)})`;
    case 'CallExpression':
      return `${show(e.callee)}(${e.arguments ? e.arguments.properties.map(show).join(', ') : ''})`;
    case 'Property':
      return `${show(e.key)}${e.value ? `: ${show(e.value)}` : ''}`;
    case 'MemberExpression':
      return `${show(e.object)}.${show(e.property)}`;
    case 'IndexExpression':
      return `${show(e.array)}[${show(e.index)}]`;
    case 'ConditionalExpression':
      return `(if ${show(e.test)} then ${show(e.consequent)} else ${show(e.alternate)})`;
    case 'ParenExpression':
      return `(${show(e.expression)})`;
    case 'FunctionExpression':
      return `fn(${e.params.map(show).join(', ')}) => ${show(e.body)}`;
    case 'Block':
      return `{${e.body.map(show).join('; ')}}`;
    case 'RecordExpression':
      return `{${e.with ? `${show(e.with)} with ` : ''}${e.properties.map(show).join(', ')}}`;
    case 'ArrayExpression':
      return `[${e.elements.map(show).join(', ')}]`;
    case 'DictExpression':
      return e.elements.length === 0 ? '[:]' : `[${e.elements.map((x) => `${show(x.key)}: ${show(x.value)}`).join(', ')}]`;
    case 'PipeLiteral':
      return '<-';
    case 'DurationLiteral':
      return e.values.map((v) => `${v.magnitude}${v.unit}`).join('');
    case 'RegexpLiteral':
      return `/${e.value}/`;
    case 'VariableAssignment':
      return `${show(e.id)} = ${show(e.init)}`;
    case 'ExpressionStatement':
      return show(e.expression);
    case 'ReturnStatement':
      return `return ${show(e.argument)}`;
    default:
      return e.type;
  }
}

function body(src: string): string[] {
  const r = parseWithStats(src);
  assert.deepEqual(r.diagnostics.map((d) => `${d.id}: ${d.message}`), [], `no diagnostics for ${JSON.stringify(src)}`);
  assert.equal(r.parseCount, 1, `exactly one parse of ${JSON.stringify(src)}`);
  return r.file.body.map(show);
}
const expr = (src: string): string => body(src)[0]!;

describe('parser: precedence and associativity', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['a / b % c * d', '(((a / b) % c) * d)'],
    ['2 ^ 3 * 4', '((2 ^ 3) * 4)'],
    ['-2 ^ 2', '((- 2) ^ 2)'],
    ['x |> f() ^ 2', '((x |> f()) ^ 2)'],
    ['-x |> f()', '((- x) |> f())'],
    ['a + b == c * d', '((a + b) == (c * d))'],
    ['a == b and c != d or e', '(((a == b) and (c != d)) or e)'],
    ['a or b and c', '(a or (b and c))'],
    ['not a and b', '((not a) and b)'],
    ['not a == b', '(not (a == b))'],
    ['not not a', '(not (not a))'],
    ['exists r.x and r.x > 0', '((exists r.x) and (r.x > 0))'],
    ['r.a =~ /x/ or r.b !~ /y/', '((r.a =~ /x/) or (r.b !~ /y/))'],
    ['a < b == c', '((a < b) == c)'],
    ['if a then b else c', '(if a then b else c)'],
    ['if a or b then c + 1 else d and e', '(if (a or b) then (c + 1) else (d and e))'],
    ['(r) => r.x + 1', 'fn(r) => (r.x + 1)'],
    ['(r) => if r then 1 else 2', 'fn(r) => (if r then 1 else 2)'],
    ['f(x: 1).y[0]', 'f(x: 1).y[0]'],
    ['a.b.c(d: e)(f: g)', 'a.b.c(d: e)(f: g)'],
    ['x |> a.b(c: 1) |> d()', '((x |> a.b(c: 1)) |> d())'],
    ['(a + b) * c', '(((a + b)) * c)'],
    ['- -1', '(- (- 1))'],
  ];
  for (const [src, want] of cases) it(src, () => assert.equal(expr(src), want));
});

describe('parser: newline-insensitive yet unambiguous', () => {
  const cases: [string, string[]][] = [
    ['a = b\n(c)', ['a = b', '(c)']],
    ['a = b (c)', ['a = b(c)']],
    ['a = b\n[1]', ['a = b', '[1]']],
    ['a = b [1]', ['a = b[1]']],
    ['a = b\n-1', ['a = b', '(- 1)']],
    ['a = b -1', ['a = (b - 1)']],
    ['a = b\n+1', ['a = b', '(+ 1)']],
    ['a = 1 b = 2', ['a = 1', 'b = 2']],
    ['a = b\n  |> c()', ['a = (b |> c())']],
    ['a = (\n1\n+\n2\n)', ['a = ((1 + 2))']],
    ['f(\n  a: 1,\n  b: -2,\n)', ['f(a: 1, b: (- 2))']],
    ['a = [\n  1,\n  -2\n]', ['a = [1, (- 2)]']],
    ['a = x *\n-1', ['a = (x * (- 1))']],
    ['f = (r) => {\n  return r\n}', ['f = fn(r) => {return r}']],
    ['f = (r) => ({a: r})', ['f = fn(r) => ({a: r})']],
    ['f = (r) => {}', ['f = fn(r) => {}']],
    ['x = {a, b}', ['x = {a, b}']],
    ['d = [:]', ['d = [:]']],
    ['d = ["a": 1]', ['d = ["a": 1]']],
    ['g = (tables=<-, n=1) => tables', ['g = fn(tables: <-, n: 1) => tables']],
    ['x = a["k"]\ny = a[k]', ['x = a."k"', 'y = a[k]']],
    ['a = r.x\n.5', ['a = r.x', '0.5f']],
  ];
  for (const [src, want] of cases) it(JSON.stringify(src), () => assert.deepEqual(body(src), want));
});

describe('parser: statements', () => {
  it('package, imports, options, builtins and testcases', () => {
    const r = parse(
      'package foo\nimport "strings"\nimport p "experimental/prometheus"\noption now = () => 2024-01-01\noption p.x = 1\nbuiltin b : int\ntestcase t extends "pkg" { return 1 }\ntestcase u { }',
    );
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.file.package?.name.name, 'foo');
    assert.deepEqual(
      r.file.imports.map((i) => [i.as?.name ?? null, i.path.value]),
      [[null, 'strings'], ['p', 'experimental/prometheus']],
    );
    assert.deepEqual(r.file.body.map((s) => s.type), [
      'OptionStatement',
      'OptionStatement',
      'BuiltinStatement',
      'TestCaseStatement',
      'TestCaseStatement',
    ]);
    const opt = r.file.body[1] as ast.OptionStatement;
    assert.equal(opt.assignment.type, 'MemberAssignment');
    const tc = r.file.body[3] as ast.TestCaseStatement;
    assert.equal(tc.extends?.value, 'pkg');
    assert.equal(tc.block.body[0]!.type, 'ReturnStatement');
  });

  it('type expressions in builtin statements', () => {
    const r = parse(
      'builtin f : (<-tables: stream[A], ?n: int, fn: (r: A) => bool, d: [string:B], a: [int]) => stream[{A with _v: B}] where A: Record, B: Numeric + Comparable',
    );
    assert.deepEqual(r.diagnostics, []);
    const b = r.file.body[0] as ast.BuiltinStatement;
    const fn = b.ty.ty as ast.FunctionType;
    assert.equal(fn.type, 'FunctionType');
    assert.deepEqual(fn.parameters.map((p) => [p.kind, p.name?.name, p.ty.type]), [
      ['pipe', 'tables', 'StreamType'],
      ['optional', 'n', 'NamedType'],
      ['required', 'fn', 'FunctionType'],
      ['required', 'd', 'DictType'],
      ['required', 'a', 'ArrayType'],
    ]);
    const res = fn.result as ast.StreamType;
    const rec = res.element as ast.RecordType;
    assert.equal(rec.tvar?.name, 'A');
    assert.equal((rec.properties[0]!.ty as ast.TvarType).type, 'TvarType');
    assert.deepEqual(b.ty.constraints.map((c) => [c.tvar.name, c.kinds.map((k) => k.name)]), [
      ['A', ['Record']],
      ['B', ['Numeric', 'Comparable']],
    ]);
  });

  it('attaches // comment lines directly above a statement', () => {
    const r = parse('// one\n// two\nbuiltin x : int\n\n// detached\n\ny = 1\nz = 2 // trailing\n// opt\noption o = 1\n');
    assert.deepEqual(r.file.body.map((s) => s.comments ?? null), [[' one', ' two'], null, null, [' opt']]);
  });

  it('CRLF line endings: same statements, comments without the \\r', () => {
    const r = parseWithStats('// doc\r\nx = 1\r\ny = x\r\n  |> f()\r\n(z)\r\n');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.parseCount, 1);
    assert.deepEqual(r.file.body.map(show), ['x = 1', 'y = (x |> f())', '(z)']);
    assert.deepEqual(r.file.body[0]!.comments, [' doc']);
  });

  it('comments anywhere are ignored', () => {
    assert.deepEqual(body('f( // a\n  x: 1, // b\n  // c\n  y: 2 // d\n)').length, 1);
  });
});

describe('parser: exactly one parse over the corpus', () => {
  const files = [
    ...listFiles(join(FIXTURES, 'syntax'), '.flux'),
    ...listFiles(join(FIXTURES, 'realistic'), '.flux'),
    ...listFiles(join(REPO_ROOT, 'stdlib'), '.flux'),
  ];
  it('finds the corpus', () => assert.ok(files.length >= 20));
  for (const f of files) {
    it(f.slice(REPO_ROOT.length), () => {
      const r = parseWithStats(readFileSync(f, 'utf8'), basename(f));
      assert.deepEqual(r.diagnostics.map((d) => `${d.id} ${d.span?.start.line}:${d.span?.start.column} ${d.message}`), []);
      assert.equal(r.parseCount, 1);
    });
  }
});

describe('parser: diagnostics', () => {
  const first = (src: string) => {
    const r = parse(src, 'x.flux');
    assert.ok(r.diagnostics.length > 0, `expected a diagnostic for ${JSON.stringify(src)}`);
    return r.diagnostics[0]!;
  };
  const at = (d: { span?: { start: { line: number; column: number } } | undefined }) =>
    `${d.span?.start.line}:${d.span?.start.column}`;

  it('incomplete input is syntax.unexpectedEOF (the REPL continues on it)', () => {
    for (const src of ['x = 1 +', 'f(a: 1', 'x = {', 'y = [1,', 'if a then', 'g = (r) =>', 'x |> ', 'f = () => {\n a = 1\n', 'import', 'builtin f :']) {
      const r = parse(src);
      assert.deepEqual(r.diagnostics.map((d) => d.id), ['syntax.unexpectedEOF'], src);
    }
  });
  it('complete input is not reported as EOF', () => {
    for (const src of ['x = 1', 'f(a: 1)', '', '  \n// c\n']) assert.deepEqual(parse(src).diagnostics, [], src);
  });
  it('unexpected tokens name what was found and what was expected, with a span', () => {
    const d = first('x = 1\ny = )');
    assert.equal(d.id, 'syntax.unexpectedToken');
    assert.equal(at(d), '2:5');
    assert.equal(d.span?.end.column, 6);
    assert.match(d.message, /unexpected "\)"; expected an expression/);
    assert.equal(d.source, 'x.flux');
  });
  it('the right side of |> must be a call', () => {
    const d = first('x = a |> b\ny = 1');
    assert.equal(d.id, 'syntax.unexpectedToken');
    assert.match(d.message, /must be a function call/);
  });
  // Flux SPEC, Function literals: a body in braces is a block, so a record body needs
  // parentheses. The slip is reported where it is, not at the next line.
  it('a record written as a function body says to wrap it in parentheses', () => {
    for (const [src, span] of [
      ['f = (r) => {r with z: 1}\ny = f(r: {a: 1})', '1:12-1:19'],
      ['f = (r) => {a: 1, b: 2}', '1:12-1:15'],
      ['x = g(fn: (r) => {_value: r._value})', '1:18-1:26'],
      ['f = (r) => {r with z: 1}', '1:12-1:19'],
    ] as const) {
      const ds = parse(src).diagnostics;
      const d = ds.find((x) => x.id === 'syntax.recordBody');
      assert.ok(d, `${src}: ${ds.map((x) => x.id).join(', ')}`);
      assert.equal(`${d.span?.start.line}:${d.span?.start.column}-${d.span?.end.line}:${d.span?.end.column}`, span);
      assert.equal(ds[0], d, 'the hint comes first');
      assert.ok(!ds.some((x) => x.id === 'syntax.unexpectedEOF'), 'no line can complete it, so it is not EOF (the REPL would wait)');
    }
    assert.deepEqual(parse('f = (r) => ({r with z: 1})\ng = (r) => {\n  a = 1\n  return a\n}').diagnostics, []);
    // A record type in a builtin signature is not a function body.
    const typed = parse('builtin f : (x: int) => {a: int}\nbuiltin g :\n  (x: int)\n    => {b: int}\nx = )');
    assert.deepEqual(typed.diagnostics.map((d) => d.id), ['syntax.unexpectedToken']);
  });
  it('recovers and reports several errors', () => {
    const r = parse('a = )\nb = 1\nc = (1 +\nd = 2\ne = ]\nf = 3');
    assert.deepEqual(r.diagnostics.map((d) => `${d.id} ${at(d)}`), [
      'syntax.unexpectedToken 1:5',
      'syntax.unexpectedToken 4:3',
      'syntax.unexpectedToken 5:5',
    ]);
    assert.deepEqual(r.file.body.map((s) => s.type), [
      'BadStatement',
      'VariableAssignment',
      'BadStatement',
      'VariableAssignment',
      'BadStatement',
      'VariableAssignment',
    ]);
    assert.equal((r.file.body[0] as ast.BadStatement).text, 'a = )');
  });
  it('lexical errors come with syntax errors after them', () => {
    const r = parse('a = "\\q"\nb = 1hx\nc = )');
    assert.deepEqual(r.diagnostics.map((d) => d.id), ['lex.badEscape', 'lex.badDuration', 'syntax.unexpectedToken']);
  });
  it('imports after statements are rejected', () => {
    const d = first('x = 1\nimport "a"');
    assert.equal(d.id, 'syntax.unexpectedToken');
    assert.equal(at(d), '2:1');
  });
  it('reports at most a bounded number of errors on garbage', () => {
    const r = parse('x = )\n'.repeat(500));
    assert.equal(r.diagnostics.length, 50);
    assert.equal(r.diagnostics[49]!.span?.start.line, 50);
  });
});

describe('parser: spans', () => {
  it('every node has a span inside its statement', () => {
    const src = 'x = from(bucket: "b")\n  |> range(start: -1h)\n  |> filter(fn: (r) => r.a == "${v}")';
    const r = parse(src);
    assert.deepEqual(r.diagnostics, []);
    const st = r.file.body[0]!;
    assert.equal(src.slice(st.span.start.offset, st.span.end.offset), src);
    const walk = (n: unknown, parent: { start: number; end: number }): void => {
      if (Array.isArray(n)) return n.forEach((c) => walk(c, parent));
      if (typeof n !== 'object' || n === null) return;
      const node = n as { span?: { start: { offset: number }; end: { offset: number } } };
      let p = parent;
      if (node.span && 'type' in node) {
        assert.ok(node.span.start.offset >= parent.start && node.span.end.offset <= parent.end);
        p = { start: node.span.start.offset, end: node.span.end.offset };
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'span') walk(v, p);
    };
    walk(st, { start: 0, end: src.length });
    const pipe = (st as ast.VariableAssignment).init as ast.PipeExpression;
    assert.equal(src.slice(pipe.call.span.start.offset, pipe.call.span.end.offset), 'filter(fn: (r) => r.a == "${v}")');
  });
  it('the file span covers the whole input and carries the name', () => {
    const r = parse('a = 1\n', 'n.flux');
    assert.equal(r.file.name, 'n.flux');
    assert.deepEqual(r.file.span.end, { line: 2, column: 1, offset: 6 });
  });
});

describe('parser: random operator chains agree with a reference precedence parser', () => {
  // Reference: recursive descent straight from the SPEC precedence table.
  const LEVELS = [['or'], ['and'], null, ['==', '!=', '<', '<=', '>', '>=', '=~', '!~'], ['+', '-'], ['*', '/', '%'], ['^'], ['|>']];
  function reference(tokens: string[]): string {
    let i = 0;
    const level = (n: number): string => {
      if (n === 2) {
        if (tokens[i] === 'not' || tokens[i] === 'exists') {
          const op = tokens[i++]!;
          return `(${op} ${level(2)})`;
        }
        return level(3);
      }
      if (n === LEVELS.length) return tokens[i++]!;
      let left = level(n + 1);
      while (i < tokens.length && LEVELS[n]!.includes(tokens[i]!)) {
        const op = tokens[i++]!;
        left = op === '|>' ? `(${left} |> ${tokens[i++]!})` : `(${left} ${op} ${level(n + 1)})`;
      }
      return left;
    };
    return level(0);
  }
  it('2,000 random chains', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const ops = LEVELS.flatMap((l) => l ?? []).filter((o) => o !== '|>');
    for (let k = 0; k < 2000; k++) {
      const tokens: string[] = [];
      const n = 1 + rand(8);
      for (let j = 0; j < n; j++) {
        // `not` / `exists` only where the SPEC grammar allows them: at the start or after and/or.
        const prev = tokens[tokens.length - 1];
        if ((prev === undefined || prev === 'and' || prev === 'or') && rand(3) === 0) tokens.push(rand(2) ? 'not' : 'exists');
        tokens.push(`v${j}`);
        if (rand(4) === 0) tokens.push('|>', `f${j}()`);
        if (j < n - 1) tokens.push(ops[rand(ops.length)]!);
      }
      const src = tokens.join(' ');
      assert.equal(expr(src), reference(tokens), src);
    }
  });
});
