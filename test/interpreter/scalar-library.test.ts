// Documented results of scalar library functions, checked through the whole runtime
// (`source -> value` in display form). Each case cites the rule it pins.
import { errorCases, valueCases } from './flux.js';

// Flux SPEC, Duration literals: "Multiplication and addition of durations to date times".
valueCases(
  'date.scale',
  [
    { src: 'date.add(d: date.scale(d: 1mo, n: 1), to: 2018-01-01T00:00:00Z)', want: '2018-02-01T00:00:00Z' },
    { src: 'date.add(d: date.scale(d: 1mo, n: 3), to: 2018-01-31T00:00:00Z)', want: '2018-04-30T00:00:00Z' },
    { src: 'date.scale(d: 1mo1d, n: -2)', want: '-2mo2d', name: 'each unit is scaled on its own, the sign too' },
  ],
  'import "date"\n',
);

errorCases('date.scale', [{ src: 'import "date"\nx = date.scale(d: 1h, n: 1.5)', id: 'type.mismatch' }]);

// Flux docs, math.mMax / math.mMin special cases (Go's math.Max / math.Min): an infinity in
// the direction asked for wins over NaN; otherwise NaN wins; +0 is larger than -0.
valueCases(
  'math.mMax and math.mMin',
  [
    { src: 'math.mMax(x: math.mInf(sign: 1), y: math.NaN())', want: '+Inf' },
    { src: 'math.mMax(x: math.NaN(), y: math.mInf(sign: 1))', want: '+Inf' },
    { src: 'math.mMax(x: 1.0, y: math.NaN())', want: 'NaN' },
    { src: 'math.mMax(x: -0.0, y: 0.0)', want: '0.0' },
    { src: 'math.mMin(x: math.NaN(), y: math.mInf(sign: -1))', want: '-Inf' },
    { src: 'math.mMin(x: math.mInf(sign: -1), y: math.NaN())', want: '-Inf' },
    { src: 'math.mMin(x: math.NaN(), y: 1.0)', want: 'NaN' },
    { src: 'math.mMin(x: 0.0, y: -0.0)', want: '-0.0' },
  ],
  'import "math"\n',
);

// Flux's strings functions are Go's: per-character simple case mappings (a character without
// a one-character mapping is kept), and strings.title's word boundaries are Go's isSeparator
// (every ASCII character other than letters, digits and `_` separates words; beyond ASCII
// only spaces do).
valueCases(
  'strings case mapping',
  [
    { src: 'strings.toUpper(v: "straße")', want: '"STRAßE"', name: 'toUpper keeps ß (no one-letter upper case)' },
    { src: 'strings.toTitle(v: "ﬁx")', want: '"ﬁX"', name: 'toTitle keeps the ﬁ ligature' },
    { src: 'strings.toLower(v: "İSTANBUL")', want: '"istanbul"', name: 'toLower maps İ to i alone' },
    { src: 'strings.equalFold(v: "straße", t: "STRASSE")', want: 'false' },
    { src: 'strings.equalFold(v: "Kelvin", t: "\u212Aelvin")', want: 'true', name: 'equalFold folds the Kelvin sign' },
    { src: 'strings.title(v: "o\'neil is here")', want: '"O\'Neil Is Here"', name: 'title: an apostrophe separates words' },
    { src: 'strings.title(v: "a-b c_d x.y")', want: '"A-B C_d X.Y"' },
    { src: 'strings.title(v: "über—öl")', want: '"Über—öl"', name: 'title: non-ASCII punctuation does not separate words' },
  ],
  'import "strings"\n',
);

// Flux SPEC, Types (Dictionary types): "Keys must be comparable and of the same type. Values
// must also be of the same type." A dictionary literal and the dict functions keep both.
errorCases('dictionaries keep one key type and one value type', [
  { src: 'x = ["a": 1, 2: 2]', id: 'type.mismatch', span: '1:14-1:15', name: 'literal with an int key among string keys' },
  { src: 'x = ["a": 1, "b": "two"]', id: 'type.mismatch', span: '1:19-1:24', name: 'literal with a string value among int values' },
  { src: 'import "dict"\nx = dict.insert(dict: ["a": 1], key: 1, value: 2)', id: 'type.mismatch', name: 'insert of an int key into a string-keyed dict' },
  { src: 'import "dict"\nx = dict.insert(dict: ["a": 1], key: "b", value: 2.0)', id: 'type.mismatch', name: 'insert of a float value into an int-valued dict' },
  { src: 'import "dict"\nx = dict.get(dict: ["a": 1], key: "a", default: "none")', id: 'type.mismatch', name: 'get with a default of another type than the values' },
  { src: 'import "dict"\nx = dict.get(dict: ["a": 1], key: 1, default: 0)', id: 'type.mismatch', name: 'get with a key of another type' },
  { src: 'import "dict"\nx = dict.remove(dict: ["a": 1], key: true)', id: 'type.mismatch', name: 'remove with a key of another type' },
  { src: 'import "dict"\nx = dict.fromList(pairs: [{key: "a", value: 1}, {key: 2, value: 2}])', id: 'type.mismatch', name: 'fromList with mixed key types' },
]);

valueCases('dictionaries', [
  { src: 'import "dict"\ndict.insert(dict: ["a": 1], key: "b", value: 2)', want: '["a": 1, "b": 2]' },
  { src: 'import "dict"\ndict.get(dict: ["a": 1], key: "z", default: 0)', want: '0' },
  { src: 'import "dict"\ndict.remove(dict: ["a": 1], key: "z")', want: '["a": 1]' },
  { src: 'import "dict"\ndict.insert(dict: [:], key: 1, value: "x")', want: '[1: "x"]', name: 'an empty dict takes any key and value type' },
]);
