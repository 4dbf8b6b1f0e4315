// The promflux version, sent in the scraper's User-Agent and printed by `promflux version`.
export const PROMFLUX_VERSION = '0.1.0';
