// Item 5 of the kernel suite (DESIGN "Safety" 6): not root, live tracing, cleanup and doctor exit 77 with
// a clear message and what to run instead, and change nothing. --dry-run with an explicit backend and
// replay need no root. The CLI runs as `nobody` through setpriv (the repository is world-readable: the
// test checks that first and says so if it is not).
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab } from '../lab/lab.js';
import {
  announceSkip,
  baseline,
  CLI,
  readersInNetns,
  rulesetSnapshot,
  runCli,
  stateFilesOf,
  type Baseline,
  type CliOptions,
} from './kit.js';

const SKIP = announceSkip();
const NOBODY: CliOptions = {
  wrap: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'],
  env: { HOME: '/nonexistent' },
};
const CAPTURE = fileURLToPath(new URL('../fixtures/captures/nft/nft-monitor/db-denied.txt', import.meta.url));
const RULES = fileURLToPath(new URL('../fixtures/captures/nft/rules/db-denied/rules.nft.json', import.meta.url));

/** Whether `nobody` can read and run the built CLI (every directory up to the repository must be searchable). */
function nobodyCanRun(): string | null {
  try {
    execFileSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, CLI, '--version'],
      { stdio: 'pipe', timeout: 20_000 },
    );
    return null;
  } catch (e) {
    return `nobody cannot run ${CLI} (${(e as Error).message.split('\n')[0]}): make the repository world-readable`;
  }
}

describe.skipIf(SKIP)('not root: exit 77, nothing changed', () => {
  let lab: Lab | undefined;
  let base: Baseline;

  beforeAll(() => {
    const why = nobodyCanRun();
    if (why) throw new Error(why);
    accessSync(CAPTURE, constants.R_OK);
    lab = labUp('nft');
    base = baseline(lab.fwNetns);
  });

  afterAll(() => {
    lab?.down();
  });

  const untouched = (pid: number): void => {
    expect(rulesetSnapshot(lab!.fwNetns)).toBe(base.ruleset);
    expect(stateFilesOf(pid), 'no state file of this run').toEqual([]);
    expect(readersInNetns(lab!.fwNetns)).toEqual([]);
  };

  const CASES: readonly (readonly [string, readonly string[], RegExp, RegExp])[] = [
    [
      'live trace in a namespace',
      ['--netns', 'NETNS', '--json', 'tcp port 80'],
      /live tracing changes the firewall.*needs root/,
      /hint: run it with sudo, or use `fwtrace replay FILE`/,
    ],
    [
      'live trace, explicit backend',
      ['--netns', 'NETNS', '--backend', 'legacy', 'tcp port 80'],
      /needs root/,
      /hint: run it with sudo/,
    ],
    [
      'live trace in the root namespace',
      ['--backend', 'nft', '--plain', 'tcp port 80'],
      /needs root/,
      /hint: run it with sudo/,
    ],
    [
      '--dry-run with --backend auto (probing reads the firewall)',
      ['--netns', 'NETNS', '--dry-run', 'tcp port 80'],
      /needs root/,
      /hint:/,
    ],
    [
      'cleanup',
      ['cleanup', '--netns', 'NETNS'],
      /cleanup reads and changes the firewall: it needs root/,
      /hint: run: sudo fwtrace cleanup/,
    ],
    [
      'doctor (it only reads)',
      ['doctor', '--netns', 'NETNS'],
      /doctor reads the firewall and the kernel’s state: it needs root/,
      /hint: run: sudo fwtrace doctor/,
    ],
  ];

  for (const [what, args, message, hint] of CASES) {
    it(`${what}: exit 77 with a message and a hint`, async () => {
      const r = await runCli(
        args.map((a) => (a === 'NETNS' ? lab!.fwNetns : a)),
        NOBODY,
      );
      expect(r.code, r.stderr).toBe(77);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^fwtrace: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(hint);
      expect(r.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
      untouched(r.pid);
    });
  }

  it('--dry-run with an explicit backend needs no root: exit 0, the plan, nothing changed', async () => {
    const r = await runCli(['--netns', lab!.fwNetns, '--backend', 'nft', '--dry-run', 'tcp port 80'], NOBODY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# fwtrace --dry-run: nothing was changed\. Backend nft/);
    expect(r.stdout).toMatch(/nft delete table inet fwtrace_/);
    untouched(r.pid);
  });

  it('replay needs no root', async () => {
    const r = await runCli(['replay', CAPTURE, '--rules', RULES, '--json'], NOBODY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.records.filter((x) => x.type === 'trace').length).toBeGreaterThan(0);
    untouched(r.pid);
  });
});
