// The scalar builtins of the universe package (stdlib/universe/universe.flux).
import type { NativePackage } from '../../runtime/builtin-api.js';
import { bool, bytes, duration, float, int, string, time, uint } from './conversions.js';
import { contains, die, display, length, now, yieldFn } from './scalars.js';

export const universeScalarPackage: NativePackage = {
  path: 'universe',
  builtins: { true: { value: true }, false: { value: false }, now, string, int, uint, float, bool, time, duration, bytes, display, length, contains, die, yield: yieldFn },
};
