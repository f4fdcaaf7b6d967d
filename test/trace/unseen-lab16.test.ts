// Marks, policy routing, ipsets and raw-table rules from a sixteenth review lab (test/fixtures/unseen16/README.md):
// iptables-legacy (kernel log), iptables-nft (xtables-monitor and nft monitor at once) and native nft.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { UNROUTED_LEAD } from '../../src/trace/expected-chains.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen16');

const decided = (t: Trace): string => decidedBy(t, (r) => r.position ?? `#${r.handle}`);
/** The counters of FORWARD and raw PREROUTING, the same in both iptables dialects but for the ESTABLISHED rule. */
const FORWARD = (established: number): Record<string, number> => ({
  'accept filter/FORWARD 1': established,
  'accept filter/FORWARD 3': 1,
  'accept filter/FORWARD 4': 5,
  'accept filter/FORWARD 5': 2,
  'accept filter/FORWARD 6': 1,
  'accept filter/FORWARD 9': 1,
  'reject filter/FORWARD 10': 1,
  'drop filter/FORWARD policy': 4,
  'drop raw/PREROUTING 4': 2,
});
/**
 * The two marked SYNs routed into a blackhole, and the ping too big for the next hop (DF): netfilter let them
 * through; the ping, answered with the error this host sent, is the kernel's drop.
 */
const unrouted = (traces: readonly Trace[]): Trace[] =>
  traces.filter(
    (t) =>
      t.steps.at(-1)?.hook === 'prerouting' &&
      (t.verdict.action === 'accept' || (t.verdict.action === 'drop' && t.verdict.by === null)) &&
      t.packet.ipVersion === 4,
  );
/** The ping too big for server 1's link, named by the error this host sent (nft shows the header it quotes). */
const TOO_BIG =
  /^dropped by the kernel after prerouting, too big for the next hop: this host sent ICMP fragmentation needed \(trace \w+\); netfilter had let it through: accepted by the ACCEPT policy of [\w/]+$/;
const ROUTING =
  'the kernel dropped it on the way (rp_filter, no route, forwarding off, TTL expired, too big for the next hop), or events were lost';

describe('iptables-legacy, kernel log', () => {
  const traces = replay('legacy-dmesg.txt', 'legacy-iptables-save-c.txt').traces;

  it('one trace per traced packet (54 + 2), each decided as the counters say', () => {
    expect(traces).toHaveLength(56);
    expect(tally(traces, decided)).toEqual({
      ...FORWARD(34),
      'accept nat/PREROUTING policy': 2,
      // The ping too big for the next hop: the kernel dropped it, this host answered (k41).
      'drop null/null null': 1,
      'accept filter/OUTPUT policy': 2,
    });
  });

  it("the host's own RST and ICMP error are let out by filter/OUTPUT's policy, not a later nat or mangle one", () => {
    const local = traces.filter((t) => t.steps[0]?.hook === 'output');
    expect(local.map((t) => t.explanation)).toEqual([
      'accepted by the ACCEPT policy of filter/OUTPUT',
      'accepted by the ACCEPT policy of filter/OUTPUT',
    ]);
  });

  it('packets routing dropped: every built-in chain of a legacy table exists, so INPUT counts though empty', () => {
    const dropped = unrouted(traces);
    expect(dropped.map((t) => `${t.packet.dst} ${t.packet.proto}`)).toEqual([
      '10.16.9.10 tcp',
      '10.16.9.10 tcp',
      '10.16.2.2 icmp',
    ]);
    const lead = `accepted by the ACCEPT policy of nat/PREROUTING${UNROUTED_LEAD}input and forward have chains (filter/INPUT, nat/INPUT, mangle/INPUT, filter/FORWARD, mangle/FORWARD): `;
    // The blackhole route drops silently; the ping too big for the next hop was answered by the router (k41).
    expect(dropped.map((t) => t.explanation)).toEqual([
      `${lead}${ROUTING}`,
      `${lead}${ROUTING}`,
      'dropped by the kernel after prerouting, too big for the next hop: this host sent ICMP fragmentation needed (trace k41); netfilter had let it through: accepted by the ACCEPT policy of nat/PREROUTING',
    ]);
  });

  it('a rule for another protocol misses once: its ICMP type is not a second failure against TCP', () => {
    const miss = traces
      .flatMap((t) => t.why?.nearMisses ?? [])
      .find((n) => n.rule.text?.includes('--icmp-type 8') === true && n.failed.some((f) => f.got === 'tcp'));
    expect(miss?.failed).toEqual([{ field: 'proto', want: 'icmp', got: 'tcp' }]);
    expect(miss?.text).toMatch(
      /would accept icmp type echo-request to 10\.16\.2\.1-10\.16\.2\.10, but this packet is tcp$/,
    );
  });
});

describe('iptables-nft: xtables-monitor and nft monitor tell the same', () => {
  it.each([
    ['xtables-monitor with iptables-save', 'ipt-nft-xtables-monitor.txt', 'ipt-nft-iptables-save-c.txt', 0],
    ['nft monitor with nft list ruleset', 'ipt-nft-nft-monitor.txt', 'ipt-nft-nft-list-ruleset.txt', 1],
  ])('%s', (_, capture, rules, linked) => {
    const traces = replay(capture, rules).traces;
    expect(traces).toHaveLength(55);
    // No filter OUTPUT chain exists (iptables-nft makes chains lazily): the host's RST and ICMP error meet raw/nat only.
    expect(tally(traces, decided)).toEqual({
      ...FORWARD(33),
      'accept nat/PREROUTING policy': 3 - linked,
      ...(linked === 1 ? { 'drop null/null null': 1 } : {}),
      'accept nat/POSTROUTING policy': 1,
      'accept raw/OUTPUT policy': 1,
    });
    // An INPUT listed with no rule may not exist: the packet may also have been for this host. The ping too big
    // for server 1's link (T11) is named by the frag-needed this host sent, whose quoted header nft shows.
    const generic = `accepted by the ACCEPT policy of nat/PREROUTING${UNROUTED_LEAD}forward has chains (filter/FORWARD): it was for this host (no chain hooks input), or ${ROUTING}`;
    expect(unrouted(traces)).toHaveLength(3);
    expect(unrouted(traces).filter((t) => t.explanation === generic)).toHaveLength(3 - linked);
    expect(unrouted(traces).filter((t) => TOO_BIG.test(t.explanation))).toHaveLength(linked);
  });
});

describe('native nft, one inet table', () => {
  const traces = replay('native-nft-nft-monitor.txt', 'native-nft-nft-list-ruleset.txt').traces;
  const byHandle = (t: Trace): string =>
    `${t.verdict.action} ${t.verdict.chain} ${t.verdict.by === 'policy' ? 'policy' : t.verdict.rule?.handle}`;

  it('one trace per traced packet (67 + 19), every deciding rule as its counter', () => {
    expect(traces).toHaveLength(86);
    expect(tally(traces, byHandle)).toEqual({
      'accept forward 24': 33,
      'accept forward 26': 1,
      'accept forward 27': 5,
      'accept forward 29': 2,
      'accept forward 30': 1,
      'accept forward 32': 1,
      'reject forward 33': 1,
      'drop forward policy': 4,
      'drop raw_pre 15': 2,
      // Prerouting only: 3 routing drops (the one answered too big is the kernel's drop), 14 IPv6 neighbour
      // discovery / MLD packets for the router.
      'accept raw_pre policy': 16,
      'drop null undefined': 1,
      'accept trace_out policy': 19,
    });
  });

  it('without a ruleset, names tell the nat chains (snat_post, dnat_pre, mangle_pre): the same deciding chains', () => {
    const where = (t: Trace): string => `${t.id} ${t.verdict.action} ${t.verdict.chain} ${t.verdict.by}`;
    expect(replay('native-nft-nft-monitor.txt').traces.map(where)).toEqual(traces.map(where));
  });

  it('no input chain: a packet not seen after prerouting may have been for this host; multicast surely was', () => {
    expect(unrouted(traces)).toHaveLength(3);
    const generic = `accepted by the ACCEPT policy of rv16/raw_pre${UNROUTED_LEAD}forward has chains (rv16/forward): it was for this host (no chain hooks input), or ${ROUTING}`;
    expect(unrouted(traces).filter((t) => t.explanation === generic)).toHaveLength(2);
    expect(unrouted(traces).filter((t) => TOO_BIG.test(t.explanation))).toHaveLength(1);
    const multicast = traces.filter(
      (t) => t.packet.dst?.startsWith('ff02:') === true && t.steps[0]?.hook === 'prerouting',
    );
    expect(multicast.length).toBeGreaterThan(10);
    for (const t of multicast) expect(t.explanation).toBe('accepted by the ACCEPT policy of rv16/raw_pre');
  });
});
