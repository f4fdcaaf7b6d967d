// Packets queued, copied (TEE, nft dup) and mapped 1:1 (NETMAP, nft prefix NAT), over macvlans, from a
// twenty-fifth review lab (test/fixtures/unseen25/README.md).
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen25');

const byId = (traces: readonly Trace[], id: string): Trace => {
  const t = traces.find((x) => x.id === id);
  if (!t) throw new Error(`no trace ${id}`);
  return t;
};
const nats = (t: Trace): string[] =>
  t.nat.map((n) => `${n.hook} ${n.kind} ${n.from} -> ${n.to} by ${n.rule?.handle ?? n.rule?.position ?? null}`);

describe('one trace per packet, copies included (a copy the kernel sends meets output and postrouting)', () => {
  it.each([
    ['xt-capture.txt', 'xt-iptables-save.txt', 12],
    ['xt2-capture.txt', 'xt2-iptables-save.txt', 15],
    ['xt2-nftmon-capture.txt', 'xt2-nft-list.txt', 15],
    ['nft-capture.txt', 'nft-ruleset.txt', 8],
    ['nft2-capture.txt', 'nft2-ruleset.txt', 11],
    ['legacy-capture.txt', 'legacy-iptables-save.txt', 15],
  ])('%s: %i traces', (capture, rules, count) => {
    expect(replay(capture, rules).traces).toHaveLength(count);
  });

  it('kernel log: a TEE copy logged between its original lines is its own trace, and the original keeps its lines', () => {
    const traces = replay('legacy-capture.txt', 'legacy-iptables-save.txt').traces;
    const copies = traces.filter((t) => t.steps[0]?.hook === 'output');
    expect(copies).toHaveLength(3);
    for (const copy of copies) {
      expect(copy.packet.iif).toBeFalsy();
      expect(copy.steps.map((s) => `${s.table}/${s.chain}`)).toEqual([
        'raw/OUTPUT',
        'mangle/OUTPUT',
        'filter/OUTPUT',
        'mangle/POSTROUTING',
      ]);
    }
    // Each echo request goes raw PREROUTING -> the TEE rule -> mangle's policy -> ... -> FORWARD rule 4.
    const requests = traces.filter((t) => t.verdict.rule?.position === 4);
    expect(requests).toHaveLength(3);
    for (const t of requests) {
      expect(t.steps.slice(0, 3).map((s) => `${s.table}/${s.chain} ${s.kind}`)).toEqual([
        'raw/PREROUTING policy',
        'mangle/PREROUTING rule',
        'mangle/PREROUTING policy',
      ]);
      expect(t.packet.iif).toBe('r0');
    }
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
      'accept filter/FORWARD 1': 2,
      'queue filter/FORWARD 2': 1,
      'accept filter/FORWARD 3': 2,
      'queue filter/FORWARD 3': 1,
      'accept filter/FORWARD 4': 3,
      'accept filter/FORWARD 5': 3,
      'accept filter/OUTPUT 1': 3,
    });
  });
});

describe('NETMAP and nft prefix NAT: the address mapped to, on the right side, by the rule that did it', () => {
  it('nft `snat ip prefix to ip saddr map {...}`: the server saw 10.25.9.2', () => {
    const traces = replay('nft2-capture.txt', 'nft2-ruleset.txt').traces;
    const first = byId(traces, 'fc3aad0d');
    expect(nats(first)).toEqual([
      'prerouting dnat 10.25.8.2 -> 10.25.2.2 by 4',
      'postrouting snat 10.25.1.2 -> 10.25.9.2 by 6',
    ]);
    expect(first.explanation).toContain('SNAT 10.25.1.2 -> 10.25.9.2 in postrouting');
    expect(nats(byId(traces, '6d3c3209'))).toEqual(['postrouting snat 10.25.1.2:51063 -> 10.25.9.2:51063 by 6']);
  });

  it('iptables NETMAP, with iptables-save and without any ruleset (the rule text xtables-monitor prints)', () => {
    for (const rules of [['xt-iptables-save.txt'], []]) {
      const traces = replay('xt-capture.txt', ...rules).traces;
      const first = byId(traces, '26b0f126');
      expect(first.nat.map((n) => `${n.hook} ${n.kind} ${n.from} -> ${n.to}`)).toEqual([
        'prerouting dnat 10.25.8.2 -> 10.25.2.2',
        'postrouting snat 10.25.1.2 -> 10.25.9.2',
      ]);
      expect(first.nat.every((n) => n.rule !== null)).toBe(true);
      expect(byId(traces, 'd32566d7').nat.map((n) => n.to)).toEqual(['10.25.9.2:43008']);
    }
  });

  it('`xt target NETMAP` in an nft listing: a DNAT in prerouting (with its rule), an SNAT of unknown target after', () => {
    const t = byId(replay('xt2-nftmon-capture.txt', 'xt2-nft-list.txt').traces, 'aae5970f');
    expect(nats(t)).toEqual(['prerouting dnat 10.25.8.2 -> 10.25.2.2 by 2', 'postrouting snat 10.25.1.2 -> null by 4']);
    expect(t.explanation).toContain('SNAT 10.25.1.2 -> an address the trace does not show in postrouting');
  });

  it('xtables-monitor with an nft listing (`xt target NETMAP`, no target): the monitor’s own text gives it', () => {
    const t = byId(replay('xt2-capture.txt', 'xt2-nft-list.txt').traces, 'aae5970f');
    expect(t.nat.map((n) => `${n.hook} ${n.kind} ${n.to}`)).toEqual([
      'prerouting dnat 10.25.2.2',
      'postrouting snat 10.25.9.2',
    ]);
  });

  it('kernel log: NETMAP on both sides', () => {
    const traces = replay('legacy-capture.txt', 'legacy-iptables-save.txt').traces;
    const first = traces.find((t) => t.nat.length === 2)!;
    expect(first.nat.map((n) => `${n.hook} ${n.kind} ${n.from} -> ${n.to}`)).toEqual([
      'prerouting dnat 10.25.8.2 -> 10.25.2.2',
      'postrouting snat 10.25.1.2 -> 10.25.9.2',
    ]);
  });
});

describe('queues: the explanation follows the rule’s bypass flag', () => {
  const traces = replay('xt-capture.txt', 'xt-iptables-save.txt').traces;
  const queued = (port: number, action: string): string[] =>
    traces.filter((t) => t.packet.dport === port && t.verdict.action === action).map((t) => t.explanation);

  it('a bypass queue with no listener let the datagrams through', () => {
    expect(queued(7001, 'accept')).toHaveLength(2);
    for (const e of queued(7001, 'accept'))
      expect(e).toContain('and let through: no listener on its queue, or the listener accepted it');
  });

  it('a queue without bypass: only its listener can have let it through; a trace that ends there was not', () => {
    expect(queued(7005, 'accept')).toHaveLength(2);
    for (const e of queued(7005, 'accept')) expect(e).toContain('and let through: the listener accepted it');
    expect(queued(7005, 'queue')).toEqual([
      expect.stringMatching(/and not seen again: its listener dropped or kept it, or nothing listens$/),
    ]);
    expect(queued(7002, 'queue')).toHaveLength(1);
  });
});
