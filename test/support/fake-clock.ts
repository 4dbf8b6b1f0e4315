// FakeClock: a Clock (src/host/clock.ts) whose time moves only when a test says so.
// Timers fire in due order (ties in creation order) as the clock is advanced; between two
// timers the clock yields to the event loop so promise chains started by a timer settle
// before the next one fires. Nothing here sleeps.
import type { Clock, TimerHandle } from '../../src/host/clock.js';

interface FakeTimer {
  at: bigint;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Let pending promise callbacks (and their follow-ups) run. Not a sleep: no time passes. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const MS = 1_000_000n;

export class FakeClock implements Clock {
  private now: bigint;
  private readonly monoBase: bigint;
  private seq = 0;
  private timers: FakeTimer[] = [];

  /** `start` is the initial wall-clock time: nanoseconds, or an RFC 3339 string. */
  constructor(start: bigint | string = 0n) {
    this.now = typeof start === 'string' ? BigInt(Date.parse(start)) * MS : start;
    this.monoBase = this.now;
  }

  nowNanos(): bigint {
    return this.now;
  }

  monotonicMs(): number {
    return Number(this.now - this.monoBase) / 1e6;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const delay = BigInt(Math.max(0, Math.round(ms * 1e6)));
    const timer: FakeTimer = { at: this.now + delay, seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        handle.cancel();
        reject(signal?.reason);
      };
      const handle = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Timers not yet fired nor cancelled. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.now + BigInt(Math.round(ms * 1e6)));
  }

  /** Move time forward to `ns` (an absolute time), firing every timer due on the way. */
  async advanceTo(ns: bigint | string): Promise<void> {
    const target = typeof ns === 'string' ? BigInt(Date.parse(ns)) * MS : ns;
    if (target < this.now) throw new Error(`FakeClock cannot go back in time (${target} < ${this.now})`);
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.now = next.at;
      next.cancelled = true;
      next.fn();
      await settle();
    }
    this.now = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
    await settle();
  }

  /** Fire every pending timer (and those they create), up to `limit` timers, advancing time as needed. */
  async runAll(limit = 10_000): Promise<void> {
    await settle();
    for (let i = 0; i < limit; i++) {
      const next = this.nextDue(undefined);
      if (next === undefined) return;
      if (next.at > this.now) this.now = next.at;
      next.cancelled = true;
      next.fn();
      await settle();
    }
    throw new Error(`FakeClock.runAll: more than ${limit} timers fired (a timer loop?)`);
  }

  private nextDue(limit: bigint | undefined): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || (limit !== undefined && t.at > limit)) continue;
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** A clock whose wall time moves only by `set` and whose timers never fire (a store's tests). */
export function manualClock(start: bigint): Clock & { set(ns: bigint): void } {
  let now = start;
  return {
    nowNanos: () => now,
    monotonicMs: () => Number(now / 1_000_000n),
    setTimer: () => ({ cancel() {} }),
    sleep: () => Promise.resolve(),
    set(ns: bigint) {
      now = ns;
    },
  };
}
