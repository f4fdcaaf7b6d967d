// One sentence a person can act on: what decided, where, reached how, with which NAT. Pure; no I/O.
import type { Dialect, Hook } from '../model/common.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { FinalVerdict, NatRewrite, StepRule, TraceStep } from '../model/trace.js';
import { dockerDropNote } from '../explain/docker-rules.js';
import { vmapEntry } from '../explain/vmap.js';
import { pathSteps } from '../explain/why.js';
import { markSetter } from './mark-setter.js';
import { mappingNote, natTargetText, type NatContext } from './nat.js';

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
  return pathSteps(steps, decided).map((i) => {
    const s = steps[i]!;
    const label = ruleLabel(s.rule);
    const entry = s.target === null ? null : vmapEntry(s.rule?.text, `${s.verdict} ${s.target}`);
    return `${label === 'a rule' ? s.chain : `${s.chain} ${label}`}${entry === null ? '' : ` (${entry})`}`;
  });
}

/** Words computed elsewhere (src/explain) that the sentence ends with. */
export interface ExplainExtra {
  /** The best near miss of a drop: `rule 4 would accept ..., but this packet ...`. */
  readonly closest: string | null;
  /** The Kubernetes service: `service default/web:http -> endpoint 10.66.2.3:80 (1 of 2, 50 %)`. */
  readonly kube: string | null;
}

/**
 * The explanation sentence of a finished trace is explainHead() + explainTail(). The head, up to the NAT,
 * Kubernetes and near-miss words, is a function of the path alone.
 */
export function explainHead(
  verdict: FinalVerdict,
  steps: readonly TraceStep[],
  decided: number,
  backend: Dialect,
  /** Undecided because the trace ends short of these chains (`b/fwd_b at forward`), which the packet must meet. */
  shortOf: string | null = null,
  /** A rule of another table at the same hook that accepted the packet before the deciding step (-1: none). */
  alsoBy = -1,
  /** The ruleset given, if any: what an undecided kernel-log trace needs is said against it. */
  index?: RuleIndex,
  /** The chains it is short of are nftables chains, which the reader (the kernel log) cannot show. */
  unshown = false,
): string {
  if (verdict.action === 'unknown') return undecided(steps, backend, shortOf, index, unshown);
  const tproxy = verdict.action === 'accept' ? tproxyWords(steps) : '';
  return `${decision(verdict, steps, decided, alsoBy)}${tproxy}`;
}

/** `accepted by rule 3 of filter/INPUT (...), reached from ...`: who decided, and how. */
function decision(verdict: FinalVerdict, steps: readonly TraceStep[], decided: number, alsoBy: number): string {
  const where = steps[decided] ? tableChain(steps, decided) : `${verdict.table ?? '?'}/${verdict.chain ?? '?'}`;
  // The kernel reports a reject as a drop (NF_DROP): only the rule's text tells them apart.
  const textless = verdict.by === 'rule' && verdict.action === 'drop' && !steps[decided]?.rule?.text;
  const how = textless
    ? 'dropped (or rejected: without the rule’s text a reject reads as a drop)'
    : PAST[verdict.action];
  const also = steps[alsoBy] === undefined ? null : alsoBy;
  // What the other table did, said after a drop: it accepted, but both tables must let the packet through.
  const overruled = also === null ? '' : `, though ${ruleOf(steps, also)} accepted it (both tables must)`;
  if (verdict.by === 'policy') {
    const policy = verdict.action.toUpperCase();
    if (also !== null && verdict.action === 'accept')
      return `${how} by ${ruleWords(steps, also)}, and by the ${policy} policy of ${where}`;
    const why = verdict.action === 'drop' ? `: no rule ${also === null ? '' : 'of it '}accepted it` : '';
    return `${how} by the ${policy} policy of ${where}${why}${overruled}`;
  }
  const queued = steps[decided]?.verdict === 'queue' ? queueBypass(steps[decided].rule?.text) : undefined;
  if (queued !== undefined && verdict.action === 'accept') {
    const why = queued === null ? 'no listener on a bypass queue, or ' : queued ? 'no listener on its queue, or ' : '';
    return `queued to userspace by ${ruleWords(steps, decided)}, and let through: ${why}the listener accepted it`;
  }
  if (queued !== undefined && verdict.action === 'queue') {
    // The trace ends at the queue: whatever happened next, the packet did not go on through netfilter.
    const why = queued
      ? ''
      : queued === null
        ? ', or nothing listens and the queue has no bypass'
        : ', or nothing listens';
    return `queued to userspace by ${ruleWords(steps, decided)}, and not seen again: its listener dropped or kept it${why}`;
  }
  // The mark the deciding rule tests belongs right after it, before what another table did.
  const mark = markWords(steps, decided);
  if (also !== null && verdict.action === 'accept')
    return `${how} by ${ruleWords(steps, also)}, and by ${ruleWords(steps, decided)}${mark}`;
  const docker = verdict.action === 'drop' ? dockerDropNote(steps[decided]?.rule?.text) : null;
  return `${how} by ${ruleWords(steps, decided)}${mark}${docker === null ? '' : `: ${docker}`}${overruled}`;
}

/** Whether a queueing rule lets packets through when nothing listens (`--queue-bypass`, nft `bypass`); null: text unknown. */
function queueBypass(text: string | null | undefined): boolean | null {
  if (text == null) return null;
  return /--queue-bypass\b|\bbypass\b/.test(text);
}

/** `rule 2 of filter/X (text), reached from FORWARD rule 3`: step i's rule, and the jumps that led to it. */
function ruleWords(steps: readonly TraceStep[], i: number): string {
  const s = steps[i]!;
  const text = s.rule?.text ? ` (${s.rule.text})` : '';
  const path = jumpPath(steps, i);
  const from = path.length > 0 ? `, reached from ${path.join(' -> ')}` : '';
  return `${ruleOf(steps, i)}${text}${from}`;
}

/** `rule 2 of filter/X` (`a rule of filter/X` when neither its position nor its handle is known). */
function ruleOf(steps: readonly TraceStep[], i: number): string {
  return `${ruleLabel(steps[i]!.rule)} of ${tableChain(steps, i)}`;
}

/**
 * `filter/INPUT`, or `inet filter/input` when the trace also passed a table of that name in another family
 * (iptables-nft's `ip filter` next to a native `inet filter`): the sentence must say which one.
 */
function tableChain(steps: readonly TraceStep[], i: number): string {
  const s = steps[i]!;
  const twin = steps.some((o) => o.table === s.table && o.family !== s.family);
  return `${twin ? `${s.family} ` : ''}${s.table}/${s.chain}`;
}

/**
 * `, on the mark set by rule 1 of filter/cali-pi-X (...)` when the deciding rule tests a mark a rule on the path set
 * (Calico, Istio, kube-proxy's masquerade mark): that rule is what really chose the packet's fate; '' otherwise.
 */
function markWords(steps: readonly TraceStep[], decided: number): string {
  const i = markSetter(steps, decided);
  if (i < 0) return '';
  const text = steps[i]!.rule?.text;
  return `, on the mark set by ${ruleOf(steps, i)}${text ? ` (${text})` : ''}`;
}

const TPROXY = /(?:-j TPROXY\b.*?--on-port (\d+)|\btproxy (?:ip6? )?to (\S+))/;

/**
 * `, after TPROXY to :15099 in prerouting (mangle/PREROUTING rule 2)` when a TPROXY rule on the path diverted the
 * packet to a local socket (no header changes: nat[] cannot show it); '' otherwise.
 */
function tproxyWords(steps: readonly TraceStep[]): string {
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const m = s.kind === 'rule' && s.rule?.text != null ? TPROXY.exec(s.rule.text) : null;
    if (m === null) continue;
    const to = m[1] !== undefined ? `:${m[1]}` : m[2]!;
    const label = ruleLabel(s.rule);
    const by = label === 'a rule' ? ruleOf(steps, i) : `${tableChain(steps, i)} ${label}`;
    return `, after TPROXY to ${to}${inHook(s.hook)} (${by}), to a local socket`;
  }
  return '';
}

/** The end of the sentence: the packet's NAT, its Kubernetes service, the closest near miss ('' for none). */
export function explainTail(
  nat: readonly NatRewrite[],
  extra: ExplainExtra,
  steps: readonly TraceStep[],
  /** The trace's reader and packet (nat.ts mappingNote). */
  t: NatContext,
): string {
  const natText = nat.length > 0 ? `, after ${nat.map((n) => describeNat(n, steps, t)).join(' and ')}` : '';
  return `${natText}${extra.kube === null ? '' : `, ${extra.kube}`}${extra.closest === null ? '' : `; closest: ${extra.closest}`}`;
}

/** ` in prerouting`; '' when the hook is not known (an nft chain without a ruleset): never `in unknown`. */
export function inHook(hook: Hook): string {
  return hook === 'unknown' ? '' : ` in ${hook}`;
}

function describeNat(n: NatRewrite, steps: readonly TraceStep[], t: NatContext): string {
  const how = mappingNote(n, steps, t);
  return `${n.kind.toUpperCase()} ${n.from} -> ${natTargetText(n, t.packet.oif)}${inHook(n.hook)}${how}`;
}

const CUT_SOMEWHERE = '; events were lost, the reader stopped, or the capture ends mid-packet';
const CUT_BETWEEN =
  '; the kernel dropped it between them, events were lost, the reader stopped, or the capture ends mid-packet';

/** An undecided head without its guess at why the trace stops (for a trace the capture is known to end in); else null. */
export function withoutCutGuess(head: string): string | null {
  for (const guess of [CUT_SOMEWHERE, CUT_BETWEEN]) if (head.endsWith(guess)) return head.slice(0, -guess.length);
  return null;
}

function undecided(
  steps: readonly TraceStep[],
  backend: Dialect,
  shortOf: string | null,
  index: RuleIndex | undefined,
  unshown: boolean,
): string {
  const last = steps[steps.length - 1];
  if (!last) return 'no rule or policy was traced for this packet';
  const chain = tableChain(steps, steps.length - 1);
  const label = ruleLabel(last.rule);
  const at = last.kind !== 'rule' ? chain : label === 'a rule' ? `a rule of ${chain}` : `${chain} ${label}`;
  // What that last step did, when known: the kernel went on from there (a jump, a rule that continues, ...).
  const did =
    last.verdict === 'unknown'
      ? ''
      : ` (${last.kind === 'policy' ? 'policy ' : ''}${last.verdict}${last.target ? ` ${last.target}` : ''})`;
  // Without a ruleset a kernel-log `return:N` may be an unconditional rule (-j DROP) the kernel labels by its shape.
  // A kernel-log line the ruleset given does not hold: the dump is what lacks, not the capture (lab 49).
  const hint =
    backend === 'kernlog' &&
    (last.verdict === 'unknown' ||
      index === undefined ||
      index.chain(last.family, last.table, last.chain) === undefined)
      ? logHint(last, index)
      : shortOf === null
        ? CUT_SOMEWHERE
        : unshown
          ? '; the kernel log shows no nftables chain, so that chain may have dropped it (or the kernel did, between them, or lines were lost)'
          : // Between two chains of a path the kernel itself may drop it (conntrack or NAT refusing it, routing).
            CUT_BETWEEN;
  const short = shortOf === null ? '' : `, short of ${shortOf}, which every packet there meets next`;
  return `no verdict seen: the trace ends at ${at}${did}${short}${hint}`;
}

/** What a kernel-log trace whose last line has no known verdict needs: the ruleset, or the part of it missing. */
function logHint(last: TraceStep, index: RuleIndex | undefined): string {
  const save = last.family === 'ip6' ? 'ip6tables-save' : 'iptables-save';
  if (index === undefined) {
    if (last.kind === 'return')
      return `; kernel-log lines carry no verdict, and a \`return\` line is the chain's end or an unconditional rule there (-j DROP, -j ACCEPT, -j RETURN): give the ruleset (--rules ${save} output) to decide`;
    return `; kernel-log lines carry no verdict: give the ruleset (--rules ${save} output) to decide`;
  }
  const chain = index.chain(last.family, last.table, last.chain);
  if (chain === undefined)
    return `; kernel-log lines carry no verdict, and the ruleset given has no ${last.family} ${last.table}/${last.chain}: add ${save} output to decide`;
  // The ruleset holds the rule, but its target's verdict depends on the packet (SYNPROXY, TPROXY).
  const target = last.kind === 'rule' && last.rule?.text != null ? /\s-j\s+(\S+)/.exec(last.rule.text)?.[1] : undefined;
  if (target === 'SYNPROXY')
    return '; kernel-log lines carry no verdict, and -j SYNPROXY decides per packet: it answers a SYN itself and takes an ACK with a valid cookie (both stolen), drops an ACK whose cookie is not valid, and lets any other packet go on';
  if (target !== undefined)
    return `; kernel-log lines carry no verdict, and -j ${target} decides per packet: the log does not say what it did`;
  return `; kernel-log lines carry no verdict, and the ruleset given does not hold this ${last.kind} of ${last.table}/${last.chain}: give the dump taken with the capture`;
}
