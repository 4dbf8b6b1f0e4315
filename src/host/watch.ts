// FileWatcher: "something under these paths may have changed". Consumers rescan what they
// care about when told (events are hints: they can be coalesced, duplicated or, on some file
// systems, missed, so consumers also rescan periodically). Tests pass a manual watcher.
import { watch, type FSWatcher } from 'node:fs';

export interface WatchHandle {
  close(): void;
}

export interface FileWatcher {
  /** Call `onChange` whenever something in one of `paths` (files or directories) changes. */
  watch(paths: readonly string[], onChange: (path: string) => void): WatchHandle;
}

/** fs.watch on each path (a directory's direct entries, or a file). Errors (a path removed) close that watch. */
export const nodeFileWatcher: FileWatcher = {
  watch(paths, onChange) {
    const watchers: FSWatcher[] = [];
    for (const p of paths) {
      try {
        const w = watch(p, { persistent: false }, () => onChange(p));
        w.on('error', () => w.close());
        watchers.push(w);
      } catch {
        // the path does not exist (yet): the periodic rescan covers it
      }
    }
    return {
      close() {
        for (const w of watchers) w.close();
      },
    };
  },
};

/** A watcher driven by hand (tests): `trigger(path)` reports a change. */
export function manualFileWatcher(): FileWatcher & { trigger(path: string): void } {
  const listeners = new Set<(path: string) => void>();
  return {
    watch(_paths, onChange) {
      listeners.add(onChange);
      return { close: () => void listeners.delete(onChange) };
    },
    trigger(path) {
      for (const l of listeners) l(path);
    },
  };
}
