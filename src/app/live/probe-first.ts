// --probe: the probe's record comes before its trace. A drop or reject finishes a trace within
// milliseconds, before the sender has even exited, so from `armed` until the `probe` record, traces are
// held back (at most the sender's wait, ~0.5-1 s) and then passed on in order.
import type { SessionEvent } from '../../model/session.js';
import type { Renderer } from '../../ui/renderer.js';

export class ProbeFirst implements Renderer {
  private held: SessionEvent[] | null = null;

  constructor(private readonly inner: Renderer) {}

  handle(e: SessionEvent): void {
    if (e.kind === 'armed') this.held = [];
    else if (e.kind === 'trace' && this.held !== null) {
      this.held.push(e);
      return;
    }
    // The probe's record, or the end of the run without one: what was held follows.
    const release = e.kind === 'probe' || e.kind === 'disarmed' || (e.kind === 'stats' && e.final);
    if (release && e.kind === 'probe') this.inner.handle(e);
    if (release) this.flush();
    if (e.kind !== 'probe') this.inner.handle(e);
  }

  close(): Promise<void> {
    this.flush();
    return this.inner.close();
  }

  private flush(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const e of held) this.inner.handle(e);
  }
}
