// A TextSink over a writable stream (stdout): backpressure via drain(), and EPIPE (`| head`) ends quietly.
import type { Writable } from 'node:stream';
import type { TextSink } from '../ui/renderer.js';

export class StreamSink implements TextSink {
  closed = false;
  private blocked = false;

  constructor(private readonly stream: Writable & { isTTY?: boolean }) {
    // EPIPE (the reader went away: `| head`) or any other write failure: stop writing, end normally.
    stream.on('error', () => {
      this.closed = true;
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
    const ok = this.stream.write(text);
    if (!ok) this.blocked = true;
    return ok;
  }

  async drain(): Promise<void> {
    if (this.closed || !this.blocked) return;
    const stream = this.stream;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stream.off('drain', done).off('error', done).off('close', done);
        resolve();
      };
      stream.on('drain', done).on('error', done).on('close', done);
    });
    this.blocked = false;
  }
}
