// Two firewalls in one namespace (iptables-legacy and a native nft table deciding on the same packets) and a
// ruleset changed while the capture ran, from a fifty-third review lab (test/fixtures/unseen53/README.md). nft
// monitor trace and xtables-monitor show the nft table only: legacy's verdicts are not in their captures.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { replayText } from '../helpers/replay-text.js';
import { byId } from '../helpers/tally.js';

const { read, replay } = fixtureReplay('unseen53');

it('one trace per packet (the trace rules’ counters)', () => {
  expect(replay('p1-both.nft-monitor.txt').traces).toHaveLength(12);
  expect(replay('p2-change.nft-monitor.txt').traces).toHaveLength(19);
  expect(replay('p2-change.xtables-monitor.txt').traces).toHaveLength(19);
});

describe('packets legacy filter/FORWARD dropped between the nft table’s two forward chains (SYN to 83, a ping)', () => {
  it('with the nft dump: no verdict, short of the later chain', () => {
    const traces = replay('p1-both.nft-monitor.txt', 'p1-both.iptables-legacy-save.txt', 'p1-both.nft-list.txt').traces;
    for (const id of ['b69ed05b', '5e386991']) {
      expect(byId(traces, id).verdict.action).toBe('unknown');
      expect(byId(traces, id).explanation).toContain('short of rv53fw/late at forward');
    }
  });

  it('without a dump, chains named for forward: no verdict, short of the chain the other packets met next', () => {
    // The same capture with the chains named as hooks are (the lab's `early` and `late` name none, so without a
    // dump their hook is not known): fwd_filter at priority -10, filter_forward at +10.
    const text = read('p1-both.nft-monitor.txt')
      .replace(/ early /g, ' fwd_filter ')
      .replace(/ late /g, ' filter_forward ');
    const traces = replayText(text).traces;
    expect(traces).toHaveLength(12);
    for (const id of ['b69ed05b', '5e386991']) {
      const t = byId(traces, id);
      expect(t.verdict.action).toBe('unknown');
      expect(t.explanation).toBe(
        "no verdict seen: the trace ends at rv53fw/fwd_filter (policy accept), short of rv53fw/filter_forward at forward, which other packets met after it in this capture: a table nft monitor trace cannot show dropped it between them (iptables-legacy's), the kernel did, events were lost, or that chain was removed meanwhile",
      );
    }
    // The packets that got through, or that the nft chains dropped, keep their verdicts.
    expect(byId(traces, '5a94e8ff').verdict).toMatchObject({ action: 'drop', chain: 'fwd_filter' });
    expect(byId(traces, '6a7678a9').verdict).toMatchObject({ action: 'drop', chain: 'filter_forward' });
    expect(traces.filter((t) => t.verdict.action === 'accept')).toHaveLength(8);
  });
});

it('the DNAT a legacy nat rule made says that nft monitor trace cannot show such a rule', () => {
  const t = byId(replay('p1-both.nft-monitor.txt').traces, '0772a581');
  expect(t.explanation).toContain(
    "after DNAT 10.253.1.1:8000 -> 10.253.2.2:8080 (no nat rule the trace shows: an earlier SYN's mapping, a conntrack helper's expectation, or an iptables-legacy nat rule, which nft monitor trace cannot show)",
  );
});

it('a handle the replaced table gave to a plain counter rule is not the rule that accepted (xtables-monitor)', () => {
  // Phase 1's ACK, accepted by handle 6 (ct state established,related accept) of the table in force then; the final
  // dump's handle 6 is `counter`. Also xtables-monitor prints no text for native nft rules.
  const traces = replay(
    'p2-change.xtables-monitor.txt',
    'p2-change.iptables-legacy-save.txt',
    'p2-change.nft-list.txt',
  ).traces;
  expect(byId(traces, 'c5c53e24').verdict.rule).toMatchObject({ handle: 6, position: null, text: null });
  // With the dump of that phase, the rule is found.
  const then = replay('p2-change.xtables-monitor.txt', 'p2-change.after-1.nft-list.txt').traces;
  expect(byId(then, 'c5c53e24').verdict.rule).toMatchObject({
    handle: 6,
    text: 'ct state established,related counter accept',
  });
});
