import { readFileSync } from 'node:fs';
import { parseExposition, batchToTables } from '../../../src/scrape/index.js';
const buf = readFileSync('/tmp/expo.prom');
for (let r = 0; r < 6; r++) {
  const t0 = performance.now();
  const b = parseExposition(buf, 'prometheus-text', 'http://x/metrics');
  const t1 = performance.now();
  const t = batchToTables(b, 'http://x', 1n);
  const t2 = performance.now();
  let n = 0;
  for (const tb of t.tables()) { n += tb.length; }
  const t3 = performance.now();
  for (const tb of batchToTables(b, 'http://x', 1n).tables()) { n += tb.key.values.length; }
  const t4 = performance.now();
  for (const tb of batchToTables(b, 'http://x', 1n).tables()) { n += tb.column(3).length; }
  const t5 = performance.now();
  console.log('parse', (t1-t0).toFixed(0), 'prep', (t2-t1).toFixed(0), 'iter', (t3-t2).toFixed(0), 'prep+key', (t4-t3).toFixed(0), 'prep+col3', (t5-t4).toFixed(0));
}
