// A packet this host sends to itself leaves through lo and comes back in at prerouting: one skb, one packet. nft and
// xtables-monitor trace the way back under a new id, and kernel-log lines coming in look like another packet's; the
// way back continues the trace that sent it when its headers are the ones it left with (but for the source conntrack
// may give back after the last chain), and nothing else could be it. Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';
import type { TraceBuilder } from './builder.js';

/**
 * Whether trace b sent its packet out through lo and saw nothing since: sent by this host (first seen at output),
 * last at output or postrouting (a base chain of known hook), not stopped there, and `last` (its last headers) going
 * out on lo or to a loopback address (an output route to one is always lo's; the out interface shown before a
 * REDIRECT rerouted the packet is the old one), or rerouted in output by a REDIRECT or DNAT after them.
 */
export function sentOverLo(b: TraceBuilder, last: PacketInfo | null | undefined): boolean {
  if (b.done || b.closed || (b.hook !== 'output' && b.hook !== 'postrouting') || b.baseHook !== b.hook) return false;
  if (last == null || b.sightings[0]?.hook !== 'output') return false;
  return last.oif === 'lo' || isLoopback(last.dst) || b.reroutedInOutput;
}

/**
 * Whether `back`, coming in on lo, is the packet `sent` left with: same version, protocol, length, destination, IPv4
 * id or IPv6 flow label, TTL, TCP sequence and flags, ICMP fields (each where both show it). The source may differ:
 * conntrack rewrites it after the last chain at postrouting (a reply from a REDIRECT's proxy gets the address the
 * client sent to back), and nothing else changes on the way.
 */
export function sameAsSent(sent: PacketInfo, back: PacketInfo, dnatted = false): boolean {
  if (back.iif !== 'lo' || sent.ipVersion === undefined || sent.ipVersion !== back.ipVersion) return false;
  if (sent.len === undefined || sent.len !== back.len || sent.proto !== back.proto) return false;
  // A DNAT in output (to 127.0.0.1, by a rule or by the connection's mapping) changed the destination after the
  // last chain that printed it: then the packet must be one its headers identify, from the same port.
  const dst = sent.dst !== undefined && sent.dst === back.dst && sent.dport === back.dport;
  if (!dst && !(dnatted && identified(back) && sent.sport === back.sport)) return false;
  if (sent.ipId !== back.ipId || sent.flowLabel !== back.flowLabel) return false;
  if (!shownEqual(sent.tcpSeq, back.tcpSeq) || !shownEqual(sent.ttl, back.ttl)) return false;
  if (!sameFlags(sent.tcpFlags, back.tcpFlags)) return false;
  if (!shownEqual(sent.icmpType, back.icmpType) || !shownEqual(sent.icmpCode, back.icmpCode)) return false;
  if (!shownEqual(sent.icmpId, back.icmpId) || !shownEqual(sent.icmpSeq, back.icmpSeq)) return false;
  const a = sent.inner;
  const b = back.inner;
  // An ICMP error: the packet it quotes too.
  if (a === undefined || b === undefined) return a === b;
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

/**
 * Whether the headers tell this packet from the next one of its flow: a non-zero IPv4 id or IPv6 flow label, or a
 * TCP sequence number. Without (a SYN-ACK's or a reset's IPv4 id 0, no flow label), only the order of events does:
 * the way back must come right after the way out.
 */
export function identified(p: PacketInfo): boolean {
  return !!p.ipId || !!p.flowLabel || p.tcpSeq !== undefined;
}

/** Equal, or not shown on one side. */
function shownEqual(a: number | undefined, b: number | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function sameFlags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** 127.0.0.0/8 or ::1 (addresses are normalised: IPv6 compressed, lower case). */
function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip.startsWith('127.') || ip === '::1');
}

/** Packets waiting at most (a way back follows its way out within microseconds; one never back is forgotten). */
const MAX_WAITING = 4096;

/**
 * The netlink readers' waiting room for packets sent over lo: a trace goes in when an event shows it leaving by lo,
 * and the first packet coming in on lo with the same headers takes it out. Unlike the few traces last touched, it
 * holds every packet of a burst (30 connections' SYNs out before any is back in).
 */
export class LoWaitingRoom {
  private readonly byKey = new Map<string, TraceBuilder[]>();

  /** Trace b's packet p leaves by lo (or to a loopback address, or rerouted in output) at output or postrouting. */
  sent(b: TraceBuilder, p: PacketInfo): void {
    if (p.oif !== 'lo' && !isLoopback(p.dst) && !b.reroutedInOutput) return;
    const key = waitingKey(p);
    const list = this.byKey.get(key);
    if (list === undefined) {
      if (this.byKey.size >= MAX_WAITING) this.byKey.clear();
      this.byKey.set(key, [b]);
    } else if (!list.includes(b)) list.push(b);
  }

  /**
   * The trace of reader `source` that sent `back`, now coming in on lo at prerouting: the only waiting one whose
   * headers are the ones it left with (a DNAT in output aside, for a packet its headers identify); none when two
   * fit, or none does.
   */
  back(source: string, back: PacketInfo): TraceBuilder | undefined {
    const key = waitingKey(back);
    const list = this.byKey.get(key);
    if (list === undefined) return undefined;
    const live = list.filter((b) => !b.closed && b.backend === source);
    const sentBy = (b: TraceBuilder): PacketInfo | undefined => b.sightings[b.sightings.length - 1]?.packet;
    const fits = (dnat: boolean): TraceBuilder[] =>
      live.filter((b) => {
        const sent = sentBy(b);
        return sent !== undefined && sentOverLo(b, sent) && sameAsSent(sent, back, dnat);
      });
    const exact = fits(false);
    const found = exact.length === 1 ? exact[0] : exact.length === 0 ? single(fits(true)) : undefined;
    if (found === undefined) return undefined;
    const rest = live.filter((b) => b !== found);
    if (rest.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, rest);
    return found;
  }
}

function single<T>(xs: readonly T[]): T | undefined {
  return xs.length === 1 ? xs[0] : undefined;
}

/** Version, protocol, IP id / flow label, length, TCP sequence, ICMP id and sequence: what lo leaves as it was. */
function waitingKey(p: PacketInfo): string {
  return `${p.ipVersion ?? ''}|${p.proto ?? ''}|${p.ipId ?? ''}|${p.flowLabel ?? ''}|${p.len ?? ''}|${p.tcpSeq ?? ''}|${p.icmpId ?? ''}|${p.icmpSeq ?? ''}`;
}

/** Connections remembered at most. */
const MAX_FLOWS = 4096;

/** Connections of this host that a REDIRECT or DNAT in output rerouted, by their headers as the output chains show them. */
export class ReroutedFlows {
  private readonly keys = new Set<string>();

  add(p: PacketInfo): void {
    if (this.keys.size >= MAX_FLOWS) this.keys.clear();
    this.keys.add(flowKey(p));
  }

  has(p: PacketInfo): boolean {
    return this.keys.size > 0 && this.keys.has(flowKey(p));
  }
}

function flowKey(p: PacketInfo): string {
  return `${p.proto ?? ''}|${p.src ?? ''}|${p.sport ?? ''}|${p.dst ?? ''}|${p.dport ?? ''}`;
}
