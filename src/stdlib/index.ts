// Every native package, listed explicitly (no registration by import side effect).
// Several entries may share a path (for example `universe`): the runtime merges them, and
// the Flux sources of a package are all of stdlib/<path>/*.flux except *_test.flux.
import type { NativePackage } from '../runtime/builtin-api.js';
import { csvPackage } from './csv/from.js';
import { arrayFromPackage } from './array/from.js';
import { testingPackage } from './testing/index.js';
import { influxdbToPackage, universeToPackage } from './influxdata/influxdb/index.js';
import { influxdbFromPackage } from './influxdata/influxdb/from.js';
import { universeFromPackage } from './universe/from.js';
import { universeTablesPackage } from './universe/table-package.js';
import { experimentalTables } from './experimental/group-set.js';
import { universeScalarPackage } from './universe/scalar-package.js';
import { stringsPackage } from './strings/index.js';
import { regexpPackage } from './regexp/index.js';
import { mathPackage } from './math/index.js';
import { datePackage } from './date/index.js';
import { dictPackage } from './dict/index.js';
import { typesPackage } from './types/index.js';
import { arrayScalarPackage } from './array/scalar.js';
import { timezonePackage } from './timezone/index.js';
import { prometheusPackage } from './experimental/prometheus/index.js';
import { aggregatePackage } from './experimental/aggregate/index.js';

import { discoveryPackage } from './experimental/prometheus/discovery/index.js';

export const nativePackages: readonly NativePackage[] = [
  universeScalarPackage,
  stringsPackage,
  regexpPackage,
  mathPackage,
  datePackage,
  dictPackage,
  typesPackage,
  arrayScalarPackage,
  timezonePackage,
  influxdbToPackage,
  universeToPackage,
  csvPackage,
  arrayFromPackage,
  testingPackage,
  influxdbFromPackage,
  universeFromPackage,
  universeTablesPackage,
  experimentalTables,
  prometheusPackage,
  aggregatePackage,
  discoveryPackage,
];
