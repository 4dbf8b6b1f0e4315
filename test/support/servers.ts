// Shared plumbing for the real-server test helpers (victoria-metrics.ts, influxdb1.ts):
// free loopback ports, child processes that are always stopped, readiness polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';

/** A free TCP port on 127.0.0.1 (asks the kernel with port 0, then releases it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function binaryPresent(...candidates: string[]): string | undefined {
  for (const c of candidates) if (existsSync(c)) return c;
  return undefined;
}

export interface Proc {
  child: ChildProcess;
  /** Last few KB of the process's combined output, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL immediately (a crash); resolves once the process has exited. */
  kill(): Promise<void>;
  exited(): boolean;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function startProcess(cmd: string, args: string[], cwd?: string): Proc {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exitP = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      live.delete(child);
      resolve();
    });
  });
  const stop = async (graceMs = 5000) => {
    if (done) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exitP;
    clearTimeout(t);
  };
  return {
    child,
    output: () => out,
    stop,
    kill: async () => {
      if (done) return;
      child.kill('SIGKILL');
      await exitP;
    },
    exited: () => done,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `probe` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await sleep(50);
  }
}
