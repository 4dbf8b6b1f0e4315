// experimental/prometheus/discovery: static, file, http and DNS target discovery, and
// relabeling of targets. Discoverers are kept in the runtime's services registry, keyed by
// their configuration, so a file's last good content and an endpoint's last good list
// survive between task runs.
import type { NativeContext, NativePackage } from '../../../../runtime/builtin-api.js';
import type { Value } from '../../../../values/value.js';
import { nodeFileSystem } from '../../../../host/fs.js';
import { createDnsResolver } from '../../../../host/dns.js';
import { getJson } from '../../../../host/http-json.js';
import { displayUrl, redact, requestAuth, RequestOptionError, USER_AGENT } from '../../../../scrape/index.js';
import { scrapeHttpClient, scrapeOptions } from '../scrape.js';
import { FluxError } from '../../../../errors/index.js';
import { dnsDiscoverer, fileDiscoverer, httpDiscoverer, staticDiscoverer, type Discoverer } from '../../../../discovery/sources.js';
import { relabel } from '../../../../discovery/relabel.js';
import { withJobDefaults } from '../../../../discovery/targets.js';
import { discoveredTargets, discoveredValue, durationMs, relabelRules, stringArray, stringMap, targetsValue } from './targets-value.js';

async function run(d: Discoverer, ctx: NativeContext, what: string): Promise<Value> {
  const r = await d.discover(ctx.signal);
  for (const w of r.warnings) ctx.logger.warn(`${what}: ${w.message}`, { id: w.id });
  return targetsValue(r.groups);
}

export const discoveryPackage: NativePackage = {
  path: 'experimental/prometheus/discovery',
  builtins: {
    static: (args, ctx) => run(staticDiscoverer(stringArray(args.get('targets'), 'targets'), stringMap(args.get('labels'), 'labels')), ctx, 'discovery.static'),
    file: (args, ctx) => {
      const files = stringArray(args.get('files'), 'files');
      const d = ctx.services.get(`discovery.file:${JSON.stringify(files)}`, () => fileDiscoverer(nodeFileSystem, files));
      return run(d, ctx, 'discovery.file');
    },
    http: (args, ctx) => {
      const url = args.get('url');
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
        throw new FluxError('invalid', 'discovery.badUrl', 'discovery.http: url must be an http or https URL');
      }
      const timeoutMs = durationMs(args.get('timeout'), 10_000, 'timeout');
      // The same HTTP options as prometheus.scrape (headers, bearerToken, basic auth, TLS),
      // as Prometheus's http_sd_config takes its HTTP client settings.
      const { signal: _perRun, ...options } = scrapeOptions(args, ctx, 'discovery.http');
      let auth;
      try {
        auth = requestAuth(url, options);
      } catch (e) {
        if (!(e instanceof RequestOptionError)) throw e;
        throw new FluxError('invalid', e.kind === 'invalidUrl' ? 'discovery.badUrl' : 'discovery.invalidOption', redact(`discovery.http ${displayUrl(url)}: ${e.message}`, e.secrets), { span: ctx.span, source: ctx.source });
      }
      const { requestUrl, headers, secrets } = auth;
      const http = scrapeHttpClient(ctx);
      const get = async (getUrl: string, o: { signal?: AbortSignal; timeoutMs: number }) => {
        try {
          return await getJson(http, { url: getUrl, headers: { 'user-agent': USER_AGENT, ...headers }, timeoutMs: o.timeoutMs, ...(options.tls ? { tls: options.tls } : {}), ...(o.signal ? { signal: o.signal } : {}) });
        } catch (e) {
          throw new Error(redact((e as Error).message, secrets), { cause: e });
        }
      };
      const key = `discovery.http:${JSON.stringify([url, timeoutMs, options])}`;
      const d = ctx.services.get(key, () => httpDiscoverer(get, requestUrl, { timeoutMs, shownUrl: displayUrl(url) }));
      return run(d, ctx, 'discovery.http');
    },
    dns: (args, ctx) => {
      const names = stringArray(args.get('names'), 'names');
      // Case-insensitive, as Prometheus's dns_sd_config upper-cases `type`.
      const type = ((args.get('type') ?? 'SRV') as string).toUpperCase();
      if (type !== 'SRV' && type !== 'A' && type !== 'AAAA') {
        throw new FluxError('invalid', 'discovery.dnsType', `discovery.dns: type must be "SRV", "A" or "AAAA", got "${type}"`);
      }
      const portArg = args.get('port');
      const port = typeof portArg === 'bigint' ? Number(portArg) : undefined;
      const servers = args.has('servers') ? stringArray(args.get('servers'), 'servers') : undefined;
      // Kept in the services registry (like file and http) so that a failed lookup can use
      // the name's last good answer in the next run.
      const d = ctx.services.get(`discovery.dns:${JSON.stringify([names, type, port, servers])}`, () => dnsDiscoverer(createDnsResolver({ servers }), { names, type, port }));
      return run(d, ctx, 'discovery.dns');
    },
    relabel: (args) => {
      const targets = discoveredTargets(args.get('targets'));
      const rules = relabelRules(args.get('rules'), 'rules');
      // The rules see what they see in prometheus.scrapeTargets: the job's defaults (job,
      // __scheme__, __metrics_path__) are set first, so a rule on them previews truly.
      const job = (args.get('job') as string | undefined) ?? 'prometheus';
      const kept = [];
      for (const t of targets) {
        const after = relabel(withJobDefaults(t.labels, { jobName: job }), rules);
        if (after) kept.push({ labels: after });
      }
      return discoveredValue(kept);
    },
  },
};
