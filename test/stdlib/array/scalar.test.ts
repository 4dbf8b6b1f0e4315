// array.map / array.filter / array.concat.
import { errorCases, valueCases } from '../../interpreter/flux.js';

const p = 'import "array"\nimport "strings"\n';

valueCases('array', [
  { src: '[1, 2, 3] |> array.map(fn: (x) => x * x)', want: '[1, 4, 9]' },
  { src: 'array.map(arr: ["a", "b"], fn: (x) => strings.toUpper(v: x))', want: '["A", "B"]' },
  { src: '[] |> array.map(fn: (x) => x)', want: '[]' },
  { src: '[1, 2, 3, 4] |> array.filter(fn: (x) => x % 2 == 0)', want: '[2, 4]' },
  { src: '[1, 2] |> array.concat(v: [3])', want: '[1, 2, 3]' },
  { src: '[{a: 1}, {a: 2}] |> array.map(fn: (x) => x.a) |> array.filter(fn: (x) => x > 1)', want: '[2]' },
  { src: 'k = 10\n[1, 2] |> array.map(fn: (x) => x + k)', want: '[11, 12]', name: 'fn sees its captured scope' },
], p);

errorCases('array', [
  { src: 'x = [1, 2] |> array.map(fn: (x) => x + 1.0)', id: 'type.mismatch', span: '3:36-3:43' },
  { src: 'x = [1, 2] |> array.filter(fn: (x) => x)', id: 'type.mismatch' },
  { src: 'x = [1] |> array.concat(v: ["a"])', id: 'type.mismatch' },
  { src: 'x = "abc" |> array.map(fn: (x) => x)', id: 'call.argumentType' },
  { src: 'x = [1] |> array.map()', id: 'call.missingArgument' },
  { src: 'x = array.map(fn: (x) => x)', id: 'call.missingPipe', span: '3:5-3:28' },
], p);
