// Fragments and path MTU, from a forty-first review lab (test/fixtures/unseen41/README.md): an nft trace chain at
// priority -500 sees fragments before conntrack reassembles them; the fragment that completes a datagram goes on,
// under its trace id, as the whole datagram.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen41');
const HELD = 'it is a fragment: conntrack holds fragments until their datagram is whole';

describe('one trace per packet (the trace rules’ counters)', () => {
  const xt = (d: string): string[] => [`${d}/iptables-save.txt`, `${d}/ip6tables-save.txt`];
  const legacy = (d: string): string[] => [`${d}/iptables-legacy-save.txt`, `${d}/ip6tables-legacy-save.txt`];
  it.each([
    ['legacy-udpfrag/kernlog.txt', 17, legacy('legacy-udpfrag')],
    ['legacy-tcppmtu/kernlog.txt', 37, legacy('legacy-tcppmtu')],
    ['legacy-notrack/kernlog.txt', 16, legacy('legacy-notrack')],
    ['iptnft-udpfrag/nft-monitor.txt', 14, xt('iptnft-udpfrag')], // the 15th left before the readers started
    ['iptnft-tcppmtu/nft-monitor.txt', 40, xt('iptnft-tcppmtu')],
    ['iptnft-notrack/nft-monitor.txt', 17, xt('iptnft-notrack')],
    ['iptnft-notrack/xtables-monitor.txt', 17, xt('iptnft-notrack')],
    ['nft-udpfrag/nft-monitor.txt', 26, ['nft-udpfrag/nft-list.txt']],
    ['nft-tcppmtu/nft-monitor.txt', 42, ['nft-tcppmtu/nft-list.txt']],
    ['nft-notrack/nft-monitor.txt', 18, ['nft-notrack/nft-list.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('a datagram reassembled under the trace id of its last fragment', () => {
  const traces = replay('nft-udpfrag/nft-monitor.txt', 'nft-udpfrag/nft-list.txt').traces;

  it('is the whole datagram, with no NAT (the fragment’s payload read as ports is no rewrite)', () => {
    const t = byId(traces, '77031d2f');
    expect(t.packet).toMatchObject({ src: '10.141.1.2', sport: 42271, dst: '10.141.2.2', dport: 5001, len: 4028 });
    expect(t.nat).toEqual([]);
    expect(t.explanation).toBe('accepted by rule 5 of rv41/forward_f (udp dport 5001 counter accept)');
  });

  it('the fragments held for it say so; packets that are no fragment keep the usual causes', () => {
    for (const id of ['1e670d2f', '71955897', '3424adeb', 'd1b0bfa9'])
      expect(byId(traces, id).explanation, id).toContain(HELD);
    // Fragments nft printed without their IPv6 header: nothing tells them apart.
    expect(byId(traces, 'c4aa634d').explanation).not.toContain(HELD);
    expect(traces.filter((t) => t.explanation.includes(HELD))).toHaveLength(4);
  });

  it('every deciding rule its counter', () => {
    const forward = traces.filter((t) => t.verdict.chain === 'forward_f');
    expect(tally(forward, (t) => decidedBy(t, (r) => r.handle))).toEqual({
      'accept rv41/forward_f 15': 1,
      'accept rv41/forward_f 16': 2,
      'drop rv41/forward_f policy': 1,
    });
  });
});

describe('fragments no reassembly holds (notrack before defragmentation)', () => {
  const traces = replay('nft-notrack/nft-monitor.txt', 'nft-notrack/nft-list.txt').traces;

  it('every deciding rule its counter', () => {
    const forward = traces.filter((t) => t.verdict.chain === 'forward_f');
    expect(tally(forward, (t) => decidedBy(t, (r) => r.handle))).toEqual({
      'drop rv41/forward_f 12': 4,
      'drop rv41/forward_f 14': 1,
      'accept rv41/forward_f 17': 2,
    });
  });

  it('an untracked fragment is not said to be held', () => {
    const t = byId(traces, '390def4d');
    expect(t.packet).toMatchObject({ ipVersion: 6, fragment: true });
    expect(t.packet.proto).toBeUndefined();
    expect(t.explanation).not.toContain(HELD);
    expect(t.explanation).toContain('too big for the next hop');
  });
});

describe('too big for the next hop: nft shows the start of the header the router’s ICMP error quotes', () => {
  const traces = replay('nft-tcppmtu/nft-monitor.txt', 'nft-tcppmtu/nft-list.txt').traces;

  it.each([
    ['010f8cc6', 'ICMP fragmentation needed (trace 65c4937f)'],
    ['440560fd', 'ICMP fragmentation needed (trace 4ff78ac4)'],
    ['c576df8e#2', 'ICMPv6 packet too big (trace 7f9f6968)'],
    ['0bb925f2', 'ICMPv6 packet too big (trace fc1aef42)'],
  ])('%s: %s', (id, error) => {
    const t = byId(traces, id);
    expect(t.verdict).toMatchObject({ action: 'drop', hook: 'prerouting', by: null });
    expect(t.explanation).toContain(
      `dropped by the kernel after prerouting, too big for the next hop: this host sent ${error}`,
    );
  });

  it('the error quotes a tcp packet, whose addresses nft does not show', () => {
    expect(byId(traces, '65c4937f').packet.inner).toEqual({ ipVersion: 4, proto: 'tcp', len: 7292, ipId: 37693 });
  });
});
