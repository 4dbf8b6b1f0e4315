// Test helpers for the scraper: parse an exposition into tables and render them compactly.
import assert from 'node:assert/strict';
import { batchToTables, parseExposition, scrape, type ExpositionFormat, type ScrapeEnv, type ScrapeOptions } from '../../src/scrape/index.js';
import { isFluxError, type FluxError } from '../../src/errors/index.js';
import type { Table } from '../../src/table/index.js';

export const SCRAPE_TIME_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

export function tablesOf(text: string | Uint8Array, format: ExpositionFormat = 'prometheus-text', url = 'http://target/metrics'): Table[] {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return [...batchToTables(parseExposition(body, format, url), url, SCRAPE_TIME_NS).tables()];
}

/** One line per row: `field{label="value",...} value [@ns]` (time shown when not the scrape time). */
export function rowsOf(text: string | Uint8Array, format: ExpositionFormat = 'prometheus-text'): string[] {
  const out: string[] = [];
  for (const t of tablesOf(text, format)) {
    const labels = t.columns.slice(5).map((c, i) => `${c.name}=${JSON.stringify(t.column(5 + i).get(0))}`);
    for (let r = 0; r < t.length; r++) {
      const time = t.column(0).ints![r]!;
      const v = t.column(3).floats![r]!;
      out.push(`${t.column(2).get(r)}{${labels.join(',')}} ${Object.is(v, -0) ? '-0' : v}${time === SCRAPE_TIME_NS ? '' : ` @${time}`}`);
    }
  }
  return out;
}

/** The error a parse raises: id and the line:column the message points at. */
export function parseError(text: string, format: ExpositionFormat = 'prometheus-text'): { id: string; at: string; error: FluxError } {
  try {
    tablesOf(text, format);
  } catch (e) {
    if (!isFluxError(e)) throw e;
    const m = /at line (\d+), column (\d+)/.exec(e.message);
    return { id: e.id, at: m ? `${m[1]}:${m[2]}` : '', error: e };
  }
  assert.fail(`expected a parse error for ${JSON.stringify(text)}`);
}

/** The FluxError a scrape of `url` fails with (the test fails when the scrape succeeds). */
export async function scrapeFailure(url: string, options: ScrapeOptions, env: ScrapeEnv): Promise<FluxError> {
  try {
    await scrape(url, options, env);
  } catch (e) {
    assert.ok(isFluxError(e), `not a FluxError: ${e}`);
    return e;
  }
  assert.fail(`scraping ${url} succeeded`);
}
