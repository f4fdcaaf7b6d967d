// The iptables condition reader: every modelled option, negation in both places, comma lists, port ranges,
// and anything else kept whole as `unknown` with its text.
import { describe, expect, it } from 'vitest';
import type { RuleMatch } from '../../src/model/ruleset.js';
import { iptablesMatches } from '../../src/ruleset/iptables-matches.js';
import { parseIptablesRule } from '../../src/ruleset/iptables-rule.js';
import { tokenizeIptables } from '../../src/ruleset/iptables-tokens.js';

const read = (line: string): RuleMatch[] => iptablesMatches(line, tokenizeIptables(line));
const short = (m: RuleMatch): string =>
  m.field === 'unknown' ? `?${m.text}` : `${m.field}${m.negate ? '!=' : '='}${m.values.join(',')}`;

describe('iptablesMatches', () => {
  it.each([
    ['-A F -s 10.0.0.5/32 -j ACCEPT', ['src=10.0.0.5/32']],
    ['-A F -s 10.0.0.5 -j ACCEPT', ['src=10.0.0.5/32']],
    ['-A F ! -s 10.244.0.0/16 -d 10.96.0.10/32 -j X', ['src!=10.244.0.0/16', 'dst=10.96.0.10/32']],
    ['-A F -s ! 10.0.0.0/8 -j X', ['src!=10.0.0.0/8']],
    ['-A F -s 10.0.0.1,10.0.0.2 -j X', ['src=10.0.0.1/32,10.0.0.2/32']],
    ['-A F -d 10.66.2.7/24 -j X', ['dst=10.66.2.0/24']],
    ['-A F -d fd66:0002:0000::/64 -j X', ['dst=fd66:2::/64']],
    ['-A F -s host.example -j X', ['?-s host.example']],
    ['-A F -i eth+ ! -o docker0 -j X', ['iif=eth+', 'oif!=docker0']],
    ['-A F -p tcp -m tcp --dport 80 -j X', ['proto=tcp', 'dport=80']],
    ['-A F -p 17 -m udp --sport 1024:65535 -j X', ['proto=udp', 'sport=1024-65535']],
    ['-A F -p tcp -m tcp ! --dport 22 -j X', ['proto=tcp', 'dport!=22']],
    ['-A F ! -p tcp -j X', ['proto!=tcp']],
    ['-A F -p all -j X', []],
    ['-A F -p ipv6-icmp -j X', ['proto=icmpv6']],
    ['-A F -p tcp -m multiport --dports 80,443,8000:8080 -j X', ['proto=tcp', 'dport=80,443,8000-8080']],
    ['-A F -p tcp -m multiport --ports 80 -j X', ['proto=tcp', '?--ports 80']],
    ['-A F -m conntrack --ctstate RELATED,ESTABLISHED -j X', ['ctstate=RELATED,ESTABLISHED']],
    ['-A F -m conntrack ! --ctstate NEW -j X', ['ctstate!=NEW']],
    ['-A F -m state --state NEW -j X', ['ctstate=NEW']],
    ['-A F -m conntrack --ctstate DNAT -j X', ['ctstate=DNAT']],
    ['-A F -m conntrack --ctstatus CONFIRMED -j X', ['?--ctstatus CONFIRMED']],
    ['-A F -p icmp -m icmp --icmp-type 8 -j X', ['proto=icmp', 'icmp-type=8']],
    ['-A F -p icmp -m icmp --icmp-type echo-request -j X', ['proto=icmp', 'icmp-type=8']],
    ['-A F -p icmp -m icmp --icmp-type 3/4 -j X', ['proto=icmp', 'icmp-type=3/4']],
    ['-A F -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j X', ['proto=icmpv6', 'icmp-type=128']],
    ['-A F -m iprange --src-range 10.0.0.1-10.0.0.9 -j X', ['src=10.0.0.1-10.0.0.9']],
    ['-A F -m comment --comment "x -s 1.2.3.4" -j X', []],
    ['-A F -m mark --mark 0x4000/0x4000 -j X', ['?-m mark --mark 0x4000/0x4000']],
    ['-A F -m mark ! --mark 0x4000/0x4000 -j X', ['?-m mark ! --mark 0x4000/0x4000']],
    [
      '-A S -m recent --update --seconds 60 --hitcount 4 --name ssh --rsource -j DROP',
      ['?-m recent --update --seconds 60 --hitcount 4 --name ssh --rsource'],
    ],
    ['-A F -m statistic --mode random --probability 0.5 -j X', ['?-m statistic --mode random --probability 0.5']],
    ['-A F -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j X', ['proto=tcp', '?--tcp-flags FIN,SYN,RST,ACK SYN']],
    ['-A F -p tcp -m tcp --syn -j X', ['proto=tcp', '?--syn']],
    ['-A F -f -j X', ['?-f']],
    ['-A F -m addrtype --dst-type LOCAL -p tcp -j X', ['?-m addrtype --dst-type LOCAL', 'proto=tcp']],
    ['-A F -m set --match-set "my set" src -j X', ['?-m set --match-set "my set" src']],
    ['-A F -p tcp --dport 5432 -j X', ['proto=tcp', 'dport=5432']],
    ['-A F -j LOG --log-prefix "-s 1.2.3.4"', []],
    ['-A F -c 5 10 -s 1.2.3.4 -j X', ['src=1.2.3.4/32']],
  ])('%s', (line, want) => {
    expect(read(line).map(short)).toEqual(want);
  });

  it('keeps the text of each condition as written, negation included', () => {
    expect(read('-A F ! -s 10.244.0.0/16 -m conntrack ! --ctstate NEW -j X').map((m) => m.text)).toEqual([
      '! -s 10.244.0.0/16',
      '! --ctstate NEW',
    ]);
  });

  it('is what parseIptablesRule puts on the rule', () => {
    const r = parseIptablesRule('[3:180] -A FORWARD -d 10.66.2.0/24 -p tcp -m tcp --dport 80 -j ACCEPT', new Set());
    expect(typeof r === 'string' ? r : r.matches.map(short)).toEqual(['dst=10.66.2.0/24', 'proto=tcp', 'dport=80']);
  });
});
