// The sending namespace's addresses from `ip -j addr show`, and what counts as local.
import { describe, expect, it } from 'vitest';
import { isLinkLocal6, isLocal, parseIpAddrJson } from '../../src/probe/local.js';

// Trimmed from `ip -j addr show` (iproute2 6.1) in a lab namespace.
const IP_ADDR = JSON.stringify([
  {
    ifindex: 1,
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    link_type: 'loopback',
    addr_info: [
      { family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo' },
      { family: 'inet6', local: '::1', prefixlen: 128, scope: 'host' },
    ],
  },
  {
    ifindex: 2,
    ifname: 'c-fw',
    link_type: 'ether',
    addr_info: [
      { family: 'inet', local: '10.66.1.2', prefixlen: 24, scope: 'global', label: 'c-fw' },
      { family: 'inet', local: '10.66.1.5', prefixlen: 24, scope: 'global', secondary: true, label: 'c-fw' },
      { family: 'inet6', local: 'FD66:1:0::2', prefixlen: 64, scope: 'global' },
      { family: 'inet6', local: 'fe80::66:1ff:fe00:2', prefixlen: 64, scope: 'link' },
    ],
  },
  { ifindex: 3, ifname: 'dummy0', link_type: 'ether', addr_info: [] },
]);

describe('parseIpAddrJson', () => {
  it('reads every address, normalised, with its prefix and whether it is on loopback', () => {
    expect(parseIpAddrJson(IP_ADDR)).toEqual([
      { version: 4, address: '127.0.0.1', prefix: 8, loopback: true },
      { version: 6, address: '::1', prefix: 128, loopback: true },
      { version: 4, address: '10.66.1.2', prefix: 24, loopback: false },
      { version: 4, address: '10.66.1.5', prefix: 24, loopback: false },
      { version: 6, address: 'fd66:1::2', prefix: 64, loopback: false },
      { version: 6, address: 'fe80::66:1ff:fe00:2', prefix: 64, loopback: false },
    ]);
  });

  it.each([
    '',
    'not json',
    '{}',
    '[1, null, "x"]',
    '[{"addr_info": [{"local": 5}]}]',
    '[{"addr_info": [{"local": "x", "prefixlen": 8}]}]',
  ])('skips what it does not understand: %s', (text) => expect(parseIpAddrJson(text)).toEqual([]));
});

describe('isLocal', () => {
  const locals = parseIpAddrJson(IP_ADDR);
  it.each([
    ['10.66.1.2', true],
    ['10.66.1.5', true],
    ['10.66.1.3', false],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['fd66:1::2', true],
    ['fd66:1::3', false],
    ['10.66.2.2', false],
  ])('%s → %s', (address, want) => expect(isLocal(address, locals)).toBe(want));

  it('knows IPv6 link-local addresses', () => {
    expect(isLinkLocal6('fe80::1')).toBe(true);
    expect(isLinkLocal6('fd66:1::2')).toBe(false);
    expect(isLinkLocal6('10.0.0.1')).toBe(false);
  });
});
