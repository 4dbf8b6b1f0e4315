// The date package (stdlib/date/date.flux).
import type { NativePackage } from '../../runtime/builtin-api.js';
import { add, sub, time, truncate } from './arithmetic.js';
import { hour, microsecond, millisecond, minute, month, monthDay, nanosecond, quarter, second, week, weekDay, year, yearDay } from './fields.js';

export const datePackage: NativePackage = {
  path: 'date',
  builtins: { second, minute, hour, weekDay, monthDay, yearDay, month, year, week, quarter, millisecond, microsecond, nanosecond, time, truncate, add, sub },
};
