// One sentence a person can act on: what decided, where, reached how, with which NAT. Pure; no I/O.
import type { Dialect } from '../model/common.js';
import type { FinalVerdict, NatRewrite, StepRule, TraceStep } from '../model/trace.js';

const PAST: Record<FinalVerdict['action'], string> = {
  accept: 'accepted',
  drop: 'dropped',
  reject: 'rejected',
  queue: 'queued to userspace',
  stolen: 'stolen',
  unknown: 'undecided',
};

/** `rule 3`, `rule handle 12`, or `a rule` when neither is known. */
export function ruleLabel(rule: StepRule | null): string {
  if (rule?.position != null) return `rule ${rule.position}`;
  if (rule?.handle != null) return `rule handle ${rule.handle}`;
  return 'a rule';
}

/** The chain path that led to the deciding chain: `FORWARD rule 3 -> DB-ALLOW rule 2`. */
export function jumpPath(steps: readonly TraceStep[], decided: number): string[] {
  const path: string[] = [];
  const at = steps[decided];
  if (!at) return path;
  let chain = at.chain;
  for (let i = decided - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.hook !== at.hook || s.table !== at.table) break;
    if ((s.verdict === 'jump' || s.verdict === 'goto') && s.target === chain) {
      const label = ruleLabel(s.rule);
      path.unshift(label === 'a rule' ? s.chain : `${s.chain} ${label}`);
      chain = s.chain;
    }
  }
  return path;
}

/** The explanation sentence for a finished trace. */
export function explain(
  verdict: FinalVerdict,
  steps: readonly TraceStep[],
  decided: number,
  nat: readonly NatRewrite[],
  backend: Dialect,
): string {
  const where = `${verdict.table ?? '?'}/${verdict.chain ?? '?'}`;
  const natText = nat.length > 0 ? `, after ${nat.map(describeNat).join(' and ')}` : '';
  if (verdict.action === 'unknown') return undecided(steps, backend) + natText;
  const how = PAST[verdict.action];
  if (verdict.by === 'policy') {
    const policy = verdict.action.toUpperCase();
    const why = verdict.action === 'drop' ? ': no rule accepted it' : '';
    return `${how} by the ${policy} policy of ${where}${why}${natText}`;
  }
  const text = verdict.rule?.text ? ` (${verdict.rule.text})` : '';
  const path = jumpPath(steps, decided);
  const from = path.length > 0 ? `, reached from ${path.join(' -> ')}` : '';
  return `${how} by ${ruleLabel(verdict.rule)} of ${where}${text}${from}${natText}`;
}

function describeNat(n: NatRewrite): string {
  return `${n.kind.toUpperCase()} ${n.from} -> ${n.to ?? 'the address of the out interface'} in ${n.hook}`;
}

function undecided(steps: readonly TraceStep[], backend: Dialect): string {
  const last = steps[steps.length - 1];
  if (!last) return 'no rule or policy was traced for this packet';
  const at = `${last.table}/${last.chain}${last.kind === 'rule' ? ` ${ruleLabel(last.rule)}` : ''}`;
  const hint =
    backend === 'kernlog'
      ? '; kernel-log lines carry no verdict: give the ruleset (--rules iptables-save output) to decide'
      : '; the kernel may have lost events';
  return `no verdict seen: the trace ends at ${at}${hint}`;
}
