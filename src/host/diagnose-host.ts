// The live session's entry point: host checks for each finished trace, with the namespace's facts cached
// (gathered at most every ~2 s) and route answers cached per packet. Fast, and never throws: what cannot be
// read gives no findings, and one warning through the callback.
import type { KernelDrop } from '../model/host.js';
import type { Trace } from '../model/trace.js';
import { gatherFacts, lookupRoute, type Runner } from '../sys/host-facts.js';
import { runCommand } from '../sys/exec.js';
import { diagnose, type HostResult } from './diagnose.js';
import { bridgedByTrace, stageOf } from './diagnose-path.js';
import { FactsCache } from './facts-cache.js';
import { RouteCache } from './route-cache.js';
import { routedPacket, routeQueryOf } from './route-packet.js';

export type { HostResult } from './diagnose.js';

export interface HostCheckerOptions {
  /** The traced namespace; null for the host's own. */
  readonly netns: string | null;
  /** Told once when something cannot be read (the checks go on with what they have). */
  readonly warn?: (message: string) => void;
  readonly run?: Runner;
  readonly now?: () => number;
  /** How old facts and route answers may be (default 2000 ms). */
  readonly maxAgeMs?: number;
}

export class HostChecker {
  private readonly facts: FactsCache;
  private readonly routes: RouteCache;
  private warned = false;

  constructor(private readonly opts: HostCheckerOptions) {
    const run = opts.run ?? runCommand;
    const maxAge = opts.maxAgeMs ?? 2000;
    this.facts = new FactsCache(async (now) => {
      const g = await gatherFacts(opts.netns, now, run);
      if (g.failures.length > 0) this.warnOnce(`could not read ${g.failures.join('; ')}`);
      return g.facts;
    }, maxAge);
    this.routes = new RouteCache((q) => lookupRoute(opts.netns, q, run), maxAge);
  }

  /** Findings and explanation for one finished trace; on any failure, no findings and the trace's own explanation. */
  async diagnose(trace: Trace, kernelDrop: KernelDrop | null): Promise<HostResult> {
    try {
      const now = (this.opts.now ?? Date.now)();
      const stage = stageOf(trace);
      const packet = stage === 'after-prerouting' ? routedPacket(trace) : null;
      const query = packet === null ? null : routeQueryOf(packet);
      // Most traces (forwarded, or decided by a rule) need nothing from the host: answer them without I/O.
      const wanted =
        stage !== 'other' || bridgedByTrace(trace) || (kernelDrop !== null && trace.verdict.action === 'accept');
      const [facts, route] = await Promise.all([
        wanted ? this.facts.get(now) : null,
        query === null ? null : this.routes.get(query, now),
      ]);
      return diagnose(trace, { netns: this.opts.netns, facts, route, kernelDrop });
    } catch (e) {
      this.warnOnce(e instanceof Error ? e.message : String(e));
      return { diagnosis: { kernelDrop, findings: [] }, explanation: trace.explanation };
    }
  }

  private warnOnce(what: string): void {
    if (this.warned) return;
    this.warned = true;
    const where = this.opts.netns === null ? '' : ` in netns ${this.opts.netns}`;
    try {
      this.opts.warn?.(`host checks${where}: ${what}; their findings may be missing`);
    } catch {
      // A failing callback must not turn into a failing trace.
    }
  }
}

const checkers = new Map<string, HostChecker>();

/**
 * Host checks for one finished trace of a live run in `netns` (null: the host's own namespace). One checker
 * (and cache) per namespace for the life of the process; `warn` is the one given on the first call.
 */
export function diagnoseHost(
  trace: Trace,
  netns: string | null,
  kernelDrop: KernelDrop | null,
  warn?: (message: string) => void,
): Promise<HostResult> {
  const key = netns ?? '';
  let checker = checkers.get(key);
  if (checker === undefined) {
    checker = new HostChecker(warn === undefined ? { netns } : { netns, warn });
    checkers.set(key, checker);
  }
  return checker.diagnose(trace, kernelDrop);
}
