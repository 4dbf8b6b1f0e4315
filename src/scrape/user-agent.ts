// The User-Agent promflux scrapes with: `promflux/<version>`.
import { PROMFLUX_VERSION } from '../version.js';

export const SCRAPER_VERSION = PROMFLUX_VERSION;
export const USER_AGENT = `promflux/${SCRAPER_VERSION}`;
