// A kernel-log TRACE line plus the rule index → one TraceStep; the line itself carries no verdict. Pure; no I/O.
import type { Hook, StepVerdict } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { RuleIndex, RuleInfo, RuleNat } from '../model/ruleset.js';
import type { TraceStep } from '../model/trace.js';
import { natAtHook } from './rule-nat.js';

type LogStep = Extract<TraceEvent, { kind: 'log-step' }>;

/**
 * The kernel labels entries by shape: an unconditional ACCEPT/DROP/RETURN rule is logged as `policy:N` or
 * `return:N` like a chain's tail. Only N beyond the chain's last rule is the real tail. So a `rule:N` line whose
 * rule N in the dump is such a rule ran through another ruleset, as did a `policy:N` / `return:N` past the tail:
 * that rule is not named, and its verdict is unknown.
 */
export function kernlogStep(
  e: LogStep,
  hook: Hook,
  index: RuleIndex | undefined,
): { step: TraceStep; nat: RuleNat | null } {
  const at = { hook, family: e.family, table: e.table, chain: e.chain };
  const chain = index?.chain(e.family, e.table, e.chain);
  const listed: RuleInfo | undefined = chain?.rules[e.position - 1];
  const info = e.entry === 'rule' && listed !== undefined && tailShaped(listed) ? undefined : listed;
  // A chain's tail is at most one past its last rule: `policy:6` in a chain the dump gives one rule was logged
  // through another ruleset (another host or namespace, or rules since removed): a rule the dump does not hold.
  const pastTail = chain !== undefined && e.entry !== 'rule' && e.position > chain.rules.length + 1;
  if (e.entry === 'rule' || info || pastTail) {
    const rule = {
      handle: info?.handle ?? null,
      position: e.position,
      text: info?.text ?? null,
      packets: info?.packets ?? null,
      bytes: info?.bytes ?? null,
    };
    const verdict: StepVerdict = info ? info.action : 'unknown';
    const nat = natAtHook(info?.nat ?? null, hook);
    return { step: { ...at, kind: 'rule', rule, verdict, target: info?.target ?? null }, nat };
  }
  if (e.entry === 'return')
    return { step: { ...at, kind: 'return', rule: null, verdict: 'return', target: null }, nat: null };
  const verdict: StepVerdict = chain?.policy ?? 'unknown';
  return { step: { ...at, kind: 'policy', rule: null, verdict, target: null }, nat: null };
}

/** A rule the kernel logs as `return:N` / `policy:N`: unconditional, and it accepts, drops or returns. */
function tailShaped(r: RuleInfo): boolean {
  return r.unconditional && (r.action === 'accept' || r.action === 'drop' || r.action === 'return');
}

/**
 * Fills verdicts the ruleset could not give from what the packet did next: a line in a user chain of the
 * same table means a jump, a line in another table or hook means the chain let the packet through. Returns
 * `steps` itself when nothing is missing, else a copy (steps are shared between traces: never mutated).
 */
export function inferFromNext(steps: readonly TraceStep[]): readonly TraceStep[] {
  let out: TraceStep[] | null = null;
  for (let i = 0; i < steps.length - 1; i++) {
    const step = steps[i]!;
    if (step.verdict !== 'unknown') continue;
    const next = steps[i + 1]!;
    let verdict: StepVerdict = 'continue';
    let target: string | null = null;
    if (next.hook !== step.hook || next.table !== step.table) verdict = 'accept';
    else if (next.chain !== step.chain && step.kind === 'rule') {
      verdict = 'jump';
      target = next.chain;
    }
    out ??= steps.slice();
    out[i] = { ...step, verdict, target };
  }
  return out ?? steps;
}
