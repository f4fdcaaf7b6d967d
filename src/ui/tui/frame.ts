// Render coalescing: events only mark the screen dirty; a timer draws at most one frame per interval
// (~15 frames/s), however fast traces arrive.

export interface Timers {
  readonly now: () => number;
  readonly setTimeout: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class FrameScheduler {
  private timer: unknown = null;
  private last = -Infinity;
  private stopped = false;
  /** Frames drawn so far. */
  frames = 0;

  constructor(
    private readonly draw: () => void,
    private readonly intervalMs = 66,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Asks for a frame; many requests before it is drawn make one frame. */
  request(): void {
    if (this.stopped || this.timer !== null) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => this.fire(), wait);
  }

  /** Draws now (key presses, resize): the user waits for these. Still counts as a frame. */
  now(): void {
    if (this.stopped) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.fire();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.timer = null;
    if (this.stopped) return;
    this.last = this.timers.now();
    this.frames++;
    this.draw();
  }
}
