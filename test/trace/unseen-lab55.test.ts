// Conntrack's own decisions (INVALID after a flush, stray and out-of-window segments, UDP timeouts, NOTRACK, an ICMP
// error related to a flow and one to nothing) and a ping with no route, from a fifty-fifth review lab
// (test/fixtures/unseen55/README.md), in iptables-legacy, iptables-nft and native nft with `ct state vmap`.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { vmapEntry } from '../../src/trace/explain.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen55');
const at = (t: Trace): string => decidedBy(t, (r) => r.position);

describe('one trace per packet (README: the trace rules’ counters)', () => {
  it.each([
    ['legacy.kernel-log.txt.gz', 76, ['legacy.iptables-legacy-save.txt']],
    ['iptnft.xtables-monitor.txt', 77, ['iptnft.iptables-save.txt']],
    ['iptnft.nft-monitor.txt.gz', 77, ['iptnft.nft-list.txt']],
    ['nft.nft-monitor.txt.gz', 78, ['nft.nft-list.txt']],
  ])('%s', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

it('iptables-legacy: every deciding rule as its counter, the ping with no route the kernel’s drop', () => {
  const traces = replay('legacy.kernel-log.txt.gz', 'legacy.iptables-legacy-save.txt').traces;
  expect(tally(traces, at)).toMatchObject({
    'accept filter/FORWARD 1': 44,
    'drop filter/FORWARD 3': 13,
    'accept filter/FORWARD 4': 1,
    'accept filter/FORWARD 5': 9,
    'accept filter/FORWARD 6': 3,
    'accept filter/FORWARD 7': 1,
    'drop filter/FORWARD policy': 3,
    'drop null/null null': 1,
  });
  // T17: 75 packets entered PREROUTING, 74 reached FORWARD; the router answered net unreachable.
  const t = byId(traces, 'k75');
  expect(t.verdict).toEqual({ action: 'drop', hook: 'prerouting', table: null, chain: null, by: null, rule: null });
  expect(t.explanation).toBe(
    'dropped by the kernel after prerouting, no route: this host sent ICMP destination unreachable (trace k76); netfilter had let it through: accepted by the ACCEPT policy of nat/PREROUTING',
  );
});

describe('native nft: a drop reached through `ct state vmap` names the entry that chose it', () => {
  it.each([
    [
      'with the ruleset',
      ['nft.nft-list.txt'],
      'dropped by rule 2 of filter/ctinvalid (counter drop), reached from FORWARD rule 1 (ct state invalid)',
    ],
    ['without', [], 'dropped by a rule of filter/ctinvalid (counter drop), reached from FORWARD (ct state invalid)'],
  ])('%s', (_, rules, explanation) => {
    const traces = replay('nft.nft-monitor.txt.gz', ...rules).traces;
    const invalid = traces.filter((t) => t.verdict.chain === 'ctinvalid');
    expect(invalid).toHaveLength(12);
    expect(byId(traces, 'e078c9e7').explanation).toBe(explanation);
    // The ping with no route: this host's net unreachable, which nft shows the start of.
    expect(byId(traces, '1d6c0c05').verdict).toMatchObject({ action: 'drop', hook: 'prerouting', by: null });
  });

  it('the entry of the verdict map: its keys for that verdict, after what the map looks up', () => {
    const rule = 'ct state vmap { established : accept, related : accept, invalid : jump ctinvalid, new : jump ctnew }';
    expect(vmapEntry(rule, 'jump ctinvalid')).toBe('ct state invalid');
    expect(vmapEntry(rule, 'accept')).toBe('ct state established, related');
    expect(vmapEntry(rule, 'jump other')).toBeNull();
    expect(vmapEntry('iifname "lan0" jump lan', 'jump lan')).toBeNull();
    expect(vmapEntry(null, 'jump lan')).toBeNull();
  });
});
