// NAT rewrites of one packet: header changes between base chains, tied to the nat rule that did them. Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { RuleNat } from '../model/ruleset.js';
import type { NatRewrite, TraceStep } from '../model/trace.js';
import { endpoint } from './address.js';
import type { Sighting } from './builder.js';
import { isTcpOpen } from '../parse/tcp-flags.js';
import { mapAddress, mapPrefix } from './prefix-map.js';
import { reassembled } from './reassembly.js';

type Side = 'dst' | 'src';
const sideOf = (kind: RuleNat['kind']): Side => (kind === 'dnat' || kind === 'redirect' ? 'dst' : 'src');

interface NatStep {
  readonly index: number;
  readonly step: TraceStep;
  readonly nat: RuleNat;
  used: boolean;
}

/** Indexes of the steps whose rule does NAT and that did not just continue: a function of the path alone. */
export function natStepIndexes(steps: readonly TraceStep[], stepNat: readonly (RuleNat | null)[]): number[] {
  const out: number[] = [];
  stepNat.forEach((nat, index) => {
    const step = steps[index];
    // A NAT target's rule accepts; one that only continued did not rewrite (a stateless rewrite goes on).
    if (nat && step && (step.verdict !== 'continue' || nat.stateless === true)) out.push(index);
  });
  return out;
}

/** What most packets get: no rewrite (shared, frozen). */
const NO_NAT: readonly NatRewrite[] = Object.freeze([]);

/**
 * Every rewrite seen, in path order; a nat rule with no visible effect (MASQUERADE in the last hook) still counts.
 * `natAt` is natStepIndexes(steps, stepNat).
 */
export function findNat(
  steps: readonly TraceStep[],
  stepNat: readonly (RuleNat | null)[],
  natAt: readonly number[],
  sightings: readonly Sighting[],
): readonly NatRewrite[] {
  if (natAt.length === 0 && !rewritten(sightings)) return NO_NAT;
  const natSteps: NatStep[] = natAt.map((index) => ({ index, step: steps[index]!, nat: stepNat[index]!, used: false }));
  const out: NatRewrite[] = [];
  for (let i = 1; i < sightings.length; i++) {
    const before = sightings[i - 1]!;
    const after = sightings[i]!;
    // Most packets are never rewritten: the same (cached) headers, or equal addresses and ports.
    if (before.packet === after.packet || sameEndpoints(before.packet, after.packet)) continue;
    // A fragment and the datagram it completed: its "ports" were payload.
    if (reassembled(before.packet, after.packet)) continue;
    const sides: [Side, string, string][] = [
      ['dst', endpoint(before.packet.dst, before.packet.dport), endpoint(after.packet.dst, after.packet.dport)],
      ['src', endpoint(before.packet.src, before.packet.sport), endpoint(after.packet.src, after.packet.sport)],
    ];
    // nft prints a chain's headers with its first event, after that rule ran: a stateless rewrite there shows already.
    const chainEnd = sightings[i + 1]?.stepCount ?? steps.length;
    for (const [side, from, to] of sides) {
      if (from === to || before.packet[side] === undefined || after.packet[side] === undefined) continue;
      const by = natSteps.find(
        (n) =>
          !n.used &&
          sideOf(n.nat.kind) === side &&
          (n.index < after.stepCount || (n.nat.stateless === true && n.index < chainEnd)),
      );
      if (by) by.used = true;
      out.push(rewrite(by?.step.hook ?? madeAt(side, before.hook, after.hook), by, side, from, to));
    }
  }
  for (const n of natSteps) {
    if (n.used) continue;
    const seen = [...sightings].reverse().find((s) => s.stepCount <= n.index)?.packet;
    const side = sideOf(n.nat.kind);
    const from = seen ? endpoint(seen[side], side === 'dst' ? seen.dport : seen.sport) : '?';
    const to = unseenTarget(n.nat, seen, side);
    // The headers seen already are the rewritten ones (nft's packet line of the rewriting chain): nothing to add.
    if (to === from && n.nat.stateless === true) continue;
    out.push(rewrite(n.step.hook, n, side, from, to));
  }
  return out;
}

/**
 * What a rewrite no later chain saw made of the packet: the rule's target as written; for a 1:1 prefix map (NETMAP,
 * nft `prefix to`) the address it maps this one to, with the port kept; for nft's map keyed by the address the value
 * of its element. A map the packet's address does not look up (numgen, jhash, a concatenation) gives null: its text
 * is no address.
 */
function unseenTarget(nat: RuleNat, seen: Sighting['packet'] | undefined, side: Side): string | null {
  const addr = seen?.[side];
  const to = nat.to;
  if (to === null || seen === undefined || addr === undefined) return to;
  if (nat.prefix === true) {
    const mapped = mapPrefix(addr, to);
    return mapped === null ? to : endpoint(mapped, side === 'dst' ? seen.dport : seen.sport);
  }
  return /\bmap\b/.test(to) ? mapAddress(addr, to) : to;
}

/**
 * Where a change no rule made happened: conntrack rewrites a source at postrouting (or input), before the chains of
 * higher priority there: first seen at postrouting, or between output and prerouting (looped back over lo), it was
 * made at postrouting; first seen at input, at input. Anything else where it was seen before, but for ingress
 * (netdev and inet ingress chains run before conntrack): a destination seen there last was rewritten at prerouting.
 */
function madeAt(side: Side, before: Hook, after: Hook): Hook {
  if (side !== 'src') return before === 'ingress' ? 'prerouting' : before;
  if (after === 'input' || after === 'postrouting') return after;
  return before === 'output' && after === 'prerouting' ? 'postrouting' : before;
}

/** Whether any sighting shows other addresses or ports than the one before it. */
function rewritten(sightings: readonly Sighting[]): boolean {
  for (let i = 1; i < sightings.length; i++) {
    const a = sightings[i - 1]!.packet;
    const b = sightings[i]!.packet;
    if (a !== b && !sameEndpoints(a, b) && !reassembled(a, b)) return true;
  }
  return false;
}

function sameEndpoints(a: Sighting['packet'], b: Sighting['packet']): boolean {
  return a.dst === b.dst && a.dport === b.dport && a.src === b.src && a.sport === b.sport;
}

function rewrite(hook: Hook, by: NatStep | undefined, side: Side, from: string, to: string | null): NatRewrite {
  return {
    hook,
    // A change with no nat rule seen is conntrack applying an existing mapping (not the connection's first packet).
    kind: by?.nat.kind ?? (side === 'dst' ? 'dnat' : 'snat'),
    from,
    to,
    table: by?.step.table ?? null,
    chain: by?.step.chain ?? null,
    rule: by?.step.rule ?? null,
  };
}

/**
 * Where a rewrite sent the packet, in words when the trace does not show it: MASQUERADE picks the address of the
 * out interface (`oif`, the packet's, when known) after the last hook (`to` may hold the ports it picks from); an
 * SNAT or DNAT whose target is unknown.
 */
export function natTargetText(n: NatRewrite, oif?: string): string {
  const to = n.to;
  if (n.kind !== 'masquerade') return to ?? 'an address the trace does not show';
  const address = oif ? `the address of ${oif}` : 'the address of the out interface';
  if (to === null) return address;
  const ports = to.startsWith(':') ? to.slice(1) : to;
  return `${address}, port${ports.includes('-') ? 's' : ''} ${ports}`;
}

/** What mappingNote reads of a trace: its reader and the packet's headers. */
export interface NatContext {
  readonly backend: string;
  readonly packet: Pick<PacketInfo, 'tcpFlags' | 'proto' | 'icmpType' | 'oif' | 'inner'>;
}

/**
 * Words for a rewrite no traced rule made (see byConntrack), '' for one a rule made. Conntrack rewrites a later
 * packet of a NATed connection the same way, and a reply the other way (the destination of a reply to a
 * masqueraded connection: read as DNAT); a SYN-ACK or an echo reply is a reply.
 */
export function mappingNote(n: NatRewrite, steps: readonly TraceStep[], t: NatContext): string {
  if (!byConntrack(n, steps)) return '';
  // iptables' nat chains run for a connection's first packet only: one met at another hook means no existing
  // mapping did this, but a nat rule the trace lacks: lines the kernel log dropped under load (lab 45), for the
  // kernel log an nftables nat chain it cannot show, for xtables-monitor a native nft rule it prints no text of
  // (lab 27).
  if (steps.some((s) => s.table === 'nat' && s.hook !== n.hook && s.hook !== 'unknown'))
    return t.backend === 'kernlog'
      ? " (no rule the trace shows, though the packet met a nat chain, which only a connection's first packet does: an nftables nat chain the kernel log cannot show, or lines missing from the capture)"
      : " (no rule the trace shows, though the packet met a nat chain, which only a connection's first packet does: a rule whose text the trace lacks, or events missing from the capture)";
  // A connection's first packet: a retransmitted SYN has the first one's mapping, an expected connection (FTP data)
  // the helper's; the kernel log shows no nftables nat chain, the netlink readers no iptables-legacy one (lab 53).
  if (isTcpOpen(t.packet.tcpFlags))
    return t.backend === 'kernlog'
      ? " (no rule the trace shows: an nftables nat chain the kernel log cannot show, an earlier SYN's mapping, or a conntrack helper's expectation)"
      : ` (no nat rule the trace shows: an earlier SYN's mapping, a conntrack helper's expectation, or an iptables-legacy nat rule, which ${t.backend === 'xtables' ? 'xtables-monitor' : 'nft monitor trace'} cannot show)`;
  const dst = n.kind === 'dnat';
  // An ICMP error goes back toward the source of the packet it quotes, as a reply does (lab 55).
  if (t.packet.inner !== undefined)
    return dst
      ? ` (conntrack reversing the source NAT of the connection this ICMP error is about)`
      : ` (conntrack reversing the DNAT of the connection this ICMP error is about)`;
  if (isReply(t.packet))
    return dst
      ? ` (conntrack reversing the connection's source NAT: this packet is a reply)`
      : ` (conntrack reversing the connection's DNAT: this packet is a reply)`;
  return dst
    ? ' (existing conntrack mapping: a later packet of a DNATed connection, or a reply to a source-NATed one)'
    : ' (existing conntrack mapping: a later packet of a source-NATed connection, or a reply to a DNATed one)';
}

/** A SYN-ACK or an ICMP echo reply. */
export function isReply(p: NatContext['packet']): boolean {
  const flags = p.tcpFlags;
  if (flags !== undefined) return flags.includes('SYN') && flags.includes('ACK');
  return (p.proto === 'icmp' && p.icmpType === 0) || (p.proto === 'icmpv6' && p.icmpType === 129);
}

/**
 * Whether a rewrite was conntrack applying a connection's existing mapping (a later packet, or a reply): no nat
 * rule is known for it and the packet met no nat chain in that hook. A rewrite with a nat chain in its hook but no
 * rule known (kernel-log lines without a ruleset) was made there, by a rule of that chain.
 */
export function byConntrack(n: NatRewrite, steps: readonly TraceStep[]): boolean {
  return n.chain === null && !steps.some((s) => s.hook === n.hook && s.table === 'nat');
}
