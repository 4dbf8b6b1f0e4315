// experimental/prometheus: scrape and histogramQuantile (declared in
// stdlib/experimental/prometheus/prometheus.flux).
import type { NativePackage } from '../../../runtime/builtin-api.js';
import { histogramQuantile } from './histogram-quantile.js';
import { scrape } from './scrape.js';
import { scrapeTargets } from './fleet.js';

export const prometheusPackage: NativePackage = {
  path: 'experimental/prometheus',
  builtins: { scrape, histogramQuantile, scrapeTargets },
};
