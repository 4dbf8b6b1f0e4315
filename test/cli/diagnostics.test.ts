// renderDiagnostics: an error inside the standard library is followed by the call in the
// user's source that led there ("called here"), found from the outermost Flux stack frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FluxError } from '../../src/errors/index.js';
import { renderDiagnostics } from '../../src/cli/diagnostics.js';

const at = (line: number, column: number) => ({ line, column, offset: -1 });
const script = 'import "array"\narray.from(rows: [{_value: "x"}])\n  |> toInt()\n';

function stdlibError(stack: string[]): FluxError {
  return new FluxError('invalid', 'convert.invalidSyntax', 'cannot parse "x" as int', { span: { start: at(2, 5), end: at(2, 9) }, source: 'stdlib/universe', stack });
}

test('the outermost frame, a call in the script, is quoted with a caret', () => {
  const [out] = renderDiagnostics(stdlibError(['function "int" @2:5-2:9', 'function "toInt" @3:6-3:13']), 'a.flux', script);
  assert.equal(
    out,
    [
      'stdlib/universe:2:5: cannot parse "x" as int',
      'a.flux:3:6: called here',
      ' 3 |   |> toInt()',
      '   |      ^^^^^^^',
      '    at function "int" @2:5-2:9',
      '    at function "toInt" @3:6-3:13',
    ].join('\n'),
  );
});

test('an outermost frame that is itself inside the stdlib is not quoted against the script', () => {
  // Line 2 of the script exists, but the text at 2:5-2:9 does not name "int".
  const [out] = renderDiagnostics(stdlibError(['function "int" @2:5-2:9']), 'a.flux', script);
  assert.equal(out, 'stdlib/universe:2:5: cannot parse "x" as int\n    at function "int" @2:5-2:9');
});

test('a frame of an earlier source (a REPL input) is quoted there under its name, its credentials masked; the current source comes first', () => {
  const earlier = [{ name: '<repl:3>', source: 'q = array.from(rows: [{_value: "x", token: "s3cr3t"}]) |> toInt()' }];
  const err = stdlibError(['function "int" @2:5-2:9', 'function "toInt" @1:59-1:66']);
  const [out] = renderDiagnostics(err, '<repl:4>', 'q', { earlier });
  assert.deepEqual(out!.split('\n').slice(1, 4), [
    '<repl:3>:1:59: called here',
    ' 1 | q = array.from(rows: [{_value: "x", token: "******"}]) |> toInt()',
    '   |                                                           ^^^^^^^',
  ]);
  // The same call at the same place in the current source: that one.
  const [own] = renderDiagnostics(err, '<repl:4>', earlier[0]!.source, { earlier });
  assert.equal(own!.split('\n')[1], '<repl:4>:1:59: called here');
  // An error located in an earlier source is quoted from it.
  const inEarlier = new FluxError('invalid', 'convert.invalidSyntax', 'cannot parse "x" as int', { span: { start: at(1, 59), end: at(1, 66) }, source: '<repl:3>' });
  assert.deepEqual(renderDiagnostics(inEarlier, '<repl:4>', 'q', { earlier })[0]!.split('\n').slice(0, 2), ['<repl:3>:1:59: cannot parse "x" as int', ' 1 | q = array.from(rows: [{_value: "x", token: "******"}]) |> toInt()']);
});
