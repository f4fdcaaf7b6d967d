// The packet list state: ring buffer bounds, follow, pause, filter and the scrolled window.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../../src/model/trace.js';
import { ListModel } from '../../../src/ui/tui/list-model.js';
import { Ring } from '../../../src/ui/tui/ring.js';
import { captureTraces } from './fixtures.js';

const pool = [
  ...captureTraces('legacy', 'kernlog', 'kube-service'),
  ...captureTraces('legacy', 'kernlog', 'default-drop'),
];
const trace = (i: number): Trace => pool[i % pool.length]!;
const filled = (n: number, follow = false, cap = 5000): ListModel => {
  const m = new ListModel(cap, follow);
  for (let i = 0; i < n; i++) m.add(trace(i), null);
  return m;
};

describe('ring buffer', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const r = new Ring<number>(3);
    expect([1, 2, 3, 4, 5].map((x) => r.push(x))).toEqual([undefined, undefined, undefined, 1, 2]);
    expect([...r]).toEqual([3, 4, 5]);
    expect(r.at(0)).toBe(3);
    expect(r.at(3)).toBeUndefined();
    r.clear();
    expect(r.size).toBe(0);
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});

describe('list model', () => {
  it('is bounded by maxTraces and counts what it dropped', () => {
    const m = filled(12_000, true, 5000);
    expect(m.stored).toBe(5000);
    expect(m.received).toBe(12_000);
    expect(m.visible()[0]!.seq).toBe(7001);
    expect(m.selected()!.seq).toBe(12_000);
  });

  it('follow keeps the newest selected; moving up stops following', () => {
    const m = filled(5, true);
    expect(m.selected()!.seq).toBe(5);
    m.add(trace(5), null);
    expect(m.selected()!.seq).toBe(6);
    m.move(-1);
    expect(m.follow).toBe(false);
    m.add(trace(6), null);
    expect(m.selected()!.seq).toBe(5);
    m.toggleFollow();
    expect(m.selected()!.seq).toBe(7);
  });

  it('without follow starts at the first packet; g/G go to the ends', () => {
    const m = filled(5);
    expect(m.selected()!.seq).toBe(1);
    m.toBottom();
    expect(m.selected()!.seq).toBe(5);
    m.toTop();
    expect(m.selected()!.seq).toBe(1);
    m.move(100);
    expect(m.selected()!.seq).toBe(5);
  });

  it('pause freezes the list, keeps new traces and counts them', () => {
    const m = filled(3, true);
    m.togglePause();
    m.add(trace(3), null);
    m.add(trace(4), null);
    expect(m.visible().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(m.pending).toBe(2);
    expect(m.selected()!.seq).toBe(3);
    m.togglePause();
    expect(m.visible()).toHaveLength(5);
    expect(m.selected()!.seq).toBe(5);
  });

  it('filters by substring and keeps the selection near where it was', () => {
    const m = filled(20);
    m.move(3);
    m.setFilter('DROP');
    expect(m.visible().every((e) => e.trace.verdict.action === 'drop')).toBe(true);
    expect(m.selected()!.trace.verdict.action).toBe('drop');
    m.setFilter('no-such-thing');
    expect(m.visible()).toHaveLength(0);
    expect(m.selected()).toBeNull();
    m.setFilter('');
    expect(m.visible()).toHaveLength(20);
  });

  it('scrolls its window to keep the selection visible', () => {
    const m = filled(50);
    expect(m.window(7)).toMatchObject({ first: 0, selected: 0 });
    m.move(10);
    const w = m.window(7);
    expect(w.rows).toHaveLength(7);
    expect(w.rows[w.selected]!.seq).toBe(11);
    m.toTop();
    expect(m.window(7).first).toBe(0);
  });

  it('clear empties it; new traces keep counting', () => {
    const m = filled(4, true);
    m.clear();
    expect(m.visible()).toHaveLength(0);
    m.add(trace(0), null);
    expect(m.selected()!.seq).toBe(5);
  });
});
