// The capture's first lines seen again in order: pasted twice or more; not a packet's own lines recurring.
import { describe, expect, it } from 'vitest';
import { RepeatWatch } from '../../src/app/repeat-watch.js';

function watch(lines: readonly string[]): RepeatWatch {
  const w = new RepeatWatch();
  lines.forEach((line, i) => w.see(line, i + 1));
  return w;
}

const capture = Array.from({ length: 30 }, (_, i) => `trace id ${(i >> 2).toString(16)} ip filter forward line ${i}`);

describe('RepeatWatch', () => {
  it('a capture pasted three times: twice again, from its second copy', () => {
    expect(watch([...capture, ...capture, ...capture]).repeats()).toEqual({ count: 2, first: 31 });
  });

  it('blank lines between the copies do not matter', () => {
    expect(watch([...capture, '', '', ...capture]).repeats()).toEqual({ count: 1, first: 33 });
  });

  it('a packet whose lines come back (an id and headers reused) is no repeat', () => {
    expect(watch([...capture, ...capture.slice(0, 8), ...capture.slice(20)]).repeats()).toBeNull();
  });

  it('a copy that breaks off after eleven lines is no repeat', () => {
    expect(watch([...capture, ...capture.slice(0, 11), 'other']).repeats()).toBeNull();
  });

  it('a match that fails restarts at the line that broke it', () => {
    expect(watch([...capture, capture[0]!, ...capture]).repeats()).toEqual({ count: 1, first: 32 });
  });
});
