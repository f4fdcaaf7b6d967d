// Forward's base chains in the order the capture's packets met them: a packet accepted short of one that others
// met after its last is found; other hooks, other IP versions and chains of unknown hook are not compared.
import { describe, expect, it } from 'vitest';
import type { Family, Hook } from '../../src/model/common.js';
import type { Sighting } from '../../src/trace/builder.js';
import { ForwardOrder } from '../../src/trace/forward-order.js';

function seen(...chains: [Family, string, string, Hook?][]): Sighting[] {
  return chains.map(([family, table, chain, hook = 'forward'], i) => ({
    hook,
    chainHook: hook,
    family,
    table,
    chain,
    packet: {},
    stepCount: i,
  }));
}

describe('ForwardOrder', () => {
  const early: [Family, string, string] = ['inet', 'fw', 'fwd_filter'];
  const late: [Family, string, string] = ['inet', 'fw', 'filter_forward'];

  it('a packet that stopped after the first of two chains others met in that order', () => {
    const o = new ForwardOrder();
    o.learn(4, seen(['ip', 'raw', 'PREROUTING', 'prerouting'], early, late));
    expect(o.missed(4, seen(['ip', 'raw', 'PREROUTING', 'prerouting'], early))).toBe('fw/filter_forward');
    expect(o.missed(4, seen(early, late))).toBeNull();
  });

  it('nothing learnt, or the packet met the later chain first: nothing missed', () => {
    const o = new ForwardOrder();
    expect(o.missed(4, seen(early))).toBeNull();
    o.learn(4, seen(early, late));
    expect(o.missed(4, seen(late))).toBeNull();
  });

  it('an ip table’s chain says nothing about IPv6 packets', () => {
    const o = new ForwardOrder();
    o.learn(4, seen(early, ['ip', 'filter', 'FORWARD']));
    expect(o.missed(6, seen(early))).toBeNull();
    expect(o.missed(4, seen(early))).toBe('filter/FORWARD');
  });

  it('chains of another or an unknown hook are left out (a postrouting nat chain sees first packets only)', () => {
    const o = new ForwardOrder();
    o.learn(4, seen(early, ['ip', 'nat', 'POSTROUTING', 'postrouting'], ['inet', 'fw', 'later', 'unknown']));
    expect(o.missed(4, seen(early))).toBeNull();
  });

  it('bridge chains are left out', () => {
    const o = new ForwardOrder();
    o.learn(4, seen(['bridge', 'br', 'forward'], early));
    expect(o.missed(4, seen(['bridge', 'br', 'forward']))).toBeNull();
  });
});
