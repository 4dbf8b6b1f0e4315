// Why a file could not be read, in a few words for a one-line error (`cannot read x.flux:
// permission denied`), instead of node's `EISDIR: illegal operation on a directory, read`.

/** The reason a read failed: `no such file`, `permission denied`, `it is a directory`, ... */
export function readFailureReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTSUP':
      // FileSystem.mkdirp under /proc or /sys: say which directory
      return e instanceof Error ? e.message.replace(/^ENOTSUP: /, '').replace(/, mkdir '[^']*'$/, '') : 'operation not supported';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
