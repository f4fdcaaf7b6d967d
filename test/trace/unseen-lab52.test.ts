// A Kubernetes node in kube-proxy's iptables mode at scale (150 IPv4 and 22 IPv6 services, NodePorts, load
// balancer IPs, affinity, externalTrafficPolicy Local), from a fifty-second review lab
// (test/fixtures/unseen52/README.md), with iptables-nft (nft monitor, xtables-monitor) and iptables-legacy.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen52');

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    ['cap1-nft-monitor-trace.txt.gz', 198, ['cap1-nft-a-list-ruleset.txt.gz']],
    ['cap1-xtables-monitor.txt.gz', 172, ['cap1-iptables-nft-save-c.txt.gz']],
    ['cap2-dmesg-W.txt.gz', 200, ['cap2-iptables-legacy-save-c.txt.gz', 'cap2-ip6tables-legacy-save-c.txt.gz']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

describe('IPv6 NAT of iptables-nft rules nft 1.0.6 cannot print (`XT target DNAT not found`)', () => {
  const traces = replay('cap1-nft-monitor-trace.txt.gz', 'cap1-nft-a-list-ruleset.txt.gz').traces;

  it('a pod reaching its own service: the DNAT names its rule, and the MASQUERADE is there (conntrack: fd52::1)', () => {
    for (const id of ['22ff8221', '840f3b21']) {
      const t = byId(traces, id);
      expect(t.nat.map((n) => `${n.kind} ${n.chain} ${n.rule?.handle} ${n.to}`)).toEqual([
        'dnat KUBE-SEP-QQNLYXZJIPTW6GNP 72 [fd52::12]:8080',
        'masquerade KUBE-POSTROUTING 183 null',
      ]);
      expect(t.nat[0]?.rule?.text).toBe('meta l4proto tcp   counter XT target DNAT not found');
      expect(t.explanation).toContain('and MASQUERADE [fd52::12]:');
      expect(t.explanation).toContain(' -> the address of cni0 in postrouting');
    }
  });

  it('every masqueraded SYN has its MASQUERADE: 7 IPv4 and 2 IPv6 (the rule counters)', () => {
    const masq = traces.filter((t) => t.nat.some((n) => n.kind === 'masquerade'));
    expect(tally(masq, (t) => String(t.packet.ipVersion))).toEqual({ 4: 7, 6: 2 });
  });

  it('without a dump too', () => {
    const bare = replay('cap1-nft-monitor-trace.txt.gz').traces;
    expect(byId(bare, '22ff8221').nat.map((n) => `${n.kind} ${n.chain}`)).toEqual([
      'dnat KUBE-SEP-QQNLYXZJIPTW6GNP',
      'masquerade KUBE-POSTROUTING',
    ]);
  });
});

it('iptables-legacy, kernel log: every deciding rule its counter (README cap2)', () => {
  const traces = replay(
    'cap2-dmesg-W.txt.gz',
    'cap2-iptables-legacy-save-c.txt.gz',
    'cap2-ip6tables-legacy-save-c.txt.gz',
  ).traces;
  const t = tally(traces, (x) => decidedBy(x, (r) => r.position));
  expect(t).toMatchObject({
    'accept filter/KUBE-FORWARD 3': 161,
    'accept filter/KUBE-FORWARD 2': 10,
    'drop filter/FORWARD policy': 2,
    'accept filter/INPUT policy': 4,
    'accept filter/OUTPUT policy': 4,
  });
});

it('a pod reaching its own service without hairpin mode (cap0): the DNAT back to the sender is named first', () => {
  // Items 2, 3, 6 (first SYN) and 15 (both SYNs): DNATed to the pod that sent them, dropped by the bridge.
  const traces = replay('cap0-xtables-monitor.txt.gz', 'cap0-iptables-nft-save-c.txt.gz').traces;
  const back = traces.filter((t) => t.explanation.includes('(hairpin)'));
  expect(back.map((t) => t.id).sort()).toEqual(['03fb4f2a', '35ffdea8', '8319056a', 'ac6c494b', 'b258ddba']);
  expect(byId(traces, 'ac6c494b').explanation).toContain(
    ": the DNAT sends it back to its sender 10.52.0.13 (hairpin), which a bridge port drops unless hairpin mode is on (a CNI's hairpinMode), or the kernel dropped it on the way",
  );
});
