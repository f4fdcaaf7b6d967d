import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnmatchedRules } from '../../src/app/unmatched-rules.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { replayText } from '../helpers/replay-text.js';

const RULESET = `table inet t { # handle 7
\tchain in { # handle 1
\t\ttype filter hook input priority filter; policy drop;
\t\ttcp dport 22 accept # handle 2
\t}
}
`;

const line = (id: string, body: string): string => `trace id ${id} inet t in ${body}`;
const PACKET = 'packet: iif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 ip protocol tcp tcp sport 4000 tcp dport 22';

function warningFor(trace: string, cutShort = false): string | null {
  const index = buildRuleIndex(readRuleset(RULESET));
  const unmatched = new UnmatchedRules(index);
  for (const t of replayText(trace, { dumps: [RULESET] }).traces) unmatched.see(t);
  return unmatched.warning(cutShort);
}

describe('UnmatchedRules', () => {
  it('a capture that ends mid-line: one unmatched rule is most likely the line cut short (the reader died)', () => {
    const cut = [line('a1', PACKET), line('a1', 'rule tcp dport (verdict accept)')].join('\n');
    expect(warningFor(cut, true)).toBe(
      '1 trace names rules the ruleset given does not hold in their chain (first: t/in "tcp dport"): most likely the line the reader was printing when it stopped, cut short (the capture ends in the middle of a line)',
    );
    expect(warningFor(cut, false)).toMatch(/, so their positions, counters and near misses are missing: /);
  });

  it('says nothing when every rule step was found in the ruleset', () => {
    expect(
      warningFor([line('a1', PACKET), line('a1', 'rule tcp dport 22 accept # handle 2 (verdict accept)')].join('\n')),
    ).toBeNull();
  });

  it('names the first rule the ruleset does not hold, by handle when the trace gives no text, and counts traces', () => {
    const trace = [
      line('a1', PACKET),
      line('a1', 'unknown rule handle 9 (verdict accept)'),
      line('b2', PACKET),
      line('b2', 'rule tcp dport 23 accept # handle 10 (verdict accept)'),
    ].join('\n');
    expect(warningFor(trace)).toMatch(
      /^2 traces name rules the ruleset given does not hold in their chain \(first: t\/in handle 9\)/,
    );
  });

  it('leaves out chains the ruleset does not have (a dump of other tables only)', () => {
    const other =
      'trace id c3 inet u in packet: iif "lo" ip saddr 127.0.0.1\ntrace id c3 inet u in rule accept (verdict accept)';
    expect(warningFor(other)).toBeNull();
  });

  it('tells nft syntax in the trace from iptables syntax in the dump (nft monitor trace of iptables-nft rules)', () => {
    const dir = 'test/fixtures/captures/xtables';
    const save = readFileSync(`${dir}/rules/db-denied/rules.iptables-save`, 'utf8');
    const unmatched = new UnmatchedRules(buildRuleIndex(readRuleset(save)));
    const capture = readFileSync(`${dir}/nft-monitor/db-denied.txt`, 'utf8');
    for (const t of replayText(capture, { dumps: [save] }).traces) unmatched.see(t);
    expect(unmatched.warning()).toMatch(
      /: the trace prints them in nft syntax and the ruleset in iptables syntax: give nft -a list ruleset instead of iptables-save$/,
    );
  });

  it('tells an nft -j dump, which prints iptables-nft matches as xt match "...", from a text one', () => {
    const json = JSON.stringify({
      nftables: [
        { table: { family: 'ip', name: 'filter', handle: 1 } },
        {
          chain: {
            family: 'ip',
            table: 'filter',
            name: 'INPUT',
            handle: 1,
            type: 'filter',
            hook: 'input',
            prio: 0,
            policy: 'drop',
          },
        },
        {
          rule: {
            family: 'ip',
            table: 'filter',
            chain: 'INPUT',
            handle: 5,
            expr: [
              { xt: { type: 'match', name: 'conntrack' } },
              { counter: { packets: 0, bytes: 0 } },
              { accept: null },
            ],
          },
        },
      ],
    });
    const unmatched = new UnmatchedRules(buildRuleIndex(readRuleset(json)));
    const trace = [
      'trace id aa01 ip filter INPUT packet: iif "lo" ip saddr 127.0.0.1 ip daddr 127.0.0.1 ip protocol tcp tcp dport 22',
      'trace id aa01 ip filter INPUT rule ct state established,related counter packets 0 bytes 0 accept (verdict accept)',
    ].join('\n');
    for (const t of replayText(trace, { dumps: [json] }).traces) unmatched.see(t);
    expect(unmatched.warning()).toMatch(
      /: nft -j prints iptables-nft matches as xt match "\.\.\.", which no trace text equals/,
    );
  });

  it('kernel-log lines name positions: a dump without a fitting rule there is named for the host and time of the log', () => {
    const dir = 'test/fixtures/unseen15';
    const drifted = readFileSync(`${dir}/docker.iptables-save-drifted.txt`, 'utf8');
    const unmatched = new UnmatchedRules(buildRuleIndex(readRuleset(drifted)));
    for (const t of replayText(readFileSync(`${dir}/docker.dmesg.txt`, 'utf8'), { dumps: [drifted] }).traces)
      unmatched.see(t);
    expect(unmatched.warning()).toBe(
      '2 traces name rules the ruleset given does not hold in their chain (first: filter/DOCKER-USER rule 1), so their text, counters and verdicts are unknown: give the iptables-save output of the host and the time the log was written (a rule added, removed or moved since shifts the positions the log names)',
    );
  });
});
