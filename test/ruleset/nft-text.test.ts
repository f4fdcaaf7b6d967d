import { describe, expect, it } from 'vitest';
import { parseNftRule } from '../../src/ruleset/nft-rule.js';
import { parseNftText } from '../../src/ruleset/nft-text.js';

const T = (body: string): string => `table inet t {\n${body}\n}\n`;

describe('parseNftText structure', () => {
  it.each([
    ['raw', -300],
    ['mangle', -150],
    ['dstnat', -100],
    ['filter', 0],
    ['security', 50],
    ['srcnat', 100],
    ['filter + 10', 10],
    ['dstnat - 10', -110],
    ['-110', -110],
    ['42', 42],
    ['bogus', null],
  ])('priority %s → %s', (prio, value) => {
    const s = parseNftText(T(`\tchain c {\n\t\ttype filter hook input priority ${prio}; policy drop;\n\t}`));
    expect(s.chains[0]).toMatchObject({ hook: 'input', priority: value, policy: 'drop' });
  });

  it('uses the bridge family names for bridge tables', () => {
    const s = parseNftText(
      'table bridge b {\n\tchain c {\n\t\ttype filter hook prerouting priority filter; policy accept;\n\t}\n}',
    );
    expect(s.chains[0]).toMatchObject({ family: 'bridge', hook: 'prerouting', priority: -200 });
  });

  it('reads netdev ingress chains with a device, and defaults the family to ip', () => {
    const s = parseNftText(
      'table netdev n {\n\tchain i {\n\t\ttype filter hook ingress device "lo" priority -500; policy accept;\n\t}\n}\ntable f {\n\tchain x {\n\t}\n}',
    );
    expect(s.chains.map((c) => [c.family, c.table, c.chain, c.hook, c.priority])).toEqual([
      ['netdev', 'n', 'i', 'ingress', -500],
      ['ip', 'f', 'x', null, null],
    ]);
  });

  it('skips sets, maps, flowtables and named objects, with elements spanning lines and nested braces', () => {
    const s = parseNftText(
      T(
        [
          '\tset s {',
          '\t\ttype ipv4_addr',
          '\t\telements = { 10.0.0.1, 10.0.0.2,',
          '\t\t\t     10.0.0.3 }',
          '\t}',
          '\tmap m {',
          '\t\ttype inet_service : verdict',
          '\t\telements = { 80 : jump c, 443 : drop }',
          '\t}',
          '\tflowtable ft {',
          '\t\thook ingress priority filter',
          '\t\tdevices = { lo }',
          '\t}',
          '\tcounter cnt {',
          '\t\tpackets 0 bytes 0',
          '\t}',
          '\tchain c { # handle 4',
          '\t\tcomment "chain comment"',
          '\t\ttcp dport { 22, 80 } accept # handle 9',
          '\t}',
        ].join('\n'),
      ),
    );
    expect(s.unparsed).toEqual([]);
    expect(s.chains.map((c) => c.chain)).toEqual(['c']);
    expect(s.chains[0]?.rules).toMatchObject([{ handle: 9, position: 1, text: 'tcp dport { 22, 80 } accept' }]);
  });

  it('joins a rule whose anonymous set spans lines', () => {
    const s = parseNftText(T('\tchain c {\n\t\tip saddr { 10.0.0.1,\n\t\t\t10.0.0.2 } drop\n\t\taccept\n\t}'));
    expect(s.chains[0]?.rules.map((r) => [r.position, r.action, r.text])).toEqual([
      [1, 'drop', 'ip saddr { 10.0.0.1, 10.0.0.2 } drop'],
      [2, 'accept', 'accept'],
    ]);
  });

  it('reads quoted chain names and names with slashes', () => {
    const s = parseNftText(T('\tchain "my chain" {\n\t}\n\tchain service-X-ns/svc/tcp/ {\n\t\tjump "my chain"\n\t}'));
    expect(s.chains.map((c) => c.chain)).toEqual(['my chain', 'service-X-ns/svc/tcp/']);
    expect(s.chains[1]?.rules[0]).toMatchObject({ action: 'jump', target: 'my chain' });
  });

  it('reports unknown lines and a truncated dump, never throws', () => {
    const s = parseNftText('flush ruleset\ntable ip t {\n\tbogus line\n\tchain c {\n\t\taccept\n');
    expect(s.unparsed).toEqual([
      { line: 'flush ruleset', reason: 'expected a table block' },
      { line: 'bogus line', reason: 'unknown table statement' },
      { line: '', reason: 'dump ends inside a block (truncated?)' },
    ]);
    expect(s.chains[0]?.rules[0]?.action).toBe('accept');
  });
});

describe('parseNftRule', () => {
  it.each([
    ['ct state established,related accept', 'accept', null, false],
    ['counter packets 4 bytes 288 return', 'return', null, true],
    ['return', 'return', null, true],
    ['udp dport 9999 counter packets 0 bytes 0 goto BLOCKED', 'goto', 'BLOCKED', false],
    ['jump services', 'jump', 'services', true],
    ['ip daddr . meta l4proto . th dport vmap @service-ips', 'unknown', null, false],
    ['numgen random mod 2 vmap { 0 : goto a, 1 : goto b }', 'unknown', null, false],
    ['tcp dport 25 reject with tcp reset', 'reject', null, false],
    ['queue flags bypass to 3', 'queue', null, true],
    ['meta mark set meta mark | 0x00004000', 'continue', null, true],
    ['meta nftrace set 1', 'continue', null, true],
    ['ip dscp set cs1', 'continue', null, true],
    ['tcp dport 22 mark set 1', 'continue', null, false],
    ['log prefix "drop: " accept', 'accept', null, true],
    ['limit rate 10/second accept', 'accept', null, false],
    ['ct status dnat accept', 'accept', null, false],
    ['counter xt target "MARK"', 'continue', null, true],
    ['ip saddr 1.2.3.4 counter packets 1 bytes 2', 'continue', null, false],
    ['comment "only a comment" drop', 'drop', null, true],
  ] as const)('%s → %s', (line, action, target, unconditional) => {
    const r = parseNftRule(line);
    expect([r.action, r.target, r.unconditional]).toEqual([action, target, unconditional]);
  });

  it.each([
    ['tcp dport 80 dnat ip to 10.0.0.2:8080', { kind: 'dnat', to: '10.0.0.2:8080' }],
    ['meta l4proto tcp dnat to 10.42.4.201:8080', { kind: 'dnat', to: '10.42.4.201:8080' }],
    ['dnat ip6 to [fd00::1]:80', { kind: 'dnat', to: '[fd00::1]:80' }],
    ['snat ip to 1.2.3.4-1.2.3.10:2000-3000 persistent', { kind: 'snat', to: '1.2.3.4-1.2.3.10:2000-3000' }],
    ['masquerade fully-random', { kind: 'masquerade', to: null }],
    ['masquerade to :1024-2048 random,persistent', { kind: 'masquerade', to: ':1024-2048' }],
    ['redirect to :443', { kind: 'redirect', to: ':443' }],
    ['redirect', { kind: 'redirect', to: null }],
  ] as const)('%s → accept with NAT %j', (line, nat) => {
    expect(parseNftRule(line)).toMatchObject({ action: 'accept', nat });
  });

  it('takes the handle and counter out of the text and keeps the word counter', () => {
    expect(parseNftRule('ip saddr 10.0.0.1 counter packets 5 bytes 300 accept # handle 3')).toMatchObject({
      handle: 3,
      packets: 5,
      bytes: 300,
      text: 'ip saddr 10.0.0.1 counter accept',
    });
    expect(parseNftRule('accept')).toMatchObject({ handle: null, packets: null, bytes: null });
  });

  it('reads the comment and does not mistake words inside it for counters or verdicts', () => {
    const r = parseNftRule(
      'ip daddr 10.0.0.0/8 counter packets 1 bytes 2 drop comment "counter packets 9 bytes 9 accept"',
    );
    expect(r).toMatchObject({ action: 'drop', packets: 1, comment: 'counter packets 9 bytes 9 accept' });
  });

  it('treats a rule printed with an invisible xt match (leading space) as conditional', () => {
    expect(parseNftRule('counter packets 3 bytes 204 jump KUBE-SERVICES', true).unconditional).toBe(false);
  });
});
