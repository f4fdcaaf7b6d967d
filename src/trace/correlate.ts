// Which open trace an event belongs to: netlink events by trace id, kernel-log lines by a packet fingerprint.
// Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';

/**
 * Key of a netlink trace id (nft and xtables-monitor print the same id for the same skb): the id itself, hex
 * digits only (the parsers check), so it never meets a kernel-log key, which holds ':'.
 */
export function netlinkKey(traceId: string): string {
  return traceId;
}

/**
 * Kernel-log lines carry no id. The fingerprint leaves out addresses, ports, the ICMP echo id and TTL, which NAT and
 * forwarding rewrite (conntrack remaps an echo id two hosts behind one MASQUERADE share), and keeps what stays: IP id
 * (IPv4) or flow label (IPv6), length, TCP sequence, ICMP type and sequence. Packets it cannot tell apart are told
 * apart by their headers (trace/assembler).
 */
export function kernlogKey(p: PacketInfo): string {
  return `k:${p.ipVersion ?? ''}|${p.proto ?? ''}|${p.ipId ?? ''}|${p.flowLabel ?? ''}|${p.len ?? ''}|${p.tcpSeq ?? ''}|${p.icmpType ?? ''}|${p.icmpSeq ?? ''}`;
}

/** `family table chain`: identifies a base chain invocation within one trace. */
export function chainKey(family: string, table: string, chain: string): string {
  return `${family} ${table} ${chain}`;
}
