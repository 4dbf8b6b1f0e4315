// Every native package, listed explicitly (no registration by import side effect).
// Several entries may share a path (for example `universe`): the runtime merges them, and
// the Flux sources of a package are all of stdlib/<path>/*.flux except *_test.flux.
import type { NativePackage } from '../runtime/builtin-api.js';

export const nativePackages: readonly NativePackage[] = [
];
