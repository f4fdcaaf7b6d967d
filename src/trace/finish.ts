// Turns a finished TraceBuilder into the immutable Trace the renderers get: final verdict, NAT, owners,
// why (path, near misses), Kubernetes service, explanation. What depends on the path alone is shared by the
// packets that took it (trace/path-facts); only what depends on the packet is worked out per trace. Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { FinalVerdict, NatRewrite, Trace, TraceStep } from '../model/trace.js';
import { droppedAsInvalid, INVALID_LEAD, invalidCause } from '../explain/invalid.js';
import { kubeFor } from '../explain/kube.js';
import { packetView } from '../explain/packet-view.js';
import { whyFor } from '../explain/why.js';
import type { TraceBuilder } from './builder.js';
import { groupRange, isLinkLocalGroup } from './address.js';
import { explainTail, withoutCutGuess } from './explain.js';
import { answeredText, groupDropped, ttlSpent, type UnroutedHint } from './expected-chains.js';
import type { ForwardOrder } from './forward-order.js';
import { findNat } from './nat.js';
import { pathFacts, type PathFacts } from './path-facts.js';
import { noReplyRule } from './reply-hint.js';
import type { IcmpAnswer } from './icmp-answer.js';

/** Final verdict, NAT and explanation of one packet; `index` (the ruleset) gives near misses and kube shares. */
export function finishTrace(b: TraceBuilder, index?: RuleIndex, order?: ForwardOrder): Trace {
  const first = pathFacts(b.path, b.backend, index, enteredLast(b));
  const end = endOf(b, first, order);
  order?.learn(b.packet.ipVersion, b.sightings);
  // Those ends make the path's own verdict void: its facts as a cut path (no verdict, no near misses).
  const f = end === null ? first : pathFacts(b.path, b.backend, index, true);
  const { steps } = f;
  const verdict = end?.kind === 'answered' ? KERNEL_DROPPED : f.verdict;
  const nat = findNat(steps, f.stepNat, f.natAt, b.sightings);
  const proto = b.packet.proto ?? f.ruleProto;
  const packet = proto === undefined || proto === b.packet.proto ? b.packet : { ...b.packet, proto };
  const why = whyFor(f.why, () =>
    packetView(packet, packetAt(b, verdict), steps, nat, verdict.hook ?? 'unknown', index?.helpers),
  );
  const kube = f.kube === null ? null : kubeFor(f.kube, nat, b.packet);
  // A reply dropped where no rule accepts replies: that, not a rule for new connections, is the closest answer.
  const noReplies = noReplyRule(verdict, steps[f.decided]?.family, packet, index);
  const closest = noReplies === '' ? (why.nearMisses[0]?.text ?? null) : null;
  const tail =
    nat.length === 0 && kube === null && closest === null
      ? ''
      : explainTail(nat, { closest, kube: kube?.text ?? null }, steps, { backend: b.backend, packet });
  // Undecided because the capture ends here: that is said last, in place of the guesses at why.
  const endsHere = b.cutShort && verdict.action === 'unknown' ? withoutCutGuess(f.head) : null;
  const head =
    endsHere ??
    (end?.kind === 'skipped'
      ? (withoutCutGuess(f.head) ?? f.head) + skippedText(end.chain, b.backend)
      : end?.kind === 'answered'
        ? `dropped by the kernel after prerouting, ${end.answer.cause}: this host sent ${end.answer.message} (trace ${end.answer.id}); netfilter had let it through: ${first.head}`
        : f.head);
  const unrouted =
    endsHere !== null
      ? `; ${CAPTURE_ENDS}`
      : f.unrouted.lead === '' || end !== null
        ? ''
        : b.cutShort
          ? f.unrouted.lead + CAPTURE_ENDS
          : unroutedText(f.unrouted, b, packet.dst, steps, nat);
  // A drop because conntrack marked the packet INVALID: what that most likely means for it.
  const invalid = droppedAsInvalid({ verdict, why })
    ? INVALID_LEAD +
      (b.ctInvalid !== null
        ? `the kernel logged "${b.ctInvalid}" for it (nf_conntrack_log_invalid)`
        : invalidCause(packet.proto ?? null, packet.tcpFlags, packet.inner !== undefined))
    : '';
  return {
    id: b.id,
    backend: b.backend,
    time: b.time,
    packet,
    steps,
    verdict,
    nat,
    explanation:
      tail === '' && unrouted === '' && invalid === '' && noReplies === ''
        ? head
        : head + tail + unrouted + noReplies + invalid,
    why,
    kubernetes: kube === null ? null : kube.service,
  };
}

/** What ended a packet otherwise than its path says (see endOf). */
type End =
  | { readonly kind: 'cut' }
  | { readonly kind: 'skipped'; readonly chain: string }
  | { readonly kind: 'answered'; readonly answer: IcmpAnswer };

/**
 * The end of a packet the path's verdict does not tell: the capture ended while it was traced, before any filtering
 * chain let it through (no verdict); accepted at forward short of a chain other packets met after it there (no
 * verdict: dropped by what the reader cannot show); accepted in prerouting and answered with a routing ICMP error
 * (no route, TTL, too big: the kernel dropped it). null for none.
 */
function endOf(b: TraceBuilder, first: PathFacts, order: ForwardOrder | undefined): End | null {
  if (b.cutShort && first.passedOn) return { kind: 'cut' };
  if (first.verdict.action !== 'accept') return null;
  if (order !== undefined && first.verdict.hook === 'forward') {
    const chain = order.missed(b.packet.ipVersion, b.sightings);
    if (chain !== null) return { kind: 'skipped', chain };
  }
  const last = first.steps[first.steps.length - 1];
  if (b.answeredBy !== null && last?.hook === 'prerouting') return { kind: 'answered', answer: b.answeredBy };
  return null;
}

/** The verdict of a packet the kernel dropped after netfilter let it through: no table, chain or rule decided. */
const KERNEL_DROPPED: FinalVerdict = Object.freeze({
  action: 'drop',
  hook: 'prerouting',
  table: null,
  chain: null,
  by: null,
  rule: null,
});

/** Why a packet accepted short of a forward chain other packets met next (ForwardOrder) got no further. */
function skippedText(chain: string, backend: string): string {
  const reader = backend === 'xtables' ? 'xtables-monitor' : 'nft monitor trace';
  return `, short of ${chain} at forward, which other packets met after it in this capture: a table ${reader} cannot show dropped it between them (iptables-legacy's), the kernel did, events were lost, or that chain was removed meanwhile`;
}

/** The trace ends on entering a base chain, before any step there: cut short (a complete one ends in a verdict). */
function enteredLast(b: TraceBuilder): boolean {
  const last = b.sightings[b.sightings.length - 1];
  return last !== undefined && b.path.depth > 0 && last.stepCount === b.path.depth;
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

/**
 * The routing hint's words for this packet. Multicast and broadcast are for this host (or dropped) wherever no
 * chain hooks input: nothing to point out. Where input has chains, one not seen there was dropped (link-local
 * groups are never forwarded); any other packet may have been forwarded where no chain hooks forward, but multicast
 * only by a multicast routing daemon: it was most likely dropped.
 */
function unroutedText(
  hint: UnroutedHint,
  b: TraceBuilder,
  dst: string | undefined,
  steps: readonly TraceStep[],
  nat: readonly NatRewrite[],
): string {
  const group = groupRange(dst);
  if (hint.maybeLocal && group !== null) return '';
  if (b.answeredBy !== null) return answeredText(hint, b.answeredBy);
  // A DNAT back to the sender: on a bridge (pods on cni0) the frame would leave by the port it came in on.
  const sender = b.packet.src;
  if (sender !== undefined && nat.some((n) => n.kind === 'dnat' && n.to !== null && hostOf(n.to) === sender))
    return `${hint.lead}${HAIRPIN(sender)}${hint.causes}`;
  // A TTL of 1 on arrival: it was not forwarded (whether or not chains hook forward).
  const ttl = b.packet.ttl;
  const v6 = b.packet.ipVersion === 6;
  if (ttl !== undefined && ttl <= 1 && group === null) return hint.lead + ttlSpent(hint, ttl, v6);
  if (hint.maybeForwarded === true && !isLinkLocalGroup(dst))
    return group === 'multicast' ? hint.lead + MULTICAST_UNJOINED_OR_ROUTED : '';
  // IPv6 has a hop limit, not a TTL.
  const causes =
    group !== null ? groupDropped(group) : v6 ? hint.causes.replace('TTL expired', 'hop limit expired') : hint.causes;
  return hint.lead + (b.packet.fragment === true && !steps.some(untracks) ? fragmentHeld(causes) : causes);
}

/** The words before the other causes of a packet DNATed back to its own sender (lab 52: kube-proxy hairpin). */
const HAIRPIN = (sender: string): string =>
  `the DNAT sends it back to its sender ${sender} (hairpin), which a bridge port drops unless hairpin mode is on (a CNI's hairpinMode), or `;

/** The address of `ip:port`, `[v6]:port`, or an address alone. */
function hostOf(to: string): string {
  if (to.startsWith('[')) return to.slice(1, to.indexOf(']'));
  const colon = to.indexOf(':');
  return colon >= 0 && to.indexOf(':', colon + 1) < 0 ? to.slice(0, colon) : to;
}

/** A rule that took the packet out of conntrack (nft `notrack`, `-j CT --notrack`, `-j NOTRACK`). */
function untracks(s: TraceStep): boolean {
  const text = s.rule?.text;
  return text != null && /\bnotrack\b|-j NOTRACK\b|--notrack\b/i.test(text);
}

const CAPTURE_ENDS =
  'the capture ends here: its reader stopped while this packet was traced, so what became of it is not in the capture';

const MULTICAST_UNJOINED_OR_ROUTED =
  'the kernel dropped it (a multicast group this host has not joined), a multicast routing daemon forwarded it (no chain hooks forward), or events were lost';

/** Why a fragment seen before conntrack's reassembly (priority -400) goes no further; untracked ones are not held. */
function fragmentHeld(causes: string): string {
  return `it is a fragment: conntrack holds fragments until their datagram is whole, then passes it on as one packet under the trace id of the fragment that completed it (a fragment untracked before then goes on by itself: then ${causes})`;
}
