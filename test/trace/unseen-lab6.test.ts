// Native nft captures from a sixth review lab (test/fixtures/unseen6/README.md), replayed without a ruleset: chain
// names are all fwtrace has to go on, and rule texts must not be misread.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { natFromRuleText } from '../../src/trace/rule-nat.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId } from '../helpers/tally.js';

const fixtures = fixtureReplay('unseen6');
const replay = (capture: string): Trace[] => fixtures.replay(capture).traces;

describe('kube-proxy nftables mode and docker-style rules, no ruleset', () => {
  const traces = replay('kube-docker.nft-monitor.txt');

  it("kube-proxy's nat-postrouting chain only passes packets on: the filter rule that accepted decides", () => {
    const syn = byId(traces, 'ba340310');
    expect(`${syn.verdict.table}/${syn.verdict.chain} ${syn.verdict.rule?.handle}`).toBe('fw/forward 20');
  });

  it('`jump mark-for-masquerade` sets a mark: no MASQUERADE', () => {
    const fromContainer = byId(traces, 'd92bbdf1');
    expect(fromContainer.nat.map((n) => n.kind)).toEqual(['dnat']);
    expect(fromContainer.explanation).not.toContain('MASQUERADE');
  });
});

it('a packet bridged in and routed out (a new trace id at forward) is one trace, even with chains of any name', () => {
  const traces = replay('bridged-then-routed.nft-monitor.txt');
  expect(traces.map((t) => `${t.id} ${t.verdict.action} ${t.verdict.table}/${t.verdict.chain}`)).toEqual([
    '22ed0669 accept fw/forward',
  ]);
});

describe('NAT statements in a rule text the ruleset does not know', () => {
  it.each([
    ['ip saddr 10.86.1.3 jump mark-for-masquerade', null],
    ['goto snat-rules', null],
    ['ct status dnat counter accept', null],
    ['meta l4proto tcp counter dnat to 10.66.2.2:8080', { kind: 'dnat', to: '10.66.2.2:8080' }],
    ['oifname "up0" counter masquerade', { kind: 'masquerade', to: null }],
    ['-A POSTROUTING -o up0 -j MASQUERADE', { kind: 'masquerade', to: null }],
  ])('%s', (text, nat) => {
    expect(natFromRuleText(text)).toEqual(nat);
  });
});
