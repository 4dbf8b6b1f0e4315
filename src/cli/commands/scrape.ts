// `promflux scrape URL`: one scrape, printed as tables (the same shape and options as
// prometheus.scrape in Flux), for a quick look from the shell.
import { parseDurationMs } from '../duration.js';
import { Option, type Command } from 'commander';
import type { CliIO } from '../io.js';
import { withProgress } from '../progress.js';
import { renderResults, type ResultFormat } from '../render.js';
import { createHttpClient } from '../../host/http.js';
import { systemClock } from '../../host/clock.js';
import { displayUrl, scrape, type ScrapeOptions } from '../../scrape/index.js';
import { streamOf } from '../../table/index.js';
import { toFluxError } from '../../errors/index.js';

interface ScrapeFlags {
  timeout?: string;
  header?: string[];
  bearerToken?: string;
  username?: string;
  password?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  tlsInsecureSkipVerify?: boolean;
  maxBytes?: string;
  /** false with --no-follow-redirects. */
  followRedirects?: boolean;
  format: ResultFormat;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `the ${n}${suffix}`;
}

function usage(io: CliIO, message: string): void {
  io.stderr(`promflux scrape: ${message}\n`);
  io.setExitCode(2);
}

async function scrapeCommand(url: string, flags: ScrapeFlags, io: CliIO): Promise<void> {
  const options: { -readonly [K in keyof ScrapeOptions]: ScrapeOptions[K] } = {};
  if (flags.timeout !== undefined) {
    const ms = parseDurationMs(flags.timeout);
    if (ms === undefined) return usage(io, `--timeout must be a duration like 10s or 500ms, got ${JSON.stringify(flags.timeout)}`);
    if (ms === 0) return usage(io, `--timeout must be more than 0, got ${JSON.stringify(flags.timeout)}`);
    options.timeoutMs = ms;
  }
  if (flags.header?.length) {
    const headers: Record<string, string> = {};
    for (const [n, h] of flags.header.entries()) {
      const i = h.indexOf(':');
      // The header's text is not echoed: it is often a credential (`Authorization Bearer ...`
      // with its colon forgotten), and secrets never appear in output.
      if (i <= 0) return usage(io, `--header must be "Name: value"; ${ordinal(n + 1)} --header has ${i === 0 ? 'no name before its colon' : 'no colon'}`);
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    options.headers = headers;
  }
  const bearer = flags.bearerToken ?? io.env.PROMFLUX_SCRAPE_BEARER_TOKEN;
  if (bearer !== undefined) options.bearerToken = bearer;
  if (flags.username !== undefined) options.username = flags.username;
  const password = flags.password ?? (flags.username !== undefined ? io.env.PROMFLUX_SCRAPE_PASSWORD : undefined);
  if (password !== undefined) options.password = password;
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) return usage(io, '--tls-cert and --tls-key go together: give both or neither');
  if (flags.tlsCa || flags.tlsCert || flags.tlsKey || flags.tlsServerName || flags.tlsInsecureSkipVerify) {
    options.tls = {
      ...(flags.tlsCa ? { caFile: flags.tlsCa } : {}),
      ...(flags.tlsCert ? { certFile: flags.tlsCert } : {}),
      ...(flags.tlsKey ? { keyFile: flags.tlsKey } : {}),
      ...(flags.tlsServerName ? { serverName: flags.tlsServerName } : {}),
      ...(flags.tlsInsecureSkipVerify ? { insecureSkipVerify: true } : {}),
    };
  }
  if (flags.maxBytes !== undefined) {
    if (!/^\d+$/.test(flags.maxBytes) || Number(flags.maxBytes) <= 0) return usage(io, `--max-bytes must be a positive integer, got ${JSON.stringify(flags.maxBytes)}`);
    options.maxBytes = Number(flags.maxBytes);
  }
  if (flags.followRedirects === false) options.followRedirects = false;
  const http = createHttpClient();
  try {
    const r = await withProgress(io, `scraping ${displayUrl(url)}`, () => scrape(url, options, { http, clock: systemClock }));
    const text = await renderResults([{ name: '_result', value: streamOf(r.tables.tables()) }], { format: flags.format, color: io.color });
    io.stdout(text.endsWith('\n') ? text : text + '\n');
  } catch (e) {
    const err = toFluxError(e);
    io.stderr(`promflux scrape: ${flagNames(err.message)} [${err.id}]\n`);
    io.setExitCode(err.id === 'scrape.invalidUrl' || err.id === 'scrape.invalidOption' ? 2 : 1);
  } finally {
    await http.close();
  }
}

/**
 * Scrape errors name the options of prometheus.scrape(); on the command line the same
 * advice names the flags.
 */
const FLAG_OF: readonly (readonly [RegExp, string])[] = [
  [/\(raise maxBytes to accept it\)/, '(raise --max-bytes to accept it)'],
  [/\(followRedirects is false\)/, '(--no-follow-redirects)'],
  [/give either bearerToken or username\/password, not both/, 'give either --bearer-token or --username/--password, not both'],
  [/^(.*: )?bearerToken contains a control character/, '$1the bearer token contains a control character'],
];

export function flagNames(message: string): string {
  let m = message;
  for (const [re, to] of FLAG_OF) m = m.replace(re, to);
  return m;
}

export function registerScrape(program: Command, io: CliIO): void {
  program
    .command('scrape')
    .description('scrape a Prometheus or OpenMetrics endpoint once and print its samples as tables')
    .argument('<url>', 'http or https URL of the metrics endpoint')
    .option('--timeout <duration>', 'deadline for the whole scrape, like 10s or 500ms (default 10s)')
    .option('-H, --header <header>', 'extra request header "Name: value" (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--bearer-token <token>', 'send "Authorization: Bearer <token>" (or set PROMFLUX_SCRAPE_BEARER_TOKEN)')
    .option('--username <name>', 'HTTP basic auth user')
    .option('--password <password>', 'HTTP basic auth password (or set PROMFLUX_SCRAPE_PASSWORD)')
    .option('--tls-ca <file>', 'PEM file of the CA certificates to trust')
    .option('--tls-cert <file>', 'PEM file of a client certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM file of the client key')
    .option('--tls-server-name <name>', 'name the server certificate must carry (SNI)')
    .option('--tls-insecure-skip-verify', 'accept any server certificate (testing only)')
    .option('--max-bytes <n>', 'limit on the decompressed body in bytes (default 104857600)')
    .option('--no-follow-redirects', 'answer a redirect with an error instead of following it (at most 10 are followed)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  promflux scrape http://localhost:9100/metrics
  promflux scrape --timeout 3s --format csv http://localhost:9090/metrics
  PROMFLUX_SCRAPE_BEARER_TOKEN=... promflux scrape -H 'X-Scope-OrgID: team-a' https://metrics.example.com/metrics

Each series is one table: _time, _measurement ("prometheus"), _field (the sample name;
histogram buckets under the metric name with an "le" column), _value, url, and a column
per label. Exit codes: 0 ok, 1 the scrape failed, 2 bad usage.`,
    )
    .action(async (url: string, flags: ScrapeFlags) => {
      await scrapeCommand(url, flags, io);
    });
}
