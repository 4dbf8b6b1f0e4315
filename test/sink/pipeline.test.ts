// The write pipeline: batching, linger, retries with backoff and Retry-After, fail-fast 4xx,
// the durable spool (order, bound, re-send after a restart) and backpressure. A FakeClock
// drives every delay; nothing sleeps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, settle } from '../support/fake-clock.js';
import { memFs } from './mem-fs.js';
import type { MemFs } from './mem-fs.js';
import { WritePipeline } from '../../src/sink/pipeline.js';
import type { PipelineOptions, WriteOutcome } from '../../src/sink/pipeline.js';
import { Spool } from '../../src/sink/spool.js';
import { WriteError } from '../../src/sink/destination.js';
import type { Destination } from '../../src/sink/destination.js';
import type { Logger } from '../../src/host/logger.js';
import { FluxError } from '../../src/errors/index.js';

type Behaviour = (body: string) => Promise<void>;

interface FakeDest extends Destination {
  calls: { body: string; atMs: number }[];
  behave: Behaviour;
}

function fakeDest(clock: FakeClock): FakeDest {
  const d: FakeDest = {
    description: 'fake bucket',
    dialect: 'v2',
    calls: [],
    behave: async () => {},
    send(bytes) {
      const body = new TextDecoder().decode(bytes);
      d.calls.push({ body, atMs: clock.monotonicMs() });
      return d.behave(body);
    },
  };
  return d;
}

function recordingLogger(): Logger & { lines: { level: string; msg: string; fields?: unknown }[] } {
  const lines: { level: string; msg: string; fields?: unknown }[] = [];
  const rec = (level: string) => (msg: string, fields?: unknown) => lines.push({ level, msg, fields });
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

const OPTS: PipelineOptions = {
  batchSize: 3,
  batchBytes: 1 << 20,
  lingerMs: 1000,
  concurrency: 2,
  maxRetries: 3,
  minRetryDelayMs: 100,
  maxRetryDelayMs: 10_000,
  maxRetryTimeMs: 60_000,
  jitter: 0,
  timeoutMs: 1000,
};

function setup(opts: Partial<PipelineOptions> = {}, fs: MemFs = memFs(), spoolMax = 1 << 20) {
  const clock = new FakeClock(1_000_000_000_000_000_000n);
  const dest = fakeDest(clock);
  const logger = recordingLogger();
  const spool = new Spool(fs, '/data/spool/fake', spoolMax, logger, { description: dest.description, dialect: 'v2' });
  const pipeline = new WritePipeline(dest, spool, { ...OPTS, ...opts }, clock, logger, () => 0);
  return { clock, dest, logger, spool, pipeline, fs };
}

/** Await `p` while advancing the fake clock in steps (retries sleep on it). */
async function drive<T>(clock: FakeClock, p: Promise<T>, stepMs = 50, maxSteps = 10_000): Promise<T> {
  let done = false;
  let value: T | undefined;
  let error: unknown;
  let failed = false;
  p.then(
    (v) => {
      done = true;
      value = v;
    },
    (e) => {
      done = true;
      failed = true;
      error = e;
    },
  );
  for (let i = 0; i < maxSteps && !done; i++) {
    await settle();
    if (!done) await clock.advance(stepMs);
  }
  if (!done) throw new Error('drive: promise did not settle');
  if (failed) throw error;
  return value as T;
}

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m f=${from + i} ${from + i}`);

const fail503: Behaviour = async () => {
  throw new WriteError('fake answered 503: overloaded', 503, true, undefined);
};

describe('WritePipeline', () => {
  it('cuts batches of batchSize and acknowledges every line', async () => {
    const { clock, dest, pipeline } = setup();
    const s = pipeline.session();
    s.write(lines(0, 7));
    const out = await drive(clock, s.done());
    assert.deepEqual(
      dest.calls.map((c) => c.body.split('\n').length),
      [3, 3, 1],
    );
    assert.equal(dest.calls.map((c) => c.body).join('\n'), lines(0, 7).join('\n'));
    assert.deepEqual(out, { written: 7, spooled: 0, dropped: 0, rejected: 0, resent: 0 } satisfies WriteOutcome);
  });

  it('sends a partial batch after lingerMs without new lines', async () => {
    const { clock, dest, pipeline } = setup({ batchSize: 100 });
    const s = pipeline.session();
    await settle();
    s.write(lines(0, 2));
    await clock.advance(999);
    assert.equal(dest.calls.length, 0);
    await clock.advance(1);
    assert.equal(dest.calls.length, 1);
    const out = await drive(clock, s.done());
    assert.equal(out.written, 2);
    assert.equal(dest.calls.length, 1);
  });

  it('retries 5xx with exponential backoff, then succeeds', async () => {
    const { clock, dest, pipeline, logger } = setup();
    let n = 0;
    dest.behave = async (b) => {
      if (n++ < 2) return fail503(b);
    };
    const s = pipeline.session();
    s.write(lines(0, 1));
    const out = await drive(clock, s.done(), 10);
    assert.equal(out.written, 1);
    assert.deepEqual(
      dest.calls.map((c) => Math.round(c.atMs)),
      [0, 100, 300],
    );
    assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 2);
  });

  it('honours Retry-After on 429', async () => {
    const { clock, dest, pipeline } = setup();
    let n = 0;
    dest.behave = async () => {
      if (n++ === 0) throw new WriteError('fake answered 429: slow down', 429, true, 7000);
    };
    const s = pipeline.session();
    s.write(lines(0, 1));
    const out = await drive(clock, s.done(), 100);
    assert.equal(out.written, 1);
    assert.deepEqual(
      dest.calls.map((c) => Math.round(c.atMs)),
      [0, 7000],
    );
  });

  it('fails fast on 4xx with the server message and spools nothing', async () => {
    const { clock, dest, pipeline, fs } = setup();
    dest.behave = async () => {
      throw new WriteError('fake answered 400: unable to parse line 1', 400, false, undefined);
    };
    const s = pipeline.session();
    s.write(lines(0, 2));
    const out = await drive(clock, s.done());
    assert.equal(dest.calls.length, 1);
    assert.equal(out.rejected, 2);
    assert.equal(out.rejectedError?.status, 400);
    assert.match(out.rejectedError?.message ?? '', /unable to parse/);
    assert.equal([...fs.files.keys()].filter((k) => k.endsWith('.lp')).length, 0);
  });

  it('spools after retries are exhausted, keeps order, and re-sends on the next session', async () => {
    const { clock, dest, pipeline, spool } = setup({ batchSize: 2, concurrency: 1 });
    dest.behave = fail503;
    const s1 = pipeline.session();
    s1.write(lines(0, 5));
    const o1 = await drive(clock, s1.done());
    assert.equal(o1.written, 0);
    assert.equal(o1.spooled, 5);
    assert.equal(o1.lastError?.status, 503);
    // Only the first batch went through the retries; the rest went straight to the spool.
    assert.equal(dest.calls.length, 1 + OPTS.maxRetries);
    assert.equal(await spool.pendingPoints(), 5);

    // The server is back: the next session first re-sends the spool in order, then its own lines.
    dest.behave = async () => {};
    dest.calls.length = 0;
    const s2 = pipeline.session();
    s2.write(lines(5, 1));
    const o2 = await drive(clock, s2.done());
    assert.deepEqual(o2, { written: 1, spooled: 0, dropped: 0, rejected: 0, resent: 5 });
    assert.equal(dest.calls.map((c) => c.body).join('\n'), lines(0, 6).join('\n'));
    assert.equal(await spool.pendingPoints(), 0);
  });

  it('a spool survives a restart: a new pipeline over the same directory re-sends it', async () => {
    const fs = memFs();
    const a = setup({ batchSize: 10 }, fs);
    a.dest.behave = fail503;
    const s = a.pipeline.session();
    s.write(lines(0, 4));
    assert.equal((await drive(a.clock, s.done())).spooled, 4);

    const b = setup({ batchSize: 10 }, fs); // "restart": fresh objects, same files
    const s2 = b.pipeline.session();
    const o = await drive(b.clock, s2.done());
    assert.equal(o.resent, 4);
    assert.equal(b.dest.calls[0]?.body, lines(0, 4).join('\n'));
  });

  it('a drain that still fails keeps new lines behind the spooled ones', async () => {
    const { clock, dest, pipeline, spool } = setup({ batchSize: 10, maxRetries: 1 });
    dest.behave = fail503;
    const s1 = pipeline.session();
    s1.write(lines(0, 2));
    await drive(clock, s1.done());
    const s2 = pipeline.session();
    s2.write(lines(2, 2));
    const o2 = await drive(clock, s2.done());
    assert.equal(o2.spooled, 2);
    const segs = await spool.segments();
    assert.equal(segs.length, 2);
    assert.equal(new TextDecoder().decode(await spool.read(segs[0]!)), lines(0, 2).join('\n'));
    assert.equal(new TextDecoder().decode(await spool.read(segs[1]!)), lines(2, 2).join('\n'));
  });

  it('two processes draining one spool send each segment once (drain lock)', async () => {
    const fs = memFs();
    const a = setup({ batchSize: 2, maxRetries: 0 }, fs);
    a.dest.behave = fail503;
    const s = a.pipeline.session();
    s.write(lines(0, 6));
    assert.equal((await drive(a.clock, s.done())).spooled, 6);
    const b = setup({ batchSize: 2 }, fs);
    const c = setup({ batchSize: 2 }, fs);
    const [rb, rc] = await Promise.all([drive(b.clock, b.pipeline.drain()), drive(c.clock, c.pipeline.drain())]);
    assert.equal(rb.sent + rc.sent, 6);
    assert.equal(b.dest.calls.length + c.dest.calls.length, 3);
  });

  it('a full spool drops the oldest points and says so', async () => {
    const body = lines(0, 3).join('\n');
    const max = body.length * 2 + 1; // room for two segments
    const { clock, dest, pipeline, logger } = setup({ batchSize: 3, maxRetries: 0 }, memFs(), max);
    dest.behave = fail503;
    let dropped = 0;
    for (let i = 0; i < 3; i++) {
      const s = pipeline.session();
      s.write(lines(0, 3));
      const o = await drive(clock, s.done());
      dropped += o.dropped;
    }
    assert.equal(dropped, 3);
    const err = logger.lines.find((l) => l.level === 'error' && /spool full/.test(l.msg));
    assert.ok(err, 'an error log reports the drop');
    assert.equal((err.fields as { droppedPoints: number }).droppedPoints, 3);
  });

  it('a failing spool write fails the session (never reports success)', async () => {
    const fs = memFs();
    const { clock, dest, pipeline } = setup({ maxRetries: 0 }, fs);
    dest.behave = fail503;
    fs.failWrites = true;
    const s = pipeline.session();
    s.write(lines(0, 1));
    await assert.rejects(drive(clock, s.done()), /ENOSPC/);
  });

  it('a spool that cannot be written (full disk) fails the session with to.spoolFailed, counting every lost point and naming both causes', async () => {
    const fs = memFs();
    const { clock, dest, pipeline, logger } = setup({ maxRetries: 0 }, fs);
    dest.behave = fail503;
    fs.failWrites = true;
    const s = pipeline.session();
    s.write(lines(0, 7)); // batches of 3, 3 and 1
    const e = await drive(clock, s.done()).then(
      () => assert.fail('the session reported success'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof FluxError, String(e));
    assert.equal(e.id, 'to.spoolFailed');
    assert.match(e.message, /^fake answered 503: overloaded; 7 points could not be saved to the write spool \/data\/spool\/fake \(ENOSPC: no space left on device\) and are lost$/);
    assert.ok(logger.lines.some((l) => l.level === 'error' && /cannot save points/.test(l.msg)));
  });

  it('backpressure: write() returns a promise when batches queue beyond 2x concurrency', async () => {
    const { clock, dest, pipeline } = setup({ batchSize: 1, concurrency: 1 });
    const gates: (() => void)[] = [];
    dest.behave = () => new Promise<void>((resolve) => gates.push(resolve));
    const s = pipeline.session();
    await settle();
    assert.equal(s.write(lines(0, 1)), undefined);
    await settle();
    const w = s.write(lines(1, 2));
    assert.ok(w instanceof Promise, 'congested');
    let released = false;
    void w.then(() => (released = true));
    await settle();
    assert.equal(released, false);
    gates.shift()!();
    await settle();
    assert.equal(released, true);
    const done = s.done();
    for (let i = 0; i < 10 && gates.length < 3; i++) {
      await settle();
      for (const g of gates.splice(0)) g();
    }
    await drive(clock, done.then((o) => o));
    assert.equal((await done).written, 3);
  });
});
