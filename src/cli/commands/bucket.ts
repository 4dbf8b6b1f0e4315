// `promflux bucket list|create|repair|delete`: manage the buckets of the embedded store, and show
// where the store lives and how big it is.
import type { Command } from 'commander';
import { join } from 'node:path';
import type { CliIO } from '../io.js';
import { DATA_DIR_HELP, resolveDataDir } from '../data-dir.js';
import { openStore, DEFAULT_RETENTION_NS } from '../../store/index.js';
import type { Store } from '../../store/index.js';
import { nodeFileSystem } from '../../host/fs.js';
import { systemClock } from '../../host/clock.js';
import { silentLogger } from '../../host/logger.js';
import { FluxError } from '../../errors/index.js';

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

const MAX_RETENTION_NS = 2n ** 63n - 1n;

/** A retention: a Flux duration of fixed units (`30d`, `1h30m`), or `0` / `inf` for forever. */
export function parseRetention(text: string): bigint | undefined {
  const t = text.trim();
  if (t === '0' || t === 'inf' || t === 'infinite' || t === 'forever') return 0n;
  const re = /(\d+)(ns|us|µs|ms|s|m|h|d|w)/gy;
  let total = 0n;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(t)) !== null) {
    total += BigInt(m[1]!) * UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  // The store keeps a retention in int64 nanoseconds (about 292 years at most).
  return at === t.length && at > 0 && total <= MAX_RETENTION_NS ? total : undefined;
}

/** `30d`, `1h30m`, `forever`: a retention for people. */
export function formatRetention(ns: bigint): string {
  if (ns === 0n) return 'forever';
  let rest = ns;
  let out = '';
  for (const u of ['d', 'h', 'm', 's', 'ms', 'us', 'ns']) {
    const size = UNITS[u]!;
    if (rest >= size) {
      out += `${rest / size}${u}`;
      rest %= size;
    }
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

interface DataOpts {
  data?: string;
}

function storeOf(io: CliIO, opts: DataOpts): Store {
  const dataDir = resolveDataDir(opts.data, io.env);
  return openStore({ dir: join(dataDir, 'store'), fs: nodeFileSystem, clock: systemClock, logger: silentLogger, autoMaintain: false });
}

async function run(io: CliIO, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof FluxError) {
      io.stderr(`promflux bucket: ${e.message}\n`);
      io.setExitCode(1);
      return;
    }
    // The file system refused (a data directory that is a file, or not writable): one line
    // naming the path, as for every other error a user can cause.
    if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!)) {
      io.stderr(`promflux bucket: cannot use the store: ${e.message}\n`);
      io.setExitCode(1);
      return;
    }
    throw e;
  }
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

export function registerBucket(program: Command, io: CliIO): void {
  const bucket = program
    .command('bucket')
    .description('list, create and delete buckets of the embedded store (where to() writes when no InfluxDB is configured)')
    .addHelpText(
      'after',
      `
The store lives in <data>/store; <data> is --data, else $PROMFLUX_DATA, else
$XDG_DATA_HOME/promflux or ~/.local/share/promflux.
A bucket is created by the first write with a retention of ${formatRetention(DEFAULT_RETENTION_NS)}; create it
first to choose another retention.

Examples:
  promflux bucket list
  promflux bucket create metrics --retention 7d
  promflux bucket repair metrics --dry-run
  promflux bucket delete metrics`,
    );

  bucket
    .command('list')
    .description('list buckets with retention, points and size on disk, and the store path and size')
    .option('--data <dir>', DATA_DIR_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  promflux bucket list --data ./data')
    .action((opts: DataOpts & { json?: boolean }) =>
      run(io, async () => {
        const store = storeOf(io, opts);
        const list = await store.buckets();
        const size = await store.size();
        if (opts.json) {
          io.stdout(
            JSON.stringify(
              {
                path: store.dir,
                bytes: size,
                buckets: list.map((b) => ({
                  name: b.name,
                  retention: formatRetention(b.retentionNs),
                  retentionNs: b.retentionNs.toString(),
                  points: b.points,
                  segments: b.segments,
                  bytes: b.bytes,
                  ...(b.damaged !== undefined ? { damaged: b.damaged } : {}),
                })),
              },
              null,
              2,
            ) + '\n',
          );
          return;
        }
        io.stdout(`store: ${store.dir} (${formatBytes(size)})\n`);
        if (list.length === 0) {
          io.stdout('no buckets\n');
          return;
        }
        io.stdout(
          pad([
            ['NAME', 'RETENTION', 'POINTS', 'FILES', 'SIZE'],
            ...list.map((b) =>
              b.damaged !== undefined ? [b.name, 'DAMAGED', '-', '-', formatBytes(b.bytes)] : [b.name, formatRetention(b.retentionNs), String(b.points), String(b.segments), formatBytes(b.bytes)],
            ),
          ]),
        );
        for (const b of list) {
          if (b.damaged !== undefined) io.stderr(`bucket "${b.name}" is damaged and cannot be read: ${b.damaged} (promflux bucket delete ${b.name} removes it)\n`);
        }
      }),
    );

  bucket
    .command('create')
    .description('create a bucket')
    .argument('<name>', 'bucket name')
    .option('--retention <duration>', `how long to keep data: a duration such as 30d or 12h, or "inf" or 0 to keep it forever (default ${formatRetention(DEFAULT_RETENTION_NS)})`)
    .option('--data <dir>', DATA_DIR_HELP)
    .addHelpText('after', '\nExample:\n  promflux bucket create metrics --retention 30d')
    .action((name: string, opts: DataOpts & { retention?: string }) =>
      run(io, async () => {
        let retentionNs = DEFAULT_RETENTION_NS;
        if (opts.retention !== undefined) {
          const r = parseRetention(opts.retention);
          if (r === undefined) {
            io.stderr(`promflux bucket: invalid --retention ${JSON.stringify(opts.retention)}: use a duration such as 30d, 12h or 1h30m (at most 106751d), or "inf"\n`);
            io.setExitCode(2);
            return;
          }
          retentionNs = r;
        }
        const store = storeOf(io, opts);
        await store.createBucket(name, { retentionNs });
        io.stdout(`created bucket ${JSON.stringify(name)} (retention ${formatRetention(retentionNs)}) in ${store.dir}\n`);
      }),
    );

  bucket
    .command('repair')
    .description('check every file of a bucket and take damaged ones out, so the rest can be read and merged again')
    .argument('<name>', 'bucket name')
    .option('--dry-run', 'only check: list the damaged files, change nothing')
    .option('--data <dir>', DATA_DIR_HELP)
    .addHelpText(
      'after',
      [
        '',
        'A damaged segment file (a disk error, a file changed by hand) makes every query that',
        'reaches its time range fail with store.corrupt, and keeps its partition from being',
        'merged. repair reads every file of the bucket and moves each damaged one out of the',
        'bucket (into its damaged/ folder); the points it held are lost, and each is listed',
        'with its time range and point count. Exit status 1 when something was damaged.',
        '',
        'Examples:',
        '  promflux bucket repair metrics --dry-run',
        '  promflux bucket repair metrics',
      ].join('\n'),
    )
    .action((name: string, opts: DataOpts & { dryRun?: boolean }) =>
      run(io, async () => {
        const store = storeOf(io, opts);
        const report = await store.repairBucket(name, { dryRun: opts.dryRun === true });
        const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
        if (report.damaged.length === 0) {
          io.stdout(`bucket ${JSON.stringify(name)}: ${report.segments} segment file${report.segments === 1 ? '' : 's'} checked, none damaged\n`);
          return;
        }
        const lost = report.damaged.reduce((n, d) => n + d.points, 0);
        const verb = opts.dryRun === true ? 'damaged (nothing changed: --dry-run)' : `damaged, moved to ${report.movedTo}`;
        io.stdout(`bucket ${JSON.stringify(name)}: ${report.damaged.length} of ${report.segments} segment files ${verb}; ${lost} points ${opts.dryRun === true ? 'would be' : 'were'} lost:\n`);
        const rows = [['FILE', 'FROM', 'TO', 'POINTS', 'WHY']];
        for (const d of report.damaged) rows.push([d.file, iso(d.minT), iso(d.maxT), String(d.points), d.reason]);
        io.stdout(pad(rows));
        io.setExitCode(1);
      }),
    );

  bucket
    .command('delete')
    .description('delete a bucket and all its data')
    .argument('<name>', 'bucket name')
    .option('--data <dir>', DATA_DIR_HELP)
    .addHelpText('after', '\nExample:\n  promflux bucket delete metrics')
    .action((name: string, opts: DataOpts) =>
      run(io, async () => {
        const store = storeOf(io, opts);
        await store.deleteBucket(name);
        io.stdout(`deleted bucket ${JSON.stringify(name)}\n`);
      }),
    );
}
