// Universe conversions `string`, `int`, `uint`, `float`, `bool`, `time`, `duration`,
// `bytes` (semantics in src/values/convert.ts). A null converts to null.
import type { NativeFunction } from '../../runtime/builtin-api.js';
import { toBool, toBytes, toDuration, toFloat, toInt, toStringValue, toTime, toUint } from '../../values/convert.js';
import type { Value } from '../../values/value.js';

const conv =
  (f: (v: Value) => Value): NativeFunction =>
  (args) => {
    const v = args.get('v')!;
    return v === null ? null : f(v);
  };

export const string = conv(toStringValue);
export const int = conv(toInt);
export const uint = conv(toUint);
export const float = conv(toFloat);
export const bool = conv(toBool);
export const time = conv(toTime);
export const duration = conv(toDuration);
export const bytes = conv(toBytes);
