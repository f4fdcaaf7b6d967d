// One place that collects every reason to stop a live run: signals, --count, --timeout, the reader
// dying, an exception, the TUI's `q`. The first reason wins; later ones are ignored.

export type StopReason =
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'count' | 'timeout' | 'quit' }
  | { readonly kind: 'reader-exited' | 'error'; readonly message: string };

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export class StopSignal {
  private resolve!: (r: StopReason) => void;
  readonly reason: Promise<StopReason>;
  private stopped: StopReason | null = null;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor() {
    this.reason = new Promise((r) => (this.resolve = r));
  }

  get requested(): StopReason | null {
    return this.stopped;
  }

  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.resolve(reason);
  }

  /** Our own handlers for every terminating signal (a dropped SSH session is SIGHUP): stop, then clean up. */
  installSignalHandlers(): void {
    for (const signal of SIGNALS) {
      const h = (): void => this.stop({ kind: 'signal', signal });
      this.handlers.set(signal, h);
      process.on(signal, h);
    }
  }

  stopAfter(seconds: number): void {
    this.timer = setTimeout(() => this.stop({ kind: 'timeout' }), seconds * 1000);
  }

  /** Removes handlers and timers; signals from now on get Node's default behaviour. */
  dispose(): void {
    for (const [signal, h] of this.handlers) process.off(signal, h);
    this.handlers.clear();
    if (this.timer) clearTimeout(this.timer);
  }
}

/** Words for the `disarmed` record. */
export function describeStop(r: StopReason): string {
  switch (r.kind) {
    case 'signal':
      return `signal ${r.signal}`;
    case 'reader-exited':
    case 'error':
      return `${r.kind}: ${r.message}`;
    case 'count':
    case 'timeout':
    case 'quit':
      return r.kind;
  }
}
