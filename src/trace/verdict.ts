// The packet's final verdict from its steps: the first terminal verdict, else the accept that mattered. Pure; no I/O.
import type { FinalAction } from '../model/common.js';
import type { FinalVerdict, TraceStep } from '../model/trace.js';

const TERMINAL: ReadonlySet<string> = new Set(['drop', 'reject', 'queue', 'stolen']);
/** Tables whose accept only lets the packet go on to the filtering that decides. */
const PASS_THROUGH: ReadonlySet<string> = new Set(['raw', 'mangle', 'nat']);

/** True for the tracer's own table (fwtrace_<session>, or a capture's), whose accept decides nothing. */
export function isTracerTable(table: string): boolean {
  return table.startsWith('fwtrace');
}

/** Index of the deciding step, or -1 when no step decided anything. */
export function decidingStep(steps: readonly TraceStep[]): number {
  const terminal = steps.findIndex((s) => TERMINAL.has(s.verdict));
  if (terminal >= 0) return terminal;
  let fallback = -1;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.verdict !== 'accept') continue;
    if (!PASS_THROUGH.has(s.table) && !isTracerTable(s.table)) return i;
    if (fallback < 0) fallback = i;
  }
  return fallback;
}

/** The final verdict; `unknown` when the trace ended without one (no ruleset for kernel-log lines, lost events). */
export function finalVerdict(steps: readonly TraceStep[]): { verdict: FinalVerdict; index: number } {
  const index = decidingStep(steps);
  const step = steps[index];
  if (!step) {
    return { verdict: { action: 'unknown', hook: null, table: null, chain: null, by: null, rule: null }, index };
  }
  // An accept followed by a step without any verdict means the trace was cut short.
  const last = steps[steps.length - 1]!;
  const cutShort = step.verdict === 'accept' && last.verdict === 'unknown';
  const action: FinalAction = cutShort ? 'unknown' : (step.verdict as FinalAction);
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
