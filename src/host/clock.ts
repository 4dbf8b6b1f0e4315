// Clock: the only source of "now" and of timers in promflux. Production code receives a
// Clock; tests pass a FakeClock (test/support) and advance it by hand, never sleeping.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock time in nanoseconds since the Unix epoch. */
  nowNanos(): bigint;
  /** Monotonic milliseconds, for measuring durations. */
  monotonicMs(): number;
  /** Run `fn` once after `ms` milliseconds (of this clock's time). */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Resolve after `ms` milliseconds of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The millisecond of the last systemClock reading and the hrtime when it was first seen. */
let wallMs = -1;
let hrAtWallMs = 0n;

/** The real clock. */
export const systemClock: Clock = {
  nowNanos(): bigint {
    // Date.now() has millisecond resolution. The sub-millisecond part is the hrtime elapsed
    // since this process first saw the current millisecond (capped below the next one), so
    // successive readings within a millisecond are distinct and ordered, and a new
    // millisecond never reads earlier than the last one. (Taking hrtime modulo 1 ms instead
    // would mix two unrelated phases and could go back by up to a millisecond.)
    const ms = Date.now();
    const hr = process.hrtime.bigint();
    if (ms !== wallMs) {
      wallMs = ms;
      hrAtWallMs = hr;
    }
    const sub = hr - hrAtWallMs;
    return BigInt(ms) * 1_000_000n + (sub > 999_999n ? 999_999n : sub);
  },
  monotonicMs(): number {
    return performance.now();
  },
  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
