// The value model and its operations (see value.ts for the representation).
export * from './value.js';
export { displayValue } from './display.js';
export { formatFloat, formatFloatLiteral, formatTime, formatDuration, quoteString, civilFromNanos, nanosFromCivil, civilFromDays, daysFromCivil } from './format.js';
export type { CivilTime } from './format.js';
export { valuesEqual, compareValues, compareStrings, dictKeyOf, durationEquals } from './compare.js';
export { arith, negate, unaryPlus, makeDuration, wrapInt, wrapUint } from './arith.js';
export type { ArithOp } from './arith.js';
export { addDuration, truncateTime, localCivil, localToUtc, locationOffsetNs, zoneOffsetNs, checkZone, daysInMonth, UTC_LOCATION } from './calendar.js';
export type { Location } from './calendar.js';
export { compileRegexp, translateRe2 } from './regexp.js';
export { stringOf, toStringValue, toInt, toUint, toFloat, toBool, toTime, toDuration, toBytes, parseTime, parseDuration } from './convert.js';
