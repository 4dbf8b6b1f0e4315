// Native builtins of influxdata/influxdb (stdlib/influxdata/influxdb/*.flux). `to` is also
// declared in the prelude (stdlib/universe/to.flux) and bound to the same native there.
import type { NativePackage } from '../../../runtime/builtin-api.js';
import { to } from './to.js';

export const influxdbToPackage: NativePackage = {
  path: 'influxdata/influxdb',
  builtins: { to },
};

export const universeToPackage: NativePackage = {
  path: 'universe',
  builtins: { to },
};
