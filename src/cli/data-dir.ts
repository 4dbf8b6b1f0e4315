// Where promflux keeps its data (embedded store, write spool, task state, REPL history):
// `--data DIR`, else $PROMFLUX_DATA, else $XDG_DATA_HOME/promflux, else ~/.local/share/promflux.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag) return resolve(flag);
  if (env.PROMFLUX_DATA) return resolve(env.PROMFLUX_DATA);
  if (env.XDG_DATA_HOME) return join(resolve(env.XDG_DATA_HOME), 'promflux');
  return join(homedir(), '.local', 'share', 'promflux');
}

export const DATA_DIR_HELP = 'data directory (default: $PROMFLUX_DATA, else $XDG_DATA_HOME/promflux or ~/.local/share/promflux)';
