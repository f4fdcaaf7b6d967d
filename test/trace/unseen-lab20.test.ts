// One kernel log in many envelopes, from a twentieth review lab (test/fixtures/unseen20/README.md).
import { expect, it } from 'vitest';
import { UnmatchedRules } from '../../src/app/unmatched-rules.js';
import type { Trace } from '../../src/model/trace.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { combineSnapshots } from '../../src/ruleset/combine.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { tally } from '../helpers/tally.js';

const { read, replay } = fixtureReplay('unseen20');
const DUMPS = ['iptables-save.txt', 'ip6tables-save.txt'] as const;

/** Everything but the time. */
const summary = (t: Trace): string => JSON.stringify([t.packet, t.steps, t.verdict, t.nat, t.explanation]);

const ENVELOPES = [
  'A-dmesg-T.txt',
  'A-journal-json.txt',
  'A-journal-short-iso.txt',
  'A-kmsg-raw.txt',
  'rsyslog-kern.txt',
  'A-dmesg.concat2.txt',
  'A-dmesg-T.concat2sp.txt',
];

it('dmesg: 50 packets (49 of the lab, one of another namespace), each decided as the counters say', () => {
  const traces = replay('A-dmesg.txt', ...DUMPS).traces;
  expect(traces).toHaveLength(50);
  const key = (t: Trace): string =>
    `${t.packet.ipVersion} ${t.verdict.action} ${t.verdict.chain} ${t.verdict.by === 'policy' ? 'policy' : t.verdict.rule?.position}`;
  expect(tally(traces, key)).toMatchObject({
    '4 accept FORWARD 1': 17,
    '4 drop FORWARD policy': 2,
    '4 accept INPUT policy': 2,
    '4 accept OUTPUT policy': 2,
    '6 accept FORWARD 1': 17,
    '6 drop FORWARD policy': 1,
    '4 drop LOG_AND_DROP 2': 1,
    '6 drop LOG_AND_DROP 2': 1,
  });
});

it.each(ENVELOPES)('%s: the same traces as plain dmesg', (file) => {
  const expected = replay('A-dmesg.txt', ...DUMPS).traces.map(summary);
  expect(replay(file, ...DUMPS).traces.map(summary)).toEqual(expected);
});

it('a packet logged through another ruleset (`policy:6` where the dump has one rule) is warned about', () => {
  const index = buildRuleIndex(combineSnapshots(DUMPS.map((d) => readRuleset(read(d))))!);
  const unmatched = new UnmatchedRules(index);
  const traces = replay('A-dmesg.txt', ...DUMPS).traces;
  for (const t of traces) unmatched.see(t);
  expect(unmatched.warning()).toMatch(/^1 trace names rules the ruleset given does not hold .*raw\/PREROUTING rule 6/);
  const foreign = traces.find((t) => t.packet.src === '10.21.3.2');
  expect(foreign?.steps[0]).toMatchObject({ table: 'raw', kind: 'rule', rule: { position: 6, text: null } });
});
