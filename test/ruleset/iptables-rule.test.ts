import { describe, expect, it } from 'vitest';
import { parseIptablesRule } from '../../src/ruleset/iptables-rule.js';
import type { IptablesRule } from '../../src/ruleset/iptables-rule.js';
import { tokenizeIptables } from '../../src/ruleset/iptables-tokens.js';

const USER = new Set(['DOCKER-USER', 'BLOCKED', 'LOG']);

function rule(line: string): IptablesRule {
  const r = parseIptablesRule(line, USER);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

describe('tokenizeIptables', () => {
  it('keeps a quoted comment with spaces as one argument', () => {
    expect(tokenizeIptables('-m comment --comment "kubernetes service portals" -j X').map((t) => t.value)).toEqual([
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'X',
    ]);
  });
  it('resolves escaped quotes and survives an unterminated quote', () => {
    expect(tokenizeIptables('--comment "say \\"hi\\""').map((t) => t.value)).toEqual(['--comment', 'say "hi"']);
    expect(tokenizeIptables('--comment "open').map((t) => t.value)).toEqual(['--comment', 'open']);
  });
});

describe('parseIptablesRule', () => {
  it.each([
    ['-A INPUT -j ACCEPT', 'accept', null, true],
    ['-A INPUT -p tcp -j DROP', 'drop', null, false],
    ['-A BLOCKED -j REJECT --reject-with icmp-port-unreachable', 'reject', null, true],
    ['-A DOCKER-USER -j RETURN', 'return', null, true],
    ['-A X -m comment --comment c -j RETURN', 'return', null, false],
    ['-A X ! -s 10.0.0.0/8 -j RETURN', 'return', null, false],
    ['-A X -f -j DROP', 'drop', null, false],
    ['-A X -i eth0 -j ACCEPT', 'accept', null, false],
    ['-A FORWARD -p udp -m udp --dport 9999 -g BLOCKED', 'goto', 'BLOCKED', false],
    ['-A FORWARD -j DOCKER-USER', 'jump', 'DOCKER-USER', true],
    ['-A FORWARD -j KUBE-NOT-DECLARED', 'jump', 'KUBE-NOT-DECLARED', true],
    ['-A X -j LOG', 'jump', 'LOG', true],
    ['-A X -j LOG_AND_DROP', 'jump', 'LOG_AND_DROP', true],
    ['-A X -j NFLOG --nflog-group 2', 'continue', null, true],
    ['-A X -j MARK --set-xmark 0x4000/0x4000', 'continue', null, true],
    ['-A PREROUTING -s 10.0.0.0/8 -j TRACE', 'continue', null, false],
    ['-A PREROUTING -j CT --notrack', 'continue', null, true],
    ['-A X -p tcp', 'continue', null, false],
    ['-A X', 'continue', null, true],
    ['-A X -j NFQUEUE --queue-num 3', 'queue', null, true],
    ['-A X -j QUEUE', 'queue', null, true],
    ['-A X -p tcp -j SYNPROXY --mss 1460', 'unknown', null, false],
  ] as const)('%s → %s', (line, action, target, unconditional) => {
    const r = rule(line);
    expect([r.action, r.target, r.unconditional]).toEqual([action, target, unconditional]);
  });

  it.each([
    ['-A S -p tcp -m tcp -j DNAT --to-destination 10.66.2.2:8080', { kind: 'dnat', to: '10.66.2.2:8080' }],
    ['-A P -s 10.0.0.0/8 -j SNAT --to-source 1.2.3.4', { kind: 'snat', to: '1.2.3.4' }],
    ['-A P -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE', { kind: 'masquerade', to: null }],
    ['-A P -j MASQUERADE --random-fully', { kind: 'masquerade', to: null }],
    ['-A P -p tcp -j MASQUERADE --to-ports 1024-2048', { kind: 'masquerade', to: ':1024-2048' }],
    ['-A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080', { kind: 'redirect', to: ':8080' }],
    ['-A PREROUTING -p tcp -j REDIRECT', { kind: 'redirect', to: null }],
    [
      '-A PREROUTING -d 1.2.3.0/24 -j NETMAP --to 10.0.0.0/24',
      { kind: 'dnat', to: '10.0.0.0/24', prefix: true, sideByHook: true },
    ],
    [
      '-A POSTROUTING -s 10.0.0.0/24 -j NETMAP --to 1.2.3.0/24',
      { kind: 'snat', to: '1.2.3.0/24', prefix: true, sideByHook: true },
    ],
  ] as const)('%s → NAT %j and accept', (line, nat) => {
    const r = rule(line);
    expect(r.action).toBe('accept');
    expect(r.nat).toEqual(nat);
  });

  it('reads the comment (quoted, with spaces) and keeps it in the text', () => {
    const r = rule('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(r.comment).toBe('kubernetes service portals');
    expect(r.text).toBe('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(r.unconditional).toBe(false);
  });

  it('takes [pkts:bytes] from iptables-save -c and strips it from the text', () => {
    const r = rule('[12:3456] -A INPUT -p icmp -j ACCEPT   ');
    expect([r.packets, r.bytes, r.text, r.chain]).toEqual([12, 3456, '-A INPUT -p icmp -j ACCEPT', 'INPUT']);
  });

  it('takes -c P B from iptables -v -S and cuts it out of the middle of the text', () => {
    const r = rule('-A PREROUTING -m comment --comment "a -c 1 2" -c 7 99 -j KUBE-SERVICES');
    expect([r.packets, r.bytes, r.comment]).toEqual([7, 99, 'a -c 1 2']);
    expect(r.text).toBe('-A PREROUTING -m comment --comment "a -c 1 2" -j KUBE-SERVICES');
  });

  it('leaves a malformed -c alone instead of eating the target', () => {
    expect(rule('-A X -c 1 -j ACCEPT')).toMatchObject({ action: 'accept', packets: null, text: '-A X -c 1 -j ACCEPT' });
  });

  it('has no counters when the dump has none', () => {
    expect([rule('-A INPUT -j ACCEPT').packets, rule('-A INPUT -j ACCEPT').bytes]).toEqual([null, null]);
  });

  it('rejects lines that are not -A rules with a reason', () => {
    expect(parseIptablesRule('-I INPUT -j ACCEPT', USER)).toBe('not a -A rule');
    expect(parseIptablesRule('-A', USER)).toBe('-A without a chain');
    expect(parseIptablesRule('', USER)).toBe('not a -A rule');
  });
});
