// The composition root: builds the default Runtime from the native package list, the Flux
// standard library on disk and the Node host, and re-exports the public API.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from './host/clock.js';
import { systemClock } from './host/clock.js';
import type { Logger } from './host/logger.js';
import { silentLogger } from './host/logger.js';
import { Runtime } from './runtime/runtime.js';
import type { StdlibSource } from './runtime/runtime.js';
import { nativePackages } from './stdlib/index.js';

export { Runtime } from './runtime/runtime.js';
export type { RunOptions, RunResult, Session, RunStats, StdlibSource } from './runtime/runtime.js';
export { FluxError, FluxErrors, renderError, errorList } from './errors/index.js';
export { parse } from './lang/index.js';
export { displayValue } from './values/display.js';
export type { Value } from './values/value.js';

export interface CreateRuntimeOptions {
  dataDir?: string;
  clock?: Clock;
  logger?: Logger;
  /** Directory holding the Flux standard library (default: the package's stdlib/). */
  stdlibDir?: string;
  /** Maximum nesting of Flux function calls (default 400). */
  maxCallDepth?: number;
}

/** stdlib/ beside src/ (tsx) or dist/ (compiled). */
export function defaultStdlibDir(): string {
  return fileURLToPath(new URL('../stdlib', import.meta.url));
}

/** Reads `stdlib/<path>/*.flux` (not *_test.flux) from a directory, caching what it read. */
export function directoryStdlib(dir: string): StdlibSource {
  const cache = new Map<string, { name: string; text: string }[] | undefined>();
  let paths: string[] | undefined;
  const fluxFiles = (d: string): string[] => {
    try {
      return readdirSync(d)
        .filter((n) => n.endsWith('.flux') && !n.endsWith('_test.flux'))
        .sort();
    } catch {
      return [];
    }
  };
  return {
    packagePaths(): string[] {
      if (paths) return paths;
      const out: string[] = [];
      const walk = (d: string) => {
        let names: string[];
        try {
          names = readdirSync(d).sort();
        } catch {
          return;
        }
        if (d !== dir && fluxFiles(d).length) out.push(relative(dir, d).split(sep).join('/'));
        for (const n of names) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
        }
      };
      walk(dir);
      return (paths = out);
    },
    files(path: string) {
      if (cache.has(path)) return cache.get(path);
      if (!/^[a-z0-9_]+(\/[a-z0-9_]+)*$/i.test(path)) {
        cache.set(path, undefined);
        return undefined;
      }
      const d = join(dir, ...path.split('/'));
      const names = fluxFiles(d);
      const files = names.length ? names.map((n) => ({ name: `stdlib/${path}/${n}`, text: readFileSync(join(d, n), 'utf8') })) : undefined;
      cache.set(path, files);
      return files;
    },
  };
}

export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.PROMFLUX_DATA || join(homedir(), '.local', 'share', 'promflux');
}

export function createRuntime(options: CreateRuntimeOptions = {}): Runtime {
  return new Runtime({
    stdlib: directoryStdlib(options.stdlibDir ?? defaultStdlibDir()),
    natives: nativePackages,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    dataDir: options.dataDir ?? defaultDataDir(),
    maxCallDepth: options.maxCallDepth,
  });
}
