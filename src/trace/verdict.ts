// The packet's final verdict from its steps: the first terminal verdict, else the accept that mattered, unless the
// trace stopped mid-way. Pure; no I/O.
import type { FinalAction } from '../model/common.js';
import type { FinalVerdict, TraceStep } from '../model/trace.js';

const TERMINAL: ReadonlySet<string> = new Set(['drop', 'reject', 'queue', 'stolen']);
/** Tables whose accept only lets the packet go on to the filtering that decides (iptables' fixed names). */
const PASS_THROUGH: ReadonlySet<string> = new Set(['raw', 'mangle', 'nat']);
/** Verdicts after which the kernel goes on evaluating: a trace whose last step has one was cut short. */
const GOES_ON: ReadonlySet<string> = new Set(['continue', 'jump', 'goto', 'return', 'break', 'unknown']);

/**
 * What step i's accept says, beyond the fixed table names above: `counts` (a chain that could have stopped the
 * packet let it through), `weak` (a filtering chain that stops no packet at all: an empty ACCEPT-policy OUTPUT, fw4's
 * `mangle_postrouting`) or `passes` (only lets it go on: nft type `nat` or `route`, a chain that did NAT). The
 * caller knows from the ruleset, a NAT statement in the chain, or the chain's name.
 */
export type AcceptWeight = (i: number) => 'counts' | 'weak' | 'passes';

const COUNTS: AcceptWeight = () => 'counts';

/**
 * Whether the kernel went on evaluating after this last step (the trace was cut short). With a ruleset, a last step
 * of raw, mangle or nat whose verdict is not known (a kernel-log line of a table the ruleset leaves out: `iptables
 * -S` dumps filter only) is taken as the end of the packet's path, not a cut: those tables pass packets on, and a
 * nat rule that matches last is a NAT target's (a jump, LOG or MARK would have been followed by more lines).
 */
function goesOn(last: TraceStep, withRules: boolean): boolean {
  if (withRules && last.verdict === 'unknown' && PASS_THROUGH.has(last.table)) return false;
  return GOES_ON.has(last.verdict);
}

/** True for the tracer's own table (fwtrace_<session>, or a capture's), whose accept decides nothing. */
export function isTracerTable(table: string): boolean {
  return table.startsWith('fwtrace');
}

/**
 * A queue step the packet came back from: more steps follow it (a `--queue-bypass` / `queue ... bypass` rule with
 * no listener, or a listener that accepted it). Such a rule let the packet through, like an accept.
 */
export function queuedThrough(steps: readonly TraceStep[], i: number): boolean {
  return steps[i]?.verdict === 'queue' && i < steps.length - 1;
}

/**
 * Index of the deciding step, or -1 when no step decided anything: the first terminal verdict, else the last accept
 * that counts, else the last weak one (a filtering chain that stops nothing still is where the packet was let
 * through: filter/OUTPUT's policy, not nat/POSTROUTING's), else the last accept.
 */
export function decidingStep(steps: readonly TraceStep[], weigh: AcceptWeight = COUNTS): number {
  const terminal = steps.findIndex((s, i) => TERMINAL.has(s.verdict) && !queuedThrough(steps, i));
  if (terminal >= 0) return terminal;
  let weak = -1;
  let fallback = -1;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.verdict !== 'accept' && !queuedThrough(steps, i)) continue;
    const w = acceptWeight(s, i, weigh);
    if (w === 'counts') return i;
    if (w === 'weak' && weak < 0) weak = i;
    if (fallback < 0) fallback = i;
  }
  return weak >= 0 ? weak : fallback;
}

/** Step i's accept weighed: raw, mangle, nat and the tracer's own table only pass packets on. */
export function acceptWeight(s: TraceStep, i: number, weigh: AcceptWeight): ReturnType<AcceptWeight> {
  return PASS_THROUGH.has(s.table) || isTracerTable(s.table) ? 'passes' : weigh(i);
}

/**
 * A rule of another table at the deciding step's hook that accepted the packet before it (two filtering tables on
 * one hook: both must let it through, so both are named; a later drop overrides that accept); -1 for none.
 */
export function earlierAccept(steps: readonly TraceStep[], decided: number, weigh: AcceptWeight = COUNTS): number {
  const d = steps[decided];
  if (d === undefined) return -1;
  for (let i = decided - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.hook !== d.hook) return -1;
    if (s.kind === 'rule' && s.verdict === 'accept' && s.table !== d.table && acceptWeight(s, i, weigh) === 'counts')
      return i;
  }
  return -1;
}

const UNDECIDED: FinalVerdict = Object.freeze({
  action: 'unknown',
  hook: null,
  table: null,
  chain: null,
  by: null,
  rule: null,
});

/**
 * The final verdict; `unknown` when the trace ended without one: no ruleset for kernel-log lines, or a trace cut
 * short (lost events, a reader that died, a capture stopped mid-packet): its last step goes on (a jump, a rule that
 * continues, ...) or, `cut`, the packet entered another base chain after it.
 */
export function finalVerdict(
  steps: readonly TraceStep[],
  weigh: AcceptWeight = COUNTS,
  cut = false,
  /** A ruleset was given: a last step of raw, mangle or nat with no known verdict ends the path (see goesOn). */
  withRules = false,
): { verdict: FinalVerdict; index: number } {
  const index = decidingStep(steps, weigh);
  const step = steps[index];
  if (!step) return { verdict: UNDECIDED, index };
  // A drop is final wherever it is seen; an accept only when nothing was left to evaluate.
  const last = steps[steps.length - 1]!;
  const through = queuedThrough(steps, index);
  if ((!TERMINAL.has(step.verdict) || through) && (cut || goesOn(last, withRules)))
    return { verdict: UNDECIDED, index: -1 };
  const action: FinalAction = through ? 'accept' : (step.verdict as FinalAction);
  return {
    verdict: {
      action,
      hook: step.hook,
      table: step.table,
      chain: step.chain,
      by: step.kind === 'policy' ? 'policy' : 'rule',
      rule: step.kind === 'policy' ? null : step.rule,
    },
    index,
  };
}
