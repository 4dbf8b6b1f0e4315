// The universe table functions declared in stdlib/universe/tables.flux, as one native
// package entry (merged by the runtime with the other `universe` entries).

import type { NativeFunction, NativePackage } from '../../runtime/builtin-api.js';
import { atCallSite } from './lib/stream.js';
import { count, integral, mean, mode, quantile, spread, stddev, sum } from './aggregates.js';
import { drop, duplicate, keep, rename, set } from './column-ops.js';
import { columns, distinct, keyValues, keys, unique } from './distinct.js';
import { filter } from './filter.js';
import { findColumn, findRecord, getColumn, getRecord, tableFind } from './find.js';
import { group } from './group.js';
import { histogramQuantile } from './histogram-quantile.js';
import { hourSelection } from './hour-selection.js';
import { map } from './map.js';
import { join, pivot, union } from './pivot-join.js';
import { range } from './range.js';
import { reduce } from './reduce.js';
import { first, last, max, min } from './selectors.js';
import { limit, sample, sort, tail } from './sort-limit.js';
import { stateCount, stateDuration } from './state.js';
import {
  cumulativeSum,
  derivative,
  difference,
  elapsed,
  exponentialMovingAverage,
  fill,
  movingAverage,
  timeShift,
  truncateTimeColumn,
} from './transforms.js';
import { aggregateWindow, window } from './window.js';

const builtins: Record<string, NativeFunction> = {
  range,
  filter,
  map,
  reduce,
  keep,
  drop,
  rename,
  duplicate,
  set,
  group,
  sort,
  limit,
  tail,
  sample,
  first,
  last,
  min,
  max,
  mean,
  sum,
  count,
  spread,
  stddev,
  quantile,
  mode,
  integral,
  window,
  aggregateWindow,
  difference,
  derivative,
  cumulativeSum,
  movingAverage,
  exponentialMovingAverage,
  elapsed,
  timeShift,
  truncateTimeColumn,
  hourSelection,
  stateCount,
  stateDuration,
  fill,
  distinct,
  unique,
  pivot,
  union,
  join,
  columns,
  keys,
  keyValues,
  tableFind,
  getColumn,
  getRecord,
  findColumn,
  findRecord,
  histogramQuantile,
};

export const universeTablesPackage: NativePackage = {
  path: 'universe',
  // Every user error names the function and points at its call (see atCallSite).
  builtins: Object.fromEntries(Object.entries(builtins).map(([name, fn]) => [name, atCallSite(fn)])),
};
