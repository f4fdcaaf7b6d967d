import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferBaseHook, rawUserChainHook } from '../../src/trace/base-hook.js';
import { replayText } from '../helpers/replay-text.js';

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

  it('by name only for the IP families (bridge and arp chains have hooks of their own)', () => {
    expect(inferBaseHook('bridge', 'pre', inOnly)).toBeNull();
  });

  it('a netdev chain by the interface alone: ingress or egress, whatever its name', () => {
    expect(inferBaseHook('netdev', 'gate', inOnly)).toBe('ingress');
    expect(inferBaseHook('netdev', 'early', outOnly)).toBe('egress');
    expect(inferBaseHook('netdev', 'x', both)).toBeNull();
  });
});

describe('rawUserChainHook: a user chain of raw runs at prerouting or output', () => {
  it('by the interfaces the packet has', () => {
    expect(rawUserChainHook('ip', 'raw', { iif: 'eth0' })).toBe('prerouting');
    expect(rawUserChainHook('ip6', 'raw', { oif: 'eth0' })).toBe('output');
    expect(rawUserChainHook('ip', 'filter', { iif: 'eth0' })).toBeNull();
    expect(rawUserChainHook('inet', 'raw', { iif: 'eth0' })).toBeNull();
  });

  it('not for a packet with both: a native nft table called raw may hook forward (VyOS: VYOS_TCP_MSS)', () => {
    expect(rawUserChainHook('ip', 'raw', { iif: 'eth0', oif: 'eth1' })).toBeNull();
  });
});

describe('a real VyOS capture (its native `table ip raw` hooks forward too), without a ruleset', () => {
  it('23 packets, 23 traces: no chain placed against the order of hooks', () => {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/parse/nft/trace-vyos-real.txt'), 'utf8');
    expect(replayText(text).traces).toHaveLength(23);
  });
});
