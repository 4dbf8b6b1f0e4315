// experimental/aggregate: `rate` is written in Flux (stdlib/experimental/aggregate/
// aggregate.flux) from derivative, window, mean, group, experimental.group and sum; the
// package has no native builtins. Listed so the package is registered explicitly.
import type { NativePackage } from '../../../runtime/builtin-api.js';

export const aggregatePackage: NativePackage = { path: 'experimental/aggregate', builtins: {} };
