// A small-office router with a hand-written native nft ruleset whose base chains are named freely (`pre`,
// `inbound`, `fwd_main`, `out`, `post`; `PRE`, `in_filter`, `FWD_filter`, `OUT`, `nat_post`) from a thirty-third
// review lab (test/fixtures/unseen33/README.md): replayed with its dumps and without any.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen33');

/** v1's deciding rules (positions) with their kernel counters (compare-v1.txt; `out` policy 17 - 1, see below). */
const V1 = {
  'accept office/ct_ok 1': 57,
  'accept office/out policy': 16,
  'accept office/inbound 1': 11,
  'drop office/fwd_main policy': 7,
  'drop office/inbound policy': 5,
  'drop office/from_wan 3': 5,
  'accept office/from_lan 1': 4,
  'accept office/inbound 3': 4,
  'drop office/inbound 6': 2,
  'reject office/from_lan 3': 1,
  'accept office/from_lan 2': 1,
  'accept office/from_wan 1': 1,
  'accept office/inbound 5': 1,
  'accept office/from_lan 4': 1,
  'accept office/from_lan 5': 1,
  'accept office/from_lan 6': 1,
  'reject office/out 1': 1,
  'drop office/ct_bad 1': 1,
};

/** The same without positions (no ruleset: nft traces carry no rule positions). */
function byChain(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts)) {
    const key = k.replace(/ \d+$/, ' null');
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

describe('every verdict its counter, with the dump and without', () => {
  // 121 packets traced: the port unreachable that flow 21's reject sends over lo is one trace out and back in.
  it.each([['ruleset-v1.dump.txt'], ['ruleset-v1.dump.json']])('capture-v1 with %s: 120 traces', (dump) => {
    const traces = replay('capture-v1.txt', dump).traces;
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual(V1);
  });

  it('capture-v1 without a ruleset: the same chains decide (the base chains are placed by their names)', () => {
    const traces = replay('capture-v1.txt').traces;
    expect(tally(traces, (t) => decidedBy(t, () => null))).toEqual(byChain(V1));
    // Was: the DNATed SYN of flow 7 and two more "accepted by the ACCEPT policy of office/post".
    expect(traces.filter((t) => t.verdict.chain === 'post')).toHaveLength(0);
  });

  it.each([
    ['capture-v1.txt', 120],
    ['capture-v2.txt', 120],
    ['capture-v2u.txt', 128],
  ])('%s without a ruleset: %i traces, no step of unknown hook', (capture, n) => {
    const traces = replay(capture).traces;
    expect(traces).toHaveLength(n);
    expect(traces.flatMap((t) => t.steps).filter((s) => s.hook === 'unknown')).toEqual([]);
    expect(traces.filter((t) => t.verdict.hook === 'unknown' || t.verdict.hook === null)).toEqual([]);
  });
});

describe('flow 7: the port-forward to the DMZ', () => {
  it.each([[['ruleset-v1.dump.txt']], [[]]])('rules %j: accepted by from_wan after the DNAT in prerouting', (rules) => {
    const syn = replay('capture-v1.txt', ...rules).traces.find((t) => t.id === '81640429')!;
    expect(syn.verdict).toMatchObject({ action: 'accept', hook: 'forward', chain: 'from_wan' });
    expect(syn.nat[0]).toMatchObject({
      kind: 'dnat',
      hook: 'prerouting',
      from: '10.33.0.1:8080',
      to: '172.16.33.5:80',
    });
  });
});

describe('the reject sent over lo is one trace without the dump too', () => {
  it.each([
    ['capture-v1.txt', '5749872a', 'e2f426b3'],
    ['capture-v2.txt', '6641d49b', 'f1ca159a'],
  ])('%s: %s goes on as the packet comes back in (%s)', (capture, out, back) => {
    const traces = replay(capture).traces;
    expect(traces.find((t) => t.id === back)).toBeUndefined();
    const t = traces.find((x) => x.id === out)!;
    expect(t.steps.map((s) => s.hook)).toEqual(expect.arrayContaining(['output', 'prerouting', 'input']));
  });
});

describe('a SYN from the DMZ dropped by the forward policy: near misses through the verdict maps by their keys', () => {
  it.each([['ruleset-v1.dump.txt'], ['ruleset-v1.dump.json']])('%s', (dump) => {
    const t = replay('capture-v1.txt', dump).traces.find((x) => x.id === '5ee44d1a')!;
    // Was: `closest: rule 2 might accept tcp dport 80,443 (via from_lan rule 1); cannot compare: iifname vmap {...}`,
    // and `rule 1 might accept it (via ct_ok rule 1)` for a new connection.
    expect(t.explanation).toBe(
      'dropped by the DROP policy of office/fwd_main: no rule accepted it; closest: rule 2 would accept tcp dport 80,443 in on lan0 (via from_lan rule 1), but this packet arrives on dmz0',
    );
    expect(t.why!.nearMisses.some((n) => n.via.some((v) => v.chain === 'ct_ok'))).toBe(false);
  });
});

describe('a ping over the rate limit, dropped by the inbound policy', () => {
  it('the limit rule is the closest, not the rule for lo', () => {
    const t = replay('capture-v1.txt', 'ruleset-v1.dump.txt').traces.find((x) => x.id === '49e4b646')!;
    expect(t.explanation).toBe(
      'dropped by the DROP policy of office/inbound: no rule accepted it; closest: rule 3 accepts icmp, but did not take this packet: limit rate 2/second burst 2 packets',
    );
  });
});

describe('`unknown rule handle N` lines (the monitor started before the tables existed), without the dump', () => {
  it('a reject, which the kernel reports as a drop, is not said to be a plain drop', () => {
    const t = replay('capture-v2u.txt').traces.find((x) => x.id === '74518d2b')!;
    expect(t.verdict.action).toBe('drop');
    expect(t.explanation).toBe(
      'dropped (or rejected: without the rule’s text a reject reads as a drop) by rule handle 36 of office4/from_lan, reached from FWD_filter rule handle 29',
    );
    // With the dump the rule's text tells: a reject.
    const r = replay('capture-v2u.txt', 'ruleset-v2u.dump.txt').traces.find((x) => x.id === '74518d2b')!;
    expect(r.verdict.action).toBe('reject');
  });
});
