// The native part of the `testing` package (stdlib/testing/testing.flux).
import type { NativePackage } from '../../runtime/builtin-api.js';
import { assertEmpty, assertEquals, diff } from './diff.js';
import { shouldError } from './should-error.js';

export const testingPackage: NativePackage = { path: 'testing', builtins: { diff, assertEquals, assertEmpty, shouldError } };
