// The retry policy for writes: exponential backoff with jitter on retryable failures
// (network errors, 429, 5xx), honouring the server's `Retry-After`; non-retryable failures
// (other 4xx) fail at once. Time comes from the injected Clock, so tests drive it by hand.
import type { Clock } from '../host/clock.js';
import { WriteError } from './destination.js';
import { defaultMetrics, METRIC_WRITE_RETRIES } from '../host/metrics.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** First backoff delay (ms); doubles on every retry. */
  readonly minRetryDelayMs: number;
  /** Cap on one backoff delay (ms); a longer `Retry-After` is honoured as long as `maxRetryTimeMs` allows. */
  readonly maxRetryDelayMs: number;
  /** Give up when the next attempt would start later than this after the first (ms). */
  readonly maxRetryTimeMs: number;
  /** Random extra delay up to this fraction of the backoff (0.2 = up to 20%). */
  readonly jitter: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 5,
  minRetryDelayMs: 500,
  maxRetryDelayMs: 15_000,
  maxRetryTimeMs: 60_000,
  jitter: 0.2,
};

/** The delay before retry number `retry` (1-based), or undefined to give up. */
export function retryDelay(
  opts: RetryOptions,
  retry: number,
  err: WriteError,
  elapsedMs: number,
  random: () => number = Math.random,
): number | undefined {
  if (!err.retryable || retry > opts.maxRetries) return undefined;
  let delay: number;
  if (err.retryAfterMs !== undefined) {
    delay = err.retryAfterMs;
  } else {
    const base = Math.min(opts.maxRetryDelayMs, opts.minRetryDelayMs * 2 ** (retry - 1));
    delay = Math.round(base * (1 + opts.jitter * random()));
  }
  if (elapsedMs + delay > opts.maxRetryTimeMs) return undefined;
  return delay;
}

export interface AttemptLog {
  retry(attempt: number, delayMs: number, err: WriteError): void;
}

/**
 * Run `attempt` until it succeeds, fails with a non-retryable error (rethrown), or the
 * retries are exhausted (the last error is rethrown with `exhausted = true`).
 */
export async function withRetries(
  attempt: () => Promise<void>,
  opts: RetryOptions,
  clock: Clock,
  log?: AttemptLog,
  random?: () => number,
): Promise<void> {
  const started = clock.monotonicMs();
  for (let retry = 1; ; retry++) {
    try {
      await attempt();
      return;
    } catch (e) {
      const err = e instanceof WriteError ? e : new WriteError(String((e as Error)?.message ?? e), undefined, true, undefined);
      const delay = retryDelay(opts, retry, err, clock.monotonicMs() - started, random);
      if (delay === undefined) throw new RetriesExhausted(err, retry);
      defaultMetrics.counter(METRIC_WRITE_RETRIES, 'Write requests retried by to().').inc();
      log?.retry(retry, delay, err);
      await clock.sleep(delay);
    }
  }
}

/** Thrown by `withRetries` when it gives up: `last` says why, `attempts` how often it tried. */
export class RetriesExhausted extends Error {
  constructor(
    readonly last: WriteError,
    readonly attempts: number,
  ) {
    super(last.message);
    this.name = 'RetriesExhausted';
  }
  /** A non-retryable error (4xx) is not worth spooling: it would fail again. */
  get permanent(): boolean {
    return !this.last.retryable;
  }
}
