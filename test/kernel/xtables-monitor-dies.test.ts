// Item 8 of the kernel suite: xtables-monitor 1.8.9 exits on the lab's IPv6 tcp rule ("unsupported layer
// 4 protocol value", see test/fixtures/captures/README.md). On an xtables lab the run warns, goes on
// through `nft monitor trace`, still shows the ipv6-allowed packet with its verdict and the rule in
// iptables syntax (iptables-save knows it), and traces later packets too; it ends normally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab } from '../lab/lab.js';
import { expectLikeOracle, findExpected, loadOracle } from '../helpers/oracle.js';
import {
  announceSkip,
  baseline,
  ChildWatch,
  expectNothingLeft,
  inPacketOrder,
  LAB_FILTER,
  readersOf,
  sleep,
  startCli,
  stopAllRuns,
  summarize,
  traffic,
  type ArmedRec,
  type Baseline,
  type CliExit,
  type CliRun,
  type TraceRec,
} from './kit.js';

const SKIP = announceSkip();
const oracle = loadOracle();
const LATER = ['default-drop', 'db-denied', 'ipv6-drop', 'web-allowed'];

describe.skipIf(SKIP)('xtables-monitor dies mid-trace: nft monitor takes over', () => {
  let lab: Lab | undefined;
  let base: Baseline;
  let run: CliRun;
  let watch: ChildWatch;
  let armed: ArmedRec;
  let readerBefore = '';
  let readerAfter = '';
  let exit: CliExit;
  let traces: TraceRec[] = [];

  beforeAll(async () => {
    lab = labUp('xtables');
    base = baseline(lab.fwNetns);
    run = startCli(['--netns', lab.fwNetns, '--backend', 'xtables', '--json', '--rate', '500', LAB_FILTER]);
    watch = new ChildWatch(run);
    armed = await run.armed();
    readerBefore = readersOf(run)
      .map((p) => p.cmd)
      .join('; ');
    await traffic(lab, 'ipv6-allowed');
    await run.waitFor(
      (r) => r.type === 'warning' && /xtables-monitor died/.test(String(r['message'])),
      5000,
      'the warning that xtables-monitor died',
    );
    await sleep(300);
    readerAfter = readersOf(run)
      .map((p) => p.cmd)
      .join('; ');
    for (const s of LATER) await traffic(lab, s);
    await sleep(1200);
    run.signal('SIGINT');
    exit = await run.finish();
    traces = inPacketOrder(run.traces());
  });

  afterAll(async () => {
    await stopAllRuns();
    lab?.down();
  });

  it('warns with the reader error and switches to nft monitor trace', () => {
    expect(readerBefore).toMatch(/^xtables-monitor --trace$/);
    expect(readerAfter).toMatch(/^nft -a monitor trace$/);
    const warning = run.warnings().find((w) => /xtables-monitor died/.test(w))!;
    expect(warning).toMatch(/unsupported layer 4 protocol value|Parsing nftables rule failed/);
    expect(warning).toMatch(/tracing goes on through nft monitor trace/);
  });

  it('ends normally: exit 0, disarmed clean, nothing left', async () => {
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.records.at(-1)).toMatchObject({
      type: 'disarmed',
      session: armed.session,
      clean: true,
      reason: 'signal SIGINT',
    });
    await expectNothingLeft(base, armed.session, watch);
  });

  for (const p of oracle.scenarios['ipv6-allowed']!.packets) {
    it(`ipv6-allowed (the packet that killed xtables-monitor): ${p.verdict.action} by ${p.verdict.iptables.chain} rule ${String(p.verdict.iptables.position)}, iptables text`, () => {
      expectLikeOracle(findExpected(traces, p), p, 'iptables', `traces:\n${summarize(traces)}`);
    });
  }

  for (const s of LATER) {
    for (const p of oracle.scenarios[s]!.packets) {
      it(`later, through nft monitor: ${s} ${p.verdict.action} by ${p.verdict.by}, iptables text`, () => {
        const t = findExpected(traces, p);
        expectLikeOracle(t, p, 'iptables', `traces:\n${summarize(traces)}`);
        expect(t!.backend, 'read by the fallback').toBe('nft');
      });
    }
  }
});
