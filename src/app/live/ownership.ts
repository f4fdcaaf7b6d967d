// Which traces belong to this run: every fwtrace run in a namespace sees every traced packet there.
import type { FlowSpec } from '../../model/flow.js';
import type { Trace, TraceStep } from '../../model/trace.js';
import { mayMatchFlow } from '../../flow/match-packet.js';
import { sessionTable } from '../../backends/session.js';
import { isTracerTable } from '../../trace/verdict.js';

/** A step where a tracer table's rule matched: that table set nftrace (merely passing its chain is a `policy` step). */
const marks = (s: TraceStep, table: (t: string) => boolean): boolean => s.kind === 'rule' && table(s.table);

/**
 * nft/xtables: a trace marked by one of our table's rules is ours; one marked only by another fwtrace
 * table's rules is not (it passes our chain too once nftrace is set, which does not make it ours).
 * Kernel log and unmarked traces: ours when the packet may match. Every fwtrace table's steps are
 * dropped from the path: they are not the user's firewall.
 */
export function claimTrace(t: Trace, session: string, flow: FlowSpec): Trace | null {
  const own = sessionTable(session);
  const ours = t.steps.some((s) => marks(s, (x) => x === own));
  const others = !ours && t.steps.some((s) => marks(s, isTracerTable));
  if (others) return null;
  if (!ours && !mayMatchFlow(flow, t.packet)) return null;
  if (!t.steps.some((s) => isTracerTable(s.table))) return t;
  const steps = t.steps.filter((s) => !isTracerTable(s.table));
  if (t.verdict.table === null || !isTracerTable(t.verdict.table)) return { ...t, steps };
  // Only a tracer chain's policy had the last word: no chain of the user's firewall decided anything.
  const last = steps[steps.length - 1];
  const did = t.verdict.action === 'accept' ? 'accepted' : t.verdict.action;
  const explanation =
    last === undefined
      ? `${did}: no chain of this firewall is on its path (only fwtrace's own trace chain saw it)`
      : `${did}: no rule or policy stopped it; the last chain it passed was ${last.table}/${last.chain} (${last.hook})`;
  return {
    ...t,
    steps,
    verdict: { ...t.verdict, table: null, chain: null, by: null, rule: null },
    explanation,
  };
}
