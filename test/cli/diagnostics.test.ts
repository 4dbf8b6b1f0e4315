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
