// A three-zone firewall in the Shorewall style (zone-pair chains, dispatch by interface, logdrop/logreject with LOG
// prefixes, a TRACE rule in a raw user chain reached by goto) from a thirty-fifth review lab
// (test/fixtures/unseen35/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen35');

const KL = ['cap3-iptables-legacy-save-c.txt', 'cap3-ip6tables-legacy-save-c.txt'];

describe('one trace per packet (the rv35-do TRACE counters; the RST sent over lo is one)', () => {
  it.each([
    ['cap1-xtables-monitor.txt', ['cap1-iptables-nft-save-c.txt', 'cap1-ip6tables-nft-save-c.txt'], 125], // 124 + 1 cut
    ['cap2-nft-monitor-trace.txt', ['cap2-nft-list-ruleset.txt'], 145],
    ['cap3-dmesg-W.txt', KL, 152],
  ])('%s: %i traces, every step at a known hook', (capture, rules, n) => {
    const traces = replay(capture, ...rules).traces;
    expect(traces).toHaveLength(n);
    // The trace begins in raw/rv35-trc or rv35-do, user chains of raw: prerouting or output (was `unknown`).
    expect(traces.flatMap((t) => t.steps).filter((s) => s.hook === 'unknown')).toEqual([]);
  });
});

describe('kernel log: two IPv6 ACKs of one flow (same flow label, length and flags) are two traces', () => {
  it('each decided by its ESTABLISHED rule, not "no verdict seen" with a raw step in forward', () => {
    const traces = replay('cap3-dmesg-W.txt', ...KL).traces;
    expect(traces.filter((t) => t.verdict.action === 'unknown')).toEqual([]);
    const v6 = traces.filter((t) => t.packet.ipVersion === 6);
    expect(tally(v6, (t) => `${t.verdict.action} ${t.verdict.chain} ${t.verdict.rule?.position ?? 'policy'}`)).toEqual({
      'accept net-dmz 2': 1,
      'accept dmz-net 1': 4,
      'accept net-dmz 1': 3,
      'drop net-loc 3': 1,
      'accept loc-net 2': 1,
      'accept net-loc 1': 4,
      'accept loc-net 1': 3, // the kernel's counter: 3 (was 1)
      'accept AllowICMPs 9': 1,
      'accept OUTPUT policy': 4,
      'reject reject 1': 1,
      'accept AllowICMPs 7': 1,
      'accept AllowICMPs 8': 1,
    });
  });

  it('the cut-down reproduction: three packets, three accepts', () => {
    const traces = replay('repro-kernlog-v6-acks.txt', 'cap3-ip6tables-legacy-save-c.txt').traces;
    expect(
      traces.map((t) => [t.verdict.action, t.steps.every((s) => s.table !== 'raw' || s.hook === 'prerouting')]),
    ).toEqual([
      ['accept', true],
      ['accept', true],
      ['accept', true],
    ]);
  });
});

describe('the RST a REJECT in OUTPUT sends over lo, traced from a raw user chain, is one trace', () => {
  it.each([['repro-xtables-lo-rst.txt'], ['repro-nft-lo-rst.txt']])('%s', (capture) => {
    const traces = replay(capture, 'cap2-nft-list-ruleset.txt').traces;
    expect(traces).toHaveLength(1);
    expect(traces[0]!.steps.map((s) => s.hook)).toEqual(
      expect.arrayContaining(['output', 'postrouting', 'prerouting', 'input']),
    );
    expect(traces[0]!.verdict).toMatchObject({ action: 'accept', hook: 'input' });
  });
});
