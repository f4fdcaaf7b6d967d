// Which traces belong to this run: every fwtrace run in a namespace sees every traced packet there.
import type { FlowSpec } from '../../model/flow.js';
import type { Trace } from '../../model/trace.js';
import { mayMatchFlow } from '../../flow/match-packet.js';
import { sessionTable } from '../../backends/session.js';
import { isTracerTable } from '../../trace/verdict.js';

/**
 * nft/xtables: a trace marked by our table is ours (its own steps are dropped from the path); one marked
 * only by another fwtrace table is not. Kernel log and unmarked traces: ours when the packet may match.
 */
export function claimTrace(t: Trace, session: string, flow: FlowSpec): Trace | null {
  const own = sessionTable(session);
  const ours = t.steps.some((s) => s.table === own);
  const others = !ours && t.steps.some((s) => isTracerTable(s.table));
  if (others) return null;
  if (!ours && !mayMatchFlow(flow, t.packet)) return null;
  return ours ? { ...t, steps: t.steps.filter((s) => s.table !== own) } : t;
}
