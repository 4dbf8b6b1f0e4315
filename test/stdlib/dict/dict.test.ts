// The dict package.
import { errorCases, valueCases } from '../../interpreter/flux.js';

const p = 'import "dict"\nd = ["a": 1, "b": 2]\n';

valueCases('dict', [
  { src: 'dict.fromList(pairs: [{key: "x", value: 1}, {key: "y", value: 2}])', want: '["x": 1, "y": 2]' },
  { src: 'dict.fromList(pairs: [{key: 1, value: "a"}, {key: 1, value: "b"}])', want: '[1: "b"]', name: 'a later key wins' },
  { src: 'dict.get(dict: d, key: "a", default: 0)', want: '1' },
  { src: 'dict.get(dict: d, key: "zz", default: 0)', want: '0' },
  { src: 'dict.insert(dict: d, key: "c", value: 3)', want: '["a": 1, "b": 2, "c": 3]' },
  { src: 'x = dict.insert(dict: d, key: "c", value: 3)\nd', want: '["a": 1, "b": 2]', name: 'insert does not change its input' },
  { src: 'dict.remove(dict: d, key: "a")', want: '["b": 2]' },
  { src: 'dict.remove(dict: d, key: "zz")', want: '["a": 1, "b": 2]' },
  { src: 'dict.get(dict: [2030-01-01T00:00:00Z: "t"], key: 2030-01-01T00:00:00Z, default: "")', want: '"t"' },
], p);

errorCases('dict', [
  { src: 'x = dict.fromList(pairs: [{k: 1}])', id: 'dict.invalidPair' },
  { src: 'x = dict.fromList(pairs: [{key: [1], value: 1}])', id: 'dict.invalidKey' },
  { src: 'x = dict.get(dict: d, key: "a")', id: 'call.missingArgument' },
  { src: 'x = dict.get(dict: {a: 1}, key: "a", default: 0)', id: 'call.argumentType' },
  { src: 'x = dict.insert(dict: d, key: {a: 1}, value: 1)', id: 'dict.invalidKey' },
  { src: 'x = dict.remove(dict: d)', id: 'call.missingArgument' },
  { src: 'x = [[1]: 1]', id: 'dict.invalidKey', span: '3:6-3:9' },
], p);
