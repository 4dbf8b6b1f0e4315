// Loading tasks from files and load directories (as Kapacitor's load directory does).
//
// Design: the loader remembers, per file, its size/mtime, a hash of its content and the name
// of the task it last defined successfully. A scan (at start, when the watcher reports a
// change, and every `pollMs` as a safety net) stats every `.flux` file under the given paths
// and reloads only files whose content changed. A file that now fails to check keeps its last
// good task running and reports the errors; a file that no longer declares `option task`,
// or that disappeared, removes its task. Two files defining the same task name: the first one
// keeps it and the second is reported; once the name is free again (the first file was
// removed or renamed its task), the second file is loaded without waiting for an edit. Hidden
// entries and node_modules are not walked. Scans never overlap (a change during a scan triggers one more scan).
import { createHash } from 'node:crypto';
import { FluxError, errorList, toFluxError } from '../errors/index.js';
import type * as ast from '../lang/ast.js';
import type { Clock, TimerHandle } from '../host/clock.js';
import type { FileSystem } from '../host/fs.js';
import type { FileWatcher, WatchHandle } from '../host/watch.js';
import type { Logger } from '../host/logger.js';
import { silentLogger } from '../host/logger.js';
import type { Time, Value } from '../values/value.js';
import { readTaskOptions, taskOptionSpans } from './options.js';
import type { StepStat, TaskDefinition } from './scheduler.js';

/** The part of the runtime (src/runtime/runtime.ts `Runtime`) the task layer uses. */
export interface TaskRuntime {
  check(source: string, name?: string): FluxError[];
  readOptions(source: string, name?: string): Promise<Map<string, Value>>;
  run(source: string, opts?: TaskRunOptions): Promise<TaskRunResult>;
  /** Run an already parsed program (lets the executor parse each task version once). */
  runFile?(file: ast.File, opts?: TaskRunOptions): Promise<TaskRunResult>;
}

export interface TaskRunOptions {
  name?: string;
  now?: Time;
  signal?: AbortSignal;
  logger?: Logger;
  /** Read every table-stream result to its end (scheduled runs: results are discarded). */
  drainResults?: boolean;
}

export interface TaskRunResult {
  results: { name: string; value: Value }[];
  stats: { calls: readonly StepStat[] };
}

export type ParseFn = (source: string, name?: string) => { file: ast.File; diagnostics?: readonly unknown[] };

export type LoadResult =
  | { readonly kind: 'task'; readonly def: TaskDefinition }
  | { readonly kind: 'notTask' }
  | { readonly kind: 'invalid'; readonly errors: readonly FluxError[] };

const MAX_WATCHED_DIRS = 256;

const TASK_OPTION_RE = /^[ \t]*option[ \t]+task[ \t]*=/m;

/** Does this source declare `option task`? (A quick syntactic look, before checking it.) */
export function looksLikeTask(source: string): boolean {
  return TASK_OPTION_RE.test(source);
}

/** Check a task script and read its task options; every problem is reported at once. */
export async function loadTaskSource(runtime: TaskRuntime, source: string, path: string, parse?: ParseFn): Promise<LoadResult> {
  if (!looksLikeTask(source)) return { kind: 'notTask' };
  let diagnostics: FluxError[];
  try {
    diagnostics = runtime.check(source, path);
  } catch (e) {
    diagnostics = [...errorList(toFluxError(e))];
  }
  if (diagnostics.length > 0) return { kind: 'invalid', errors: diagnostics.map((d) => d.withSpan(undefined, path)) };
  let opts: Map<string, Value>;
  try {
    opts = await runtime.readOptions(source, path);
  } catch (e) {
    return { kind: 'invalid', errors: errorList(toFluxError(e)) };
  }
  const input = { task: opts.get('task'), location: opts.get('location'), source: path };
  let r = readTaskOptions(input);
  if (!r.ok && parse !== undefined) {
    // invalid: parse (only now) to point each error at its property
    let file: ast.File | undefined;
    try {
      file = parse(source, path).file;
    } catch {
      file = undefined;
    }
    r = readTaskOptions({ ...input, spans: taskOptionSpans(file) });
  }
  if (!r.ok) return { kind: 'invalid', errors: r.errors };
  const version = createHash('sha256').update(source).digest('hex').slice(0, 12);
  return { kind: 'task', def: { name: r.options.name, options: r.options, source, file: path, version } };
}

export interface TaskLoaderSink {
  upsert(def: TaskDefinition): void;
  remove(name: string, file: string): void;
  /** A file failed to load; `keptName` is the task still running its last good version. */
  invalid(file: string, errors: readonly FluxError[], keptName: string | undefined): void;
  /** A file was removed, or no longer declares a task (forget its errors). */
  gone?(file: string): void;
}

export interface TaskLoaderOptions {
  readonly fs: FileSystem;
  readonly runtime: TaskRuntime;
  readonly clock: Clock;
  readonly paths: readonly string[];
  readonly sink: TaskLoaderSink;
  readonly watcher?: FileWatcher;
  readonly parse?: ParseFn;
  readonly logger?: Logger;
  /** Rescan this often even without watch events (default 2000 ms; 0 disables). */
  readonly pollMs?: number;
  /** Wait this long after a watch event before rescanning, coalescing bursts (default 50 ms). */
  readonly debounceMs?: number;
}

interface FileRecord {
  size: number;
  mtimeMs: number;
  hash: string;
  name: string | undefined;
  /** The task name this file was refused because another file owns it (task.duplicateName). */
  refusedName?: string;
}

/** The directory of a path (`/` for a top-level entry). */
function parentDir(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i > 0 ? trimmed.slice(0, i) : i === 0 ? '/' : '.';
}

/** A file's read failure that was reported at an earlier scan. */
class AlreadyReported extends Error {}

export class TaskLoader {
  private readonly files = new Map<string, FileRecord>();
  private readonly owners = new Map<string, string>();
  /** Files that could not be read, with the reason already reported. */
  private readonly unreadable = new Map<string, string>();
  private scanning: Promise<void> | undefined;
  private again = false;
  /** The next scan reads every file, not only those whose size or mtime changed. */
  private rehash = false;
  private watchHandle: WatchHandle | undefined;
  private watchedDirs: string[] = [];
  private pollTimer: TimerHandle | undefined;
  private debounceTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly logger: Logger;

  constructor(private readonly o: TaskLoaderOptions) {
    this.logger = o.logger ?? silentLogger;
  }

  /** Which file defines a task. */
  fileOf(name: string): string | undefined {
    return this.owners.get(name);
  }

  /** Scan now (and once more if a change arrives meanwhile). */
  async scan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        await this.scanOnce();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  /** Start watching and polling. */
  start(): void {
    this.stopped = false;
    this.rewatch();
    this.armPoll();
    // a change between the first scan and the watch being set up would go unseen: look again
    this.changed();
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.close();
    this.watchHandle = undefined;
    this.pollTimer?.cancel();
    this.debounceTimer?.cancel();
  }

  private armPoll(): void {
    const ms = this.o.pollMs ?? 2000;
    if (ms <= 0 || this.stopped) return;
    this.pollTimer = this.o.clock.setTimer(ms, () => {
      void this.scan()
        .catch((e: unknown) => this.logger.error('task scan failed', { error: toFluxError(e).message }))
        .finally(() => this.armPoll());
    });
  }

  private changed(): void {
    if (this.stopped || this.debounceTimer !== undefined) return;
    this.debounceTimer = this.o.clock.setTimer(this.o.debounceMs ?? 50, () => {
      this.debounceTimer = undefined;
      // A reported change is read even when size and mtime look unchanged: mtimes are as
      // coarse as the kernel's clock tick, and an edit of the same length within one tick
      // (or a new file renamed over the old one) keeps both.
      this.rehash = true;
      void this.scan().catch((e: unknown) => this.logger.error('task scan failed', { error: toFluxError(e).message }));
    });
  }

  private rewatch(): void {
    if (this.o.watcher === undefined || this.stopped) return;
    this.watchHandle?.close();
    // one watch per directory, capped: beyond MAX_WATCHED_DIRS the periodic rescan covers the rest
    const dirs = this.watchedDirs.slice(0, MAX_WATCHED_DIRS);
    // A file named as a path is watched through its directory too: editors save by writing a
    // new file and renaming it over the old one, and a watch on the old file ends there.
    const walked = new Set(this.watchedDirs);
    const parents = this.o.paths.filter((p) => !walked.has(p)).map(parentDir);
    this.watchHandle = this.o.watcher.watch([...new Set([...this.o.paths, ...dirs, ...parents])], () => this.changed());
  }

  private async scanOnce(): Promise<void> {
    const rehash = this.rehash;
    this.rehash = false;
    const found: string[] = [];
    const dirs: string[] = [];
    for (const p of this.o.paths) await this.collect(p, true, found, dirs);
    if (dirs.join('\n') !== this.watchedDirs.join('\n')) {
      this.watchedDirs = dirs;
      this.rewatch();
    }
    const seen = new Set(found);
    for (const path of found) {
      try {
        await this.loadFile(path, rehash);
      } catch (e) {
        if (e instanceof AlreadyReported) continue;
        this.o.sink.invalid(path, errorList(toFluxError(e)), this.files.get(path)?.name);
      }
    }
    for (const path of this.unreadable.keys()) {
      if (seen.has(path)) continue;
      this.unreadable.delete(path);
      if (!this.files.has(path)) this.o.sink.gone?.(path);
    }
    for (const [path, rec] of this.files) {
      if (seen.has(path)) continue;
      this.files.delete(path);
      this.o.sink.gone?.(path);
      if (rec.name !== undefined && this.owners.get(rec.name) === path) {
        this.owners.delete(rec.name);
        this.o.sink.remove(rec.name, path);
      }
    }
    // A file refused for a duplicate name whose owner has let go of it: load it (one more pass).
    for (const rec of this.files.values()) {
      if (rec.refusedName !== undefined && !this.owners.has(rec.refusedName)) this.again = true;
    }
  }

  private async collect(path: string, top: boolean, out: string[], dirs: string[]): Promise<void> {
    const st = await this.o.fs.stat(path);
    if (st === undefined) return;
    if (!st.isDirectory) {
      if (top || path.endsWith('.flux')) out.push(path);
      return;
    }
    dirs.push(path);
    for (const name of (await this.o.fs.readdir(path)).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const child = `${path.replace(/\/+$/, '')}/${name}`;
      const cst = await this.o.fs.stat(child);
      if (cst === undefined) continue;
      if (cst.isDirectory) await this.collect(child, false, out, dirs);
      else if (name.endsWith('.flux')) out.push(child);
    }
  }

  /**
   * A file's bytes. A file that cannot be read (permissions, a directory named *.flux) is
   * reported once per cause as `task.unreadableFile`, not at every rescan, and is read again
   * at each scan (a chmod changes neither its size nor its mtime).
   */
  private async read(path: string): Promise<Uint8Array> {
    try {
      const bytes = await this.o.fs.readFile(path);
      this.unreadable.delete(path);
      return bytes;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (e instanceof Error ? e.message : String(e)));
      const reported = this.unreadable.get(path) === why;
      this.unreadable.set(path, why);
      if (reported) throw new AlreadyReported();
      throw new FluxError('unavailable', 'task.unreadableFile', `cannot read task file ${path}: ${why}`, { source: path });
    }
  }

  private async loadFile(path: string, rehash = false): Promise<void> {
    const st = await this.o.fs.stat(path);
    if (st === undefined) return;
    const rec = this.files.get(path);
    // unchanged files are not reloaded, unless they were refused a task name that is now free
    const retry = rec?.refusedName !== undefined && !this.owners.has(rec.refusedName);
    if (rec !== undefined && !retry && !rehash && rec.size === st.size && rec.mtimeMs === st.mtimeMs) return;
    // cleared before reading, so a file that cannot be read is not retried in a loop
    if (retry) rec.refusedName = undefined;
    const source = new TextDecoder().decode(await this.read(path));
    const hash = createHash('sha256').update(source).digest('hex');
    if (rec !== undefined && !retry && rec.hash === hash) {
      rec.size = st.size;
      rec.mtimeMs = st.mtimeMs;
      return;
    }
    const r = rec ?? { size: st.size, mtimeMs: st.mtimeMs, hash, name: undefined };
    r.size = st.size;
    r.mtimeMs = st.mtimeMs;
    r.hash = hash;
    r.refusedName = undefined;
    this.files.set(path, r);
    const result = await loadTaskSource(this.o.runtime, source, path, this.o.parse);
    if (result.kind === 'invalid') {
      this.o.sink.invalid(path, result.errors, r.name);
      return;
    }
    if (result.kind === 'notTask') {
      // a file named on the command line is meant to be a task: say why it is not scheduled
      if (this.o.paths.includes(path)) this.logger.warn('not a task: the file does not declare `option task = {...}`; it is not scheduled', { file: path });
      this.o.sink.gone?.(path);
      if (r.name !== undefined && this.owners.get(r.name) === path) {
        this.owners.delete(r.name);
        this.o.sink.remove(r.name, path);
      }
      r.name = undefined;
      return;
    }
    const name = result.def.name;
    const owner = this.owners.get(name);
    if (owner !== undefined && owner !== path) {
      r.refusedName = name;
      this.o.sink.invalid(
        path,
        [new FluxError('invalid', 'task.duplicateName', `task "${name}" is already defined in ${owner}`, { source: path })],
        r.name,
      );
      return;
    }
    if (r.name !== undefined && r.name !== name && this.owners.get(r.name) === path) {
      this.owners.delete(r.name);
      this.o.sink.remove(r.name, path);
    }
    r.name = name;
    this.owners.set(name, path);
    this.o.sink.upsert(result.def);
  }
}
