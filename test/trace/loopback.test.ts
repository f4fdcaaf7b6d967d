// A packet this host sends to itself crosses lo: out through output and postrouting, back in through prerouting and
// input, one skb. nft and xtables-monitor give the way back a new trace id and kernel-log lines carry none; it is
// still one trace (trace/loopback). Captures: test/fixtures/unseen24 (README.md: distinct packets per run).
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { replayText } from '../helpers/replay-text.js';

const { replay } = fixtureReplay('unseen24');

/** The hooks in path order, each once per visit. */
const hooks = (t: Trace): string[] => t.steps.map((s) => s.hook).filter((h, i, a) => i === 0 || a[i - 1] !== h);
const natOf = (t: Trace): string[] => t.nat.map((n) => `${n.kind} ${n.from} -> ${n.to} in ${n.hook} by ${n.chain}`);

describe('the pod captures: one trace per packet', () => {
  // README: hook traversals minus the packets received on lo (each was traced on its way out too).
  it.each([
    ['xt/pod-xtables-monitor.txt', 'xt/pod-iptables-nft-save.txt', 99 - 27, 27],
    ['xt/pod-nft-monitor-of-iptables-nft.txt', 'xt/pod-nft-a-list-ruleset.txt', 99 - 27, 27],
    ['nft/pod-nft-monitor.txt', 'nft/pod-nft-a-list-ruleset.txt', 96 - 26, 26],
    ['legacy/pod-dmesg.txt', 'legacy/pod-iptables-legacy-save.txt', 98 - 26, 26],
    ['legacy6/pod-dmesg.txt', 'legacy6/pod-ip6tables-legacy-save.txt', 54 - 14, 14],
    ['xt6/pod-nft-monitor-of-ip6tables-nft.txt', 'xt6/pod-nft-a-list-ruleset.txt', 55 - 14, 14],
  ])('%s with %s: %i traces, %i of them out and back in over lo', (capture, rules, count, lo) => {
    const traces = replay(capture, rules).traces;
    expect(traces).toHaveLength(count);
    const looped = traces.filter((t) => hooks(t)[0] === 'output' && hooks(t).includes('prerouting'));
    expect(looped).toHaveLength(lo);
    // Each goes output (postrouting) then prerouting, input, once: no two packets merged, none stopped at output.
    for (const t of looped)
      expect(['output,prerouting,input', 'output,postrouting,prerouting,input']).toContain(hooks(t).join(','));
    // No packet starts coming in on lo: its way out was traced (the trace rules match both ways).
    expect(traces.filter((t) => t.packet.iif === 'lo').map((t) => t.id)).toEqual([]);
    // Every lo packet is decided at input, by the filter rule that accepts lo.
    expect(looped.filter((t) => t.verdict.hook !== 'input' || t.verdict.action !== 'accept')).toEqual([]);
  });
});

describe('the REDIRECTed SYN (O1: 10.24.2.1:24511 -> 10.24.2.2:9000, to the proxy on 127.0.0.1:15001)', () => {
  it('xtables-monitor: the way back (107937ac) continues 19a1d177, with the REDIRECT', () => {
    const traces = replay('xt/pod-xtables-monitor.txt', 'xt/pod-iptables-nft-save.txt').traces;
    const t = traces.find((x) => x.id === '19a1d177')!;
    expect(traces.some((x) => x.id.startsWith('107937ac'))).toBe(false);
    expect(t.steps.map((s) => `${s.hook} ${s.table}/${s.chain} ${s.verdict}`)).toEqual([
      'output raw/OUTPUT continue',
      'output raw/OUTPUT accept',
      'output nat/OUTPUT jump',
      'output nat/ISTIO_OUTPUT jump',
      'output nat/ISTIO_REDIRECT accept',
      'output filter/OUTPUT accept',
      'postrouting nat/POSTROUTING accept',
      'prerouting raw/PREROUTING continue',
      'prerouting raw/PREROUTING accept',
      'input filter/INPUT accept',
    ]);
    expect(t.verdict).toMatchObject({ action: 'accept', hook: 'input', table: 'filter', chain: 'INPUT', by: 'rule' });
    expect(t.verdict.rule?.position).toBe(1);
    expect(natOf(t)).toEqual(['redirect 10.24.2.2:9000 -> 127.0.0.1:15001 in output by ISTIO_REDIRECT']);
    expect(t.explanation).toBe(
      'accepted by rule 1 of filter/INPUT (-A INPUT -i lo -j ACCEPT), after REDIRECT 10.24.2.2:9000 -> 127.0.0.1:15001 in output',
    );
    // The packet as it was sent, leaving by lo after the REDIRECT rerouted it (its route was rv24p1 before).
    expect(t.packet).toMatchObject({ src: '10.24.2.1', dst: '10.24.2.2', dport: 9000, oif: 'lo' });
    expect(t.packet.iif).toBeUndefined();
  });

  it('nft: one trace out and back in, the REDIRECT kept', () => {
    const traces = replay('nft/pod-nft-monitor.txt', 'nft/pod-nft-a-list-ruleset.txt').traces;
    const t = traces.find((x) => x.packet.sport === 24511 && x.packet.tcpFlags?.join() === 'SYN')!;
    expect(hooks(t)).toEqual(['output', 'prerouting', 'input']);
    expect(natOf(t)).toEqual(['redirect 10.24.2.2:9000 -> 127.0.0.1:15001 in output by istio_redirect']);
    expect(t.verdict).toMatchObject({ action: 'accept', hook: 'input', chain: 'input' });
    // No trace of its own for the way back (nat [] at prerouting, to 127.0.0.1:15001).
    expect(traces.filter((x) => x.packet.dst === '127.0.0.1' && x.packet.dport === 15001)).toEqual([]);
  });

  it('kernel log: the lines with IN=lo continue the trace that left on lo', () => {
    const traces = replay('legacy/pod-dmesg.txt', 'legacy/pod-iptables-legacy-save.txt').traces;
    const syn = traces.filter((x) => x.packet.sport === 24511 && x.packet.tcpFlags?.join() === 'SYN');
    expect(syn).toHaveLength(1);
    const t = syn[0]!;
    expect(hooks(t)).toEqual(['output', 'postrouting', 'prerouting', 'input']);
    expect(natOf(t)).toEqual(['redirect 10.24.2.2:9000 -> 127.0.0.1:15001 in output by ISTIO_REDIRECT']);
    expect(t.verdict).toMatchObject({ action: 'accept', hook: 'input', chain: 'INPUT' });
  });

  it("the proxy's answer: conntrack gives it the server's address back at postrouting, after the last chain", () => {
    const traces = replay('nft/pod-nft-monitor.txt', 'nft/pod-nft-a-list-ruleset.txt').traces;
    const t = traces.find((x) => x.packet.sport === 15001 && x.packet.tcpFlags?.join() === 'SYN,ACK')!;
    expect(hooks(t)).toEqual(['output', 'prerouting', 'input']);
    expect(natOf(t)).toEqual(['snat 127.0.0.1:15001 -> 10.24.2.2:9000 in postrouting by null']);
    expect(t.explanation).toContain("(conntrack reversing the connection's DNAT: this packet is a reply)");
  });
});

// Hand-written nft monitor lines, modelled on the capture: a table that traces both ways and drops at input.
const RULESET = `table inet t { # handle 1
	chain pre { # handle 1
		type filter hook prerouting priority raw; policy accept;
		meta nftrace set 1 # handle 3
	}

	chain out { # handle 2
		type filter hook output priority raw; policy accept;
		meta nftrace set 1 # handle 4
	}

	chain in { # handle 5
		type filter hook input priority filter; policy drop;
		tcp dport 22 accept # handle 6
	}
}
`;

const V4 = (id: number): string =>
  `ip saddr 127.0.0.1 ip daddr 127.0.0.1 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id ${id} ip protocol tcp ip length 60 tcp sport 40000 tcp dport 8080 tcp flags == syn tcp window 65495 `;
const V6 = `ip6 saddr ::1 ip6 daddr ::1 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 0 ip6 length 40 tcp sport 40000 tcp dport 8080 tcp flags == syn tcp window 65476 `;

/** The packet's way out under `id`. */
const out = (id: string, headers: string): string[] => [
  `trace id ${id} inet t out packet: oif "lo" ${headers}`,
  `trace id ${id} inet t out rule meta nftrace set 1 (verdict continue)`,
  `trace id ${id} inet t out policy accept `,
];
/** Its way back in under `id`, dropped by input's policy. */
const back = (id: string, headers: string, ll: string): string[] => [
  `trace id ${id} inet t pre packet: iif "lo" @ll,0,112 ${ll} ${headers}`,
  `trace id ${id} inet t pre rule meta nftrace set 1 (verdict continue)`,
  `trace id ${id} inet t pre policy accept `,
  `trace id ${id} inet t in packet: iif "lo" @ll,0,112 ${ll} ${headers}`,
  `trace id ${id} inet t in policy drop `,
];
const run = (lines: string[]): Trace[] => {
  const r = replayText(lines.join('\n') + '\n', { dumps: [RULESET] });
  expect(r.unparsed).toBe(0);
  return r.traces;
};

describe('hand-written: the way back dropped at input', () => {
  it('one trace, accepted at output, dropped by the input policy: the drop decides', () => {
    const traces = run([...out('0a000001', V4(4242)), ...back('0b000002', V4(4242), '0x800')]);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.id).toBe('0a000001');
    expect(hooks(t)).toEqual(['output', 'prerouting', 'input']);
    expect(t.verdict).toMatchObject({ action: 'drop', hook: 'input', table: 't', chain: 'in', by: 'policy' });
    expect(t.nat).toEqual([]);
  });

  it('a SYN and its retransmission (new IP id), each out and back: two traces, never one', () => {
    const traces = run([
      ...out('0a000001', V4(4242)),
      ...back('0b000002', V4(4242), '0x800'),
      ...out('0a000001', V4(4243)),
      ...back('0b000002', V4(4243), '0x800'),
    ]);
    expect(traces.map((t) => `${t.id} ${hooks(t).join(',')} ${t.verdict.action}`)).toEqual([
      '0a000001 output,prerouting,input drop',
      '0a000001#2 output,prerouting,input drop',
    ]);
  });

  it('the way back with another IP id than the one sent: not joined', () => {
    const traces = run([...out('0a000001', V4(4242)), ...back('0b000002', V4(4243), '0x800')]);
    expect(traces.map((t) => hooks(t).join(','))).toEqual(['output', 'prerouting,input']);
  });

  it('a packet that left on another interface: not joined, though the headers match', () => {
    const eth = (h: string): string =>
      h.replace('ip saddr 127.0.0.1 ip daddr 127.0.0.1', 'ip saddr 10.0.0.1 ip daddr 10.0.0.2');
    const traces = run([
      ...out('0a000001', eth(V4(4242))).map((l) => l.replace('oif "lo"', 'oif "eth0"')),
      ...back('0b000002', eth(V4(4242)), '0x800'),
    ]);
    expect(traces.map((t) => hooks(t).join(','))).toEqual(['output', 'prerouting,input']);
  });

  it('IPv6, two identical packets out (no IP id, flow label 0) before one comes back: unsure, not joined', () => {
    const traces = run([...out('0a000001', V6), ...out('0c000003', V6), ...back('0b000002', V6, '0x86dd')]);
    expect(traces.map((t) => hooks(t).join(','))).toEqual(['output', 'output', 'prerouting,input']);
  });

  it('IPv6, a packet out and right back: one trace (nothing came between)', () => {
    const traces = run([...out('0a000001', V6), ...back('0b000002', V6, '0x86dd')]);
    expect(traces.map((t) => `${hooks(t).join(',')} ${t.verdict.action}`)).toEqual(['output,prerouting,input drop']);
  });
});

describe('kernel log: a SYN over lo and its retransmission', () => {
  const line = (chain: string, id: number, dir: 'out' | 'in'): string =>
    `[100.000000] TRACE: ${chain} ${dir === 'out' ? 'IN= OUT=lo' : 'IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00'} SRC=127.0.0.1 DST=127.0.0.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=TCP SPT=40000 DPT=8080 SEQ=1000 ACK=0 WINDOW=65495 RES=0x00 SYN URGP=0 `;
  const sent = (id: number): string[] => [
    line('raw:OUTPUT:policy:1', id, 'out'),
    line('filter:OUTPUT:policy:1', id, 'out'),
    line('raw:PREROUTING:policy:1', id, 'in'),
    line('filter:INPUT:policy:1', id, 'in'),
  ];

  it('two packets (the same sequence number, a new IP id), each one trace out and back', () => {
    const r = replayText([...sent(7), ...sent(8)].join('\n') + '\n');
    expect(r.traces.map((t) => `${t.id} ${hooks(t).join(',')}`)).toEqual([
      'k1 output,prerouting,input',
      'k2 output,prerouting,input',
    ]);
  });
});
