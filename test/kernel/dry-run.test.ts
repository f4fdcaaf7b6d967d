// Item 9 of the kernel suite: --dry-run changes nothing (ruleset, state files, nf_log_all_netns, no
// reader, no watchdog) and prints the exact commands a real run executes: the install commands equal a
// real run's `armed.commands`, the remove commands its `disarmed.removed` (the session id aside).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab, type LabDialect } from '../lab/lab.js';
import {
  announceSkip,
  baseline,
  expectSysctlUnchanged,
  processesWith,
  readersInNetns,
  rulesetSnapshot,
  runCli,
  startCli,
  stateFiles,
  stopAllRuns,
  type Baseline,
  type DisarmedRec,
} from './kit.js';

const SKIP = announceSkip();
const FILTER = 'tcp port 5432';
const CASES: {
  dialect: LabDialect;
  backend: 'nft' | 'xtables' | 'legacy';
  reader: RegExp;
  install: RegExp;
  remove: RegExp;
}[] = [
  {
    dialect: 'nft',
    backend: 'nft',
    reader: /setpriv --pdeathsig KILL -- ip netns exec \S+ nft -a monitor trace/,
    install: /^ip netns exec \S+ nft -f - <<'EOF'\ntable inet fwtrace_(\S+) \{[\s\S]*meta nftrace set 1[\s\S]*\nEOF$/,
    remove: /^ip netns exec \S+ nft delete table inet fwtrace_\S+$/,
  },
  {
    dialect: 'xtables',
    backend: 'xtables',
    reader: /setpriv --pdeathsig KILL -- ip netns exec \S+ xtables-monitor --trace/,
    install: /^ip netns exec \S+ nft -f - <<'EOF'\ntable inet fwtrace_(\S+) \{[\s\S]*meta nftrace set 1[\s\S]*\nEOF$/,
    remove: /^ip netns exec \S+ nft delete table inet fwtrace_\S+$/,
  },
  {
    dialect: 'legacy',
    backend: 'legacy',
    reader: /setpriv --pdeathsig KILL -- dmesg --follow-new --raw/,
    install: /^ip netns exec \S+ iptables-legacy -w -t raw -I PREROUTING 1 .*--comment fwtrace:\S+ -j TRACE$/m,
    remove: /^ip netns exec \S+ iptables-legacy -w -t raw -D PREROUTING .*--comment fwtrace:\S+ -j TRACE$/m,
  },
];

interface DryPlan {
  readonly header: string;
  readonly session: string;
  readonly arm: string;
  readonly read: string;
  readonly disarm: string;
}

/** Splits the --dry-run text into its sections. */
function parseDry(text: string): DryPlan {
  const m =
    /^(# fwtrace --dry-run: nothing was changed\..*session (\S+))\n# arm:\n([\s\S]*)\n# read:\n([\s\S]*)\n# disarm[^\n]*\n([\s\S]*)\n$/.exec(
      text,
    );
  if (!m) throw new Error(`unexpected --dry-run output:\n${text}`);
  return { header: m[1]!, session: m[2]!, arm: m[3]!, read: m[4]!, disarm: m[5]! };
}

describe.skipIf(SKIP)('--dry-run changes nothing and prints the exact commands', () => {
  for (const c of CASES) {
    describe(`${c.backend} on a ${c.dialect} lab`, () => {
      let lab: Lab | undefined;
      let base: Baseline;

      beforeAll(() => {
        lab = labUp(c.dialect);
        base = baseline(lab.fwNetns);
      });

      afterAll(async () => {
        await stopAllRuns();
        lab?.down();
      });

      const untouched = (session: string): void => {
        expect(rulesetSnapshot(lab!.fwNetns)).toBe(base.ruleset);
        expectSysctlUnchanged(base);
        expect(stateFiles().filter((f) => f.startsWith(session))).toEqual([]);
        expect(readersInNetns(lab!.fwNetns)).toEqual([]);
        expect(processesWith(session)).toEqual([]);
      };

      for (const backend of [c.backend, 'auto']) {
        it(`--backend ${backend}: exit 0, the plan, nothing changed`, async () => {
          const r = await runCli(['--netns', lab!.fwNetns, '--backend', backend, '--dry-run', FILTER]);
          expect(r.code, r.stderr).toBe(0);
          const plan = parseDry(r.stdout);
          expect(plan.header).toContain(`Backend ${c.backend} (`);
          expect(plan.read).toMatch(c.reader);
          expect(plan.arm).toMatch(c.install);
          expect(plan.disarm).toMatch(c.remove);
          expect(plan.arm).toContain(plan.session);
          expect(plan.disarm).toContain(plan.session);
          if (c.backend === 'legacy') {
            expect(plan.arm).toMatch(/^sysctl -w net\.netfilter\.nf_log_all_netns=1 /m);
            expect(plan.arm).toMatch(/^ip netns exec \S+ ip6tables-legacy -w -t raw -I PREROUTING 1 /m);
            expect(plan.disarm).toMatch(/^ip netns exec \S+ ip6tables-legacy -w -t raw -D OUTPUT /m);
          }
          untouched(plan.session);
        });
      }

      it('the printed commands are the ones a real run executes', async () => {
        const dry = parseDry(
          (await runCli(['--netns', lab!.fwNetns, '--backend', c.backend, '--dry-run', FILTER])).stdout,
        );
        const run = startCli(['--netns', lab!.fwNetns, '--backend', c.backend, '--json', FILTER]);
        const armed = await run.armed();
        run.signal('SIGINT');
        const exit = await run.finish();
        expect(exit.code, exit.stderr).toBe(0);
        const disarmed = exit.records.at(-1) as DisarmedRec;
        const same = (s: string): string => s.replaceAll(dry.session, armed.session);
        const arm = same(dry.arm)
          .split('\n')
          .filter((l) => !l.startsWith('sysctl -w '))
          .join('\n');
        expect(arm).toBe(armed.commands.join('\n'));
        expect(same(dry.disarm)).toBe(disarmed.removed.join('\n'));
      });
    });
  }
});
