// Drive a program in a real terminal: tmux runs it on its own server socket, send-keys
// types, capture-pane reads the screen. Every wait is bounded and polls the screen.
import { execFileSync } from 'node:child_process';

export interface Terminal {
  /** Type text (literally) without pressing Enter. */
  type(text: string): void;
  /** Press keys by tmux name: 'Enter', 'Tab', 'C-c', 'C-d', 'Up'. */
  press(...keys: string[]): void;
  /** The visible screen as text. */
  screen(): string;
  /** Wait until the screen satisfies `test` (string: contains it), or fail after `ms`. */
  waitFor(test: string | RegExp | ((screen: string) => boolean), ms?: number): Promise<string>;
  /** true while the program still runs. */
  alive(): boolean;
  close(): void;
}

let counter = 0;

export function startTerminal(command: string, options: { env?: Record<string, string>; cwd?: string; width?: number; height?: number } = {}): Terminal {
  const socket = `promflux-test-${process.pid}-${++counter}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', cwd: options.cwd });
  const envPrefix = Object.entries(options.env ?? {})
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  tmux('new-session', '-d', '-s', 't', '-x', String(options.width ?? 160), '-y', String(options.height ?? 48), `env ${envPrefix} ${command}; echo "[exited $?]"; sleep 30`);
  let closed = false;
  const term: Terminal = {
    type(text) {
      tmux('send-keys', '-t', 't', '-l', text);
    },
    press(...keys) {
      tmux('send-keys', '-t', 't', ...keys);
    },
    screen() {
      return tmux('capture-pane', '-p', '-t', 't', '-S', '-200');
    },
    async waitFor(test, ms = 15000) {
      const pred = typeof test === 'string' ? (s: string) => s.includes(test) : test instanceof RegExp ? (s: string) => test.test(s) : test;
      const deadline = Date.now() + ms;
      let last = '';
      while (Date.now() < deadline) {
        last = term.screen();
        if (pred(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`terminal did not show ${String(test)} within ${ms} ms; screen was:\n${last}`);
    },
    alive() {
      return !term.screen().includes('[exited ');
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return term;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
