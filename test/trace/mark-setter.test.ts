// The mark a deciding rule tests, what rules do to the mark, and which step set the mark a decision rests on.
import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../../src/model/trace.js';
import { markEffect, markSetter, markTest } from '../../src/trace/mark-setter.js';

describe('markTest', () => {
  it.each([
    ['-A cali-FORWARD -m mark --mark 0x10000/0x10000 -j ACCEPT', { value: 0x10000, mask: 0x10000 }],
    ['-A X -m mark --mark 0x1 -j DROP', { value: 1, mask: 0xffffffff }],
    ['meta mark & 0x00010000 == 0x00010000 counter accept', { value: 0x10000, mask: 0x10000 }],
    ['meta mark 0x00000001 accept', { value: 1, mask: 0xffffffff }],
    ['mark 0x4000 counter accept', { value: 0x4000, mask: 0xffffffff }],
  ])('%s', (text, want) => {
    expect(markTest(text)).toEqual(want);
  });

  it.each([
    '-A X -m mark ! --mark 0x1 -j DROP',
    'meta mark & 0x00010000 != 0x00010000 accept',
    'ct mark 0x1 accept',
    'counter meta mark set mark or 0x10000',
    '-A X -j MARK --set-xmark 0x10000/0x10000',
  ])('no equality test in %s', (text) => {
    expect(markTest(text)).toBeNull();
  });
});

describe('markEffect: mark = (mark & and) ^ xor', () => {
  it.each([
    ['-j MARK --set-xmark 0x10000/0x10000', { and: 0xfffeffff, xor: 0x10000 }],
    ['-j MARK --set-xmark 0x0/0xf0000', { and: 0xfff0ffff, xor: 0 }],
    ['-j MARK --set-mark 0x4', { and: 0, xor: 4 }],
    ['-j MARK --or-mark 0x4000', { and: 0xffffbfff, xor: 0x4000 }],
    ['-j MARK --and-mark 0xff', { and: 0xff, xor: 0 }],
    ['-j MARK --xor-mark 0x1', { and: 0xffffffff, xor: 1 }],
    ['counter meta mark set mark or 0x10000', { and: 0xfffeffff, xor: 0x10000 }],
    ['counter meta mark set mark and 0xfffeffff', { and: 0xfffeffff, xor: 0 }],
    ['meta mark set mark and 0xfffeffff xor 0x10000', { and: 0xfffeffff, xor: 0x10000 }],
    ['meta mark set 0x00000001', { and: 0, xor: 1 }],
  ])('%s', (text, want) => {
    expect(markEffect(text)).toEqual(want);
  });

  it('a rule that does not set the mark', () => {
    expect(markEffect('meta mark & 0x00010000 == 0x00010000 counter accept')).toBeNull();
  });
});

describe('markSetter', () => {
  const step = (chain: string, text: string, verdict: TraceStep['verdict'] = 'continue'): TraceStep => ({
    hook: 'forward',
    family: 'ip',
    table: 'filter',
    chain,
    kind: 'rule',
    rule: { handle: null, position: 1, text, packets: null, bytes: null },
    verdict,
    target: null,
  });
  const clear = step('cali-tw-a', '-A cali-tw-a -j MARK --set-xmark 0x0/0x10000');
  const allow = step('cali-pi-p', '-A cali-pi-p -p tcp --dport 80 -j MARK --set-xmark 0x10000/0x10000');
  const accept = step('cali-FORWARD', '-A cali-FORWARD -m mark --mark 0x10000/0x10000 -j ACCEPT', 'accept');

  it('the last rule that wrote the tested bits, when it wrote the value tested', () => {
    expect(
      markSetter(
        [clear, allow, step('cali-tw-a', '-A cali-tw-a -m mark --mark 0x10000/0x10000 -j RETURN', 'return'), accept],
        3,
      ),
    ).toBe(1);
  });

  it('none when the last writer wrote another value, or only part of the bits', () => {
    expect(markSetter([allow, clear, accept], 2)).toBe(-1);
    const some = step('x', '-A x -j MARK --set-xmark 0x10000/0x30000');
    const both = step('y', '-A y -m mark --mark 0x30000/0x30000 -j ACCEPT', 'accept');
    expect(markSetter([some, both], 1)).toBe(-1);
  });

  it('none when the deciding rule tests no mark, or nothing set it', () => {
    expect(markSetter([allow, step('cali-tw-a', '-A cali-tw-a -j DROP', 'drop')], 1)).toBe(-1);
    expect(markSetter([accept], 0)).toBe(-1);
  });
});
