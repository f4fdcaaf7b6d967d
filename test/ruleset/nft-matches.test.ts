// The nft condition readers, text (`nft list ruleset`) and JSON (`nft -j`): the common forms become
// conditions, everything else one `unknown` per expression; both readers agree on the same rule.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { RuleMatch } from '../../src/model/ruleset.js';
import { iptablesMatches } from '../../src/ruleset/iptables-matches.js';
import { tokenizeIptables } from '../../src/ruleset/iptables-tokens.js';
import { nftJsonMatches } from '../../src/ruleset/nft-json-matches.js';
import { parseNftJson } from '../../src/ruleset/nft-json.js';
import { nftTextMatches } from '../../src/ruleset/nft-matches.js';
import { parseNftText } from '../../src/ruleset/nft-text.js';
import { tokenizeNft } from '../../src/ruleset/nft-tokens.js';
import { fixture } from './fixtures.js';

const text = (rule: string): RuleMatch[] => nftTextMatches(tokenizeNft(rule));
const short = (m: RuleMatch): string =>
  m.field === 'unknown' ? `?${m.text}` : `${m.field}${m.negate ? '!=' : '='}${m.values.join(',')}`;

describe('nftTextMatches', () => {
  it.each([
    ['ip saddr 10.0.0.5 accept', ['src=10.0.0.5/32']],
    ['ip saddr != 10.244.0.0/16 ip daddr 10.96.0.10 jump x', ['src!=10.244.0.0/16', 'dst=10.96.0.10/32']],
    ['ip daddr { 10.66.2.2, 10.66.2.3 } counter', ['dst=10.66.2.2/32,10.66.2.3/32']],
    ['ip daddr 10.0.0.1-10.0.0.9 accept', ['dst=10.0.0.1-10.0.0.9']],
    ['ip6 daddr fd66:2::/64 tcp dport 80 accept', ['dst=fd66:2::/64', 'proto=tcp', 'dport=80']],
    ['tcp dport { 22, 80, 8000-8080 } accept', ['proto=tcp', 'dport=22,80,8000-8080']],
    ['udp sport != 53 drop', ['proto=udp', 'sport!=53']],
    ['tcp dport < 1024 accept', ['proto=tcp', 'dport=0-1023']],
    ['th dport 53 accept', ['dport=53']],
    ['tcp dport http accept', ['proto=tcp', '?tcp dport http']],
    ['iifname "eth0" oifname != "docker0" accept', ['iif=eth0', 'oif!=docker0']],
    ['iifname "veth*" accept', ['iif=veth+']],
    ['iif "lo" accept', ['iif=lo']],
    ['iifname { "a", "b" } accept', ['iif=a,b']],
    ['meta iifname "eth0" accept', ['iif=eth0']],
    ['ct state established,related accept', ['ctstate=ESTABLISHED,RELATED']],
    ['ct state { new, untracked } accept', ['ctstate=NEW,UNTRACKED']],
    ['ct state != established drop', ['ctstate!=ESTABLISHED']],
    [
      'ip daddr 10.66.2.2 tcp dport 80 ct status dnat accept',
      ['dst=10.66.2.2/32', 'proto=tcp', 'dport=80', 'ctstate=DNAT'],
    ],
    ['ct status assured accept', ['?ct status assured']],
    ['meta l4proto { tcp, udp } accept', ['proto=tcp,udp']],
    ['meta l4proto ipv6-icmp accept', ['proto=icmpv6']],
    ['ip protocol != tcp drop', ['proto!=tcp']],
    ['meta nfproto ipv4 tcp dport 22 ct state new jump s', ['family=ipv4', 'proto=tcp', 'dport=22', 'ctstate=NEW']],
    ['icmp type echo-request accept', ['proto=icmp', 'icmp-type=8']],
    ['icmpv6 type { nd-neighbor-solicit, echo-request } accept', ['proto=icmpv6', 'icmp-type=135,128']],
    ['meta mark & 0x00004000 == 0x00004000 accept', ['?meta mark & 0x00004000 == 0x00004000']],
    ['meta mark & 0x4000 == 0x4000 ip saddr 1.2.3.4 accept', ['?meta mark & 0x4000 == 0x4000', 'src=1.2.3.4/32']],
    ['ip daddr @allowed accept', ['?ip daddr @allowed']],
    ['ip saddr . tcp dport { 1.2.3.4 . 22 } accept', ['proto=tcp', '?ip saddr . tcp dport { 1.2.3.4 . 22 }']],
    ['ip daddr . udp dport @pairs accept', ['proto=udp', '?ip daddr . udp dport @pairs']],
    ['ip daddr . ip saddr @pairs accept', ['?ip daddr . ip saddr @pairs']],
    ['ip daddr . tcp dport vmap @m', ['?ip daddr . tcp dport vmap @m']],
    ['ct original ip saddr 1.2.3.4 accept', ['?ct original ip saddr 1.2.3.4']],
    ['fib daddr type local counter jump DOCKER', ['?fib daddr type local']],
    ['tcp flags syn / syn,ack accept', ['proto=tcp', '?tcp flags syn / syn,ack']],
    ['limit rate 10/second accept', ['?limit rate 10/second']],
    ['add @m { ip saddr limit rate over 3/minute } drop', ['?add @m { ip saddr limit rate over 3/minute }']],
    ['add @m { ip saddr } accept', []],
    ['xt match "recent" counter drop', ['?xt match "recent"']],
    ['xt match "comment" accept', []],
    ['meta mark set meta mark | 0x00004000', []],
    ['numgen random mod 2 vmap { 0 : jump a, 1 : jump b }', ['?numgen random mod 2 vmap { 0 : jump a, 1 : jump b }']],
    ['counter packets 3 bytes 180 jump KUBE-SERVICES', []],
    ['jump kube-forward comment "tcp dport 22"', []],
    ['ip saddr 10.0.0.0/8 log prefix "x " accept', ['src=10.0.0.0/8']],
  ])('%s', (rule, want) => {
    expect(text(rule).map(short)).toEqual(want);
  });
});

describe('nftJsonMatches', () => {
  const m = (left: unknown, right: unknown, op = '=='): unknown => ({ match: { op, left, right } });
  const payload = (protocol: string, field: string): unknown => ({ payload: { protocol, field } });
  it.each([
    [[m(payload('ip', 'saddr'), '10.0.0.5')], ['src=10.0.0.5/32']],
    [[m(payload('ip', 'daddr'), { prefix: { addr: '10.66.2.0', len: 24 } }, '!=')], ['dst!=10.66.2.0/24']],
    [[m(payload('tcp', 'dport'), { set: [22, { range: [8000, 8080] }] })], ['proto=tcp', 'dport=22,8000-8080']],
    [[m(payload('tcp', 'dport'), 1024, '<')], ['proto=tcp', 'dport=0-1023']],
    [[m({ meta: { key: 'iifname' } }, 'eth*')], ['iif=eth+']],
    [[m({ ct: { key: 'state' } }, ['established', 'related'], 'in')], ['ctstate=ESTABLISHED,RELATED']],
    [[m({ ct: { key: 'status' } }, 'dnat', 'in')], ['ctstate=DNAT']],
    [[m({ meta: { key: 'l4proto' } }, 'ipv6-icmp')], ['proto=icmpv6']],
    [[m(payload('icmp', 'type'), 'echo-request')], ['proto=icmp', 'icmp-type=8']],
    [[m({ '&': [{ meta: { key: 'mark' } }, 16384] }, 16384)], ['?meta mark & 0x00004000 == 0x00004000']],
    [[m(payload('ip', 'saddr'), '@allowed')], ['?ip saddr @allowed']],
    [
      [m({ concat: [payload('ip', 'daddr'), payload('tcp', 'dport')] }, '@pairs')],
      ['proto=tcp', '?ip daddr . tcp dport @pairs'],
    ],
    [[{ limit: { rate: 10, per: 'second' } }, { accept: null }], ['?limit rate 10/second']],
    [[{ xt: { type: 'match', name: 'recent' } }], ['?xt match "recent"']],
    [[{ counter: { packets: 1, bytes: 2 } }, { jump: { target: 'x' } }], []],
  ])('%j', (stmts, want) => {
    expect(nftJsonMatches(stmts).map(short)).toEqual(want);
  });

  // Native rulesets listed both ways by nft 1.0.6: the two readers must give the same conditions rule by rule.
  // (iptables-nft rules differ by nature: `nft -j` shows `xt match "conntrack"` where the text translates.)
  it.each(['gen-native', 'gen-k3s'])('%s: nft -j and nft -a list give the same conditions', (name) => {
    const fromJson = parseNftJson(fixture(`${name}.nft.json`)).chains.flatMap((c) => c.rules);
    const fromText = parseNftText(fixture(`${name}.nft-a.txt`)).chains.flatMap((c) => c.rules);
    expect(fromJson.length).toBe(fromText.length);
    expect(fromJson.map((r) => r.matches)).toEqual(fromText.map((r) => r.matches));
  });

  it('iptables-nft rules: an xt match nft cannot show in JSON is unknown, never dropped', () => {
    const rules = parseNftJson(fixture('gen-xt-lab.nft.json')).chains.flatMap((c) => c.rules);
    const conntrack = rules.find((r) => r.text === 'xt match "conntrack" counter accept');
    expect(conntrack?.matches?.map(short)).toEqual(['?xt match "conntrack"']);
  });
});

describe('the condition readers never throw', () => {
  const word = fc.constantFrom(
    'ip',
    'saddr',
    'daddr',
    'tcp',
    'dport',
    '!=',
    '{',
    '}',
    '{ 1, 2 }',
    '"eth0"',
    'ct',
    'state',
    'meta',
    'l4proto',
    '.',
    '@s',
    'accept',
    'jump',
    'set',
    'vmap',
    'x',
    '10.0.0.0/8',
    '80-90',
  );
  test.prop([fc.array(fc.oneof(word, fc.string()), { maxLength: 12 })])('nft text', (tokens) => {
    expect(Array.isArray(nftTextMatches(tokens))).toBe(true);
  });
  test.prop([fc.array(fc.jsonValue(), { maxLength: 6 })])('nft JSON', (stmts) => {
    expect(Array.isArray(nftJsonMatches(stmts))).toBe(true);
  });
  test.prop([
    fc.array(
      fc.oneof(
        fc.constantFrom('-s', '!', '-m', 'tcp', '--dport', '-j', '-p', 'multiport', '--dports', 'x'),
        fc.string(),
      ),
      { maxLength: 12 },
    ),
  ])('iptables', (words) => {
    const line = ['-A', 'X', ...words].join(' ');
    expect(Array.isArray(iptablesMatches(line, tokenizeIptables(line)))).toBe(true);
  });
});
