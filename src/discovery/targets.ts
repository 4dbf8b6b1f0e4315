// From discovered targets to scrape targets, as Prometheus does it (scrape.PopulateLabels):
//
// 1. start from the target's labels, then its group's labels (the target's win);
// 2. set the defaults that are not already there (a label with an empty value is not
//    there: Prometheus's `lb.Get(name) == ""`): `job` (the job name), `__scheme__`,
//    `__metrics_path__`, `__scrape_interval__`, `__scrape_timeout__`, and `__param_<name>`
//    for each URL parameter of the job;
// 3. apply the relabel rules; a dropped set is no target;
// 4. a target without `__address__` is an error (reported, not scraped), and so is an
//    address that is not `host[:port]`: Prometheus's config.CheckTargetAddress refuses a
//    `/`; a scheme, path, query or credentials in the address would otherwise be scraped
//    from the wrong URL (`http://h:1` as host "http") or written into `instance`;
// 5. `instance` defaults to `__address__` (when missing or empty);
// 6. the URL is `__scheme__://__address____metrics_path__?__param_*` (a query in
//    `__metrics_path__` is kept; a `__param_<name>` label sets its parameter in it);
// 7. every label starting with `__` (meta, address, params, ...) is removed from the
//    labels the samples will carry.

import { FluxError } from '../errors/index.js';
import { relabel, type RelabelRule } from './relabel.js';

/** A discovered target group, as file_sd / http_sd / static configs describe it. */
export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Where the group came from (a file path, an URL, `static`), for messages. */
  readonly source: string;
}

/** One discovered target before relabeling: its full label set (with `__address__` and `__meta_*`). */
export interface DiscoveredTarget {
  readonly labels: ReadonlyMap<string, string>;
}

export interface JobSettings {
  readonly jobName: string;
  readonly scheme?: string;
  readonly metricsPath?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly scrapeInterval?: string;
  readonly scrapeTimeout?: string;
}

/** A target ready to scrape. */
export interface ScrapeTarget {
  readonly url: string;
  /** The labels the target's samples carry (no `__` labels). */
  readonly labels: ReadonlyMap<string, string>;
  /** The labels before relabeling, for debugging and `up` reporting. */
  readonly discovered: ReadonlyMap<string, string>;
}

/** Expand groups into one discovered target per address (target labels, then group labels, then `__address__`). */
export function expandGroups(groups: readonly TargetGroup[]): DiscoveredTarget[] {
  const out: DiscoveredTarget[] = [];
  for (const g of groups) {
    for (const address of g.targets) {
      const labels = new Map<string, string>(Object.entries(g.labels));
      labels.set('__address__', address);
      out.push({ labels });
    }
  }
  return out;
}

export interface PopulateResult {
  readonly targets: ScrapeTarget[];
  /** Targets relabeling dropped (their discovered labels), for the run log. */
  readonly dropped: number;
  /** Targets that could not be turned into a URL, with why. */
  readonly errors: { readonly discovered: ReadonlyMap<string, string>; readonly error: FluxError }[];
}

/** Step 2: a discovered label set with the job's defaults, the set relabel rules see. */
export function withJobDefaults(labels: ReadonlyMap<string, string>, job: JobSettings): Map<string, string> {
  const lb = new Map(labels);
  const setDefault = (k: string, v: string | undefined) => {
    if (v !== undefined && !lb.get(k)) lb.set(k, v);
  };
  setDefault('job', job.jobName);
  setDefault('__scheme__', job.scheme ?? 'http');
  setDefault('__metrics_path__', job.metricsPath ?? '/metrics');
  setDefault('__scrape_interval__', job.scrapeInterval);
  setDefault('__scrape_timeout__', job.scrapeTimeout);
  for (const [k, v] of Object.entries(job.params ?? {})) setDefault(`__param_${k}`, v);
  return lb;
}

export function populateTargets(discovered: readonly DiscoveredTarget[], job: JobSettings, rules: readonly RelabelRule[]): PopulateResult {
  const targets: ScrapeTarget[] = [];
  const errors: { discovered: ReadonlyMap<string, string>; error: FluxError }[] = [];
  let dropped = 0;
  const seen = new Set<string>();
  for (const d of discovered) {
    const after = relabel(withJobDefaults(d.labels, job), rules);
    if (after === null) {
      dropped++;
      continue;
    }
    const address = after.get('__address__');
    if (!address) {
      // Name the target by what it was discovered as (its address, credentials hidden).
      const shown = redactedAddress(d.labels).get('__address__');
      const which = shown ? `target "${shown}"` : 'a target without __address__';
      errors.push({ discovered: redactedAddress(d.labels), error: new FluxError('invalid', 'discovery.noAddress', `${which} has no __address__ label after relabeling`) });
      continue;
    }
    const notHostPort = /[/?#@\s\\]/.exec(address);
    if (notHostPort) {
      // Credentials before an '@' are not repeated in the message.
      const shown = address.includes('@') ? `<hidden>@${address.slice(address.lastIndexOf('@') + 1)}` : address;
      const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? ' (the scheme goes in __scheme__ and the path in __metrics_path__)' : '';
      errors.push({ discovered: redactedAddress(d.labels), error: new FluxError('invalid', 'discovery.badAddress', `target address "${shown}" is not host:port: it contains "${notHostPort[0]}"${hint}`) });
      continue;
    }
    if (!after.get('instance')) after.set('instance', address);
    const scheme = after.get('__scheme__') ?? 'http';
    if (scheme !== 'http' && scheme !== 'https') {
      errors.push({ discovered: d.labels, error: new FluxError('invalid', 'discovery.badScheme', `target ${address} has scheme "${scheme}"; only http and https are scraped`) });
      continue;
    }
    let path = after.get('__metrics_path__') ?? '/metrics';
    if (!path.startsWith('/')) path = '/' + path;
    // A '#' in the path is part of it (a fragment never reaches the server), as Prometheus
    // sends it (%23). A '?' starts a query, which Prometheus would send escaped (%3F) and so
    // never as a query; here it is kept as the query it was meant to be, and `__param_<name>`
    // labels set their parameter in it, replacing one of the same name (as Prometheus's
    // __param_ labels replace the job's `params`).
    path = path.replaceAll('#', '%23');
    let url: string;
    try {
      const u = new URL(`${scheme}://${address}${path}`);
      for (const [k, v] of [...after].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (k.startsWith('__param_')) u.searchParams.set(k.slice('__param_'.length), v);
      }
      url = u.toString();
    } catch {
      errors.push({ discovered: d.labels, error: new FluxError('invalid', 'discovery.badAddress', `target address "${address}" does not form a valid URL`) });
      continue;
    }
    const labels = new Map<string, string>();
    for (const [k, v] of [...after].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!k.startsWith('__') && v !== '') labels.set(k, v);
    }
    // Two discovered targets that end up identical are scraped once (Prometheus dedups by labels and URL).
    const id = url + '\u0000' + [...labels].map(([k, v]) => `${k}=${v}`).join('\u0000');
    if (seen.has(id)) continue;
    seen.add(id);
    targets.push({ url, labels, discovered: d.labels });
  }
  return { targets, dropped, errors };
}

/** Discovered labels with any credentials in `__address__` hidden. */
function redactedAddress(labels: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  const a = labels.get('__address__');
  if (a === undefined || !a.includes('@')) return labels;
  return new Map(labels).set('__address__', `<hidden>@${a.slice(a.lastIndexOf('@') + 1)}`);
}

/**
 * Parse a file_sd / http_sd document: a JSON (or, for files, YAML) list of
 * `{targets: [string], labels: {string: string}}`. Throws a FluxError naming `source`.
 * As Prometheus's targetgroup.Group decoding: `targets` and `labels` may be missing or null
 * (no targets, no labels), a null label value is the empty string (no label), and any other
 * key is an error (its JSON decoder disallows unknown fields, file_sd's YAML is strict), so
 * a misspelt `target:` is reported rather than read as an empty group.
 */
export function parseTargetGroups(doc: unknown, source: string, extraLabels: Readonly<Record<string, string>> = {}): TargetGroup[] {
  if (!Array.isArray(doc)) {
    throw new FluxError('invalid', 'discovery.badDocument', `${source}: expected a list of target groups ({targets: [...], labels: {...}})`);
  }
  return doc.map((g: unknown, i: number) => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) {
      throw new FluxError('invalid', 'discovery.badDocument', `${source}: group ${i} is not an object`);
    }
    const unknown = Object.keys(g).find((k) => k !== 'targets' && k !== 'labels');
    if (unknown !== undefined) {
      throw new FluxError('invalid', 'discovery.badDocument', `${source}: group ${i}: unknown field ${JSON.stringify(unknown)} (a group has "targets" and "labels")`);
    }
    const { targets = [], labels } = g as { targets?: unknown; labels?: unknown };
    if (targets !== null && (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string'))) {
      throw new FluxError('invalid', 'discovery.badDocument', `${source}: group ${i}: "targets" must be a list of strings`);
    }
    const lab: Record<string, string> = { ...extraLabels };
    if (labels !== undefined && labels !== null) {
      if (typeof labels !== 'object' || Array.isArray(labels)) {
        throw new FluxError('invalid', 'discovery.badDocument', `${source}: group ${i}: "labels" must be a map of strings`);
      }
      for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
        if (v !== null && typeof v !== 'string') throw new FluxError('invalid', 'discovery.badDocument', `${source}: group ${i}: label "${k}" must be a string`);
        lab[k] = v ?? '';
      }
    }
    return { targets: (targets ?? []) as string[], labels: lab, source };
  });
}
