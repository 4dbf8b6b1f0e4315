// Shared test environment helpers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** ../shared next to the repository (external conformance data; never copied in). */
export const SHARED_DIR = join(REPO_ROOT, '..', 'shared');
export const IN_CI = process.env.CI === 'true';

/**
 * For a test that needs something external (conformance data, a Debian package): returns a
 * skip reason when it is missing outside CI, and throws in CI, where missing means broken.
 */
export function requireExternal(what: string, present: boolean): string | undefined {
  if (present) return undefined;
  if (IN_CI) throw new Error(`${what} is missing, and CI=true requires it`);
  return `${what} is missing`;
}

export function sharedPath(...parts: string[]): string | undefined {
  const p = join(SHARED_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}
