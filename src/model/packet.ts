// What a trace line tells about the packet's headers. Types only.

/** Transport protocol: a name for the ones we decode, otherwise the IP protocol number. */
export type Proto = 'tcp' | 'udp' | 'udplite' | 'sctp' | 'dccp' | 'icmp' | 'icmpv6' | 'esp' | 'ah' | 'gre' | number;

/** Packet headers as one trace line shows them; every field is optional because every format omits some. */
export interface PacketInfo {
  ipVersion?: 4 | 6;
  proto?: Proto;
  /** Normalised: IPv6 compressed and lower case. */
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  /** Input / output interface; '' means "none" (e.g. OUT= on prerouting). */
  iif?: string;
  oif?: string;
  physin?: string;
  physout?: string;
  /** IP total length (IPv4 LEN / IPv6 payload LEN as printed). */
  len?: number;
  ttl?: number;
  /** IPv4 identification, part of the kernel-log fingerprint. */
  ipId?: number;
  /** IPv6 flow label, part of the kernel-log fingerprint. */
  flowLabel?: number;
  /** TCP flags in kernel order, upper case: SYN, ACK, FIN, RST, PSH, URG, ECE, CWR, AE. */
  tcpFlags?: string[];
  tcpSeq?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  icmpSeq?: number;
  mark?: number;
  macSrc?: string;
  macDst?: string;
  /** The original packet quoted inside an ICMP error. */
  inner?: PacketInfo;
  /**
   * A fragment, not the whole datagram: the trace shows it before conntrack reassembled it (a chain of priority
   * below -400, a netdev chain). Its transport fields may be payload bytes. Not in the NDJSON schema.
   */
  fragment?: true;
}
