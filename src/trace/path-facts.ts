// What finishing a trace derives from its step sequence alone (final steps with owners, verdict, the why without
// near misses, the kube-proxy service, the head of the sentence), worked out once per path (trace/path) and reader
// kind and rule index, and shared by every packet that took that path. Pure; no I/O.
import type { Dialect } from '../model/common.js';
import type { Proto } from '../model/packet.js';
import type { RuleIndex, RuleNat } from '../model/ruleset.js';
import type { FinalVerdict, Owner, TraceStep } from '../model/trace.js';
import { kubePath, type KubePath } from '../explain/kube.js';
import { stepOwner } from '../explain/owner.js';
import { whyPath, type WhyPath } from '../explain/why.js';
import { chainKey } from './correlate.js';
import { explainHead } from './explain.js';
import { typeFromName } from '../ruleset/hooks.js';
import { inferFromNext } from './kernlog-step.js';
import { natStepIndexes } from './nat.js';
import type { PathNode } from './path.js';
import { protoFromRules } from './proto-hint.js';
import { mayStop, missedChains, missedText, unroutedHint, type UnroutedHint } from './expected-chains.js';
import { acceptWeight, earlierAccept, finalVerdict, type AcceptWeight } from './verdict.js';

export interface PathFacts {
  readonly kernlog: boolean;
  readonly index: RuleIndex | undefined;
  /** The steps as traces show them: kernel-log verdicts inferred, owners set (shared: never mutate). */
  readonly steps: readonly TraceStep[];
  readonly stepNat: ReturnType<PathNode['stepNat']>;
  /** Indexes of the steps whose rule does NAT (see trace/nat). */
  readonly natAt: readonly number[];
  readonly verdict: FinalVerdict;
  readonly decided: number;
  /** The verdict is an accept that only let the packet go on (raw, mangle, nat, a chain that did NAT). */
  readonly passedOn: boolean;
  /** The protocol a matched rule requires, for packets whose dump did not say. */
  readonly ruleProto: Proto | undefined;
  readonly why: WhyPath;
  readonly kube: KubePath | null;
  /** The explanation up to its per-packet tail (see trace/explain). */
  readonly head: string;
  /** What the explanation ends with after the tail: the routing hint of trace/expected-chains, if any. */
  readonly unrouted: UnroutedHint;
}

/**
 * The facts of node's path for a trace of `backend` under `index`, worked out on first use. `cut`: the packet
 * entered another base chain after the path's last step and the trace ends there (see finalVerdict).
 */
export function pathFacts(node: PathNode, backend: Dialect, index: RuleIndex | undefined, cut = false): PathFacts {
  const kernlog = backend === 'kernlog';
  const known = (cut ? node.cutMemo : node.memo) as PathFacts | undefined;
  if (known !== undefined && known.kernlog === kernlog && known.index === index) return known;
  const facts = workOut(node, backend, index, cut);
  if (cut) node.cutMemo = facts;
  else node.memo = facts;
  return facts;
}

function workOut(node: PathNode, backend: Dialect, index: RuleIndex | undefined, cut: boolean): PathFacts {
  const raw = node.steps();
  const steps = withOwners(backend === 'kernlog' ? inferFromNext(raw) : raw);
  const stepNat = node.stepNat();
  // Chains the ruleset says the packet must have met next: without them the trace is cut short too.
  const missed = index === undefined || cut ? [] : missedChains(steps, index, backend === 'kernlog');
  const weigh = acceptWeightOf(steps, stepNat, index);
  const { verdict, index: decided } = finalVerdict(steps, weigh, cut || missed.length > 0, index !== undefined);
  const shortOf = verdict.action === 'unknown' && missed.length > 0 ? missedText(missed) : null;
  // The kernel log shows iptables-legacy's chains only: an nftables chain (it has a type) is never in it.
  const unshown = backend === 'kernlog' && missed.some((c) => c.type !== undefined);
  return {
    kernlog: backend === 'kernlog',
    index,
    steps,
    stepNat,
    natAt: natStepIndexes(steps, stepNat),
    verdict,
    decided,
    passedOn: verdict.action === 'accept' && acceptWeight(steps[decided]!, decided, weigh) === 'passes',
    ruleProto: protoFromRules(steps),
    why: whyPath(verdict, steps, decided, index),
    kube: kubePath(steps, index),
    head: explainHead(verdict, steps, decided, backend, shortOf, earlierAccept(steps, decided, weigh), index, unshown),
    unrouted: unroutedHint(steps, verdict, index, backend === 'kernlog'),
  };
}

/**
 * How much each accept says (trace/verdict AcceptWeight). It only passes the packet on in an nft chain of type `nat`
 * or `route` (the ruleset says so; a user chain takes the type of the base chain that led to it), or in a chain
 * where a rule did NAT, since NAT statements are only allowed in nat chains (so a trace without a ruleset knows
 * too). It is weak under a base chain that cannot stop any packet (ACCEPT policy, no rule that drops, rejects or
 * queues: OpenWrt fw4's empty `mangle_postrouting`, an empty OUTPUT).
 */
function acceptWeightOf(
  steps: readonly TraceStep[],
  stepNat: readonly (RuleNat | null)[],
  index: RuleIndex | undefined,
): AcceptWeight {
  const key = (s: TraceStep): string => chainKey(s.family, s.table, s.chain);
  const natChains = new Set<string>();
  stepNat.forEach((nat, i) => {
    if (nat !== null && nat.stateless !== true) natChains.add(key(steps[i]!));
  });
  return (i) => {
    const s = steps[i]!;
    if (natChains.has(key(s))) return 'passes';
    // Without the ruleset, the name says: kube-proxy's `nat-postrouting`, fw4's `srcnat`, `dstnat_wan`,
    // `mangle_forward` are nat and mangle chains. Prerouting and postrouting mostly hold NAT and marking chains
    // whose names do not say so (netavark's `POSTROUTING`): an accept there counts only when no other does.
    if (index === undefined || index.chain(s.family, s.table, s.chain) === undefined) {
      if (PASS_BY_NAME.has(typeFromName(s.chain) ?? '')) return 'passes';
      return s.hook === 'prerouting' || s.hook === 'postrouting' ? 'weak' : 'counts';
    }
    // The base chain this step runs under: its own, or the last base chain of its table before it.
    for (let j = i; j >= 0; j--) {
      const b = steps[j]!;
      if (b.table !== s.table || b.family !== s.family) continue;
      const chain = index.chain(b.family, b.table, b.chain);
      if (chain?.hook == null) continue;
      if (chain.type === 'nat' || chain.type === 'route') return 'passes';
      return mayStop(chain, index) ? 'counts' : 'weak';
    }
    return 'counts';
  };
}

/** Chain types, told by name (ruleset/hooks typeFromName), whose accepts only pass the packet on. */
const PASS_BY_NAME: ReadonlySet<string> = new Set(['nat', 'mangle']);

/**
 * Steps are shared between traces (trace/step-cache) and a step's owner depends on the step alone: it is set
 * once, in place (no copy, no side table per step).
 */
function withOwners(steps: readonly TraceStep[]): readonly TraceStep[] {
  for (const s of steps)
    if (s.owner === undefined || inferredJump(s)) (s as { owner?: Owner | null }).owner = stepOwner(s);
  return steps;
}

/** A kernel-log jump without rule text: its target was inferred (kernlog-step) on a copy that kept the old owner. */
function inferredJump(s: TraceStep): boolean {
  return s.kind === 'rule' && s.rule?.text == null && (s.verdict === 'jump' || s.verdict === 'goto');
}
