// An Istio-style sidecar pod (REDIRECT in and out, owner exemptions, OUTPUT DNAT), TPROXY and local traffic, from a
// twenty-fourth review lab (test/fixtures/unseen24/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen24');

describe('kernel log: a later packet of a connection DNATed in output is one trace', () => {
  // Conntrack applies the mapping between raw and filter OUTPUT: the destination changes with no nat chain between.
  // One trace per packet: a packet over lo (26 IPv4, 14 IPv6) is one trace, out and back in (test/trace/loopback).
  it.each([
    ['legacy/pod-dmesg.txt', 'legacy/pod-iptables-legacy-save.txt', 72],
    ['legacy6/pod-dmesg.txt', 'legacy6/pod-ip6tables-legacy-save.txt', 40],
  ])('%s with %s: %i traces, every one decided', (capture, rules, count) => {
    const traces = replay(capture, rules).traces;
    expect(traces).toHaveLength(count);
    expect(traces.filter((t) => t.verdict.action === 'unknown')).toEqual([]);
    // Every trace starts in the raw table: none lost its first lines to another.
    expect(traces.filter((t) => t.steps[0]?.table !== 'raw').map((t) => t.id)).toEqual([]);
  });

  it('the ACK after the REDIRECT to the proxy: raw then filter OUTPUT, the existing mapping between', () => {
    const t = replay('legacy/pod-dmesg.txt', 'legacy/pod-iptables-legacy-save.txt').traces.find((x) => x.id === 'k21')!;
    expect(t.steps.map((s) => `${s.table}/${s.chain}`)).toEqual([
      'raw/OUTPUT',
      'filter/OUTPUT',
      'raw/PREROUTING',
      'raw/PREROUTING',
      'filter/INPUT',
    ]);
    expect(t.explanation).toBe(
      'accepted by rule 1 of filter/INPUT (-A INPUT -i lo -j ACCEPT), after DNAT 10.24.2.2:9000 -> 127.0.0.1:15001 in output (existing conntrack mapping: a later packet of a DNATed connection, or a reply to a source-NATed one)',
    );
  });

  // The counters count hook traversals: a packet over lo is also in OUTPUT's policy (26), decided at INPUT.
  it('the verdicts equal the counters, one per packet', () => {
    const traces = replay('legacy/pod-dmesg.txt', 'legacy/pod-iptables-legacy-save.txt').traces;
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
      'accept filter/INPUT 1': 26,
      'accept filter/INPUT 2': 18,
      'accept filter/INPUT 3': 2,
      'drop filter/INPUT policy': 2,
      'accept filter/OUTPUT policy': 48 - 26,
      'reject filter/OUTPUT 1': 1,
      'reject filter/OUTPUT 2': 1,
    });
  });
});

// As above: the 27 packets over lo are decided at INPUT.
it('xtables-monitor: the pod’s verdicts equal the counters, one per packet', () => {
  const traces = replay('xt/pod-xtables-monitor.txt', 'xt/pod-iptables-nft-save.txt').traces;
  expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
    'accept filter/INPUT 1': 27,
    'accept filter/INPUT 2': 19,
    'accept filter/INPUT 3': 2,
    'drop filter/INPUT policy': 2,
    'accept filter/OUTPUT policy': 47 - 27,
    'reject filter/OUTPUT 1': 1,
    'reject filter/OUTPUT 2': 1,
  });
});

describe('TPROXY diverts a packet to a local socket without rewriting it: the explanation says so', () => {
  it.each([
    ['xt/srv-xtables-monitor.txt', 'xt/srv-iptables-nft-save.txt', '8453bb5a', 'mangle/PREROUTING rule 2'],
    ['nft/srv-nft-monitor.txt', 'nft/srv-nft-a-list-ruleset.txt', '378d8869', 'tp/prerouting rule 2'],
    ['legacy/srv-dmesg.txt', 'legacy/srv-iptables-legacy-save.txt', 'k18', 'mangle/PREROUTING rule 2'],
  ])('%s', (capture, rules, id, by) => {
    const t = replay(capture, rules).traces.find((x) => x.id === id)!;
    expect(t.verdict.action).toBe('accept');
    expect(t.nat).toEqual([]);
    expect(t.explanation).toMatch(new RegExp(`, after TPROXY to :15099 in prerouting \\(${by}\\), to a local socket$`));
  });
});

it('a packet REDIRECTed in output to a local proxy leaves by lo: its out-interface is the last one seen', () => {
  const t = replay('xt/pod-xtables-monitor.txt', 'xt/pod-iptables-nft-save.txt').traces.find(
    (x) => x.id === '19a1d177',
  )!;
  expect(t.packet).toMatchObject({ dst: '10.24.2.2', dport: 9000, oif: 'lo' });
  expect(t.packet.iif).toBeFalsy();
});

it('xtables-monitor’s `-j REDIRECT` without its `--to-ports` (IPv6) is found in the dump, and named as the dump writes it', () => {
  const traces = replay('xt6/pod-xtables-monitor.txt', 'xt6/pod-ip6tables-nft-save.txt').traces;
  const step = traces.flatMap((t) => t.steps).find((s) => s.chain === 'ISTIO_IN_REDIRECT')!;
  expect(step.rule).toMatchObject({ position: 1, text: '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006' });
});
