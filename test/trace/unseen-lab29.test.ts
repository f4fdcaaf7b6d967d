// Load balancing and NAT through maps (concatenations, numgen, jhash, a named map, SNAT through a map, ranges,
// redirect through a port map, IPv6) from a twenty-ninth review lab (test/fixtures/unseen29/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen29');

describe('native nft: 255 traced packets', () => {
  it.each(['nft-ruleset.txt', 'nft-ruleset.json'])(
    'with %s: one trace per packet, every verdict its counter',
    (dump) => {
      const traces = replay('nft-trace.txt', dump).traces;
      expect(traces).toHaveLength(255);
      expect(tally(traces, (t) => decidedBy(t, (r) => r.handle))).toEqual({
        'accept lb/forward 28': 168,
        'accept lb/forward 29': 6,
        'accept lb/forward 30': 5,
        'accept lb/forward 32': 11,
        'accept lb/forward 34': 6,
        'accept lb/forward 35': 3,
        'drop lb/forward policy': 4,
        'accept lb/input 37': 16,
        'accept lb/input 39': 4,
        'accept lb6/forward 7': 15,
        'accept lb6/forward 8': 2,
        'accept lb6/forward 10': 1,
        'drop lb6/forward policy': 1,
        'accept rvtrace/out policy': 13,
      });
    },
  );

  it.each([['nft-ruleset.txt'], ['nft-ruleset.json'], []])(
    'SNAT through a map keyed by the source gives the element’s address (rules: %s)',
    (...rules) => {
      const t = byId(replay('nft-trace.txt', ...rules).traces, '0886faf3');
      expect(t.nat).toMatchObject([{ kind: 'snat', from: '10.29.1.2:35012', to: '10.29.8.1' }]);
      expect(t.explanation).toContain('after SNAT 10.29.1.2:35012 -> 10.29.8.1 in postrouting');
    },
  );

  it('a DNAT through numgen, jhash or a concatenated map gives the backend the packet went to, with its rule', () => {
    const firsts = replay('nft-trace.txt', 'nft-ruleset.txt').traces.filter((t) => t.nat[0]?.rule != null);
    const byRule = tally(firsts, (t) => `${t.nat[0]!.kind} ${t.nat[0]!.rule!.handle}`);
    expect(byRule).toMatchObject({ 'dnat 12': 5, 'dnat 14': 15, 'dnat 16': 6, 'dnat 17': 3, 'snat 23': 2 });
    for (const t of firsts) expect(t.nat[0]!.to ?? '').not.toMatch(/map|numgen|jhash/);
  });
});

it('iptables-nft (statistic nth, DNAT and SNAT ranges): 139 traces, every verdict its counter', () => {
  const traces = replay('xt-trace.txt', 'xt-ruleset.txt').traces;
  expect(traces).toHaveLength(139);
  expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
    'accept filter/FORWARD 1': 110,
    'accept filter/FORWARD 2': 15,
    'accept filter/FORWARD 3': 1,
    'accept filter/FORWARD 4': 2,
    'drop filter/FORWARD 5': 3,
    'accept filter/INPUT 1': 3,
    'accept filter/INPUT 2': 1,
    'accept filter/OUTPUT policy': 4,
  });
});
