// Item 2 of the kernel suite (DESIGN "Safety" 1 and 2): for each backend on a lab of its dialect, every
// way a live run can end leaves the firewall exactly as it was (counters and dynamic set elements
// aside), removes its state file, and leaves no reader or watchdog behind; nf_log_all_netns is back to
// its old value. Exit codes per DESIGN: 0 for --count, --timeout and the terminating signals, 1 when
// the reader dies or arming fails. SIGKILL: the watchdog removes the rules within a few seconds.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab, type LabDialect } from '../lab/lab.js';
import {
  announceSkip,
  baseline,
  expectSysctlUnchanged,
  sysctlHolders,
  ChildWatch,
  expectNothingLeft,
  helpersOf,
  processesWith,
  rulesetSnapshot,
  runCli,
  statePath,
  readAllNetnsSysctl,
  readersOf,
  realBinary,
  startCli,
  stopAllRuns,
  traffic,
  waitUntil,
  type ArmedRec,
  type Baseline,
  type CliExit,
  type CliOptions,
  type CliRun,
  type DisarmedRec,
} from './kit.js';

const SKIP = announceSkip();
const FILTER = 'tcp port 9999';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
const CASES: { dialect: LabDialect; backend: 'nft' | 'xtables' | 'legacy' }[] = [
  { dialect: 'nft', backend: 'nft' },
  { dialect: 'xtables', backend: 'xtables' },
  { dialect: 'legacy', backend: 'legacy' },
];

/**
 * Stand-ins that fail on purpose when FWT_FAIL says so, and otherwise run the real tool (the CLI finds
 * them first in PATH: `ip netns exec` looks the tool up in PATH). FWT_FAIL=install: nft refuses `-f`
 * (nft, xtables), ip6tables-legacy refuses -I once the IPv4 rules are in (legacy). FWT_FAIL=remove: nft
 * refuses `delete`, ip6tables-legacy refuses -D.
 */
function failingTools(dir: string): void {
  const nft = [
    '#!/bin/sh',
    'case "$FWT_FAIL:$1" in',
    '  install:-f | remove:delete) echo "nft: injected failure (fwtrace kernel test)" >&2; exit 1 ;;',
    'esac',
    `exec ${realBinary('nft')} "$@"`,
  ];
  const ip6 = [
    '#!/bin/sh',
    'for a in "$@"; do',
    '  case "$FWT_FAIL:$a" in',
    '    install:-I | remove:-D) echo "ip6tables-legacy: injected failure (fwtrace kernel test)" >&2; exit 4 ;;',
    '  esac',
    'done',
    `exec ${realBinary('ip6tables-legacy')} "$@"`,
  ];
  for (const [name, lines] of [
    ['nft', nft],
    ['ip6tables-legacy', ip6],
  ] as const) {
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
    chmodSync(join(dir, name), 0o755);
  }
}

describe.skipIf(SKIP)('every exit path leaves the ruleset as it was', () => {
  const sysctlAtStart = SKIP ? '' : readAllNetnsSysctl();
  let fakeBin = '';

  beforeAll(() => {
    fakeBin = mkdtempSync(join(tmpdir(), 'fwtrace-fakebin-'));
    failingTools(fakeBin);
  });

  afterAll(async () => {
    await stopAllRuns();
    if (fakeBin) rmSync(fakeBin, { recursive: true, force: true });
    if (sysctlHolders().length === 0) expect(readAllNetnsSysctl()).toBe(sysctlAtStart);
  });

  for (const c of CASES) {
    describe(`${c.backend} backend on a ${c.dialect} lab`, () => {
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

      const start = (extra: readonly string[] = [], opts: CliOptions = {}): { run: CliRun; watch: ChildWatch } => {
        const run = startCli(['--netns', lab!.fwNetns, '--backend', c.backend, '--json', ...extra, FILTER], opts);
        return { run, watch: new ChildWatch(run) };
      };

      const expectDisarmed = (
        exit: CliExit,
        armed: { session: string } | null,
        code: number,
        reason: RegExp,
      ): DisarmedRec => {
        expect(exit.code, `exit code; stderr: ${exit.stderr}`).toBe(code);
        expect(exit.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
        const last = exit.records.at(-1) as DisarmedRec | undefined;
        expect(last?.type, 'the last record is disarmed').toBe('disarmed');
        if (armed) expect(last!.session).toBe(armed.session);
        expect(last).toMatchObject({ clean: true, leftovers: [] });
        expect(last!.reason).toMatch(reason);
        return last!;
      };

      it('--count 1: exits 0 after one trace', async () => {
        const { run, watch } = start(['--count', '1']);
        const armed = await run.armed();
        await traffic(lab!, 'default-drop');
        const exit = await run.finish();
        expectDisarmed(exit, armed, 0, /^count$/);
        expect(run.traces()).toHaveLength(1);
        await expectNothingLeft(base, armed.session, watch);
      });

      it('--timeout 1: exits 0', async () => {
        const { run, watch } = start(['--timeout', '1']);
        const armed = await run.armed();
        const exit = await run.finish();
        expectDisarmed(exit, armed, 0, /^timeout$/);
        await expectNothingLeft(base, armed.session, watch);
      });

      for (const sig of SIGNALS) {
        it(`${sig}: exits 0`, async () => {
          const { run, watch } = start();
          const armed = await run.armed();
          run.signal(sig);
          const exit = await run.finish();
          expectDisarmed(exit, armed, 0, new RegExp(`^signal ${sig}$`));
          await expectNothingLeft(base, armed.session, watch);
        });
      }

      it('the reader dies: exits 1 and cleans up', async () => {
        const { run, watch } = start();
        const armed = await run.armed();
        const { readers } = await helpersOf(run);
        const t0 = Date.now();
        process.kill(readers[0]!.pid, 'SIGKILL');
        if (c.backend === 'xtables') {
          // xtables-monitor dying is survivable: nft monitor takes over. Then that one dies too.
          expect(readers[0]!.cmd).toMatch(/xtables-monitor/);
          await run.waitFor(
            (r) => r.type === 'warning' && /xtables-monitor died/.test(String(r['message'])),
            5000,
            'fallback warning',
          );
          let fallback = readersOf(run);
          await waitUntil(() => (fallback = readersOf(run)).some((p) => /nft -a monitor trace/.test(p.cmd)), 5000);
          expect(fallback.map((p) => p.cmd).join('\n')).toMatch(/nft -a monitor trace/);
          process.kill(fallback[0]!.pid, 'SIGKILL');
        }
        const exit = await run.finish();
        // Promptly: nothing (a poll for the dead reader to listen, a timer) keeps the process alive.
        expect(Date.now() - t0, "ms from the reader's death to the exit").toBeLessThan(3000);
        expectDisarmed(exit, armed, 1, /^reader-exited: /);
        await expectNothingLeft(base, armed.session, watch);
      });

      it('arming fails half-way (a tool refuses): exits 1, removes what it added, no armed record', async () => {
        const kernelLogReaders = processesWith('dmesg --follow-new').map((p) => p.pid);
        const { run, watch } = start([], {
          env: { PATH: `${fakeBin}:${process.env['PATH'] ?? ''}`, FWT_FAIL: 'install' },
        });
        const exit = await run.finish();
        expect(exit.records.some((r) => r.type === 'armed')).toBe(false);
        const disarmed = expectDisarmed(exit, null, 1, /^error: .*injected failure/);
        // The run may be over before the sampler saw its short-lived reader: no need to have seen it.
        await expectNothingLeft(base, disarmed.session, watch, 2000, false);
        expect(
          processesWith('dmesg --follow-new').filter((p) => !kernelLogReaders.includes(p.pid)),
          'no kernel-log reader left',
        ).toEqual([]);
      });

      it('an exception before arming (the state directory cannot be made): exit 1, one message, nothing changed', async () => {
        const notADir = join(fakeBin, 'nft'); // a file: mkdir of the state directory fails
        const { run, watch } = start([], { env: { FWTRACE_STATE_DIR: notADir } });
        const exit = await run.finish();
        expect(exit.code, exit.stderr).toBe(1);
        expect(exit.stdout).toBe('');
        expect(exit.stderr).toMatch(
          /^fwtrace: cannot write the session state file .*; nothing was changed\nhint: .*\n$/,
        );
        expect(exit.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
        expect(rulesetSnapshot(lab!.fwNetns)).toBe(base.ruleset);
        expectSysctlUnchanged(base);
        expect(watch.alive()).toEqual([]);
      });

      it('removing fails: exit 3, the disarmed record names the exact commands; fwtrace cleanup removes them', async () => {
        const { run, watch } = start([], {
          env: { PATH: `${fakeBin}:${process.env['PATH'] ?? ''}`, FWT_FAIL: 'remove' },
        });
        let session = '';
        try {
          const armed = await run.armed();
          session = armed.session;
          run.signal('SIGINT');
          const exit = await run.finish();
          expect(exit.code, exit.stderr).toBe(3);
          const last = exit.records.at(-1) as DisarmedRec;
          expect(last).toMatchObject({ type: 'disarmed', session, clean: false });
          const failing =
            c.backend === 'legacy'
              ? /^ip netns exec \S+ ip6tables-legacy -w -t raw -D /
              : /^ip netns exec \S+ nft delete table inet fwtrace_/;
          expect(last.leftovers.length).toBeGreaterThan(0);
          for (const l of last.leftovers) expect(l).toMatch(failing);
          expect(existsSync(statePath(session)), 'the state file stays for fwtrace cleanup').toBe(true);
        } finally {
          const clean = await runCli(['cleanup', '--netns', lab!.fwNetns]);
          expect(clean.code, clean.stderr).toBe(0);
          if (session) expect(clean.stdout).toContain(`session ${session}: removed`);
        }
        await expectNothingLeft(base, session, watch);
      });

      it('removing fails, --plain: exit 3 and the message says the exact commands to run', async () => {
        const env = { PATH: `${fakeBin}:${process.env['PATH'] ?? ''}`, FWT_FAIL: 'remove' };
        const r = await runCli(['--netns', lab!.fwNetns, '--backend', c.backend, '--plain', '--timeout', '1', FILTER], {
          env,
        });
        try {
          expect(r.code, r.stderr).toBe(3);
          const cmd =
            c.backend === 'legacy'
              ? /^ {2}ip netns exec \S+ ip6tables-legacy -w -t raw -D .*-j TRACE$/m
              : /^ {2}ip netns exec \S+ nft delete table inet fwtrace_\d+_[0-9a-f]+$/m;
          expect(r.stdout + r.stderr).toMatch(/could not remove every trace rule; run:/);
          expect(r.stdout + r.stderr).toMatch(cmd);
        } finally {
          const clean = await runCli(['cleanup', '--netns', lab!.fwNetns]);
          expect(clean.code, clean.stderr).toBe(0);
        }
        expect(rulesetSnapshot(lab!.fwNetns)).toBe(base.ruleset);
      });

      it('SIGKILL: the watchdog removes the rules and the state file, the readers die with fwtrace', async () => {
        const { run, watch } = start();
        const armed: ArmedRec = await run.armed();
        const { readers, watchdog } = await helpersOf(run);
        expect(readers.length).toBeGreaterThan(0);
        expect(watchdog.cmd).toContain(armed.session);
        run.signal('SIGKILL');
        const exit = await run.exited;
        expect(exit.signal).toBe('SIGKILL');
        await expectNothingLeft(base, armed.session, watch, 5000);
      });
    });
  }
});
