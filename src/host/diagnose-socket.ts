// No local listener: a packet for this host (accepted into INPUT, or routed `local`) that opens a TCP
// connection or is a UDP datagram, with no socket bound to its address and port. Pure; no I/O.
import type { HostFacts } from './facts.js';
import type { RoutedPacket } from './route-packet.js';
import type { Found } from './diagnose-route.js';
import { endpointText, receivers, samePort } from './diagnose-listener.js';
import { isTcpOpen } from '../parse/tcp-flags.js';
import { cause, inPlace } from './diagnose-text.js';

export interface SocketCheck {
  readonly found: readonly Found[];
  /** True when the sockets were known and the packet was one the check applies to. */
  readonly checked: boolean;
}

const NONE: SocketCheck = { found: [], checked: false };
export const DELIVERY_LEAD = 'accepted by netfilter, but no socket took it';

/** `routedLocal`: the route lookup said `local` (the trace itself ended in prerouting). */
export function checkListener(p: RoutedPacket, facts: HostFacts | null, routedLocal: boolean): SocketCheck {
  if (facts === null || p.dport === null) return NONE;
  const proto = p.proto === 'tcp' ? 'tcp' : p.proto === 'udp' ? 'udp' : null;
  if (proto === null || (proto === 'tcp' && !isTcpOpen(p.tcpFlags))) return NONE;
  // Broadcast and multicast datagrams are not local addresses (nor routed `local`): leave them alone.
  const local = p.dst === null || facts.local.has(p.dst) || routedLocal;
  const sockets = proto === 'tcp' ? facts.tcp : facts.udp;
  if (!local || sockets === null) return NONE;
  const got = receivers(sockets, {
    proto,
    version: p.version,
    src: p.src,
    sport: p.sport,
    dst: p.dst,
    dport: p.dport,
    iif: p.iif,
  });
  if (got.length > 0) return { found: [], checked: true };
  const others = samePort(sockets, proto, p.dport).map((s) => endpointText(s.local));
  const only = others.length > 0 ? ` (only ${others.slice(0, 3).join(', ')})` : '';
  const at = p.dst === null ? '' : ` at ${p.dst}`;
  const icmp = p.version === 6 ? 'ICMPv6' : 'ICMP';
  const answer = proto === 'tcp' ? 'a TCP reset' : `${icmp} port unreachable`;
  const text = `nothing listens on ${proto} port ${p.dport}${at} ${inPlace(facts.netns)}${only}, so the kernel answers with ${answer}`;
  return { found: [{ finding: cause('listener', text), lead: DELIVERY_LEAD }], checked: true };
}
