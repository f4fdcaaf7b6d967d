// Turns a finished TraceBuilder into the immutable Trace the renderers get: final verdict, NAT, owners,
// why (path, near misses), Kubernetes service, explanation. Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { FinalVerdict, Owner, Trace, TraceStep } from '../model/trace.js';
import { kubeText } from '../explain/describe.js';
import { kubernetesOf } from '../explain/kube.js';
import { stepOwner } from '../explain/owner.js';
import { packetView } from '../explain/packet-view.js';
import { whyOf } from '../explain/why.js';
import type { TraceBuilder } from './builder.js';
import { explain } from './explain.js';
import { inferFromNext } from './kernlog-step.js';
import { findNat } from './nat.js';
import { protoFromRules } from './proto-hint.js';
import { finalVerdict } from './verdict.js';

/** Final verdict, NAT and explanation of one packet; `index` (the ruleset) gives near misses and kube shares. */
export function finishTrace(b: TraceBuilder, index?: RuleIndex): Trace {
  if (b.backend === 'kernlog') inferFromNext(b.steps);
  const { verdict, index: decided } = finalVerdict(b.steps);
  const nat = findNat(b.steps, b.stepNat, b.sightings);
  const proto = b.packet.proto ?? protoFromRules(b.steps);
  const packet = proto === undefined || proto === b.packet.proto ? b.packet : { ...b.packet, proto };
  const steps = withOwners(b.steps);
  const view = (): ReturnType<typeof packetView> =>
    packetView(packet, packetAt(b, verdict), steps, nat, verdict.hook ?? 'unknown');
  const why = whyOf(verdict, steps, decided, index, view);
  const kubernetes = kubernetesOf(steps, nat, index);
  const extra = { closest: why.nearMisses[0]?.text ?? null, kube: kubernetes === null ? null : kubeText(kubernetes) };
  return {
    id: b.id,
    backend: b.backend,
    time: b.time,
    packet,
    steps,
    verdict,
    nat,
    explanation: explain(verdict, steps, decided, nat, b.backend, extra),
    why,
    kubernetes,
  };
}

/**
 * Steps are shared between traces (trace/step-cache) and a step's owner depends on the step alone: it is set
 * once, in place, the first time a trace with that step finishes (no copy, no side table per step).
 */
function withOwners(steps: TraceStep[]): TraceStep[] {
  for (const s of steps)
    if (s.owner === undefined || inferredJump(s)) (s as { owner?: Owner | null }).owner = stepOwner(s);
  return steps;
}

/** A kernel-log jump without rule text: its target was inferred (kernlog-step) on a copy that kept the old owner. */
function inferredJump(s: TraceStep): boolean {
  return s.kind === 'rule' && s.rule?.text == null && (s.verdict === 'jump' || s.verdict === 'goto');
}

/** The headers as the deciding table saw them on entering its hook (after any DNAT before it). */
function packetAt(b: TraceBuilder, v: FinalVerdict): PacketInfo | undefined {
  let fallback: PacketInfo | undefined;
  for (let i = b.sightings.length - 1; i >= 0; i--) {
    const s = b.sightings[i]!;
    if (s.hook !== v.hook) continue;
    if (s.table === v.table) return s.packet;
    fallback ??= s.packet;
  }
  return fallback;
}
