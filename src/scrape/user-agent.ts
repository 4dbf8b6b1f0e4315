// The User-Agent promflux scrapes with. src/scrape may not import src/version.ts (layer
// rule), so the version is repeated here; test/scrape/http.test.ts fails when it
// drifts from PROMFLUX_VERSION.
export const SCRAPER_VERSION = '0.1.0';
export const USER_AGENT = `promflux/${SCRAPER_VERSION}`;
