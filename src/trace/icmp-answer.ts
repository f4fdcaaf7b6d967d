// An ICMP error this host sent about a packet it traced a moment before (too big for the next hop, TTL or hop
// limit expired, no route): the reason that packet was not seen after prerouting. Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';
import type { TraceBuilder } from './builder.js';

/** The error that answered a traced packet: its trace and what it says. */
export interface IcmpAnswer {
  readonly id: string;
  /** `too big for the next hop` */
  readonly cause: string;
  /** `ICMP fragmentation needed` */
  readonly message: string;
}

/** Traces begun last, one of which an error may be about: it comes right after the packet it answers. */
const RECENT = 16;

export class RecentPackets {
  private readonly ring: (TraceBuilder | null)[] = new Array<TraceBuilder | null>(RECENT).fill(null);
  private next = 0;

  /** Notes a trace just begun. */
  add(b: TraceBuilder): void {
    this.ring[this.next] = b;
    this.next = (this.next + 1) % RECENT;
  }

  /** When `error` (just begun, at `packet`) is a routing error this host sent, marks the trace it is about. */
  answer(sent: TraceBuilder, packet: PacketInfo): void {
    const inner = packet.inner;
    const error = inner === undefined ? null : routingError(packet);
    if (error === null || inner === undefined) return;
    for (let k = 1; k <= RECENT; k++) {
      const b = this.ring[(this.next + RECENT - k) % RECENT];
      if (b === null || b === undefined) return;
      if (b === sent || b.answeredBy !== null || b.backend !== sent.backend) continue;
      if (inner.src === undefined ? quotesHeader(inner, packet, b.packet) : quotes(inner, b.packet)) {
        b.answeredBy = { id: sent.id, ...error };
        return;
      }
    }
  }
}

/** What a routing ICMP error says of the packet it quotes; null for other messages (a REJECT's, an echo). */
function routingError(p: PacketInfo): { cause: string; message: string } | null {
  const { icmpType: type, icmpCode: code } = p;
  const is = (cause: string, message: string): { cause: string; message: string } => ({ cause, message });
  if (p.proto === 'icmp') {
    if (type === 3 && code === 4) return is('too big for the next hop', 'ICMP fragmentation needed');
    if (type === 3 && (code === 0 || code === 1)) return is('no route', 'ICMP destination unreachable');
    if (type === 11 && code === 0) return is('TTL expired', 'ICMP time exceeded');
  }
  if (p.proto === 'icmpv6') {
    if (type === 2) return is('too big for the next hop', 'ICMPv6 packet too big');
    if (type === 1 && (code === 0 || code === 3)) return is('no route', 'ICMPv6 destination unreachable');
    if (type === 3 && code === 0) return is('hop limit expired', 'ICMPv6 time exceeded');
  }
  return null;
}

/** The quoted packet is this one: the same ends, protocol, and IP id or echo id where both show them. */
function quotes(inner: PacketInfo, p: PacketInfo): boolean {
  if (inner.src !== p.src || inner.dst !== p.dst || inner.sport !== p.sport || inner.dport !== p.dport) return false;
  if (inner.proto !== undefined && p.proto !== undefined && inner.proto !== p.proto) return false;
  if (inner.ipId !== undefined && p.ipId !== undefined && inner.ipId !== p.ipId) return false;
  return inner.icmpId === undefined || p.icmpId === undefined || inner.icmpId === p.icmpId;
}

/**
 * What nft shows of a quoted packet (no addresses: parse/nft-packet quotedHeader) is this one: the error goes back
 * to its source, and its length, protocol and IPv4 id or IPv6 flow label are the same.
 */
function quotesHeader(inner: PacketInfo, error: PacketInfo, p: PacketInfo): boolean {
  if (error.dst !== p.src || inner.ipVersion !== p.ipVersion || inner.len !== p.len || inner.proto !== p.proto)
    return false;
  return inner.ipVersion === 4 ? inner.ipId === p.ipId : inner.flowLabel === p.flowLabel;
}
