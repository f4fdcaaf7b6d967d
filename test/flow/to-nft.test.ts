import { describe, expect, it } from 'vitest';
import type { FlowSpec } from '../../src/model/flow.js';
import type { FlowOptions } from '../../src/flow/parse-flow.js';
import { flowToNft, nftRuleText } from '../../src/flow/to-nft.js';
import { spec } from './helpers.js';

/** [filter, options, the rules as nft text]. */
const CASES: readonly (readonly [string, FlowOptions, readonly string[]])[] = [
  ['', {}, ['']],
  ['', { iif: 'eth0' }, ['iifname "eth0"']],
  ['tcp', { iif: 'eth+', oif: 'wg0' }, ['iifname "eth*" oifname "wg0" meta l4proto tcp']],
  ['tcp', {}, ['meta l4proto tcp']],
  ['ip', {}, ['meta nfproto ipv4']],
  ['ip6 and tcp', {}, ['meta nfproto ipv6 meta l4proto tcp']],
  ['icmp', {}, ['meta l4proto icmp']],
  ['icmp6', {}, ['meta l4proto ipv6-icmp']],
  ['host 10.0.0.1', {}, ['ip saddr 10.0.0.1', 'ip daddr 10.0.0.1']],
  ['src host 10.0.0.1 and tcp dst port 22', {}, ['ip saddr 10.0.0.1 tcp dport 22']],
  // tcpdump: `not host X` also matches IPv6, and means neither source nor destination is X.
  ['not host 10.0.0.1', {}, ['meta nfproto ipv6', 'ip saddr != 10.0.0.1 ip daddr != 10.0.0.1']],
  ['not src host 10.0.0.1', {}, ['meta nfproto ipv6', 'ip saddr != 10.0.0.1']],
  ['port 22', {}, ['meta l4proto { tcp, udp } th sport 22', 'meta l4proto { tcp, udp } th dport 22']],
  // tcpdump: `not port 22` also matches icmp; sport as a range dodges nft 1.0.6's wrong `!=` merge.
  ['not port 22', {}, ['meta l4proto != { tcp, udp }', 'meta l4proto { tcp, udp } th sport != 22-22 th dport != 22']],
  ['tcp and not port 22', {}, ['tcp sport != 22-22 tcp dport != 22']],
  ['not src port 22 and not dst port 22 and tcp', {}, ['tcp sport != 22-22 tcp dport != 22']],
  ['tcp and not dst port 22', {}, ['tcp dport != 22']],
  ['not tcp port 22', {}, ['meta l4proto != tcp', 'tcp sport != 22-22 tcp dport != 22']],
  ['udp dst portrange 1000-2000', {}, ['udp dport 1000-2000']],
  [
    'net 2001:db8::/32 and icmp6',
    {},
    ['ip6 saddr 2001:db8::/32 meta l4proto ipv6-icmp', 'ip6 daddr 2001:db8::/32 meta l4proto ipv6-icmp'],
  ],
  ['not (tcp or udp)', {}, ['meta l4proto != { tcp, udp }']],
  [
    'not (host 10.0.0.1 and port 22)',
    {},
    [
      'meta nfproto ipv6',
      'ip saddr != 10.0.0.1 ip daddr != 10.0.0.1',
      'meta l4proto != { tcp, udp }',
      'meta l4proto { tcp, udp } th sport != 22-22 th dport != 22',
    ],
  ],
  ['tcp and (port 22 or port 80)', {}, ['tcp sport 22', 'tcp dport 22', 'tcp sport 80', 'tcp dport 80']],
  ['(ip6 and host 10.0.0.1) or tcp', {}, ['meta l4proto tcp']],
  ['host 10.0.0.1 or host 10.0.0.1', {}, ['ip saddr 10.0.0.1', 'ip daddr 10.0.0.1']],
  ['src net 10.0.0.0/8 and not src net 10.1.0.0/16', {}, ['ip saddr 10.0.0.0/8 ip saddr != 10.1.0.0/16']],
  ['src net 10.0.0.0/8 and src net 10.1.0.0/16', {}, ['ip saddr 10.1.0.0/16']],
  ['src net 10.0.0.0/8 and not src net 192.168.0.0/16', {}, ['ip saddr 10.0.0.0/8']],
  ['dst portrange 1000-2000 and dst portrange 1500-3000', {}, ['meta l4proto { tcp, udp } th dport 1500-2000']],
  ['net 0.0.0.0/0', {}, ['meta nfproto ipv4']],
  ['not net ::/0', {}, ['meta nfproto ipv4']],
  ['portrange 0-65535', {}, ['meta l4proto { tcp, udp }']],
  ['not icmp', {}, ['meta l4proto != icmp']],
  ['ip6 and not icmp', {}, ['meta nfproto ipv6']],
  ['tcp and not udp', {}, ['meta l4proto tcp']],
  ['not ip6 and not tcp', {}, ['meta nfproto ipv4 meta l4proto != tcp']],
  ['udp and not (dst port 53 or dst port 123)', {}, ['udp dport != 53 udp dport != 123']],
  [
    'src host fe80::1 and not dst net fe80::/10 and tcp dst port https',
    { oif: 'lo' },
    ['oifname "lo" ip6 saddr fe80::1 ip6 daddr != fe80::/10 tcp dport 443'],
  ],
];

describe('flowToNft', () => {
  it.each(CASES)('%j %j', (filter, opts, rules) => {
    expect(flowToNft(spec(filter, opts)).map(nftRuleText)).toEqual(rules);
  });

  it('returns bare tokens, one per word', () => {
    expect(flowToNft(spec('src host 10.0.0.1 and tcp dst port 22'))).toEqual([
      ['ip', 'saddr', '10.0.0.1', 'tcp', 'dport', '22'],
    ]);
    expect(flowToNft(spec('dst port 22', { iif: 'eth0' }))).toEqual([
      ['iifname', 'eth0', 'meta', 'l4proto', '{', 'tcp', ',', 'udp', '}', 'th', 'dport', '22'],
    ]);
  });

  it('refuses a hand-made spec parseFlow would refuse', () => {
    const bad: FlowSpec = { expr: null, iif: 'eth0"; flush ruleset; "', oif: null, text: '' };
    expect(() => flowToNft(bad)).toThrow(/not from parseFlow/);
    const empty = spec('tcp and udp or icmp');
    const contradiction: FlowSpec = { ...empty, expr: empty.expr?.kind === 'or' ? empty.expr.left : null };
    expect(() => flowToNft(contradiction)).toThrow(/matches nothing/);
  });
});

describe('nftRuleText', () => {
  it('quotes interface names, even ones that look like keywords', () => {
    expect(nftRuleText(['iifname', 'iifname', 'oifname', 'tcp', 'meta', 'l4proto', 'tcp'])).toBe(
      'iifname "iifname" oifname "tcp" meta l4proto tcp',
    );
  });
  it('writes sets the way nft lists them', () => {
    expect(nftRuleText(['meta', 'l4proto', '!=', '{', 'tcp', ',', 'udp', '}'])).toBe('meta l4proto != { tcp, udp }');
  });
  it('renders an empty match list as an empty string', () => {
    expect(nftRuleText([])).toBe('');
  });
});
