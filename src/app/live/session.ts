// A live run from arming to disarming. Every exit path goes through disarm(): the watchdog covers SIGKILL.
import type { Renderer } from '../../ui/renderer.js';
import type { TracePlan } from '../../model/plan.js';
import { EXIT } from '../../errors.js';
import { fallbackReader } from '../../backends/plan.js';
import { takeSnapshot } from '../../backends/snapshot.js';
import { displayCommand } from '../../sys/command.js';
import { runAll } from '../../sys/exec.js';
import { writeSysctl } from '../../sys/host.js';
import { ReaderProcess } from '../../sys/reader-process.js';
import { waitReady } from '../../sys/reader-ready.js';
import { writeState, type SessionState } from '../../sys/session-state.js';
import { spawnWatchdog, type WatchdogHandle } from '../../sys/watchdog-spawn.js';
import { sysctlToRestore, undoSession } from '../undo.js';
import { ArmKeeper } from './keeper.js';
import { LivePipeline } from './pipeline.js';
import type { LiveConfig } from './prepare.js';
import { describeStop, StopSignal, type StopReason } from './stop-signal.js';
import { warnAboutLogging, warnAboutLeftovers } from './preflight.js';
import { startProbe, type ProbeHandle } from './probe.js';
import { DropRing } from '../../host/drop-match.js';
import { diagnoseHost } from '../../host/diagnose-host.js';
import { startDropWatch, type DropWatch } from './drop-watch.js';
import { DROP_SETTLE_MS, HostStage } from './host-stage.js';

const TICK_MS = 250;
/** How often the run checks that its own rules are still in (a ruleset reload may remove them). */
const KEEP_MS = 1000;
const STATS_MS = 5000;
/** A fresh snapshot at most this often (counters, rules kube-proxy added). */
const SNAPSHOT_MIN_MS = 2000;

/** The reader running now: the nft fallback replaces a dead xtables-monitor. */
interface Readers {
  current: ReaderProcess | null;
}

export interface LiveRun {
  readonly stop: StopSignal;
  /** Resolves to the exit code once everything the run added is removed (or provably not). */
  readonly done: Promise<number>;
}

/** Starts a run; the caller may call `stop.stop({kind: 'quit'})` (TUI `q`). */
export function startLive(cfg: LiveConfig, plan: TracePlan, reasons: readonly string[], renderer: Renderer): LiveRun {
  const stop = new StopSignal();
  stop.installSignalHandlers();
  const done = runLive(cfg, plan, reasons, renderer, stop).finally(() => stop.dispose());
  return { stop, done };
}

async function runLive(
  cfg: LiveConfig,
  plan: TracePlan,
  reasons: readonly string[],
  renderer: Renderer,
  stop: StopSignal,
): Promise<number> {
  const warn = (message: string): void => renderer.handle({ kind: 'warning', message });
  await warnAboutLeftovers(plan, warn);
  // Recorded even when the value is already right: this run needs it too, and another run ending must
  // not put it back under us (undo.ts restoreSysctl).
  const sysctl = plan.sysctl ? await sysctlToRestore(plan.session, plan.sysctl.key) : null;
  const state: SessionState = {
    session: plan.session,
    pid: process.pid,
    backend: plan.backend,
    netns: plan.netns,
    started: new Date().toISOString(),
    remove: plan.remove,
    sysctl,
  };
  const watchdog = spawnWatchdog(await writeState(state));
  const readers: Readers = { current: null };
  let pipeline: LivePipeline | null = null;
  const timers: NodeJS.Timeout[] = [];
  let keeper: ArmKeeper | null = null;
  let probe: ProbeHandle | null = null;
  const drops: { watch: DropWatch | null } = { watch: null };
  try {
    if (plan.backend === 'legacy') await warnAboutLogging(plan, warn);
    const first = await takeSnapshot(plan);
    if (first.problem) warn(`ruleset snapshot: ${first.problem}; rules may show without text or counters`);
    let traces = 0;
    pipeline = new LivePipeline(
      plan.readerDialect,
      first.index,
      plan.session,
      cfg.flow,
      renderer,
      () => {
        traces++;
        if (cfg.count !== null && traces >= cfg.count) stop.stop({ kind: 'count' });
        refresh();
      },
      cfg.count !== null,
    );
    pipeline.limit = cfg.count;
    let lastSnapshot = Date.now();
    let snapshotting = false;
    const refresh = (): void => {
      if (snapshotting || Date.now() - lastSnapshot < SNAPSHOT_MIN_MS) return;
      snapshotting = true;
      void takeSnapshot(plan)
        .then((s) => {
          if (s.index) pipeline?.setIndex(s.index);
        })
        .catch((e: unknown) =>
          stop.stop({ kind: 'error', message: `internal error while reading the ruleset: ${errorText(e)}` }),
        )
        .finally(() => {
          lastSnapshot = Date.now();
          snapshotting = false;
        });
    };
    pipeline.onUnknownRule = refresh;
    pipeline.onFailure = (e) => stop.stop({ kind: 'error', message: `internal error while tracing: ${errorText(e)}` });
    if (cfg.hostChecks) {
      // Started before the trace rules so the first packets' drops are seen; the instance is removed by disarm.
      const ring = new DropRing();
      drops.watch = await startDropWatch({ session: plan.session, onDrop: (d, at) => ring.push(d, at) }, warn);
      const p = pipeline;
      p.useHostStage(
        new HostStage(
          drops.watch ? ring : null,
          (t, drop) => diagnoseHost(t, plan.netns, drop, warn),
          (t) => p.show(t),
          DROP_SETTLE_MS,
        ),
      );
    }
    await startReader(plan, plan.reader, pipeline, stop, warn, readers);
    if (stop.requested)
      return await disarm(plan, state, stop.requested, renderer, pipeline, readers, watchdog, drops.watch);
    if (plan.sysctl) {
      await writeSysctl(plan.sysctl.key, plan.sysctl.value);
      warn(
        `set ${plan.sysctl.key}=${plan.sysctl.value} for this run (the kernel log shows TRACE from other namespaces only then); it is restored on exit`,
      );
    }
    const armed = await runAll(plan.install);
    if (!armed.ok) {
      stop.stop({ kind: 'error', message: `${armed.failed.argv.join(' ')}: ${armed.result.summary}` });
      return await disarm(plan, state, stop.requested!, renderer, pipeline, readers, watchdog, drops.watch);
    }
    // With the run's own chains in it: their hooks tell how far a packet got where no other chain sees it.
    const withOurs = await takeSnapshot(plan);
    if (withOurs.index) pipeline.setIndex(withOurs.index);
    lastSnapshot = Date.now();
    renderer.handle({
      kind: 'armed',
      armed: {
        session: plan.session,
        backend: plan.backend,
        netns: plan.netns,
        filter: cfg.flow.text,
        commands: plan.install.map(displayCommand),
        reasons,
        rate: cfg.rate,
      },
    });
    if (cfg.timeoutSec !== null) stop.stopAfter(cfg.timeoutSec);
    // --probe: one packet that matches the filter, now that the trace listens.
    if (cfg.probe) probe = startProbe(cfg.probe, { renderer, stop, traces: () => traces, netns: plan.netns });
    const keep = (keeper = new ArmKeeper(plan.install, warn));
    timers.push(setInterval(() => keep.check(), KEEP_MS));
    timers.push(setInterval(() => pipeline?.tick(Date.now()), TICK_MS));
    timers.push(
      setInterval(() => {
        try {
          if (pipeline) renderer.handle({ kind: 'stats', stats: { ...pipeline.stats }, final: false });
        } catch (e) {
          stop.stop({ kind: 'error', message: `internal error while writing: ${errorText(e)}` });
        }
      }, STATS_MS),
    );
    const reason = await stop.reason;
    await probe?.settled(); // the probe's record comes before `disarmed`
    await keeper.stop();
    return await disarm(plan, state, reason, renderer, pipeline, readers, watchdog, drops.watch);
  } catch (e) {
    const reason: StopReason = { kind: 'error', message: errorText(e) };
    stop.stop(reason);
    await probe?.settled();
    await keeper?.stop();
    return await disarm(plan, state, stop.requested ?? reason, renderer, pipeline, readers, watchdog, drops.watch);
  } finally {
    for (const t of timers) clearInterval(t);
  }
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Starts the reader and waits until it really listens; when xtables-monitor dies, nft monitor takes over. */
async function startReader(
  plan: TracePlan,
  cmd: TracePlan['reader'],
  pipeline: LivePipeline,
  stop: StopSignal,
  warn: (m: string) => void,
  readers: Readers,
): Promise<void> {
  const reader = new ReaderProcess(cmd, (line) => pipeline.line(line, Date.now()));
  readers.current = reader;
  void reader.exited.then(async (exit) => {
    if (exit.stopped || stop.requested) return;
    const why =
      exit.stderrTail.split('\n').filter(Boolean).slice(-2).join(' / ') || `exit code ${exit.code ?? exit.signal}`;
    if (plan.backend === 'xtables' && cmd.argv[0] === 'xtables-monitor') {
      warn(
        `xtables-monitor died (${why}); tracing goes on through nft monitor trace, rules still shown in iptables syntax where iptables-save knows them`,
      );
      pipeline.setDialect('nft');
      await startReader(plan, fallbackReader(plan), pipeline, stop, warn, readers);
      return;
    }
    stop.stop({ kind: 'reader-exited', message: `${cmd.argv.join(' ')}: ${why}` });
  });
  const ok = reader.pid !== undefined && (await waitReady(reader.pid, plan.ready));
  if (!ok && !stop.requested)
    stop.stop({ kind: 'reader-exited', message: `${cmd.argv.join(' ')} did not start listening` });
}

async function disarm(
  plan: TracePlan,
  state: SessionState,
  reason: StopReason,
  renderer: Renderer,
  pipeline: LivePipeline | null,
  readers: Readers,
  watchdog: WatchdogHandle,
  dropWatch: DropWatch | null,
): Promise<number> {
  // The drop reader lets go of trace_pipe first: the instance cannot be removed while it is open.
  await dropWatch?.stop();
  const undo = await undoSession(state);
  await readers.current?.stop();
  watchdog.stop();
  pipeline?.flush();
  await pipeline?.drain();
  if (pipeline) renderer.handle({ kind: 'stats', stats: { ...pipeline.stats }, final: true });
  renderer.handle({
    kind: 'disarmed',
    disarmed: {
      session: plan.session,
      removed: plan.remove.map(displayCommand),
      clean: undo.leftovers.length === 0,
      leftovers: undo.leftovers,
      sysctlRestored: undo.sysctlRestored,
      reason: describeStop(reason),
    },
  });
  if (undo.leftovers.length > 0) return EXIT.leftovers;
  return reason.kind === 'error' || reason.kind === 'reader-exited' ? EXIT.runtime : EXIT.ok;
}
