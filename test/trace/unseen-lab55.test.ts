// Conntrack's own decisions (INVALID after a flush, stray and out-of-window segments, UDP timeouts, NOTRACK, an ICMP
// error related to a flow and one to nothing) and a ping with no route, from a fifty-fifth review lab
// (test/fixtures/unseen55/README.md), in iptables-legacy, iptables-nft and native nft with `ct state vmap`.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { vmapEntry } from '../../src/explain/vmap.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen55');
const at = (t: Trace): string => decidedBy(t, (r) => r.position);

describe('one trace per packet (README: the trace rules’ counters)', () => {
  it.each([
    ['legacy.kernel-log.txt.gz', 76, ['legacy.iptables-legacy-save.txt']],
    ['iptnft.xtables-monitor.txt', 77, ['iptnft.iptables-save.txt']],
    ['iptnft.nft-monitor.txt.gz', 77, ['iptnft.nft-list.txt']],
    ['nft.nft-monitor.txt.gz', 78, ['nft.nft-list.txt']],
  ])('%s', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

it('iptables-legacy: every deciding rule as its counter, the ping with no route the kernel’s drop', () => {
  const traces = replay('legacy.kernel-log.txt.gz', 'legacy.iptables-legacy-save.txt').traces;
  expect(tally(traces, at)).toMatchObject({
    'accept filter/FORWARD 1': 44,
    'drop filter/FORWARD 3': 13,
    'accept filter/FORWARD 4': 1,
    'accept filter/FORWARD 5': 9,
    'accept filter/FORWARD 6': 3,
    'accept filter/FORWARD 7': 1,
    'drop filter/FORWARD policy': 3,
    'drop null/null null': 1,
  });
  // T17: 75 packets entered PREROUTING, 74 reached FORWARD; the router answered net unreachable.
  const t = byId(traces, 'k75');
  expect(t.verdict).toEqual({ action: 'drop', hook: 'prerouting', table: null, chain: null, by: null, rule: null });
  expect(t.explanation).toBe(
    'dropped by the kernel after prerouting, no route: this host sent ICMP destination unreachable (trace k76); netfilter had let it through: accepted by the ACCEPT policy of nat/PREROUTING',
  );
});

const MID_STREAM =
  'it belongs to no connection conntrack knows (the connection began before conntrack saw it or its entry was flushed or timed out, with nf_conntrack_tcp_loose 0; its other direction takes another path; or it is outside the TCP window)';

it('iptables-legacy: every INVALID drop says what INVALID most likely means for that packet', () => {
  const traces = replay('legacy.kernel-log.txt.gz', 'legacy.iptables-legacy-save.txt').traces;
  const invalid = traces.filter((t) => t.verdict.rule?.position === 3 && t.verdict.chain === 'FORWARD');
  expect(invalid).toHaveLength(13);
  // The stray ACK with nf_conntrack_tcp_loose 0, and an ICMP error about no connection.
  expect(byId(traces, 'k32').explanation).toBe(
    `dropped by rule 3 of filter/FORWARD (-A FORWARD -m conntrack --ctstate INVALID -j DROP); conntrack marked it INVALID: ${MID_STREAM}`,
  );
  expect(byId(traces, 'k68').explanation).toMatch(
    /; conntrack marked it INVALID: it is an ICMP error about no connection conntrack knows$/,
  );
  // The ICMP port unreachable about the masqueraded UDP flow from port 45001: conntrack undoes the source NAT.
  expect(byId(traces, 'k67').explanation).toBe(
    'accepted by rule 1 of filter/FORWARD (-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT), after DNAT 10.55.2.1 -> 10.55.1.2 in prerouting (conntrack reversing the source NAT of the connection this ICMP error is about)',
  );
  // The kernel log holds conntrack's own lines about four of them (nf_conntrack_log_invalid): their words are given.
  expect(
    ['k27', 'k28', 'k29', 'k38'].map((id) =>
      byId(traces, id).explanation.replace(/.*; conntrack marked it INVALID: /, ''),
    ),
  ).toEqual([
    'the kernel logged "invalid new" for it (nf_conntrack_log_invalid)',
    'the kernel logged "invalid tcp flag combination" for it (nf_conntrack_log_invalid)',
    'the kernel logged "invalid new" for it (nf_conntrack_log_invalid)',
    'the kernel logged "SEQ is over upper bound 2660187546 (over the window of the receiver)" for it (nf_conntrack_log_invalid)',
  ]);
  // Drops by other rules say nothing of the kind.
  expect(traces.filter((t) => t.explanation.includes('INVALID:'))).toHaveLength(13);
});

describe('native nft: a drop reached through `ct state vmap` names the entry that chose it', () => {
  it.each([
    [
      'with the ruleset',
      ['nft.nft-list.txt'],
      'dropped by rule 2 of filter/ctinvalid (counter drop), reached from FORWARD rule 1 (ct state invalid)',
    ],
    ['without', [], 'dropped by a rule of filter/ctinvalid (counter drop), reached from FORWARD (ct state invalid)'],
  ])('%s', (_, rules, explanation) => {
    const traces = replay('nft.nft-monitor.txt.gz', ...rules).traces;
    const invalid = traces.filter((t) => t.verdict.chain === 'ctinvalid');
    expect(invalid).toHaveLength(12);
    // A data segment after `conntrack -F` with nf_conntrack_tcp_loose 0: what INVALID most likely means.
    expect(byId(traces, 'e078c9e7').explanation).toBe(`${explanation}; conntrack marked it INVALID: ${MID_STREAM}`);
    for (const t of invalid) expect(t.explanation).toContain('; conntrack marked it INVALID: ');
    // The ping with no route: this host's net unreachable, which nft shows the start of.
    expect(byId(traces, '1d6c0c05').verdict).toMatchObject({ action: 'drop', hook: 'prerouting', by: null });
  });

  it('the entry of the verdict map: its keys for that verdict, after what the map looks up', () => {
    const rule = 'ct state vmap { established : accept, related : accept, invalid : jump ctinvalid, new : jump ctnew }';
    expect(vmapEntry(rule, 'jump ctinvalid')).toBe('ct state invalid');
    expect(vmapEntry(rule, 'accept')).toBe('ct state established, related');
    expect(vmapEntry(rule, 'jump other')).toBeNull();
    expect(vmapEntry('iifname "lan0" jump lan', 'jump lan')).toBeNull();
    expect(vmapEntry(null, 'jump lan')).toBeNull();
  });
});
