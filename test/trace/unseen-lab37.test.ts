// The ruleset changes while the capture runs (an insert, a delete, a full reload, a conntrack flush) from a
// thirty-seventh review lab (test/fixtures/unseen37/README.md). What replay warns is in test/app/ruleset-changed.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen37');

describe('one trace per packet, whatever the ruleset did meanwhile (no dump given)', () => {
  it.each([
    ['iptnft/nft-monitor-trace.txt.gz', 405],
    ['xtables/xtables-monitor-trace.txt.gz', 350],
    ['legacy/kernlog-trace.txt.gz', 403],
    ['nft/nft-monitor-trace.txt.gz', 401],
  ])('%s: %i', (capture, n) => {
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('after `conntrack -F`: the long-lived connection’s next packets, dropped by the FORWARD policy', () => {
  it('name the rule for established connections and why it did not take them', () => {
    const traces = replay(
      'legacy/kernlog-trace.txt.gz',
      'legacy/dump-E.iptables-save.txt',
      'legacy/dump-E.ip6tables-save.txt',
    ).traces;
    const after = traces.filter((t) => t.packet.dport === 7000 && t.verdict.action === 'drop');
    expect(after.length).toBeGreaterThan(0);
    for (const t of after)
      expect(t.explanation).toBe(
        'dropped by the DROP policy of filter/FORWARD: no rule accepted it; closest: rule 2 accepts ct state RELATED,ESTABLISHED, but did not take this packet: conntrack had no entry for its connection (flushed, timed out, or its first packets took another path)',
      );
  });
});
