// Golden files: `assertGolden(file, actual)` compares with the file's content; with
// UPDATE_GOLDEN=1 (`npm run golden`) it rewrites the file instead. Golden files live next
// to the test data they describe, in the domain's own format (annotated CSV, JSON AST, text).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export function assertGolden(file: string, actual: string): void {
  if (UPDATE_GOLDEN || !existsSync(file)) {
    if (!UPDATE_GOLDEN && process.env.CI === 'true') {
      assert.fail(`golden file ${file} is missing (run \`npm run golden\` and commit it)`);
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from golden file ${file} (run \`npm run golden\` to accept)`);
}
