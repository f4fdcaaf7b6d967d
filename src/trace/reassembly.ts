// Fragments a trace saw before conntrack reassembled them (an nft chain of priority below -400): the fragment that
// completed the datagram goes on, under the same trace id, as the whole datagram. Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';

/**
 * Whether `later` is the datagram `earlier` (a fragment) became: the same addresses (and IPv4 id), longer, and
 * `earlier` known as a fragment or, for IPv4, showing other ports (a later fragment's payload read as a header).
 * Not NAT: NAT keeps the length; TCPMSS grows a packet but keeps its ports.
 */
export function reassembled(earlier: PacketInfo, later: PacketInfo): boolean {
  if (earlier.len === undefined || later.len === undefined || later.len <= earlier.len) return false;
  if (earlier.src !== later.src || earlier.dst !== later.dst || later.fragment === true) return false;
  if (earlier.fragment === true) return earlier.ipVersion !== 4 || earlier.ipId === later.ipId;
  return (
    earlier.ipVersion === 4 &&
    earlier.ipId !== undefined &&
    earlier.ipId === later.ipId &&
    (earlier.sport !== later.sport || earlier.dport !== later.dport)
  );
}

/** The headers of a trace that began as a fragment, once it is the whole datagram: the datagram's, with any interface only the fragment showed. */
export function asDatagram(first: PacketInfo, datagram: PacketInfo): PacketInfo {
  const p: PacketInfo = { ...first, ...datagram };
  delete p.fragment;
  for (const k of ['iif', 'oif', 'physin', 'physout'] as const) {
    const known = first[k];
    if (!p[k] && known) p[k] = known;
  }
  return p;
}
