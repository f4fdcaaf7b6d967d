// A small company's edge firewall (LAN, DMZ, WAN; IPv4 and IPv6), end to end, from a fiftieth review lab
// (test/fixtures/unseen50/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen50');
const LEGACY = [
  'legacy/kernlog.txt',
  'legacy/iptables-legacy-save-c.txt',
  'legacy/ip6tables-legacy-save-c.txt',
] as const;

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    [LEGACY[0], 158, LEGACY.slice(1)],
    ['iptnft/nft-monitor.txt', 155, ['iptnft/nft-a-list-ruleset.txt']],
    ['nft/nft-monitor.txt', 156, ['nft/nft-a-list-ruleset.txt']],
    // xtables-monitor exited at the first ip6tables -p tcp rule it had to print.
    ['iptnft/xtables-monitor.txt', 115, ['iptnft/iptables-save-c.txt', 'iptnft/ip6tables-save-c.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

it('an ICMPv6 packet an ICMPv6 rule does not take is named icmpv6 in the near miss', () => {
  const traces = replay(...LEGACY).traces;
  const solicitations = traces.filter((t) => t.packet.icmpType === 133 && t.verdict.action === 'drop');
  expect(solicitations.length).toBeGreaterThan(0);
  for (const t of solicitations) {
    expect(t.explanation).toContain('but this packet is icmpv6 type 133');
    expect(t.explanation).not.toContain('is icmp type');
  }
});
