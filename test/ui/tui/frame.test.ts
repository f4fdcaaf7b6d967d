// Frame coalescing under a fake clock: bursts of requests give at most one frame per interval.
import { describe, expect, it } from 'vitest';
import { FrameScheduler, type Timers } from '../../../src/ui/tui/frame.js';

/** A fake clock whose timers run when time is advanced. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  let queue: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++ids;
      queue.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => void (queue = queue.filter((q) => q.id !== id)),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = queue.filter((q) => q.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        queue = queue.filter((q) => q !== next);
        now = next.at;
        next.fn();
      }
      now = end;
    },
  };
}

describe('frame scheduler', () => {
  it('coalesces any number of requests into one frame per interval', () => {
    const t = fakeTimers();
    let draws = 0;
    const f = new FrameScheduler(() => draws++, 66, t);
    for (let i = 0; i < 2000; i++) f.request();
    t.advance(0);
    expect(draws).toBe(1);
    // A burst spread over one second: at most ~15 frames.
    for (let ms = 0; ms < 1000; ms += 1) {
      f.request();
      t.advance(1);
    }
    expect(draws).toBeLessThanOrEqual(17);
    expect(draws).toBeGreaterThanOrEqual(14);
    expect(f.frames).toBe(draws);
  });

  it('stop() cancels the pending frame and ignores later requests', () => {
    const t = fakeTimers();
    let draws = 0;
    const f = new FrameScheduler(() => draws++, 66, t);
    f.request();
    f.stop();
    f.request();
    f.now();
    t.advance(500);
    expect(draws).toBe(0);
  });
});
