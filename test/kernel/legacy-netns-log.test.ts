// Item 3 of the kernel suite: the legacy backend inside a network namespace needs
// net.netfilter.nf_log_all_netns=1 (the kernel log shows TRACE of other namespaces only then). It is 1
// while the run is armed and back to its old value afterwards, also after SIGKILL (the watchdog), and
// also when two runs overlap: the first to end must not put it back under the other. The kernel log is
// global, so each run keeps only the packets of its own flow (DESIGN: "the run filters by its flow").
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab } from '../lab/lab.js';
import {
  announceSkip,
  baseline,
  ChildWatch,
  expectNothingLeft,
  readAllNetnsSysctl,
  startCli,
  stopAllRuns,
  summarize,
  sysctlHolders,
  SYSCTL_ALL_NETNS,
  traffic,
  type DisarmedRec,
} from './kit.js';

const SKIP = announceSkip();
const KEY = 'net.netfilter.nf_log_all_netns';

/** A second legacy lab on other addresses (same interface names: the kernel log cannot tell them apart). */
const OTHER: NodeJS.ProcessEnv = {
  FWT_LAB_CLIENT_NET4: '10.67.1.0/24',
  FWT_LAB_SERVER_NET4: '10.67.2.0/24',
  FWT_LAB_CLIENT_IP4: '10.67.1.2',
  FWT_LAB_CLIENT_DB_IP4: '10.67.1.5',
  FWT_LAB_FW_CLIENT_IP4: '10.67.1.1',
  FWT_LAB_FW_SERVER_IP4: '10.67.2.1',
  FWT_LAB_SERVER_IP4: '10.67.2.2',
  FWT_LAB_SERVER2_IP4: '10.67.2.3',
};

describe.skipIf(SKIP)('legacy backend in a netns: net.netfilter.nf_log_all_netns', () => {
  const old = SKIP ? '' : readAllNetnsSysctl();
  let a: Lab | undefined;
  let b: Lab | undefined;

  beforeAll(() => {
    a = labUp('legacy');
    b = labUp('legacy', { env: OTHER });
  });

  afterAll(async () => {
    await stopAllRuns();
    a?.down();
    b?.down();
    if (sysctlHolders().length > 0) return; // another run's value now: not ours to check or put back
    const now = readAllNetnsSysctl();
    if (now !== old) writeFileSync(SYSCTL_ALL_NETNS, `${old}\n`); // never leave the host changed, even on failure
    expect(now, `${KEY} at the end`).toBe(old);
  });

  /** These tests own the value only while no other fwtrace run (anyone's, on this host) holds it. */
  const skipIfShared = (skip: (note?: string) => void): void => {
    const holders = sysctlHolders();
    if (holders.length > 0 || readAllNetnsSysctl() !== old)
      skip(`another fwtrace run holds ${KEY} (${holders.join(', ')})`);
  };

  const args = (lab: Lab, filter: string): string[] => [
    '--netns',
    lab.fwNetns,
    '--backend',
    'legacy',
    '--json',
    filter,
  ];

  it('is 1 while armed (TRACE lines arrive) and back to its old value after the run', async ({ skip }) => {
    skipIfShared(skip);
    const base = baseline(a!.fwNetns);
    const run = startCli(args(a!, 'tcp port 9999'));
    const watch = new ChildWatch(run);
    const armed = await run.armed();
    expect(readAllNetnsSysctl()).toBe('1');
    expect(run.warnings().join('\n')).toMatch(/nf_log_all_netns=1/);
    await traffic(a!, 'default-drop');
    await run.waitFor((r) => r.type === 'trace', 5000, 'trace');
    run.signal('SIGINT');
    const exit = await run.finish();
    expect(exit.code, exit.stderr).toBe(0);
    expect((exit.records.at(-1) as DisarmedRec).sysctlRestored).toBe(`${KEY}=${old}`);
    await expectNothingLeft(base, armed.session, watch);
  });

  it('after SIGKILL the watchdog puts it back', async ({ skip }) => {
    skipIfShared(skip);
    const base = baseline(a!.fwNetns);
    const run = startCli(args(a!, 'tcp port 9999'));
    const watch = new ChildWatch(run);
    const armed = await run.armed();
    expect(readAllNetnsSysctl()).toBe('1');
    run.signal('SIGKILL');
    await run.exited;
    await expectNothingLeft(base, armed.session, watch, 5000);
  });

  it('already 1 before the run: still 1 after it', async ({ skip }) => {
    skipIfShared(skip);
    try {
      writeFileSync(SYSCTL_ALL_NETNS, '1\n');
      const base = baseline(a!.fwNetns);
      const run = startCli(args(a!, 'tcp port 9999'));
      const watch = new ChildWatch(run);
      const armed = await run.armed();
      run.signal('SIGTERM');
      const exit = await run.finish();
      expect(exit.code, exit.stderr).toBe(0);
      await expectNothingLeft(base, armed.session, watch);
      expect(readAllNetnsSysctl()).toBe('1');
    } finally {
      writeFileSync(SYSCTL_ALL_NETNS, `${old}\n`);
    }
  });

  it('two runs in two namespaces: each keeps only its flow; the first to end leaves the value to the other', async ({
    skip,
  }) => {
    skipIfShared(skip);
    const baseA = baseline(a!.fwNetns);
    const baseB = baseline(b!.fwNetns);
    // B starts once A has set the value (so B finds it at 1 already).
    const runA = startCli(args(a!, 'host 10.66.2.2 and tcp port 9999'));
    const watchA = new ChildWatch(runA);
    const armedA = await runA.armed();
    const runB = startCli(args(b!, 'host 10.67.2.2 and tcp port 9999'));
    const watchB = new ChildWatch(runB);
    const armedB = await runB.armed();
    // Both namespaces' TRACE lines land in the one kernel log, with the same interface names.
    await Promise.all([traffic(a!, 'default-drop'), traffic(b!, 'default-drop', OTHER)]);
    await runA.waitFor((r) => r.type === 'trace', 5000, 'trace in A');
    await runB.waitFor((r) => r.type === 'trace', 5000, 'trace in B');

    runA.signal('SIGINT');
    const exitA = await runA.finish();
    expect(exitA.code, exitA.stderr).toBe(0);
    expect(readAllNetnsSysctl(), 'B still runs: the value stays').toBe('1');
    expect((exitA.records.at(-1) as DisarmedRec).sysctlRestored).toBeNull();

    // B still sees its packets after A is gone.
    b!.reset();
    await traffic(b!, 'default-drop', OTHER);
    await runB.waitFor(() => runB.traces().length >= 2, 5000, 'second trace in B after A ended');

    runB.signal('SIGINT');
    const exitB = await runB.finish();
    expect(exitB.code, exitB.stderr).toBe(0);
    expect((exitB.records.at(-1) as DisarmedRec).sysctlRestored).toBe(`${KEY}=${old}`);

    const tracesA = runA.traces();
    const tracesB = runB.traces();
    expect(
      tracesA.map((t) => t.packet.dst),
      summarize(tracesA),
    ).toEqual(['10.66.2.2']);
    expect(
      tracesB.map((t) => t.packet.dst),
      summarize(tracesB),
    ).toEqual(['10.67.2.2', '10.67.2.2']);
    for (const t of [...tracesA, ...tracesB])
      expect(t.verdict).toMatchObject({ action: 'drop', chain: 'FORWARD', by: 'policy' });
    await expectNothingLeft(baseA, armedA.session, watchA);
    await expectNothingLeft(baseB, armedB.session, watchB);
  });
});
