// What the host (not netfilter) did to a packet: kernel drop reasons and host checks. Types only.

/** One `skb:kfree_skb` tracepoint event read from a tracefs instance. */
export interface KernelDrop {
  /** The kernel's drop reason name without the SKB_DROP_REASON_ prefix: NO_SOCKET, IP_RPFILTER, NETFILTER_DROP, ... */
  readonly reason: string;
  /** Where the kernel freed the packet, `symbol+0xoff/0xlen` as tracefs prints it; null when not shown. */
  readonly location: string | null;
  /** The packet's ethertype: 2048 (0x0800) IPv4, 34525 (0x86dd) IPv6. */
  readonly protocol: number;
  /** Kernel timestamp of the event in seconds (the instance's trace clock). */
  readonly stamp: number;
}

/** Which host check a finding comes from. */
export type HostCheckId =
  'ip_forward' | 'rp_filter' | 'route' | 'listener' | 'conntrack-full' | 'conntrack-invalid' | 'br_netfilter';

/** One thing about the host that explains (or may explain) what happened to a packet. */
export interface HostFinding {
  readonly check: HostCheckId;
  /** `cause`: this explains the packet's fate; `warning`: it may matter but fwtrace cannot tell. */
  readonly severity: 'cause' | 'warning';
  /** One sentence a person can act on, e.g. "net.ipv4.ip_forward is 0 in netns fw: forwarded packets are dropped". */
  readonly text: string;
  /** A command that would change it, when there is an obvious one; null otherwise. */
  readonly fix: string | null;
}

/** The host's side of a packet's story: what the kernel says it dropped, and what the checks found. */
export interface HostDiagnosis {
  /** The kernel drop that most likely belongs to this packet (same moment, same protocol), else null. */
  readonly kernelDrop: KernelDrop | null;
  readonly findings: readonly HostFinding[];
}
