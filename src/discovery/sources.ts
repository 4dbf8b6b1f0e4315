// Design: discoverers turn a configuration into target groups. Each is a small stateful
// object kept for the life of the process (the runtime's services registry holds them), so
// that what it learned survives between task runs:
//   - file_sd re-reads its files only when their size or modification time changed, and
//     keeps the last good content of a file that became unreadable or invalid; a file that
//     is gone takes its targets with it (Prometheus sends empty groups for deleted files);
//   - http_sd keeps the last good list when the endpoint fails (as Prometheus does);
//   - DNS keeps a name's last good answer when its lookup fails (a timeout, a refused or
//     failing server), as Prometheus's dns_sd keeps the target group it last sent; a name
//     that does not exist (NXDOMAIN) or has no such records is an empty answer, not a failure.
// Every failure is reported through `warnings` of the result, never thrown, except when
// there is no good list at all yet.

import { parseDocument, visit } from 'yaml';
import { FluxError } from '../errors/index.js';
import type { FileSystem } from '../host/fs.js';
import type { DnsResolver } from '../host/dns.js';
import { parseTargetGroups, type TargetGroup } from './targets.js';

export interface DiscoveryResult {
  readonly groups: TargetGroup[];
  /** Problems that did not stop discovery (a file kept at its last good version, ...). */
  readonly warnings: FluxError[];
}

export interface Discoverer {
  discover(signal?: AbortSignal): Promise<DiscoveryResult>;
}

/** Static targets with shared labels. */
export function staticDiscoverer(targets: readonly string[], labels: Readonly<Record<string, string>> = {}): Discoverer {
  const groups: TargetGroup[] = [{ targets: [...targets], labels: { ...labels }, source: 'static' }];
  return { discover: async () => ({ groups, warnings: [] }) };
}

/**
 * The files a file_sd pattern names: the path itself, or, when its last path segment holds
 * a `*` (Prometheus's `<filename_pattern>`: "the last path segment may contain a single *
 * that matches any character sequence", e.g. `my/path/tg_*.json`), the matching names in
 * that directory, sorted. A pattern that matches nothing names no file (no warning, as
 * Prometheus's filepath.Glob gives none).
 */
async function filesOf(fs: FileSystem, pattern: string): Promise<string[]> {
  const slash = pattern.lastIndexOf('/');
  const dir = slash < 0 ? '.' : pattern.slice(0, slash) || '/';
  const base = pattern.slice(slash + 1);
  if (!base.includes('*')) return [pattern];
  const re = new RegExp(`^${base.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => re.test(n)).sort();
  return names.map((n) => (slash < 0 ? n : `${pattern.slice(0, slash)}/${n}`));
}

/**
 * Prometheus file_sd: JSON or YAML files (by extension: .json, .yml, .yaml); a `*` in a
 * path's last segment matches many files.
 */
export function fileDiscoverer(fs: FileSystem, patterns: readonly string[]): Discoverer {
  const cache = new Map<string, { size: number; mtimeMs: number; groups: TargetGroup[] }>();
  return {
    async discover() {
      const groups: TargetGroup[] = [];
      const warnings: FluxError[] = [];
      const seen = new Set<string>();
      const files: string[] = [];
      for (const pattern of patterns) {
        for (const f of await filesOf(fs, pattern)) {
          if (seen.has(f)) continue;
          seen.add(f);
          files.push(f);
        }
      }
      for (const file of files) {
        const st = await fs.stat(file).catch(() => undefined);
        const cached = cache.get(file);
        if (st === undefined) {
          // Gone: its targets go too (a deleted file is how a fleet is shrunk).
          cache.delete(file);
          warnings.push(new FluxError('notFound', 'discovery.fileMissing', `file_sd: ${file} does not exist`));
          continue;
        }
        if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) {
          groups.push(...cached.groups);
          continue;
        }
        try {
          const text = new TextDecoder().decode(await fs.readFile(file));
          const doc = /\.ya?ml$/i.test(file) ? parseFileSdYaml(text) : JSON.parse(text);
          const parsed = parseTargetGroups(doc ?? [], file, { __meta_filepath: file });
          cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, groups: parsed });
          groups.push(...parsed);
        } catch (e) {
          const why = e instanceof FluxError ? e.message : `${file}: ${(e as Error).message}`;
          warnings.push(new FluxError('invalid', 'discovery.badFile', `file_sd: ${why}${cached ? '; using its last good content' : ''}`));
          if (cached) groups.push(...cached.groups);
        }
      }
      for (const f of [...cache.keys()]) if (!seen.has(f)) cache.delete(f);
      return { groups, warnings };
    },
  };
}

/**
 * A file_sd YAML document as plain values. Prometheus decodes it into strings (Go's YAML
 * decoder gives a string field a plain scalar's own text), so `port: 9100` and
 * `version: 1.20` are the labels "9100" and "1.20": a number or boolean scalar is kept as
 * its source text. A syntax error is thrown with its line and column (first line only).
 */
function parseFileSdYaml(text: string): unknown {
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) throw new Error(err.message.split('\n')[0]!.replace(/:$/, ''));
  visit(doc, {
    Scalar(_key, node) {
      if ((typeof node.value === 'number' || typeof node.value === 'boolean' || typeof node.value === 'bigint') && typeof node.source === 'string') node.value = node.source;
    },
  });
  return doc.toJS();
}

/** A GET returning a JSON body (src/host/http-json.ts); its messages hold no secret. */
export type JsonGetter = (url: string, options: { signal?: AbortSignal; timeoutMs: number }) => Promise<unknown>;

/**
 * Prometheus http_sd: GET a JSON list of target groups; keep the last good list on failure.
 * `shownUrl` is the URL as messages and `__meta_url` show it (credentials hidden); default `url`.
 */
export function httpDiscoverer(get: JsonGetter, url: string, options: { timeoutMs?: number; shownUrl?: string } = {}): Discoverer {
  const shown = options.shownUrl ?? url;
  let lastGood: TargetGroup[] | undefined;
  return {
    async discover(signal) {
      try {
        const doc = await get(url, { signal, timeoutMs: options.timeoutMs ?? 10_000 });
        lastGood = parseTargetGroups(doc, shown, { __meta_url: shown });
        return { groups: lastGood, warnings: [] };
      } catch (e) {
        const kept = lastGood ? '; using the last good list' : '';
        // A document of the wrong shape is the endpoint's error, not an outage: it keeps
        // its id, and its message already names the URL.
        const err =
          e instanceof FluxError && e.id === 'discovery.badDocument'
            ? new FluxError('invalid', 'discovery.badDocument', `http_sd ${e.message}${kept}`, { cause: e })
            : new FluxError('unavailable', 'discovery.httpFailed', `http_sd ${shown}: ${e instanceof Error ? e.message : String(e)}${kept}`, { cause: e });
        if (lastGood === undefined) throw err;
        return { groups: lastGood, warnings: [err] };
      }
    },
  };
}

export interface DnsConfig {
  readonly names: readonly string[];
  /** SRV (host and port from the record), A or AAAA (with `port`). */
  readonly type: 'SRV' | 'A' | 'AAAA';
  readonly port?: number;
}

/** DNS-based discovery. Labels: `__meta_dns_name` (the queried name), and for SRV `__meta_dns_srv_record_target` / `_port`. */
export function dnsDiscoverer(resolver: DnsResolver, config: DnsConfig): Discoverer {
  if (config.type !== 'SRV' && (config.port === undefined || !Number.isInteger(config.port) || config.port <= 0 || config.port > 65535)) {
    throw new FluxError('invalid', 'discovery.dnsPort', `DNS ${config.type} discovery needs a port between 1 and 65535`);
  }
  const lastGood = new Map<string, TargetGroup[]>();
  const lookup = async (name: string): Promise<TargetGroup[]> => {
    const groups: TargetGroup[] = [];
    if (config.type === 'SRV') {
      const records = await resolver.resolveSrv(name);
      for (const r of records) {
        const host = r.name.replace(/\.$/, '');
        groups.push({
          targets: [`${host}:${r.port}`],
          labels: { __meta_dns_name: name, __meta_dns_srv_record_target: host, __meta_dns_srv_record_port: String(r.port) },
          source: `dns ${name}`,
        });
      }
    } else {
      const addrs = config.type === 'A' ? await resolver.resolveA(name) : await resolver.resolveAAAA(name);
      groups.push({
        targets: addrs.map((a) => (config.type === 'AAAA' ? `[${a}]:${config.port}` : `${a}:${config.port}`)),
        labels: { __meta_dns_name: name },
        source: `dns ${name}`,
      });
    }
    return groups;
  };
  return {
    async discover() {
      // Every name is looked up at once (Prometheus refreshes names in parallel): a name whose
      // server does not answer costs one resolver timeout, not one per name after it.
      const answers = await Promise.all(config.names.map((name) => lookup(name).then((found) => ({ found }), (error: unknown) => ({ error }))));
      const groups: TargetGroup[] = [];
      const warnings: FluxError[] = [];
      config.names.forEach((name, i) => {
        const a = answers[i]!;
        if ('found' in a) {
          lastGood.set(name, a.found);
          groups.push(...a.found);
          return;
        }
        const e = a.error;
        const code = (e as { code?: unknown }).code;
        // The answer "no such name / no such records": the name has no targets now.
        const noRecords = code === 'ENOTFOUND' || code === 'ENODATA';
        const kept = noRecords ? undefined : lastGood.get(name);
        if (noRecords) lastGood.delete(name);
        warnings.push(new FluxError('unavailable', 'discovery.dnsFailed', `DNS ${config.type} lookup of ${name} failed: ${(e as Error).message}${kept ? '; using its last good answer' : ''}`, { cause: e }));
        if (kept) groups.push(...kept);
      });
      return { groups, warnings };
    },
  };
}
