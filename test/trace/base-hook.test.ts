import { describe, expect, it } from 'vitest';
import { inferBaseHook } from '../../src/trace/base-hook.js';

describe('inferBaseHook: a freely named base chain, from its name and the interfaces of the packet entering it', () => {
  const inOnly = { iif: 'eth0' };
  const outOnly = { oif: 'eth1' };
  const both = { iif: 'eth0', oif: 'eth1' };
  it.each([
    ['pre', inOnly, 'prerouting'],
    ['in_filter', inOnly, 'input'],
    ['fwd', both, 'forward'],
    ['out', outOnly, 'output'],
    ['nat_post', outOnly, 'postrouting'],
    ['nat_post', both, 'postrouting'], // a forwarded packet shows where it came in at postrouting too
  ] as const)('%s with %o → %s', (chain, packet, hook) => {
    expect(inferBaseHook('inet', chain, packet)).toBe(hook);
  });

  it.each([
    ['pre', outOnly], // a packet going out is not in prerouting
    ['in_filter', both],
    ['fwd', inOnly],
    ['out', both],
    ['nat_post', inOnly],
    ['trace_chain', inOnly], // no hook word
  ] as const)('%s with %o → null (the interfaces deny what the name says)', (chain, packet) => {
    expect(inferBaseHook('ip', chain, packet)).toBeNull();
  });

  it('only for the IP families (bridge, netdev and arp chains have hooks of their own)', () => {
    expect(inferBaseHook('bridge', 'pre', inOnly)).toBeNull();
    expect(inferBaseHook('netdev', 'in', inOnly)).toBeNull();
  });
});
