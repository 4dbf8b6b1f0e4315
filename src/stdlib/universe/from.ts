// from() and buckets() in the prelude: the same natives as influxdata/influxdb.from and
// influxdata/influxdb.buckets (src/stdlib/influxdata/influxdb/from.ts).
import type { NativePackage } from '../../runtime/builtin-api.js';
import { buckets, from } from '../influxdata/influxdb/from.js';

export const universeFromPackage: NativePackage = {
  path: 'universe',
  builtins: { from, buckets },
};
