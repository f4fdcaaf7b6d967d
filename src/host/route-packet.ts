// The packet as the routing decision sees it: first-seen headers with the prerouting DNAT/REDIRECT applied,
// and the route lookup it needs (only addresses and interfaces the trace really shows). Pure; no I/O.
import { parseAddress } from '../flow/address.js';
import type { PacketInfo, Proto } from '../model/packet.js';
import type { Trace } from '../model/trace.js';
import type { RouteQuery } from './route.js';

export interface RoutedPacket {
  readonly version: 4 | 6;
  readonly proto: Proto | null;
  readonly src: string;
  /** null when a REDIRECT (or a DNAT fwtrace cannot read) changed it to an address the trace does not show. */
  readonly dst: string | null;
  readonly sport: number | null;
  readonly dport: number | null;
  /** Input interface; null for a locally generated packet. */
  readonly iif: string | null;
  readonly mark: number | null;
  readonly tcpFlags: readonly string[] | null;
  /** True when prerouting rewrote the destination (DNAT, REDIRECT). */
  readonly rewritten: boolean;
}

/** null when the trace lacks the addresses (or they are not IP addresses). */
export function routedPacket(trace: Trace): RoutedPacket | null {
  const p: PacketInfo = trace.packet;
  if (p.src === undefined || p.dst === undefined) return null;
  const src = parseAddress(p.src);
  const dst = parseAddress(p.dst);
  if (!src.ok || !dst.ok || src.value.version !== dst.value.version) return null;
  let to: { addr: string | null; port: number | null } | null = null;
  for (const n of trace.nat) {
    if ((n.kind === 'dnat' || n.kind === 'redirect') && (n.hook === 'prerouting' || n.hook === 'output'))
      to = natTarget(n.to, n.kind === 'redirect');
  }
  return {
    version: src.value.version,
    proto: p.proto ?? null,
    src: src.value.address,
    dst: to === null ? dst.value.address : to.addr,
    sport: p.sport ?? null,
    dport: to?.port ?? p.dport ?? null,
    iif: p.iif ? p.iif : null,
    mark: p.mark ?? null,
    tcpFlags: p.tcpFlags ?? null,
    rewritten: to !== null,
  };
}

/** The input route lookup the kernel made for this packet; null for local packets or unknown addresses. */
export function routeQueryOf(r: RoutedPacket): RouteQuery | null {
  if (r.iif === null || r.dst === null) return null;
  return { version: r.version, src: r.src, dst: r.dst, iif: r.iif, mark: r.mark };
}

/** `10.0.0.1:80`, `[fd00::1]:80`, `10.0.0.1`, `:8080` (redirect), null or a range: what it can tell. */
export function natTarget(to: string | null, redirect: boolean): { addr: string | null; port: number | null } {
  if (to === null) return { addr: null, port: null };
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(to) ?? /^([^:]*)(?::(\d+))?$/.exec(to) ?? /^([0-9a-f:]+)$/i.exec(to);
  const host = m?.[1] ?? '';
  const port = m?.[2] !== undefined ? Number(m[2]) : null;
  const parsed = host === '' ? null : parseAddress(host);
  const addr = parsed?.ok ? parsed.value.address : null;
  // A REDIRECT goes to the input interface's primary address, which the trace does not show.
  return { addr: redirect && host === '' ? null : addr, port: port !== null && port <= 65535 ? port : null };
}
