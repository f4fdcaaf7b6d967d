import { describe, expect, it } from 'vitest';
import type { FlowSpec } from '../../src/model/flow.js';
import type { FlowOptions } from '../../src/flow/parse-flow.js';
import { flowToIptables } from '../../src/flow/to-iptables.js';
import { spec } from './helpers.js';

/** [filter, options, iptables rules, ip6tables rules], each rule as its argv joined by spaces. */
const CASES: readonly (readonly [string, FlowOptions, readonly string[], readonly string[]])[] = [
  ['', {}, [''], ['']],
  ['', { iif: 'eth0' }, ['-i eth0'], ['-i eth0']],
  ['tcp', { iif: 'eth+', oif: 'wg0' }, ['-i eth+ -o wg0 -p tcp'], ['-i eth+ -o wg0 -p tcp']],
  ['ip', {}, [''], []],
  ['ip6 and tcp', {}, [], ['-p tcp']],
  ['icmp', {}, ['-p icmp'], []],
  ['icmp6', {}, [], ['-p ipv6-icmp']],
  ['icmp or icmp6', {}, ['-p icmp'], ['-p ipv6-icmp']],
  ['host 10.0.0.1', {}, ['-s 10.0.0.1/32', '-d 10.0.0.1/32'], []],
  ['src host 10.0.0.1 and tcp dst port 22', {}, ['-s 10.0.0.1/32 -p tcp --dport 22'], []],
  ['not host 10.0.0.1', {}, ['! -s 10.0.0.1/32 ! -d 10.0.0.1/32'], ['']],
  [
    'port 22',
    {},
    ['-p tcp --sport 22', '-p udp --sport 22', '-p tcp --dport 22', '-p udp --dport 22'],
    ['-p tcp --sport 22', '-p udp --sport 22', '-p tcp --dport 22', '-p udp --dport 22'],
  ],
  // One `-p` per rule: "neither tcp nor udp" keeps `! -p tcp` only (traces udp port 22 too).
  [
    'not port 22',
    {},
    ['! -p tcp', '-p tcp ! --sport 22 ! --dport 22', '-p udp ! --sport 22 ! --dport 22'],
    ['! -p tcp', '-p tcp ! --sport 22 ! --dport 22', '-p udp ! --sport 22 ! --dport 22'],
  ],
  ['tcp and not port 22', {}, ['-p tcp ! --sport 22 ! --dport 22'], ['-p tcp ! --sport 22 ! --dport 22']],
  ['udp dst portrange 1000-2000', {}, ['-p udp --dport 1000:2000'], ['-p udp --dport 1000:2000']],
  ['net 2001:db8::/32 and icmp6', {}, [], ['-s 2001:db8::/32 -p ipv6-icmp', '-d 2001:db8::/32 -p ipv6-icmp']],
  [
    'not (host 10.0.0.1 and port 22)',
    { iif: 'eth0' },
    [
      '-i eth0 ! -s 10.0.0.1/32 ! -d 10.0.0.1/32',
      '-i eth0 ! -p tcp',
      '-i eth0 -p tcp ! --sport 22 ! --dport 22',
      '-i eth0 -p udp ! --sport 22 ! --dport 22',
    ],
    ['-i eth0'],
  ],
  [
    'src net 10.0.0.0/8 and not src net 10.1.0.0/16 and not src host 10.2.3.4',
    {},
    ['-s 10.0.0.0/8 -m iprange ! --src-range 10.1.0.0-10.1.255.255 -m iprange ! --src-range 10.2.3.4-10.2.3.4'],
    [],
  ],
  [
    'not dst net 2001:db8::/32 and not dst host ::1',
    {},
    [''],
    ['! -d ::1/128 -m iprange ! --dst-range 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
  ],
  ['not icmp', {}, ['! -p icmp'], ['']],
  ['not icmp and not icmp6', {}, ['! -p icmp'], ['! -p ipv6-icmp']],
  ['not ip6 and not tcp', {}, ['! -p tcp'], []],
  [
    'udp and not (dst port 53 or dst port 123)',
    {},
    ['-p udp -m multiport ! --dports 53,123'],
    ['-p udp -m multiport ! --dports 53,123'],
  ],
  [
    'tcp dst portrange 1000-2000 and not dst port 1500',
    {},
    ['-p tcp --dport 1000:2000 -m multiport ! --dports 1500'],
    ['-p tcp --dport 1000:2000 -m multiport ! --dports 1500'],
  ],
  [
    'src host fe80::1 and not dst net fe80::/10 and tcp dst port https',
    { oif: 'lo' },
    [],
    ['-o lo -s fe80::1/128 ! -d fe80::/10 -p tcp --dport 443'],
  ],
];

describe('flowToIptables', () => {
  it.each(CASES)('%j %j', (filter, opts, v4, v6) => {
    const r = flowToIptables(spec(filter, opts));
    expect(r.v4.map((a) => a.join(' '))).toEqual(v4);
    expect(r.v6.map((a) => a.join(' '))).toEqual(v6);
  });

  it('splits long negated port lists into multiport matches of at most 15 ports', () => {
    const ports = Array.from({ length: 17 }, (_, i) => `not dst port ${1000 + i}`).join(' and ');
    const [rule] = flowToIptables(spec(`tcp and not dst portrange 2000-2001 and ${ports}`)).v4;
    const lists = (rule ?? []).filter((_, i, a) => a[i - 1] === '--dports');
    expect(lists).toEqual([
      '1000,1001,1002,1003,1004,1005,1006,1007,1008,1009,1010,1011,1012,1013,1014',
      '1015,1016,2000:2001',
    ]);
  });

  it('refuses a hand-made spec parseFlow would refuse', () => {
    const bad: FlowSpec = { expr: null, iif: null, oif: '$(reboot)', text: '' };
    expect(() => flowToIptables(bad)).toThrow(/not from parseFlow/);
  });
});
