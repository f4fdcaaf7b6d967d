// Item 7 of the kernel suite: the ruleset is rewritten in a loop while a trace runs (the same policy
// reloaded every 100 ms: iptables-nft-restore, iptables-legacy-restore, nft -f with a flush of the
// policy's table). fwtrace does not crash, traces keep coming with the right verdicts (a rule, when one
// is named, is never a wrong one: handles change under the snapshot), and after exit its trace rules
// are gone. A reload that removes the run's own rules (a restore with a *raw table, `flush ruleset`)
// is noticed: the run says so and puts back its own rules, and traces come again.
import { afterAll, describe, expect, it } from 'vitest';
import { labUp, type Lab, type LabDialect } from '../lab/lab.js';
import { findExpected, loadOracle, type ExpectedPacket, type RuleStyle } from '../helpers/oracle.js';
import {
  announceSkip,
  baseline,
  ChildWatch,
  expectNothingLeft,
  inNetns,
  inPacketOrder,
  LAB_FILTER,
  Reloader,
  runInNetns,
  sleep,
  startCli,
  stopAllRuns,
  summarize,
  traffic,
  waitUntil,
  type CliRun,
  type TraceRec,
} from './kit.js';

const SKIP = announceSkip();
const oracle = loadOracle();
const SCENARIOS = ['db-denied', 'default-drop', 'web-allowed'];
const ROUNDS = 3;

const labs: Lab[] = [];
const reloaders: Reloader[] = [];

/** The iptables-save text of some tables only (`tables` in the order of the dump). */
function tablesOf(save: string, tables: readonly string[]): string {
  const out: string[] = [];
  let keep = false;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) keep = tables.includes(line.slice(1));
    if (keep) out.push(line);
    if (line === 'COMMIT') keep = false;
  }
  return out.join('\n') + '\n';
}

/** The scenario's first packet, the `round`-th time it was sent. */
const nthRound = (p: ExpectedPacket, round: number): ExpectedPacket => ({ ...p, nth: round });

/**
 * Verdict, hook, deciding table and chain as the oracle says; the rule, when the trace names one, is the
 * oracle's (never a wrong rule because handles moved under the snapshot).
 */
function expectVerdict(t: TraceRec | undefined, p: ExpectedPacket, style: RuleStyle, context: string): void {
  expect(t, `${JSON.stringify(p.match)} #${p.nth} traced; ${context}`).toBeDefined();
  const want = style === 'iptables' ? p.verdict.iptables : p.verdict.nft;
  expect(t!.verdict, context).toMatchObject({
    action: p.verdict.action,
    hook: p.verdict.hook,
    by: p.verdict.by,
    table: want.table,
    chain: want.chain,
  });
  if (p.verdict.by === 'rule' && t!.verdict.rule?.text != null) {
    expect(t!.verdict.rule.text, context).toBe(want.rule);
    if (style === 'iptables' && t!.verdict.rule.position !== null)
      expect(t!.verdict.rule.position, context).toBe(want.position);
  }
}

interface Round {
  readonly start: number;
  readonly end: number;
}

/** Sends every scenario once per round (conntrack forgotten first); returns when each round ran. */
async function rounds(lab: Lab, n: number, into: Round[]): Promise<void> {
  for (let r = 0; r < n; r++) {
    lab.reset();
    const start = Date.now();
    for (const s of SCENARIOS) await traffic(lab, s);
    into.push({ start, end: Date.now() });
  }
  await sleep(1200);
}

/**
 * The round's packet: by the wall clock of the trace's first event when the trace has one (netlink
 * readers), so a packet no reader saw does not shift the others; else the round-th in packet order.
 */
function inRound(ordered: readonly TraceRec[], p: ExpectedPacket, round: Round, index: number): TraceRec | undefined {
  const timed = ordered.filter((t) => t.time !== null);
  if (timed.length === 0) return findExpected(ordered, nthRound(p, index));
  return findExpected(
    timed.filter((t) => Date.parse(t.time!) >= round.start - 50 && Date.parse(t.time!) <= round.end + 50),
    { ...p, nth: 0 },
  );
}

/**
 * Every round's scenarios are traced with the oracle's verdict. A packet in flight while iptables-nft-restore
 * replaces its table can be reported in FORWARD twice (seen: first `policy accept`, then the rules, as if it met
 * the new chain before its rules were in); it is then told in two traces (`id`, `id#2`, same headers), and the
 * oracle's verdict is the last part's. One exception: xtables-monitor may die under the churn (1.8.9: "No buffer space available") and nft
 * monitor takes over (DESIGN: the fallback); packets in flight while the readers change hands are then incomplete
 * (`unknown`) or not seen. Allowed only with that warning, for at most two packets, and never in `strictFrom` and
 * later rounds (sent once the churn stopped: traces keep coming).
 */
function expectRounds(run: CliRun, style: RuleStyle, done: readonly Round[], strictFrom: number): void {
  const ordered = inPacketOrder(run.traces());
  const notes = run.records
    .filter((r) => r.type === 'warning' || r.type === 'stats')
    .map((r) => JSON.stringify(r))
    .join('\n');
  const switched = run.warnings().some((w) => /xtables-monitor died/.test(w));
  let inGap = 0;
  done.forEach((round, r) => {
    for (const s of SCENARIOS) {
      const p = nthRound(oracle.scenarios[s]!.packets[0]!, r);
      const first = inRound(ordered, oracle.scenarios[s]!.packets[0]!, round, r);
      const t = first === undefined || r >= strictFrom ? first : lastPart(ordered, first);
      if (switched && r < strictFrom && (t === undefined || t.verdict.action === 'unknown')) {
        inGap++;
        continue;
      }
      expectVerdict(t, p, style, `round ${r}, ${s}; traces:\n${summarize(ordered)}\n${notes}`);
    }
  });
  expect(inGap, `packets caught between two readers\n${notes}`).toBeLessThanOrEqual(2);
}

/** The last of the traces the packet's events went into: the same trace id (`id`, `id#2`) and headers. */
function lastPart(ordered: readonly TraceRec[], t: TraceRec): TraceRec {
  const base = (id: string): string => id.split('#')[0]!;
  const headers = (r: TraceRec): string => {
    const { src, dst, sport, dport, tcpFlags } = r.packet;
    return JSON.stringify([src, dst, sport, dport, tcpFlags]);
  };
  const parts = ordered.filter((o) => base(o.id) === base(t.id) && headers(o) === headers(t));
  return parts[parts.length - 1] ?? t;
}

const CASES: {
  dialect: LabDialect;
  backend: string;
  style: RuleStyle;
  what: string;
  reload: (fw: string) => { argv: string[]; input: string };
}[] = [
  {
    dialect: 'xtables',
    backend: 'xtables',
    style: 'iptables',
    what: 'iptables-nft-restore of the same policy',
    reload: (fw) => ({ argv: ['iptables-nft-restore'], input: inNetns(fw, ['iptables-nft-save']) }),
  },
  {
    dialect: 'legacy',
    backend: 'legacy',
    style: 'iptables',
    what: 'iptables-legacy-restore of the same filter and nat tables',
    reload: (fw) => ({
      argv: ['iptables-legacy-restore', '-w'],
      input: tablesOf(inNetns(fw, ['iptables-legacy-save']), ['filter', 'nat']),
    }),
  },
  {
    dialect: 'nft',
    backend: 'nft',
    style: 'nft',
    what: 'nft -f: flush table inet filter and load it again',
    reload: (fw) => ({
      argv: ['nft', '-f', '-'],
      input: `flush table inet filter\n${inNetns(fw, ['nft', '-s', 'list', 'table', 'inet', 'filter']).replace(/\n\s*elements = \{[^}]*\}/g, '')}`,
    }),
  },
];

describe.skipIf(SKIP)('the ruleset rewritten during a trace', () => {
  afterAll(async () => {
    await Promise.all(reloaders.map((r) => r.stop()));
    await stopAllRuns();
    for (const lab of labs) lab.down();
  });

  for (const c of CASES) {
    it(`${c.backend} on a ${c.dialect} lab, ${c.what} every 100 ms: traces keep coming; nothing left after`, async () => {
      const lab = labUp(c.dialect);
      labs.push(lab);
      const { argv, input } = c.reload(lab.fwNetns);
      expect(await runInNetns(lab.fwNetns, argv, input), `${argv.join(' ')} works on this policy`).toBe(0);
      const base = baseline(lab.fwNetns); // after one reload: a reload may list recreated tables last
      const run = startCli(['--netns', lab.fwNetns, '--backend', c.backend, '--json', '--rate', '500', LAB_FILTER]);
      const watch = new ChildWatch(run);
      const armed = await run.armed();
      const reloader = new Reloader(lab.fwNetns, argv, input);
      reloaders.push(reloader);
      const done: Round[] = [];
      await rounds(lab, ROUNDS, done);
      await reloader.stop();
      // xtables-monitor reports the overflow the churn caused (ENOBUFS) only when it next reads: let such a death
      // surface, and nft monitor take over, before the round that must come through whole (seen once: the switch
      // fell in that round and its last packet was lost between the readers).
      await sleep(1500);
      expect(reloader.ok, `reloads done (${reloader.failed} failed)`).toBeGreaterThan(10);
      expect(run.running, 'fwtrace still runs').toBe(true);
      await rounds(lab, 1, done); // once the churn stopped
      run.signal('SIGINT');
      const exit = await run.finish();
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.records.at(-1)).toMatchObject({ type: 'disarmed', clean: true });
      expectRounds(run, c.style, done, ROUNDS);
      await expectNothingLeft(base, armed.session, watch);
    });
  }

  const WIPES: {
    dialect: LabDialect;
    backend: string;
    style: RuleStyle;
    what: string;
    wipe: (fw: string) => { argv: string[]; input: string };
    present: (fw: string, session: string) => boolean;
  }[] = [
    {
      dialect: 'legacy',
      backend: 'legacy',
      style: 'iptables',
      what: 'iptables-legacy-restore of the whole policy (its *raw table has no TRACE rules)',
      wipe: (fw) => ({ argv: ['iptables-legacy-restore', '-w'], input: inNetns(fw, ['iptables-legacy-save']) }),
      present: (fw, session) => inNetns(fw, ['iptables-legacy-save', '-t', 'raw']).includes(`fwtrace:${session}`),
    },
    {
      dialect: 'nft',
      backend: 'nft',
      style: 'nft',
      what: 'nft -f of the whole ruleset after `flush ruleset` (as /etc/nftables.conf does)',
      wipe: (fw) => ({
        argv: ['nft', '-f', '-'],
        input: `flush ruleset\n${inNetns(fw, ['nft', '-s', 'list', 'ruleset']).replace(/\n\s*elements = \{[^}]*\}/g, '')}`,
      }),
      present: (fw, session) => inNetns(fw, ['nft', 'list', 'tables']).includes(`fwtrace_${session}`),
    },
  ];

  for (const c of WIPES) {
    it(`${c.backend}: ${c.what} every 100 ms removes the run's rules: it says so, puts them back, traces come again`, async () => {
      const lab = labUp(c.dialect);
      labs.push(lab);
      const base = baseline(lab.fwNetns);
      const { argv, input } = c.wipe(lab.fwNetns); // taken before the run: without its rules
      const run = startCli(['--netns', lab.fwNetns, '--backend', c.backend, '--json', '--rate', '500', LAB_FILTER]);
      const watch = new ChildWatch(run);
      const armed = await run.armed();
      const done: Round[] = [];
      await rounds(lab, 1, done); // round 0: before any reload
      const reloader = new Reloader(lab.fwNetns, argv, input);
      reloaders.push(reloader);
      await sleep(2500);
      await reloader.stop();
      // xtables-monitor reports the overflow the churn caused (ENOBUFS) only when it next reads: let such a death
      // surface, and nft monitor take over, before the round that must come through whole (seen once: the switch
      // fell in that round and its last packet was lost between the readers).
      await sleep(1500);
      expect(reloader.ok, `reloads done (${reloader.failed} failed)`).toBeGreaterThan(10);
      await run.waitFor(
        (r) => r.type === 'warning' && /removed by something else.*put them back/.test(String(r['message'])),
        3000,
        'warning about the removed rules',
      );
      expect(await waitUntil(() => c.present(lab.fwNetns, armed.session), 3000), 'the run put its rules back').toBe(
        true,
      );
      await rounds(lab, 1, done); // round 1: after the reloads
      run.signal('SIGINT');
      const exit = await run.finish();
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.records.at(-1)).toMatchObject({ type: 'disarmed', clean: true });
      expectRounds(run, c.style, done, 0);
      await expectNothingLeft(base, armed.session, watch);
    });
  }
});
