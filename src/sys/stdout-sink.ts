// A TextSink over a writable stream (stdout): backpressure via drain(), and EPIPE (`| head`) ends quietly.
// Text is encoded straight into byte chunks, written a chunk at a time: one write per record (each string turned
// into its own Buffer) costs several times more. A chunk goes out when full, on drain(), and at the latest a few
// milliseconds after its first record, so live output is not held back. Written chunks are reused.
import type { Writable } from 'node:stream';
import type { TextSink } from '../ui/renderer.js';

const CHUNK = 512 << 10;
/** Longest a record waits in a chunk that is not full. */
const LATENCY_MS = 10;
/** Written chunks kept for reuse. */
const SPARE = 4;

export class StreamSink implements TextSink {
  closed = false;
  /** A write failure other than EPIPE (a full disk, a closed descriptor): the output is incomplete. */
  failure: NodeJS.ErrnoException | null = null;
  private blocked = false;
  private chunk: Buffer | null = null;
  private used = 0;
  private scheduled = false;
  private readonly spare: Buffer[] = [];

  constructor(private readonly stream: Writable & { isTTY?: boolean }) {
    // EPIPE (the reader went away: `| head`): stop writing, end normally; any other failure is kept for the caller.
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') this.failure ??= err;
      this.closed = true;
      this.chunk = null;
      this.used = 0;
    });
    // Chunks also go out from a timer: whoever waits later must know the stream drained meanwhile.
    stream.on('drain', () => {
      this.blocked = false;
    });
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  /** True when the last writes filled the stream's buffer. */
  get backedUp(): boolean {
    return this.blocked;
  }

  write(text: string): boolean {
    if (this.closed) return true;
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (text.length * 3 > CHUNK - this.used) {
      this.flush();
      if (text.length * 3 > CHUNK) return this.send(text);
    }
    this.used += this.room().write(text, this.used);
    return this.wrote();
  }

  /** Bytes already encoded (parts of records cached by the renderers). */
  writeBytes(bytes: Uint8Array): boolean {
    if (this.closed) return true;
    if (bytes.length > CHUNK - this.used) {
      this.flush();
      if (bytes.length > CHUNK) return this.send(bytes);
    }
    this.room().set(bytes, this.used);
    this.used += bytes.length;
    return this.wrote();
  }

  async drain(): Promise<void> {
    this.flush();
    if (this.closed || !this.blocked) return;
    const stream = this.stream;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done).off('error', done).off('close', done);
        resolve();
      };
      stream.on('drain', done).on('error', done).on('close', done);
    });
  }

  /** The chunk being filled. */
  private room(): Buffer {
    return (this.chunk ??= this.spare.pop() ?? Buffer.allocUnsafe(CHUNK));
  }

  /** After a write into the chunk: makes sure it goes out soon even if no more comes. */
  private wrote(): boolean {
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.flush();
      }, LATENCY_MS);
    }
    return !this.blocked;
  }

  /** Writes out the bytes gathered so far. */
  private flush(): void {
    const chunk = this.chunk;
    if (chunk === null || this.used === 0 || this.closed) return;
    const bytes = chunk.subarray(0, this.used);
    this.chunk = null;
    this.used = 0;
    // The stream holds on to the bytes until they are out; then the chunk can take more.
    this.send(bytes, () => {
      if (this.spare.length < SPARE) this.spare.push(chunk);
    });
  }

  private send(data: string | Uint8Array, done?: () => void): boolean {
    const ok = this.stream.write(data, done);
    if (!ok) this.blocked = true;
    return ok;
  }
}
