// SessionEvents → one JSON object per line on the sink.
import type { SessionEvent } from '../../model/session.js';
import { unreachable } from '../../util/unreachable.js';
import type { Renderer, TextSink } from '../renderer.js';
import { traceJsonLine, wireArmed, wireDisarmed, wireStats, wireWarning } from './schema.js';

export class NdjsonRenderer implements Renderer {
  constructor(private readonly out: TextSink) {}

  handle(e: SessionEvent): void {
    switch (e.kind) {
      case 'trace':
        this.out.write(traceJsonLine(e.trace) + '\n');
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
      default:
        unreachable(e);
    }
  }

  close(): Promise<void> {
    return this.out.drain();
  }

  private line(record: Record<string, unknown>): void {
    this.out.write(JSON.stringify(record) + '\n');
  }
}
