// Error classification, Retry-After, URL redaction and the retry policy's delays.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError } from '@influxdata/influxdb-client';
import { classifyError, parseRetryAfter, redactUrl, targetId, WriteError } from '../../src/sink/destination.js';
import { retryDelay, DEFAULT_RETRY } from '../../src/sink/retry.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('classifyError', () => {
  const http = (status: number, body: string, headers: Record<string, string> = {}) =>
    new HttpError(status, 'status', body, headers['retry-after'], 'application/json', undefined, headers);
  const cases: { name: string; err: unknown; status?: number; retryable: boolean; retryAfterMs?: number; message: RegExp }[] = [
    { name: '400 is final, with the server message (2.x)', err: http(400, '{"code":"invalid","message":"unable to parse \'x\': missing fields"}'), status: 400, retryable: false, message: /answered 400: unable to parse 'x': missing fields/ },
    { name: '404 is final (1.x error body)', err: http(404, '{"error":"database not found: \\"nope\\""}'), status: 404, retryable: false, message: /database not found/ },
    { name: '401 is final', err: http(401, '{"message":"unauthorized access"}'), status: 401, retryable: false, message: /unauthorized access/ },
    { name: '429 is retried, Retry-After seconds', err: http(429, '{"message":"slow down"}', { 'retry-after': '7' }), status: 429, retryable: true, retryAfterMs: 7000, message: /429/ },
    { name: '500 is retried', err: http(500, '{"message":"internal"}'), status: 500, retryable: true, message: /500/ },
    { name: '503 with an HTTP-date Retry-After', err: http(503, '', { 'retry-after': new Date(NOW + 30_000).toUTCString() }), status: 503, retryable: true, retryAfterMs: 30_000, message: /503/ },
    { name: 'connection refused is retried', err: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), retryable: true, message: /unreachable: ECONNREFUSED/ },
    { name: 'a timeout is retried', err: Object.assign(new Error('Request timed out'), { name: 'RequestTimedOutError' }), retryable: true, message: /timed out/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = classifyError(c.err, 'InfluxDB at http://h:8086', NOW);
      assert.ok(e instanceof WriteError);
      assert.equal(e.status, c.status);
      assert.equal(e.retryable, c.retryable);
      assert.equal(e.retryAfterMs, c.retryAfterMs);
      assert.match(e.message, c.message);
    });
  }
});

describe('parseRetryAfter', () => {
  it('seconds, dates, garbage', () => {
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
  });
});

describe('secrets', () => {
  it('redactUrl drops user info and the query', () => {
    assert.equal(redactUrl('https://user:hunter2@influx.example.com:8086/?token=abc'), 'https://influx.example.com:8086');
    assert.equal(redactUrl('not a url'), '<invalid URL>');
  });
  it('targetId hashes the token (different tokens, different ids; the token is not in it)', () => {
    const a = targetId({ url: 'http://h:8086', token: 'tok-one', org: 'o', bucket: 'b' });
    const b = targetId({ url: 'http://h:8086', token: 'tok-two', org: 'o', bucket: 'b' });
    assert.notEqual(a, b);
    assert.match(a, /^h-8086-[0-9a-f]{20}$/);
    assert.doesNotMatch(a, /tok/);
  });
});

describe('retryDelay', () => {
  const err503 = new WriteError('503', 503, true, undefined);
  it('doubles from minRetryDelayMs up to maxRetryDelayMs, then gives up after maxRetries', () => {
    const o = { ...DEFAULT_RETRY, minRetryDelayMs: 100, maxRetryDelayMs: 500, maxRetries: 5, jitter: 0 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelay(o, n, err503, 0)), [100, 200, 400, 500, 500]);
    assert.equal(retryDelay(o, 6, err503, 0), undefined);
  });
  it('jitter adds up to the given fraction', () => {
    const o = { ...DEFAULT_RETRY, minRetryDelayMs: 1000, jitter: 0.2 };
    assert.equal(retryDelay(o, 1, err503, 0, () => 0.5), 1100);
  });
  it('honours Retry-After, within maxRetryTimeMs', () => {
    const o = { ...DEFAULT_RETRY, maxRetryTimeMs: 10_000 };
    assert.equal(retryDelay(o, 1, new WriteError('429', 429, true, 9000), 0), 9000);
    assert.equal(retryDelay(o, 1, new WriteError('429', 429, true, 9000), 2000), undefined);
  });
  it('never retries a final error', () => {
    assert.equal(retryDelay(DEFAULT_RETRY, 1, new WriteError('400', 400, false, undefined), 0), undefined);
  });
});
