// The assembler on real kernel captures from the namespace lab: every scenario's verdict, deciding chain,
// rule or policy, and NAT, checked against the hand-written oracle (test/fixtures/captures/expect.json),
// and exactly one trace per packet against the trace rules' own counters.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { replayText, type Rules } from '../helpers/replay-text.js';

const DIR = 'test/fixtures/captures';
const read = (p: string): string => readFileSync(join(DIR, p), 'utf8');

interface Where { table: string; chain: string; position?: number; rule: string }
interface ExpectedPacket {
  match: Record<string, unknown> & { firstHook: string };
  nth: number;
  verdict: { action: string; hook: string; by: string; iptables: Where; nft: Where };
  nat: null | { hook: string; kind: string; from: string; to: string | string[]; iptables: Where | Where[]; nft: Where | Where[] }[];
}
const oracle = JSON.parse(read('expect.json')) as { scenarios: Record<string, { packets: ExpectedPacket[] }> };

/** Readers per dialect and the rules each is replayed with (as the live backends would snapshot them). */
const RUNS: { dialect: string; reader: string; rules: (s: string) => Rules; style: 'iptables' | 'nft' }[] = [
  {
    dialect: 'legacy',
    reader: 'kernlog',
    style: 'iptables',
    rules: (s) => ({ dumps: [read(`legacy/rules/${s}/rules.iptables-save`), read(`legacy/rules/${s}/rules.ip6tables-save`)] }),
  },
  ...['xtables-monitor', 'nft-monitor'].map((reader) => ({
    dialect: 'xtables',
    reader,
    style: 'iptables' as const,
    // What the live xtables backend snapshots: `nft -a list ruleset` and iptables-nft-save -c.
    rules: (s: string) => ({
      dumps: [read(`xtables/rules/${s}/rules.nft`), read(`xtables/rules/${s}/rules.iptables-save`), read(`xtables/rules/${s}/rules.ip6tables-save`)],
    }),
  })),
  { dialect: 'nft', reader: 'nft-monitor', style: 'nft', rules: (s) => ({ dumps: [read(`nft/rules/${s}/rules.nft.json`)] }) },
];

function matches(t: Trace, m: ExpectedPacket['match']): boolean {
  const p = t.packet as Record<string, unknown>;
  for (const [k, v] of Object.entries(m)) {
    if (k === 'firstHook') {
      if (t.steps[0]?.hook !== v) return false;
    } else if (k === 'tcpFlags') {
      if (JSON.stringify([...((p[k] as string[]) ?? [])].sort()) !== JSON.stringify([...(v as string[])].sort())) return false;
    } else if (k === 'proto' && p[k] === undefined) {
      // xtables-monitor's PACKET line names no protocol for non-TCP packets; no matched rule said either.
      continue;
    } else if (p[k] !== v) return false;
  }
  return true;
}

const endpointMatches = (actual: string | null, want: string): boolean =>
  actual !== null && (want.endsWith(':*') ? actual.startsWith(want.slice(0, -1)) : actual === want);

for (const run of RUNS) {
  describe(`${run.dialect} captures read by ${run.reader}`, () => {
    for (const [scenario, exp] of Object.entries(oracle.scenarios)) {
      const file = `${run.dialect}/${run.reader}/${scenario}.txt`;
      if (!existsSync(join(DIR, file))) continue;
      const counts = JSON.parse(read(`${run.dialect}/${scenario}.counts.json`)) as { total: number; readers: Record<string, { status: string }> };
      const { traces } = replayText(read(file), run.rules(scenario));

      it(`${scenario}: one trace per packet`, () => {
        // A reader that died mid-capture (xtables-monitor on an IPv6 tcp rule) saw fewer packets.
        if (counts.readers[run.reader]?.status === 'exited') expect(traces.length).toBeLessThanOrEqual(counts.total);
        else expect(traces.length).toBe(counts.total);
      });

      if (counts.readers[run.reader]?.status === 'exited') continue;
      for (const p of exp.packets) {
        it(`${scenario}: packet ${JSON.stringify(p.match)} #${p.nth} verdict, deciding rule, NAT`, () => {
          const t = traces.filter((x) => matches(x, p.match))[p.nth];
          expect(t, 'the packet is traced').toBeDefined();
          const want = run.style === 'iptables' ? p.verdict.iptables : p.verdict.nft;
          expect(t!.verdict).toMatchObject({ action: p.verdict.action, hook: p.verdict.hook, by: p.verdict.by, table: want.table, chain: want.chain });
          if (p.verdict.by === 'rule') {
            if (run.style === 'iptables') expect(t!.verdict.rule?.position).toBe(want.position);
            expect(t!.verdict.rule?.text).toBe(want.rule);
          }
          if (p.nat === null) return; // not asserted by the oracle
          expect(t!.nat).toHaveLength(p.nat.length);
          for (const n of p.nat) {
            const got = t!.nat.find((x) => x.hook === n.hook && x.kind === n.kind);
            expect(got, `${n.kind} in ${n.hook}`).toBeDefined();
            expect(got!.from).toBe(n.from);
            const tos = Array.isArray(n.to) ? n.to : [n.to];
            // MASQUERADE's new address is never shown by the kernel after the last hook.
            if (!(n.kind === 'masquerade' && got!.to === null)) expect(tos.some((w) => endpointMatches(got!.to, w)), `to ${got!.to}`).toBe(true);
            const rules = [run.style === 'iptables' ? n.iptables : n.nft].flat();
            expect(rules.some((r) => r.chain === got!.chain && r.rule === got!.rule?.text), `nat rule ${got!.chain}: ${got!.rule?.text}`).toBe(true);
          }
        });
      }
    }
  });
}
