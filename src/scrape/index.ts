// The scraper's public API (see ./scrape.ts for the flow and ./errors.ts for the error ids).
export { scrape, scrapeBatch, parseExposition, bodyToTables, formatOf } from './scrape.js';
export { relabelBatch, addSyntheticSample } from './relabel-batch.js';
export type { Labels, RelabelBatchResult } from './relabel-batch.js';
export type { ExpositionFormat, ScrapeEnv, ScrapeResult, ScrapedBatch } from './scrape.js';
export { ACCEPT_HEADER, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, checkRequest, requestAuth, RequestOptionError } from './options.js';
export type { RequestAuth, ScrapeOptions } from './options.js';
export { batchToTables } from './tables.js';
export type { ScrapeTables } from './tables.js';
export { SampleBatch } from './batch.js';
export { ScrapeMemo, DEFAULT_MEMO_BUDGET } from './memo.js';
export { displayUrl, redact } from './errors.js';
export { USER_AGENT, SCRAPER_VERSION } from './user-agent.js';
