import { describe, expect, it } from 'vitest';
import { groupRange, isLinkLocalGroup } from '../../src/trace/address.js';

describe('group destinations', () => {
  it.each([
    ['ff02::16', 'multicast', true],
    ['ff02::1:ff00:1', 'multicast', true],
    ['ff05::2', 'multicast', false], // site-local scope: a multicast router may forward it
    ['224.0.0.251', 'multicast', true],
    ['239.1.2.3', 'multicast', false],
    ['255.255.255.255', 'broadcast', true],
    ['10.0.0.255', null, false], // a subnet broadcast looks like any address
    ['fd00::1', null, false],
    ['not an address', null, false],
  ] as const)('%s: %s, never forwarded: %s', (ip, range, linkLocal) => {
    expect(groupRange(ip)).toBe(range);
    expect(isLinkLocalGroup(ip)).toBe(linkLocal);
  });
});
