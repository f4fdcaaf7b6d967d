// The misconfigurations on-call engineers debug (a port range off by one, the ESTABLISHED rule forgotten, DNAT
// without its FORWARD accept), from a fifty-eighth review lab (test/fixtures/unseen58/README.md): the explanation
// must point at the mistake.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen58');
const closest = (e: string): string => e.slice(e.indexOf('closest: '));

describe('a port range off by one: the rule it misses by one port is the closest, not the first in the chain', () => {
  it.each([
    ['portrange-legacy.kernlog.txt', 'portrange-legacy.iptables-legacy-save.txt'],
    ['portrange-nft.nft-monitor.txt', 'portrange-nft.nft-a.txt'],
  ])('%s', (capture, rules) => {
    const traces = replay(capture, rules).traces;
    expect(traces).toHaveLength(2);
    for (const t of traces) {
      expect(t.verdict).toMatchObject({ action: 'drop', by: 'policy' });
      expect(closest(t.explanation)).toMatch(
        /^closest: rule 3 would accept tcp dport 8000-8079 .*, but this packet goes to port 8080$/,
      );
    }
  });
});

describe('the ESTABLISHED,RELATED rule forgotten: the dropped SYN-ACK says so', () => {
  it.each([
    ['noestab-nft.nft-monitor.txt', 'noestab-nft.nft-a.txt', 'forward'],
    ['noestab-legacy.kernlog.txt', 'noestab-legacy.iptables-legacy-save.txt', 'FORWARD'],
    ['noestab-ipnft.xtables-monitor.txt', 'noestab-ipnft.iptables-save.txt', 'FORWARD'],
  ])('%s', (capture, rules, chain) => {
    const dropped = replay(capture, rules).traces.filter((t) => t.verdict.action === 'drop');
    expect(dropped).toHaveLength(3);
    for (const t of dropped) {
      expect(t.explanation).toContain(
        `; it is a reply (a SYN-ACK) and no rule of filter/${chain} accepts replies: the rule for established connections`,
      );
      // No rule for new connections is offered as the closest instead.
      expect(t.explanation).not.toContain('closest:');
    }
  });
});

it('DNAT without its FORWARD accept: the closest is a TCP rule, not the ICMP accept', () => {
  const traces = replay('dnat-nft.nft-monitor.txt', 'dnat-nft.nft-a.txt').traces.filter(
    (t) => t.verdict.action === 'drop',
  );
  expect(traces.length).toBeGreaterThan(0);
  for (const t of traces) {
    expect(t.explanation).toContain('after DNAT 10.158.1.1:8443 -> 10.158.3.2:443');
    expect(closest(t.explanation)).toMatch(/^closest: rule \d would accept tcp /);
  }
});

describe('a RETURN above the accept in a user chain: the accept it shadows is the closest, and why it never ran', () => {
  it.each([
    ['return-nft.nft-monitor.txt', 'return-nft.nft-a.txt', 'web rule 1 (ip saddr 10.158.1.0/24 counter return)'],
    [
      'return-legacy.kernlog.txt',
      'return-legacy.iptables-legacy-save.txt',
      'WEB rule 1 (-A WEB -s 10.158.1.0/24 -j RETURN)',
    ],
    [
      'return-ipnft.xtables-monitor.txt',
      'return-ipnft.iptables-save.txt',
      'WEB rule 1 (-A WEB -s 10.158.1.0/24 -j RETURN)',
    ],
  ])('%s', (capture, rules, returner) => {
    const traces = replay(capture, rules).traces;
    expect(traces).toHaveLength(2);
    for (const t of traces) {
      expect(t.verdict).toMatchObject({ action: 'drop', by: 'policy' });
      expect(closest(t.explanation)).toMatch(
        new RegExp(
          `^closest: rule 2 would accept tcp dport 80 out on eth1 \\(via (web|WEB) rule 2\\), and this packet matches it, but ${returner.replace(/[()./]/g, '\\$&')} returns it first$`,
        ),
      );
    }
  });
});

it('IPv6 forgotten in an inet table: the IPv4 rule that would take the packet is the closest, for IPv4 only', () => {
  const traces = replay('v6-nft.nft-monitor.txt', 'v6-nft.nft-a.txt').traces.filter((t) => t.verdict.action === 'drop');
  expect(traces).toHaveLength(2);
  for (const t of traces)
    expect(closest(t.explanation)).toBe(
      'closest: rule 2 would accept tcp dport 80 to 10.158.2.2/32 in on ens33 out on eth1, but only IPv4 packets, and this one is IPv6',
    );
});
