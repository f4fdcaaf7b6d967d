// Traces per second over a sliding window, for the header. Pure: the clock is passed in.

export class RateMeter {
  private readonly stamps: number[] = [];

  constructor(private readonly windowMs = 5000) {}

  mark(now: number): void {
    this.stamps.push(now);
    this.trim(now);
  }

  /** Events per second over the window ending at `now` (0 when none). */
  perSecond(now: number): number {
    this.trim(now);
    return (this.stamps.length * 1000) / this.windowMs;
  }

  private trim(now: number): void {
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop]! <= now - this.windowMs) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
    // Bounded even when traces arrive far faster than the window could need.
    if (this.stamps.length > 100_000) this.stamps.splice(0, this.stamps.length - 100_000);
  }
}
