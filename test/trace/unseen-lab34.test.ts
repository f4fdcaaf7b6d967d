// Conntrack helpers through a NAT router: FTP active and passive data connections (RELATED, NATed by the helper's
// expectation), a port-forwarded FTP without a helper, NOTRACK, ICMP errors, from a thirty-fourth review lab
// (test/fixtures/unseen34/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen34');

describe('one trace per traced packet (the TRACE / nftrace counters)', () => {
  it.each([
    ['capture1-xtables-monitor.txt', ['capture1-iptables-save-c.txt', 'capture1-ip6tables-save-c.txt'], 196],
    ['capture2-nft-monitor.txt', ['capture2-nft-list-ruleset.txt'], 271],
    ['capture3-dmesg.txt', ['capture3-iptables-save-c.txt', 'capture3-ip6tables-save-c.txt'], 271],
    ['capture4-nft-monitor.txt', ['capture4-nft-list-ruleset.txt'], 271],
    ['capture5-nft-monitor.txt', ['capture5-nft-list-ruleset.txt'], 214],
  ])('%s: %i', (capture, rules, n) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });

  it('native nft with ct helper objects: every forward verdict its counter', () => {
    const traces = replay('capture4-nft-monitor.txt', 'capture4-nft-list-ruleset.txt').traces;
    const fwd = traces.filter((t) => t.verdict.chain === 'filter_fwd');
    expect(tally(fwd, (t) => `${t.verdict.action} ${t.verdict.rule?.position ?? 'policy'}`)).toEqual({
      'accept 1': 224,
      'drop policy': 14,
      'accept 8': 6,
      'accept 2': 6, // ct state related ct helper "ftp": the data connections' first SYNs
      'accept 11': 3,
      'accept 12': 2,
      'accept 9': 2,
      'drop 5': 2,
      'accept 6': 2,
      'accept 7': 2,
      'accept 13': 1,
      'accept 3': 1,
      'accept 10': 1,
    });
  });
});

describe('a data connection’s first SYN may be RELATED where the ruleset uses helpers (capture 5: the wrong helper)', () => {
  const traces = replay('capture5-nft-monitor.txt', 'capture5-nft-list-ruleset.txt').traces;

  it.each([['74e86d55'], ['b64642ff'], ['5ee8ca41']])('%s: the RELATED rule cannot be compared, not left out', (id) => {
    const t = traces.find((x) => x.id === id)!;
    expect(t.verdict).toMatchObject({ action: 'drop', chain: 'filter_fwd', by: 'policy' });
    // Was: near misses `... ct state NEW ...` as if the state were known, and the RELATED rule in neither list.
    expect(t.why!.cannotCompare.map((c) => c.rule.position)).toEqual([2]);
    expect(t.why!.nearMisses.map((n) => n.rule.position)).not.toContain(1); // ct state established: never a SYN
    for (const n of t.why!.nearMisses) expect(n.text).not.toContain('is NEW,');
  });

  it('the active-mode SYN DNATed by the helper’s expectation: no nat rule, and the words say what else it can be', () => {
    const t = traces.find((x) => x.id === '5ee8ca41')!;
    expect(t.explanation).toContain(
      "after DNAT 10.34.2.1:43349 -> 10.34.1.2:43349 in prerouting (no nat rule the trace shows: an earlier SYN's mapping, a conntrack helper's expectation, or an iptables-legacy nat rule, which nft monitor trace cannot show)",
    );
  });
});

describe('a ping from the server: a rule for RELATED packets is no rule that kept it out', () => {
  it('22f87e60 names no `did not take this packet: ct state ...`', () => {
    const t = replay('capture2-nft-monitor.txt', 'capture2-nft-list-ruleset.txt').traces.find(
      (x) => x.id === '22f87e60',
    )!;
    expect(t.explanation).not.toContain('did not take this packet');
  });
});
