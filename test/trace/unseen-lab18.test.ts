// IPv6 first, from an eighteenth review lab (test/fixtures/unseen18/README.md): NAT66, ICMPv6 errors, fragments,
// dual stack, in iptables-legacy (kernel log), native nft and iptables-nft (nft monitor).
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';
import { replayText } from '../helpers/replay-text.js';

const { read, replay } = fixtureReplay('unseen18');

const byVersion = (traces: readonly Trace[]): Record<string, number> =>
  tally(traces, (t) => `${t.packet.ipVersion} ${decidedBy(t, (r) => r.position ?? r.handle)}`);

describe('iptables-legacy, kernel log, both dumps', () => {
  const traces = replay('legacy.dmesg.txt', 'legacy.ip6tables-save.txt', 'legacy.iptables-save.txt').traces;

  it('one trace per traced packet (ip6 27 + 9, ip 14 + 1), each decided as the counters say', () => {
    expect(traces).toHaveLength(51);
    expect(byVersion(traces)).toEqual({
      '6 accept filter/INPUT 3': 2,
      '6 accept filter/INPUT 6': 1,
      '6 accept filter/INPUT 7': 2,
      '6 accept filter/INPUT 8': 1,
      '6 reject filter/INPUT 9': 1,
      '6 accept filter/FORWARD 1': 10,
      '6 accept filter/FORWARD 4': 1,
      '6 accept filter/FORWARD 5': 1,
      '6 drop filter/LOG_AND_DROP 2': 2,
      '6 reject filter/FORWARD 7': 1,
      '6 reject filter/FORWARD 8': 1,
      '6 accept filter/FORWARD 9': 1,
      '6 drop filter/FORWARD policy': 1,
      '6 accept filter/OUTPUT policy': 9,
      // Too big for the next hop, hop limit expired: the kernel dropped them, the router's errors say so.
      '6 drop null/null null': 2,
      '4 accept filter/FORWARD 1': 10,
      '4 accept filter/FORWARD 2': 1,
      '4 accept filter/FORWARD 3': 1,
      '4 drop filter/LOG_AND_DROP 2': 1,
      '4 reject filter/FORWARD 5': 1,
      '4 accept filter/OUTPUT policy': 1,
    });
  });

  it('the too-big and hop-limit packets end in prerouting; the router’s ICMPv6 errors quote them', () => {
    const lost = traces.filter((t) => t.steps.at(-1)?.hook === 'prerouting' && t.verdict.action === 'drop');
    // The router's errors, traced right after them, name why: the kernel dropped them after netfilter let them by.
    expect(lost.map((t) => t.explanation)).toEqual([
      'dropped by the kernel after prerouting, too big for the next hop: this host sent ICMPv6 packet too big (trace k27); netfilter had let it through: accepted by the ACCEPT policy of nat/PREROUTING',
      'dropped by the kernel after prerouting, hop limit expired: this host sent ICMPv6 time exceeded (trace k29); netfilter had let it through: accepted by the ACCEPT policy of nat/PREROUTING',
    ]);
    for (const t of lost) expect(t.verdict).toMatchObject({ hook: 'prerouting', table: null, by: null, rule: null });
    const errors = traces.filter((t) => t.packet.proto === 'icmpv6' && t.packet.inner !== undefined);
    const about = (t: Trace): string => `${t.packet.icmpType} ${t.packet.inner?.src} > ${t.packet.inner?.dst}`;
    expect(errors.map(about)).toEqual(expect.arrayContaining(['2 fd18:1::2 > fd18:2::2', '3 fd18:1::2 > fd18:2::2']));
  });
});

it('kernel log without a ruleset: a chain’s `return:N` may be its unconditional -j DROP, and the sentence says so', () => {
  const traces = replay('legacy.dmesg.txt').traces;
  const logged = traces.filter((t) => t.steps.at(-1)?.chain === 'LOG_AND_DROP');
  expect(logged).toHaveLength(3);
  for (const t of logged) {
    expect(t.verdict.action).toBe('unknown');
    expect(t.explanation).toMatch(
      /a `return` line is the chain's end or an unconditional rule there \(-j DROP, -j ACCEPT, -j RETURN\): give the ruleset \(--rules ip6?tables-save output\) to decide$/,
    );
    expect(t.explanation).not.toContain('events were lost');
  }
});

describe('native nft (table inet rv18)', () => {
  it('one trace per packet in the file (40 + 16), as the counter deltas say', () => {
    const traces = replay('nft.trace.txt', 'nft.ruleset.txt').traces;
    expect(traces).toHaveLength(56);
    const t = byVersion(traces);
    expect(t['6 accept rv18/input 3']).toBe(11);
    expect(t['6 drop rv18/forward policy']).toBe(1);
    expect(t['6 drop null/null null']).toBe(2); // too big, hop limit: the kernel's drops after prerouting
  });

  it('without a ruleset, NAT is placed at the hook its chain’s name says (dstnat, srcnat), never an earlier one', () => {
    const traces = replay('nft.trace.txt').traces;
    const both = traces.find((t) => t.nat.length === 2);
    expect(both?.nat.map((n) => `${n.kind} ${n.hook}`)).toEqual(['dnat prerouting', 'masquerade postrouting']);
    const hooks = new Set(traces.flatMap((t) => t.nat.filter((n) => n.kind === 'masquerade').map((n) => n.hook)));
    expect([...hooks]).toEqual(['postrouting']);
  });

  it('a base chain whose name says no hook: its NAT is at an unknown hook, not the forward hook before it', () => {
    const renamed = read('nft.trace.txt').replaceAll(' rv18 srcnat ', ' rv18 snat_out ');
    const traces = replayText(renamed, {}).traces;
    const hooks = new Set(traces.flatMap((t) => t.nat.filter((n) => n.kind === 'masquerade').map((n) => n.hook)));
    expect([...hooks]).toEqual(['unknown']);
  });
});

it('iptables-nft read by nft monitor: 46 traces, every filter verdict by the handle the counters name', () => {
  const traces = replay('ipt-nft.trace.txt', 'ipt-nft.nft-ruleset.txt').traces;
  expect(traces).toHaveLength(46);
  expect(byVersion(traces)['6 accept filter/OUTPUT policy']).toBe(11);
});
