// Item 6 of the kernel suite (DESIGN "Safety" 5): two runs at once on the same lab, with different
// filters, each see only their own packets and leave nothing behind; `fwtrace cleanup` after a SIGKILL
// whose watchdog was killed first removes that dead run's leftovers, and only those: a live run's rules
// survive and it keeps tracing. On an nft lab (own tables) and a legacy lab (tagged TRACE rules, one
// kernel log for both runs).
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUp, type Lab, type LabDialect } from '../lab/lab.js';
import { expectLikeOracle, findExpected, loadOracle } from '../helpers/oracle.js';
import {
  announceSkip,
  baseline,
  ChildWatch,
  expectNothingLeft,
  helpersOf,
  inNetns,
  isAlive,
  readAllNetnsSysctl,
  runCli,
  sleep,
  startCli,
  statePath,
  stopAllRuns,
  summarize,
  traffic,
  waitUntil,
  type CliRun,
  type TraceRec,
} from './kit.js';

const SKIP = announceSkip();
const oracle = loadOracle();
const CASES: { dialect: LabDialect; backend: 'nft' | 'legacy' }[] = [
  { dialect: 'nft', backend: 'nft' },
  { dialect: 'legacy', backend: 'legacy' },
];
const DB = 'tcp port 5432';
const CLOSED = 'tcp port 9999';

/** No step of a trace belongs to a fwtrace table (its own, or another run's). */
const noTracerSteps = (traces: readonly TraceRec[]): string[] =>
  traces.flatMap((t) =>
    t.steps.filter((s) => s.table.startsWith('fwtrace_')).map((s) => `${t.id}: ${s.table} ${s.chain}`),
  );

describe.skipIf(SKIP)('concurrent runs and cleanup', () => {
  for (const c of CASES) {
    describe(`${c.backend} on a ${c.dialect} lab`, () => {
      let lab: Lab | undefined;
      const style = c.backend === 'nft' ? 'nft' : 'iptables';

      beforeAll(() => {
        lab = labUp(c.dialect);
      });

      afterAll(async () => {
        await stopAllRuns();
        lab?.down();
      });

      const start = (filter: string, extra: readonly string[] = []): CliRun =>
        startCli(['--netns', lab!.fwNetns, '--backend', c.backend, '--json', ...extra, filter]);

      /** Whether the objects of a session are in the namespace's firewall. */
      const present = (session: string): boolean =>
        c.backend === 'nft'
          ? inNetns(lab!.fwNetns, ['nft', 'list', 'tables']).includes(`fwtrace_${session}`)
          : (
              inNetns(lab!.fwNetns, ['iptables-legacy-save', '-t', 'raw']) +
              inNetns(lab!.fwNetns, ['ip6tables-legacy-save', '-t', 'raw'])
            ).includes(`fwtrace:${session}`);

      it('two runs with different filters: each sees only its own packets; nothing left after both', async () => {
        lab!.reset();
        const base = baseline(lab!.fwNetns);
        const db = start(DB);
        const watchDb = new ChildWatch(db);
        const armedDb = await db.armed();
        const closed = start(CLOSED);
        const watchClosed = new ChildWatch(closed);
        const armedClosed = await closed.armed();
        await traffic(lab!, 'db-denied');
        await traffic(lab!, 'default-drop');
        await db.waitFor((r) => r.type === 'trace', 5000, 'db trace');
        await closed.waitFor((r) => r.type === 'trace', 5000, 'closed-port trace');
        await sleep(1200); // room for traces that should not come
        db.signal('SIGINT');
        closed.signal('SIGTERM');
        const [exitDb, exitClosed] = await Promise.all([db.finish(), closed.finish()]);
        expect(exitDb.code, exitDb.stderr).toBe(0);
        expect(exitClosed.code, exitClosed.stderr).toBe(0);

        const tDb = db.traces();
        const tClosed = closed.traces();
        expect(
          tDb.every((t) => t.packet.dport === 5432 || t.packet.sport === 5432),
          summarize(tDb),
        ).toBe(true);
        expect(
          tClosed.every((t) => t.packet.dport === 9999 || t.packet.sport === 9999),
          summarize(tClosed),
        ).toBe(true);
        expect(tDb, summarize(tDb)).toHaveLength(1);
        expect(tClosed, summarize(tClosed)).toHaveLength(1);
        for (const p of oracle.scenarios['db-denied']!.packets)
          expectLikeOracle(findExpected(tDb, p), p, style, summarize(tDb));
        for (const p of oracle.scenarios['default-drop']!.packets)
          expectLikeOracle(findExpected(tClosed, p), p, style, summarize(tClosed));
        expect(noTracerSteps([...tDb, ...tClosed]), 'no fwtrace table in any path').toEqual([]);
        await expectNothingLeft(base, armedDb.session, watchDb);
        await expectNothingLeft(base, armedClosed.session, watchClosed);
      });

      it('cleanup after SIGKILL with the watchdog killed first: removes the dead run only', async () => {
        lab!.reset();
        const base = baseline(lab!.fwNetns);
        const live = start(DB);
        const watchLive = new ChildWatch(live);
        const armedLive = await live.armed();
        const dead = start(CLOSED);
        const watchDead = new ChildWatch(dead);
        const armedDead = await dead.armed();
        const { watchdog } = await helpersOf(dead);

        process.kill(watchdog.pid, 'SIGKILL');
        expect(await waitUntil(() => !isAlive(watchdog.pid), 3000)).toBe(true);
        dead.signal('SIGKILL');
        await dead.exited;
        await sleep(1000); // a watchdog would have acted by now; there is none
        expect(present(armedDead.session), 'the killed run left its trace rules').toBe(true);
        expect(existsSync(statePath(armedDead.session)), 'and its state file').toBe(true);

        // A new run says what it found (and removes nothing).
        const third = start(CLOSED, ['--timeout', '1']);
        await third.armed();
        const exitThird = await third.finish();
        expect(exitThird.code, exitThird.stderr).toBe(0);
        expect(third.warnings().join('\n')).toContain(
          `session ${armedDead.session}); remove them with: fwtrace cleanup --netns ${lab!.fwNetns}`,
        );
        expect(present(armedDead.session)).toBe(true);

        const dry = await runCli(['cleanup', '--netns', lab!.fwNetns, '--dry-run']);
        expect(dry.code, dry.stderr).toBe(0);
        expect(dry.stdout).toContain(`session ${armedDead.session} (process gone): would run`);
        expect(dry.stdout).not.toContain(armedLive.session);
        expect(present(armedDead.session), '--dry-run removes nothing').toBe(true);

        const clean = await runCli(['cleanup', '--netns', lab!.fwNetns]);
        expect(clean.code, clean.stderr).toBe(0);
        expect(clean.stdout).toContain(`session ${armedDead.session}: removed`);
        expect(clean.stdout).not.toContain(armedLive.session);
        expect(present(armedDead.session), 'the dead run is cleaned up').toBe(false);
        expect(existsSync(statePath(armedDead.session))).toBe(false);
        expect(present(armedLive.session), "the live run's rules survive").toBe(true);
        expect(existsSync(statePath(armedLive.session))).toBe(true);
        if (c.backend === 'legacy')
          expect(readAllNetnsSysctl(), 'the live legacy run still needs the kernel log').toBe('1');

        const again = await runCli(['cleanup', '--netns', lab!.fwNetns]);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toMatch(/^nothing to clean up in netns /);

        // The live run still traces.
        await traffic(lab!, 'db-denied');
        await live.waitFor((r) => r.type === 'trace', 5000, 'trace after cleanup');
        live.signal('SIGINT');
        const exitLive = await live.finish();
        expect(exitLive.code, exitLive.stderr).toBe(0);
        for (const p of oracle.scenarios['db-denied']!.packets)
          expectLikeOracle(findExpected(live.traces(), p), p, style, summarize(live.traces()));
        await expectNothingLeft(base, armedLive.session, watchLive);
        await expectNothingLeft(base, armedDead.session, watchDead);
      });
    });
  }
});
