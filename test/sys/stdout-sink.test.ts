// StreamSink: bytes arrive whole and in order with a bounded amount in flight (the writer told to wait, and always
// woken), a stream with room never makes it wait, and a stream that fails (EPIPE) ends it quietly.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamSink } from '../../src/sys/stdout-sink.js';

/** A slow stream: each write completes a little later, like a pipe a reader empties at its own pace. */
function slowStream(highWaterMark: number): { stream: Writable; received: Buffer[]; peak: () => number } {
  const received: Buffer[] = [];
  let peak = 0;
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      peak = Math.max(peak, stream.writableLength);
      received.push(Buffer.from(chunk));
      setTimeout(done, 1);
    },
  });
  return { stream, received, peak: () => peak };
}

/** Writes `records` the way replay does: waiting whenever the sink says it is backed up. */
async function pour(sink: StreamSink, records: string[]): Promise<number> {
  let waits = 0;
  for (const r of records) {
    if (r.length % 3 === 0) sink.writeBytes(Buffer.from(r));
    else sink.write(r);
    if (sink.backedUp) {
      waits++;
      await sink.drain();
    }
  }
  await sink.drain();
  return waits;
}

/** Everything the stream was given has been written. */
function ended(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}

const RECORDS = Array.from({ length: 40_000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 200)}"}\n`);

describe('StreamSink', () => {
  it('delivers every byte in order, waiting only with a bounded amount in flight', async () => {
    const { stream, received, peak } = slowStream(16 << 10);
    const sink = new StreamSink(stream);
    const waits = await pour(sink, RECORDS);
    await ended(stream);
    expect(Buffer.concat(received).toString()).toBe(RECORDS.join(''));
    expect(waits).toBeGreaterThan(0);
    // A couple of 512 KB chunks in flight at most, whatever the total (about 5 MB here).
    expect(peak()).toBeLessThanOrEqual(3 * (512 << 10));
  });

  it('a stream with room to spare never makes the writer wait, and drain() still returns', async () => {
    const { stream, received } = slowStream(64 << 20);
    const sink = new StreamSink(stream);
    expect(await pour(sink, RECORDS)).toBe(0);
    await ended(stream);
    expect(Buffer.concat(received).toString()).toBe(RECORDS.join(''));
  });

  it('a failing stream (EPIPE) closes the sink: later writes are dropped, drain() returns', async () => {
    const stream = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = new StreamSink(stream);
    sink.write('a'.repeat(600 << 10));
    await sink.drain();
    await new Promise((r) => setImmediate(r));
    expect(sink.closed).toBe(true);
    expect(sink.write('more')).toBe(true);
    await sink.drain();
  });
});
