// 1:1 prefix NAT (NETMAP, nft `prefix to`): the address a packet is mapped to, and the NAT named in rule texts.
import { describe, expect, it } from 'vitest';
import { mapAddress, mapPrefix } from '../../src/trace/prefix-map.js';
import { natAtHook, natFromRuleText } from '../../src/trace/rule-nat.js';

describe('mapPrefix', () => {
  it.each([
    ['10.25.1.2', '10.25.9.0/24', '10.25.9.2'],
    ['10.25.1.130', '10.25.9.128/25', '10.25.9.130'],
    ['192.168.7.77', '10.0.0.0/8', '10.168.7.77'],
    ['10.0.0.5', '10.1.2.3/32', '10.1.2.3'],
    ['fd25:1::2', 'fd25:9::/64', 'fd25:9::2'],
    ['10.25.1.2', 'ip saddr map { 10.25.0.0/24 : 10.26.0.0/24, 10.25.1.0/24 : 10.25.9.0/24 }', '10.25.9.2'],
    ['10.25.8.2', 'ip daddr map { 10.25.8.0/24 : 10.25.2.0/24 }', '10.25.2.2'],
  ])('%s under %s is %s', (addr, target, want) => {
    expect(mapPrefix(addr, target)).toBe(want);
  });

  it.each([
    ['10.25.7.2', 'ip saddr map { 10.25.1.0/24 : 10.25.9.0/24 }'],
    ['10.25.1.2', 'fd25:9::/64'],
    ['10.25.1.2', '10.25.9.2-10.25.9.9'],
    ['not-an-ip', '10.0.0.0/8'],
  ])('%s under %s: none', (addr, target) => {
    expect(mapPrefix(addr, target)).toBeNull();
  });
});

describe('mapAddress (nft NAT through a map keyed by the address)', () => {
  it.each([
    ['10.29.1.2', 'ip saddr map { 10.29.1.0/24 : 10.29.8.1 }', '10.29.8.1'],
    ['10.29.1.2', 'ip saddr map { 10.29.0.0/24 : 10.29.8.9, 10.29.1.2 : 10.29.8.2 }', '10.29.8.2'],
    ['10.29.9.1', 'ip daddr map { 10.29.9.1 : 10.29.2.2 . 8080 }', '10.29.2.2:8080'],
    ['fd29:1::2', 'ip6 saddr map { fd29:1::/64 : fd29:8::1 }', 'fd29:8::1'],
  ])('%s through %s is %s', (addr, map, want) => {
    expect(mapAddress(addr, map)).toBe(want);
  });

  it.each([
    ['10.29.7.2', 'ip saddr map { 10.29.1.0/24 : 10.29.8.1 }'],
    ['10.29.1.2', 'numgen inc mod 3 map { 0 : 10.29.2.2, 1 : 10.29.2.3, 2 : 10.29.2.4 }'],
    ['10.29.1.2', 'jhash ip saddr mod 2 map { 0 : 10.29.2.2, 1 : 10.29.2.3 }'],
    ['10.29.9.1', 'ip daddr . tcp dport map { 10.29.9.1 . 80 : 10.29.2.2 . 8080 }'],
  ])('%s through %s: not known from the address', (addr, map) => {
    expect(mapAddress(addr, map)).toBeNull();
  });
});

describe('natFromRuleText', () => {
  it('NETMAP as xtables-monitor prints it: a prefix map whose side is the hook', () => {
    const nat = natFromRuleText('-4 -t nat -A POSTROUTING -s 10.25.1.0/24 -o mvr -j NETMAP --to 10.25.9.0/24');
    expect(nat).toEqual({ kind: 'snat', to: '10.25.9.0/24', prefix: true, sideByHook: true });
    expect(natAtHook(nat, 'prerouting')?.kind).toBe('dnat');
    expect(natAtHook(nat, 'output')?.kind).toBe('dnat');
    expect(natAtHook(nat, 'postrouting')?.kind).toBe('snat');
  });

  it('MASQUERADE with ports: `to` is the ports, as with and without a ruleset', () => {
    expect(
      natFromRuleText(
        '-A LIBVIRT_PRT -s 192.168.127.0/24 ! -d 192.168.127.0/24 -p tcp -j MASQUERADE --to-ports 1024-65535',
      ),
    ).toEqual({
      kind: 'masquerade',
      to: ':1024-65535',
    });
  });

  it('nft prefix NAT through a map of prefixes', () => {
    expect(
      natFromRuleText(
        'oifname "mvr" ip saddr 10.25.1.0/24 counter packets 0 bytes 0 snat ip prefix to ip saddr map { 10.25.1.0/24 : 10.25.9.0/24 }',
      ),
    ).toEqual({
      kind: 'snat',
      to: 'ip saddr map { 10.25.1.0/24 : 10.25.9.0/24 }',
      prefix: true,
    });
    expect(natFromRuleText('ip daddr 10.25.7.0/24 dnat prefix to 10.25.3.0/24')).toEqual({
      kind: 'dnat',
      to: '10.25.3.0/24',
      prefix: true,
    });
  });

  it('stateless rewrites: IPv6 prefix translation and nft payload `set`', () => {
    expect(
      natFromRuleText('-6 -t mangle -A PREROUTING -d fd30:9::/64 -j DNPT --src-pfx fd30:9::/64 --dst-pfx fd30:2::/64'),
    ).toEqual({ kind: 'dnat', to: null, stateless: true });
    expect(
      natFromRuleText('-A POSTROUTING -s fd30:2::/64 -j SNPT --src-pfx fd30:2::/64 --dst-pfx fd30:9::/64'),
    ).toEqual({
      kind: 'snat',
      to: null,
      stateless: true,
    });
    expect(
      natFromRuleText(
        'ip daddr 10.30.9.2 tcp dport 80 counter packets 0 bytes 0 notrack ip daddr set 10.30.2.2 tcp dport set 8080',
      ),
    ).toEqual({ kind: 'dnat', to: '10.30.2.2:8080', stateless: true });
    expect(natFromRuleText('ip saddr 10.30.2.2 ip saddr set 10.30.9.2 tcp sport set 80 accept')).toEqual({
      kind: 'snat',
      to: '10.30.9.2:80',
      stateless: true,
    });
    expect(natFromRuleText('ip6 daddr set fd30:2::2')).toEqual({ kind: 'dnat', to: 'fd30:2::2', stateless: true });
    // Not an address or port: no rewrite of either side.
    expect(natFromRuleText('ip dscp set cs1 ip ttl set 9 meta mark set 0x1')).toBeNull();
  });

  it('other rules are untouched by the hook', () => {
    const dnat = natFromRuleText('dnat to 10.0.0.1:80');
    expect(natAtHook(dnat, 'postrouting')).toBe(dnat);
  });
});
