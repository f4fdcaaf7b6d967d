// The seam between sessions and presentation: renderers learn everything through SessionEvents.
import type { SessionEvent } from '../model/session.js';

/** A presentation of a session (NDJSON, plain text, TUI). */
export interface Renderer {
  handle(event: SessionEvent): void;
  /** Flushes and releases the output. */
  close(): Promise<void>;
}

/** Where renderers write; the sys layer implements it over stdout with EPIPE and backpressure handling. */
export interface TextSink {
  /** Returns false when the consumer is slow; the session should wait for drain(). */
  write(text: string): boolean;
  drain(): Promise<void>;
  /** True once the reader went away (EPIPE: `| head`); the session stops. */
  readonly closed: boolean;
  readonly isTTY: boolean;
}
