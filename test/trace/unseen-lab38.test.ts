// Two routing domains by policy routing (ip rule + tables; this kernel has no VRF device), a DNAT and a MASQUERADE
// between them, from a thirty-eighth review lab (test/fixtures/unseen38/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen38');

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    ['c1-trace.txt', ['c1-nft-ruleset.txt'], 53],
    ['c2-trace.txt', ['c2-nft-ruleset.txt'], 40], // xtables-monitor died at the 41st packet
    ['c3-trace.txt', ['c3-nft-ruleset.txt'], 55],
    ['c4-kern.txt', ['c4-iptables-save.txt', 'c4-ip6tables-save.txt'], 56],
  ])('%s: %i', (capture, rules, n) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });

  it('kernel log: every deciding rule its counter', () => {
    const traces = replay('c4-kern.txt', 'c4-iptables-save.txt', 'c4-ip6tables-save.txt').traces;
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual({
      'accept filter/FORWARD 1': 33,
      'drop filter/FORWARD policy': 5,
      'drop filter/FORWARD 4': 3,
      'drop filter/INPUT policy': 3,
      'drop filter/FORWARD 3': 2,
      'accept filter/FORWARD 2': 2,
      'accept filter/OUTPUT policy': 2,
      'accept filter/FORWARD 6': 1,
      'accept filter/FORWARD 5': 1,
      'accept filter/FORWARD 7': 1,
      'accept filter/INPUT 2': 1,
      'accept filter/FORWARD 3': 1,
      'accept filter/INPUT 4': 1,
    });
  });
});
