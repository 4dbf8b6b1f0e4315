// Judging the results of one Flux testcase (`promflux test`): every yielded stream is read
// (so that errors raised while tables are produced, such as testing.assertEquals's, fail
// the testcase), and any table carrying a `_diff` column (the output of testing.diff) means
// a comparison found a difference. The failure text shows those diff tables.
import { isStream } from '../values/value.js';
import type { Value } from '../values/value.js';
import { formatTables } from './format.js';
import { isTableStream } from './stream.js';
import type { Table } from './types.js';

/** undefined when the testcase passed; otherwise the differing rows in the text format. */
export async function checkTestResults(results: readonly { name: string; value: Value }[]): Promise<string | undefined> {
  const diffs: Table[] = [];
  for (const r of results) {
    if (!isStream(r.value) || !isTableStream(r.value)) continue;
    for await (const t of r.value) if (t.columnIndex('_diff') >= 0) diffs.push(t);
  }
  if (diffs.length === 0) return undefined;
  return `tables differ (- want, + got):\n${formatTables(diffs)}`;
}
