// Native nft features from a seventeenth review lab (test/fixtures/unseen17/README.md): netdev ingress, two filter
// chains on one hook, a bridge family table with and without br_netfilter, sets, meters, vmaps, goto, reject kinds.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen17');

const byHandle = (traces: readonly Trace[]): Record<string, number> =>
  tally(traces, (t) => decidedBy(t, (r) => r.handle));
const chains = (t: Trace | undefined): string => (t?.steps ?? []).map((s) => `${s.family}/${s.chain}`).join(' ');

it('netdev ingress and two forward chains (priority -10 accepts, +10 drops): decided as the counters say', () => {
  const traces = replay('A.trace', 'A.rules.nft').traces;
  expect(traces).toHaveLength(20);
  expect(byHandle(traces)).toEqual({
    'drop nd/ing 3': 2,
    'drop nd/ing 4': 1,
    'drop pr/late 7': 2,
    'drop pr/early policy': 4,
    'accept nd/ing policy': 3,
    'accept pr/late policy': 8,
  });
});

describe('a bridge family table: a packet its input passes up to the IP stack gets a new id there, one trace', () => {
  it.each([
    // B1: br_netfilter on, and a monitor started before the rules (`unknown rule handle N`).
    // 19 packets entered bridge prerouting; a neighbour solicitation the bridge flooded to the other port under a
    // new id is a trace of its own (it may meet another fate than the original).
    ['B1', 20, { 'drop f/fw 3': 2 }],
    ['B0', 23, {}],
  ] as const)('%s', (capture, packets, bridged) => {
    const traces = replay(`${capture}.trace`, `${capture}.rules.nft`).traces;
    expect(traces).toHaveLength(packets);
    const got = byHandle(traces);
    expect(got).toMatchObject({
      ...bridged,
      'drop br/fw 7': 2,
      'drop br/fw 8': 1,
      'drop br/in 9': 2,
      'reject f/fw 4': 1,
      'reject f/in 5': 1,
    });
    // Routed off the bridge (to 10.17.2.2:8003) and to the router itself (8004): rejected, not "accepted by br/in".
    const routed = traces.find((t) => t.packet.dport === 8003);
    expect(chains(routed)).toBe('bridge/pre bridge/pre bridge/in inet/fw');
    expect(routed?.verdict).toMatchObject({ action: 'reject', table: 'f', chain: 'fw' });
    const local = traces.find((t) => t.packet.dport === 8004);
    expect(chains(local)).toBe('bridge/pre bridge/pre bridge/in inet/in');
    expect(local?.verdict).toMatchObject({ action: 'reject', table: 'f', chain: 'in' });
  });

  it('without a ruleset too (hooks unknown): the IP stack after a bridge chain, same packet, goes on', () => {
    expect(replay('B0.trace').traces).toHaveLength(23);
    const traces = replay('B1.trace').traces;
    expect(chains(traces.find((t) => t.packet.dport === 8003))).toBe('bridge/pre bridge/pre bridge/in inet/fw');
    expect(chains(traces.find((t) => t.packet.dport === 8004))).toBe('bridge/pre bridge/pre bridge/in inet/in');
    // The flooded copy is a trace of its own here too: the same 20 traces as with the ruleset.
    expect(traces).toHaveLength(20);
  });
});

it('sets, meters, ct count, limits, helpers, vmaps, jump and goto, reject kinds: every deciding counter', () => {
  const traces = replay('C.trace', 'C.rules.nft').traces;
  expect(traces).toHaveLength(41);
  expect(byHandle(traces)).toEqual({
    'accept dyn/fw 22': 18,
    'accept dyn/fw 25': 1,
    'accept dyn/fw 26': 1,
    'accept dyn/fw 28': 3,
    'accept dyn/fw 29': 1,
    'accept dyn/fw 32': 1,
    'accept dyn/fw 36': 2,
    'accept dyn/fw 38': 1,
    'accept dyn/in policy': 1,
    'drop dyn/fw policy': 2,
    'drop dyn/web3 41': 2,
    'reject dyn/fw 27': 2,
    'reject dyn/fw 30': 2,
    'reject dyn/fw 35': 1,
    'reject dyn/in 42': 1,
    'reject dyn/tolocal 21': 2,
  });
  // The same with the JSON listing.
  expect(byHandle(replay('C.trace', 'C.rules.json').traces)).toEqual(byHandle(traces));
});

it('a goto the trace shows taken (mark vmap -> web2) ranks its chain’s rule first, its own conditions met', () => {
  const traces = replay('C.trace', 'C.rules.nft').traces;
  const dropped = traces.filter((t) => t.verdict.by === 'policy' && t.verdict.chain === 'fw');
  expect(dropped).toHaveLength(2);
  for (const t of dropped)
    expect(t.explanation).toMatch(
      /; closest: rule 10 would accept from 10\.17\.9\.9\/32 \(via web2 rule 1\), but this packet comes from 10\.17\.4\.2$/,
    );
});

it('a bridged packet (br_netfilter) keeps the bridge ports it was seen with, not the bridge device of later chains', () => {
  const t = replay('B1.trace', 'B1.rules.nft').traces.find((x) => x.id === 'e887630f')!;
  expect(t.packet).toMatchObject({ iif: 'b0', oif: 'b1' });
});
