// The assembler on real kernel captures from the namespace lab: every scenario's verdict, deciding chain,
// rule or policy, and NAT, checked against the hand-written oracle (test/fixtures/captures/expect.json),
// and exactly one trace per packet against the trace rules' own counters.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectLikeOracle, findExpected, loadOracle, type RuleStyle } from '../helpers/oracle.js';
import { replayText, type Rules } from '../helpers/replay-text.js';

const DIR = 'test/fixtures/captures';
const read = (p: string): string => readFileSync(join(DIR, p), 'utf8');

const oracle = loadOracle();

/** Readers per dialect and the rules each is replayed with (as the live backends would snapshot them). */
const RUNS: { dialect: string; reader: string; rules: (s: string) => Rules; style: RuleStyle }[] = [
  {
    dialect: 'legacy',
    reader: 'kernlog',
    style: 'iptables',
    rules: (s) => ({
      dumps: [read(`legacy/rules/${s}/rules.iptables-save`), read(`legacy/rules/${s}/rules.ip6tables-save`)],
    }),
  },
  ...['xtables-monitor', 'nft-monitor'].map((reader) => ({
    dialect: 'xtables',
    reader,
    style: 'iptables' as const,
    // What the live xtables backend snapshots: `nft -a list ruleset` and iptables-nft-save -c.
    rules: (s: string) => ({
      dumps: [
        read(`xtables/rules/${s}/rules.nft`),
        read(`xtables/rules/${s}/rules.iptables-save`),
        read(`xtables/rules/${s}/rules.ip6tables-save`),
      ],
    }),
  })),
  {
    dialect: 'nft',
    reader: 'nft-monitor',
    style: 'nft',
    rules: (s) => ({ dumps: [read(`nft/rules/${s}/rules.nft.json`)] }),
  },
];

for (const run of RUNS) {
  describe(`${run.dialect} captures read by ${run.reader}`, () => {
    for (const [scenario, exp] of Object.entries(oracle.scenarios)) {
      const file = `${run.dialect}/${run.reader}/${scenario}.txt`;
      if (!existsSync(join(DIR, file))) continue;
      const counts = JSON.parse(read(`${run.dialect}/${scenario}.counts.json`)) as {
        total: number;
        readers: Record<string, { status: string }>;
      };
      const { traces } = replayText(read(file), run.rules(scenario));

      it(`${scenario}: one trace per packet`, () => {
        // A reader that died mid-capture (xtables-monitor on an IPv6 tcp rule) saw fewer packets.
        if (counts.readers[run.reader]?.status === 'exited') expect(traces.length).toBeLessThanOrEqual(counts.total);
        else expect(traces.length).toBe(counts.total);
      });

      if (counts.readers[run.reader]?.status === 'exited') continue;
      for (const p of exp.packets) {
        it(`${scenario}: packet ${JSON.stringify(p.match)} #${p.nth} verdict, deciding rule, NAT`, () => {
          expectLikeOracle(findExpected(traces, p), p, run.style);
        });
      }
    }
  });
}
