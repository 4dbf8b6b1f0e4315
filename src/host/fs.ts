// FileSystem: the only way promflux code outside src/host, src/cli and src/repl touches files.
// Production code receives a FileSystem (nodeFileSystem below); tests may wrap it to inject
// faults. Other helpers may ADD methods here; do not change the meaning of existing ones.
//
// Durability contract: `writeFileDurable` and `appendDurable` resolve only after the data
// (and, for a new name, the directory entry) reached stable storage (fsync), so a write
// acknowledged after them survives `kill -9` and power loss as far as the OS guarantees.
import * as fsp from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';

export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
  readonly isDirectory: boolean;
}

/** An open file for positional reads (pread). */
export interface ReadHandle {
  readonly size: number;
  /** Read exactly `length` bytes at `offset` (fewer only at end of file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * A new file written piece by piece (FileSystem.createNewFile). Calls are made one at a time
 * (each awaited before the next).
 */
export interface NewFile {
  /**
   * Append all of `data` (a short write is continued). A failure closes and removes the file,
   * then rejects; the file is then unusable.
   */
  write(data: Uint8Array): Promise<void>;
  /**
   * fsync and close: afterwards the file is what `writeNewFile` leaves, its data durable and its
   * directory entry made durable by a later `writeFileDurable` in the same directory (or
   * `syncDir`). A failure removes the file and rejects.
   */
  commit(): Promise<void>;
  /** Close (when open) and remove the file; never rejects for a file already gone. */
  abort(): Promise<void>;
}

/** A held exclusive lock (a lock file); `release` removes it. */
export interface FileLock {
  release(): Promise<void>;
}

export interface FileSystem {
  /** Create a directory and its parents; no error when it exists. */
  mkdirp(path: string): Promise<void>;
  /** Names in a directory; [] when the directory does not exist. */
  readdir(path: string): Promise<string[]>;
  /** The file's bytes; rejects with an error that `isNotFound` recognises when missing. */
  readFile(path: string): Promise<Uint8Array>;
  /** File or directory metadata, or undefined when it does not exist. */
  stat(path: string): Promise<FileStat | undefined>;
  openRead(path: string): Promise<ReadHandle>;
  /**
   * Atomically replace `path` with `data`: write a temporary file beside it, fsync it,
   * rename it over `path`, fsync the directory. Readers see the old or the new content,
   * never a mix; after it resolves the new content survives a crash. With `deferDirSync`
   * the directory is not fsynced: a caller replacing many files in one directory calls
   * `syncDir` once after them (until then a crash may leave the old content). A failed write
   * (ENOSPC...) rejects and leaves no temporary file behind.
   */
  writeFileDurable(path: string, data: Uint8Array, options?: { deferDirSync?: boolean }): Promise<void>;
  /**
   * Create a NEW file (fails when it exists) with `data` and fsync it; the directory entry
   * is made durable by a later `writeFileDurable` in the same directory (or `syncDir`). A
   * failed write rejects and removes the partial file.
   */
  writeNewFile(path: string, data: Uint8Array): Promise<void>;
  /**
   * Create a NEW file (fails when it exists) to be written piece by piece, so that a large file
   * (a compaction's output) is never held in memory whole; `writeNewFile` in steps. Until
   * `commit` resolves the file is partial: its writer must `abort` it on any failure.
   */
  createNewFile(path: string): Promise<NewFile>;
  /** fsync a directory (makes created/renamed/removed entries durable). */
  syncDir(path: string): Promise<void>;
  /**
   * Append all of `data` to a file (created when missing) and fsync it (and, for a new file,
   * its directory) before resolving. A failed append rejects and is cut back off, so the file
   * ends where it ended before.
   */
  appendDurable(path: string, data: Uint8Array): Promise<void>;
  /**
   * Append all of `data` to a file (created when missing) WITHOUT fsync: once it resolves the
   * data is the operating system's, so it survives this process being killed (`kill -9`, a
   * crash) but not a power loss or an OS crash until the file is fsynced: a later
   * `appendDurable` to it, of any length, makes these bytes durable too, and `syncDir` the
   * directory entry of a file this created. A failed append rejects and is cut back off, as
   * `appendDurable`'s.
   */
  append(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Remove a file or (recursively) a directory; no error when it does not exist. */
  remove(path: string): Promise<void>;
  /**
   * Take an exclusive lock file (O_EXCL create holding this process's pid). A lock left by a
   * dead process, or not refreshed for `staleMs` (the holder refreshes it every third of
   * that), is broken. Retries every few ms until `timeoutMs`,
   * then rejects.
   */
  lock(path: string, options?: { timeoutMs?: number; staleMs?: number }): Promise<FileLock>;
  /** Total size in bytes of the files under a directory (recursively); 0 when missing. */
  du(path: string): Promise<number>;
}

export function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ENOENT';
}

/**
 * How long what a killed process left (a temporary file, the trash of an interrupted bucket
 * deletion, a segment no MANIFEST names) stays untouched before it is removed: one still
 * being written is touched every moment, so only abandoned ones get this old.
 */
export const LEFTOVER_AGE_MS = 10 * 60_000;

/**
 * The entries of `dir` whose name `match`es and that were untouched for LEFTOVER_AGE_MS at
 * `nowMs`, as paths (with `files`, files only). What the caller removes, or has removed.
 */
export async function leftovers(fs: FileSystem, dir: string, nowMs: number, match: (name: string) => boolean, options: { files?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const name of await fs.readdir(dir)) {
    if (!match(name)) continue;
    const path = join(dir, name);
    const st = await fs.stat(path);
    if (st !== undefined && !(options.files === true && st.isDirectory) && nowMs - st.mtimeMs > LEFTOVER_AGE_MS) out.push(path);
  }
  return out;
}

let tmpCounter = 0;

/**
 * Modes of what promflux creates, before the umask: never writable by others, whatever the
 * umask (under umask 000 a world-writable spool would let any local user inject line protocol
 * that promflux sends with the user's credentials, or rewrite the store).
 */
const DIR_MODE = 0o755;
const FILE_MODE = 0o644;

async function fsyncDir(dir: string): Promise<void> {
  let h: fsp.FileHandle | undefined;
  try {
    h = await fsp.open(dir, fsConstants.O_RDONLY);
    await h.sync();
  } catch {
    // Some file systems do not allow fsync on directories; the rename is still atomic.
  } finally {
    await h?.close();
  }
}

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `path` exists: fine when it is a directory (or a link to one), else ENOTDIR naming it. */
async function existingDir(path: string, e: unknown): Promise<void> {
  const st = await fsp.stat(path).catch(() => undefined);
  if (st?.isDirectory() === true) return;
  throw Object.assign(new Error(`ENOTDIR: exists and is not a directory, mkdir '${path}'`), { code: 'ENOTDIR', syscall: 'mkdir', path, cause: e });
}

/**
 * `mkdir -p` one level at a time, so the error is the real one. Node's `{recursive: true}`
 * answers ENOENT ("no such file or directory") when the directory cannot be made on a
 * read-only file system, and under /proc it never returns (Node 20 retries forever). Here the
 * missing ancestors are made parent first; the first mkdir whose parent exists says why it
 * fails (EROFS, EACCES, ENOSPC...), naming that directory. A parent that exists and still
 * answers ENOENT (procfs, sysfs) is a file system that does not create directories: ENOTSUP.
 * A directory made meanwhile by another process is fine.
 */
async function makeDirs(path: string): Promise<void> {
  try {
    await fsp.mkdir(path, { mode: DIR_MODE });
    return;
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'EEXIST') return existingDir(path, e);
    if (code !== 'ENOENT') throw e;
  }
  const parent = dirname(path);
  if (parent === path) throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${path}'`), { code: 'ENOENT', syscall: 'mkdir', path });
  await makeDirs(parent);
  try {
    await fsp.mkdir(path, { mode: DIR_MODE });
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'EEXIST') return existingDir(path, e);
    if (code === 'ENOENT') {
      throw Object.assign(new Error(`ENOTSUP: the file system of ${parent} does not allow creating directories, mkdir '${path}'`), { code: 'ENOTSUP', syscall: 'mkdir', path, cause: e });
    }
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Tokens of the locks this process holds. A lock file naming this process's pid but not one
 * of these tokens was left by an earlier process that had the same pid: in a container the
 * main process is pid 1 (or another small number) again after every restart, so after a
 * `kill -9` the pid alone would make the leftover look held forever.
 */
const heldTokens = new Set<string>();

let bootIdCache: string | undefined;
/**
 * This boot of the machine (Linux: /proc/sys/kernel/random/boot_id), or '' where unknown. A
 * lock written during another boot is a leftover whatever its pid: after a power cut the pid
 * of the dead holder often belongs to another (or, at the same place in the boot order, the
 * same) service.
 */
async function bootId(): Promise<string> {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = (await fsp.readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    } catch {
      bootIdCache = '';
    }
  }
  return bootIdCache;
}

/**
 * Write all of `data` at the handle's position. One write() may write only part of it (a disk
 * filling up answers a short write first and ENOSPC only on the next call): loop until all of
 * it is written.
 */
async function writeAll(h: fsp.FileHandle, data: Uint8Array, path: string): Promise<void> {
  for (let at = 0; at < data.length; ) {
    const { bytesWritten } = await h.write(data, at, data.length - at);
    if (bytesWritten === 0) throw Object.assign(new Error(`short write to ${path}`), { code: 'EIO' });
    at += bytesWritten;
  }
}

/** FileSystem.appendDurable (`sync`) and FileSystem.append. */
async function appendBytes(path: string, data: Uint8Array, sync: boolean): Promise<void> {
  const h = await fsp.open(path, 'a', FILE_MODE);
  try {
    const before = (await h.stat()).size;
    try {
      await writeAll(h, data, path);
      if (sync) {
        // fsync covers every byte of the file, also those earlier `append`s left unsynced.
        await h.sync();
        // A file this append created (or found empty) is only durable once its directory
        // entry is: fsync the directory too, as the interface promises.
        if (before === 0) await fsyncDir(dirname(path));
      }
    } catch (e) {
      // Cut a partial append (ENOSPC, EFBIG) back off, so the next append does not glue its
      // first line onto a torn one.
      await h.truncate(before).catch(() => undefined);
      throw e;
    }
  } finally {
    await h.close();
  }
}

/**
 * Whether the lock file at `path` was left by a holder that ran during an earlier boot of
 * the machine (a power loss or an OS crash ended it): what such a process had written but
 * not fsynced (FileSystem.append) may be lost. False when there is no such lock, or it is
 * of this boot, or of a version that did not record the boot.
 */
export async function lockLeftByEarlierBoot(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch {
    return false;
  }
  return ofOtherBoot(text, await bootId());
}

/** A lock token (`<pid> <ms> <random> <boot id>`) written during another boot than `boot`. */
function ofOtherBoot(token: string, boot: string): boolean {
  const fields = token.split(' ');
  // (a boot id cut short is a token still being written, not another boot)
  return boot !== '' && fields.length >= 4 && fields[3]!.length >= boot.length && fields[3] !== boot;
}

/** The Node implementation. */
export const nodeFileSystem: FileSystem = {
  async mkdirp(path) {
    await makeDirs(resolve(path));
  },
  async readdir(path) {
    try {
      return await fsp.readdir(path);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
  },
  async readFile(path) {
    const b = await fsp.readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  async stat(path) {
    try {
      const s = await fsp.stat(path);
      return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  },
  async openRead(path) {
    const h = await fsp.open(path, 'r');
    const size = (await h.stat()).size;
    return {
      size,
      async read(offset, length) {
        const buf = Buffer.allocUnsafe(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await h.read(buf, got, length - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return new Uint8Array(buf.buffer, buf.byteOffset, got);
      },
      close: () => h.close(),
    };
  },
  async writeFileDurable(path, data, options) {
    const dir = dirname(path);
    const tmp = join(dir, `.tmp-${process.pid}-${++tmpCounter}-${basename(path)}`);
    const h = await fsp.open(tmp, 'w', FILE_MODE);
    try {
      try {
        await h.writeFile(data);
        await h.sync();
      } finally {
        await h.close();
      }
      await fsp.rename(tmp, path);
    } catch (e) {
      // A failed write (ENOSPC, EFBIG, EIO) must not leave a partial temporary file behind:
      // on a full disk every retry would leave another one.
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    if (options?.deferDirSync !== true) await fsyncDir(dir);
  },
  async writeNewFile(path, data) {
    const h = await fsp.open(path, 'wx', FILE_MODE);
    try {
      try {
        await h.writeFile(data);
        await h.sync();
      } finally {
        await h.close();
      }
    } catch (e) {
      // The file is ours ('wx'): a failed write must not leave a partial file behind.
      await fsp.rm(path, { force: true }).catch(() => undefined);
      throw e;
    }
  },
  async createNewFile(path) {
    const h = await fsp.open(path, 'wx', FILE_MODE);
    let open = true;
    // The file is ours ('wx'): a failure must not leave a partial file behind.
    const discard = async () => {
      if (open) {
        open = false;
        await h.close().catch(() => undefined);
      }
      await fsp.rm(path, { force: true }).catch(() => undefined);
    };
    const closed = () => Object.assign(new Error(`${path} is no longer open for writing`), { code: 'EBADF' });
    return {
      async write(data) {
        if (!open) throw closed();
        try {
          await writeAll(h, data, path);
        } catch (e) {
          await discard();
          throw e;
        }
      },
      async commit() {
        if (!open) throw closed();
        try {
          await h.sync();
          open = false;
          await h.close();
        } catch (e) {
          await discard();
          throw e;
        }
      },
      abort: discard,
    };
  },
  syncDir: fsyncDir,
  appendDurable: (path, data) => appendBytes(path, data, true),
  append: (path, data) => appendBytes(path, data, false),
  async rename(from, to) {
    await fsp.rename(from, to);
    await fsyncDir(dirname(to));
  },
  async remove(path) {
    await fsp.rm(path, { recursive: true, force: true });
  },
  async lock(path, options = {}) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const staleMs = options.staleMs ?? 30_000;
    const started = performance.now();
    const boot = await bootId();
    // "<pid> <ms> <random> [<boot id>]": locks of earlier versions have no boot id.
    const token = `${process.pid} ${Date.now()} ${Math.random()}${boot !== '' ? ' ' + boot : ''}`;
    for (;;) {
      try {
        const h = await fsp.open(path, 'wx', FILE_MODE);
        heldTokens.add(token);
        try {
          await h.writeFile(token);
        } catch (e) {
          // A full disk: do not leave an empty lock file that blocks the next try.
          heldTokens.delete(token);
          await h.close().catch(() => undefined);
          await fsp.rm(path, { force: true }).catch(() => undefined);
          throw e;
        }
        await h.close();
        // Refresh the lock's mtime while it is held, so that a holder that is slow (an fsync
        // stalled for longer than staleMs on a busy disk) is not taken for a dead one: two
        // processes inside the lock would each replace the file it guards (a MANIFEST) and
        // one's acknowledged writes would vanish. Only a holder that stopped refreshing (its pid
        // reused by another process) goes stale.
        const beat = staleMs <= 24 * 3_600_000 ? setInterval(() => void fsp.utimes(path, new Date(), new Date()).catch(() => undefined), Math.max(10, staleMs / 3)) : undefined;
        beat?.unref();
        return {
          async release() {
            if (beat !== undefined) clearInterval(beat);
            try {
              if ((await fsp.readFile(path, 'utf8')) === token) await fsp.rm(path, { force: true });
            } catch (e) {
              if (!isNotFound(e)) throw e;
            } finally {
              heldTokens.delete(token);
            }
          },
        };
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
      // Held: break it when its owner is dead or it is stale.
      try {
        const [text, st] = await Promise.all([fsp.readFile(path, 'utf8'), fsp.stat(path)]);
        const fields = text.split(' ');
        const pid = Number(fields[0]);
        const otherBoot = ofOtherBoot(text, boot);
        const valid = Number.isInteger(pid) && pid > 0;
        const age = Date.now() - st.mtimeMs;
        // A lock whose owner died (or that a killed owner left empty) is broken; re-check the
        // content right before removing it to narrow the window in which two breakers race.
        // Our own pid: held by us only when it is one of our tokens (or the start of one still
        // being written); else an earlier process with the same pid left it.
        const ours = () => [...heldTokens].some((t) => t.startsWith(text));
        const dead = otherBoot || (valid ? (pid === process.pid ? !ours() : !processAlive(pid)) : age > 1000);
        if (dead || age > staleMs) {
          if ((await fsp.readFile(path, 'utf8')) === text) await fsp.rm(path, { force: true });
          continue;
        }
      } catch (e) {
        // Gone meanwhile: try again (after the timeout check, so a path that exists for open()
        // but not for readFile(), such as a dangling symlink, cannot spin forever).
        if (!isNotFound(e)) throw e;
      }
      if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for lock ${path}`);
      await sleep(2 + Math.random() * 5);
    }
  },
  async du(path) {
    let total = 0;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(path, { withFileTypes: true });
    } catch (e) {
      if (isNotFound(e)) return 0;
      throw e;
    }
    for (const ent of entries) {
      const p = join(path, ent.name);
      if (ent.isDirectory()) total += await nodeFileSystem.du(p);
      else {
        try {
          total += (await fsp.stat(p)).size;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    return total;
  },
};
