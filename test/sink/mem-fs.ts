// An in-memory FileSystem (the subset the write spool uses), so pipeline tests driven by a
// FakeClock never wait for real I/O. `failWrites` injects a full disk.
import { dirname } from 'node:path';
import type { FileSystem, FileStat } from '../../src/host/fs.js';

export interface MemFs extends FileSystem {
  readonly files: Map<string, Uint8Array>;
  failWrites: boolean;
}

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
}

export function memFs(): MemFs {
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>(['/']);
  const held = new Set<string>();
  const waiters = new Map<string, (() => void)[]>();
  const fs: MemFs = {
    files,
    failWrites: false,
    async mkdirp(path) {
      let p = path;
      while (!dirs.has(p)) {
        dirs.add(p);
        p = dirname(p);
      }
    },
    async readdir(path) {
      const prefix = path.endsWith('/') ? path : path + '/';
      const names = new Set<string>();
      for (const f of [...files.keys(), ...dirs]) {
        if (f.startsWith(prefix) && f.length > prefix.length) names.add(f.slice(prefix.length).split('/')[0]!);
      }
      return [...names];
    },
    async readFile(path) {
      const f = files.get(path);
      if (f === undefined) throw notFound(path);
      return f;
    },
    async stat(path): Promise<FileStat | undefined> {
      const f = files.get(path);
      if (f !== undefined) return { size: f.length, mtimeMs: 0, isDirectory: false };
      return dirs.has(path) ? { size: 0, mtimeMs: 0, isDirectory: true } : undefined;
    },
    async openRead() {
      throw new Error('memFs: openRead not supported');
    },
    async writeFileDurable(path, data) {
      if (fs.failWrites) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      if (!dirs.has(dirname(path))) throw notFound(dirname(path));
      files.set(path, data.slice());
    },
    async writeNewFile(path, data) {
      if (files.has(path)) throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
      await fs.writeFileDurable(path, data);
    },
    async createNewFile(path) {
      // Collected, then published as one writeNewFile (so failWrites applies at commit).
      if (files.has(path)) throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
      const parts: Uint8Array[] = [];
      return {
        async write(data) {
          parts.push(data.slice());
        },
        async commit() {
          await fs.writeNewFile(path, Buffer.concat(parts));
        },
        async abort() {
          files.delete(path);
        },
      };
    },
    async syncDir() {},
    async appendDurable(path, data) {
      const old = files.get(path) ?? new Uint8Array();
      const n = new Uint8Array(old.length + data.length);
      n.set(old);
      n.set(data, old.length);
      files.set(path, n);
    },
    async append(path, data) {
      return fs.appendDurable(path, data);
    },
    async rename(from, to) {
      const f = files.get(from);
      if (f === undefined) throw notFound(from);
      files.delete(from);
      files.set(to, f);
    },
    async remove(path) {
      files.delete(path);
      for (const k of [...files.keys()]) if (k.startsWith(path + '/')) files.delete(k);
    },
    async lock(path) {
      while (held.has(path)) await new Promise<void>((r) => (waiters.get(path) ?? waiters.set(path, []).get(path)!).push(r));
      held.add(path);
      return {
        release: async () => {
          held.delete(path);
          waiters.get(path)?.shift()?.();
        },
      };
    },
    async du(path) {
      let n = 0;
      for (const [k, v] of files) if (k.startsWith(path + '/')) n += v.length;
      return n;
    },
  };
  return fs;
}
