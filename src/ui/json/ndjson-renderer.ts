// SessionEvents → one JSON object per line on the sink.
import type { SessionEvent } from '../../model/session.js';
import type { Trace } from '../../model/trace.js';
import { unreachable } from '../../util/unreachable.js';
import type { Renderer, TextSink } from '../renderer.js';
import {
  stepsBytes,
  stepsJson,
  traceJsonHead,
  traceJsonTail,
  traceTailBytes,
  wireArmed,
  wireDisarmed,
  wireProbe,
  wireStats,
  wireWarning,
} from './schema.js';

/** A sink that also takes bytes already encoded (sys/stdout-sink). */
interface ByteSink extends TextSink {
  writeBytes(bytes: Uint8Array): boolean;
}

function takesBytes(out: TextSink): out is ByteSink {
  return typeof (out as Partial<ByteSink>).writeBytes === 'function';
}

export class NdjsonRenderer implements Renderer {
  private readonly bytes: ByteSink | null;

  constructor(private readonly out: TextSink) {
    this.bytes = takesBytes(out) ? out : null;
  }

  handle(e: SessionEvent): void {
    switch (e.kind) {
      case 'trace':
        this.trace(e.trace);
        break;
      case 'stats':
        this.line(wireStats(e.stats, e.final));
        break;
      case 'warning':
        this.line(wireWarning(e.message));
        break;
      case 'armed':
        this.line(wireArmed(e.armed));
        break;
      case 'disarmed':
        this.line(wireDisarmed(e.disarmed));
        break;
      case 'probe':
        this.line(wireProbe(e.probe));
        break;
      default:
        unreachable(e);
    }
  }

  close(): Promise<void> {
    return this.out.drain();
  }

  /** Three writes, no concatenation: the steps' JSON (and often the tail's) is shared by a path's traces. */
  private trace(t: Trace): void {
    this.out.write(traceJsonHead(t));
    if (this.bytes === null) {
      this.out.write(stepsJson(t.steps));
      this.out.write(traceJsonTail(t));
      return;
    }
    this.bytes.writeBytes(stepsBytes(t.steps));
    const tail = traceTailBytes(t);
    if (tail !== null) this.bytes.writeBytes(tail);
    else this.out.write(traceJsonTail(t));
  }

  private line(record: Record<string, unknown>): void {
    this.out.write(JSON.stringify(record) + '\n');
  }
}
