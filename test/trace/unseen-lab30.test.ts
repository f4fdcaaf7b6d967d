// Packets rewritten without conntrack NAT (IPv6 prefix translation, nft payload `set` with notrack) next to a
// classic DNAT, from a thirtieth review lab (test/fixtures/unseen30/README.md).
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen30');

const nats = (t: Trace): string[] =>
  t.nat.map((n) => `${n.hook} ${n.kind} ${n.from} -> ${n.to} by ${n.chain}/${n.rule?.handle ?? n.rule?.position}`);

describe('kernel log: an IPv6 packet prefix-translated (DNPT, SNPT in mangle) is one trace', () => {
  const traces = replay('legacy-kernlog.txt', 'legacy-iptables-save.txt', 'legacy-ip6tables-save.txt').traces;

  it('51 traces for 51 packets, every one decided, FORWARD rule 4 its 7 replies', () => {
    expect(traces).toHaveLength(51);
    expect(traces.filter((t) => t.verdict.action === 'unknown')).toEqual([]);
    const v6 = tally(
      traces.filter((t) => t.packet.ipVersion === 6),
      (t) => decidedBy(t, (r) => r.position),
    );
    expect(v6).toEqual({
      'accept filter/FORWARD 1': 9,
      'accept filter/FORWARD 2': 6,
      'accept filter/FORWARD 3': 2,
      'accept filter/FORWARD 4': 7,
      'drop filter/FORWARD policy': 1,
    });
  });

  it('the translation is the DNPT rule’s, not a conntrack mapping (the packet is untracked)', () => {
    const syn = traces.find((t) => t.packet.ipVersion === 6 && t.nat[0]?.kind === 'dnat')!;
    expect(syn.packet.dst).toBe('fd30:9::2');
    expect(syn.nat[0]).toMatchObject({
      hook: 'prerouting',
      table: 'mangle',
      chain: 'PREROUTING',
      to: expect.stringContaining('fd30:2::7:0:0:2') as string,
    });
    expect(syn.explanation).not.toContain('existing conntrack mapping');
  });
});

describe('nft payload rewrites (`notrack ip daddr set ... tcp dport set ...`) are the rule’s', () => {
  const traces = replay('nft-trace.txt', 'nft-ruleset.txt').traces;

  it('63 traces, every verdict its counter', () => {
    expect(traces).toHaveLength(63);
    expect(tally(traces, (t) => decidedBy(t, (r) => r.handle))).toMatchObject({
      'accept filter/forward 2': 27,
      'accept filter/forward 4': 7,
      'accept filter/forward 6': 1,
      'accept filter/forward 7': 2,
      'accept filter/forward 8': 8,
      'accept filter/forward 9': 8,
      'accept filter/forward 10': 7,
      'drop filter/forward policy': 1,
    });
  });

  it('a rewrite in prerouting, shown on the rewriting chain’s own packet line, is tied to its rule', () => {
    const t = byId(traces, '8b375a67');
    expect(nats(t)).toEqual(['prerouting dnat 10.30.9.2:80 -> 10.30.2.2:8080 by pre/3']);
    expect(t.explanation).toMatch(/after DNAT 10\.30\.9\.2:80 -> 10\.30\.2\.2:8080 in prerouting$/);
  });

  it('the way back is rewritten in postrouting, by its rule', () => {
    expect(nats(byId(traces, '2b031dd0'))).toEqual(['postrouting snat 10.30.2.2:8080 -> 10.30.9.2:80 by post/17']);
  });

  it('a real DNAT connection’s reply is un-DNATed at postrouting (conntrack), not in forward', () => {
    const reply = byId(traces, '7782a2ff');
    expect(reply.nat).toMatchObject([{ hook: 'postrouting', kind: 'snat', rule: null }]);
    expect(reply.explanation).toContain(
      'in postrouting (existing conntrack mapping: a later packet of a source-NATed connection, or a reply to a DNATed one)',
    );
  });
});

it('NPT through iptables-nft (xt target DNPT in the nft listing): the translation is the rule’s', () => {
  const traces = replay('xt-trace2.txt', 'xt-nft-ruleset.txt').traces;
  expect(nats(byId(traces, 'aab3ce31'))).toEqual([
    'prerouting dnat [fd30:9::2]:8080 -> [fd30:2::7:0:0:2]:8080 by PREROUTING/6',
  ]);
  expect(nats(byId(traces, 'a33e6477'))).toEqual(['postrouting snat fd30:2::7:0:0:2 -> fd30:9::2 by POSTROUTING/8']);
});
