// What a kernel drop reason (skb:kfree_skb) says about the host checks: which checks it points to, or
// that it says nothing about them. Measured on 6.18 (docs/troubleshooting.md "Host checks"). Pure; no I/O.
import type { HostCheckId } from '../model/host.js';

/** The checks a reason confirms; `[]` for a reason that no host check explains (say so); null: no information. */
export function reasonChecks(reason: string): readonly HostCheckId[] | null {
  switch (reason) {
    case 'IP_RPFILTER':
      return ['rp_filter'];
    case 'NO_SOCKET':
      return ['listener'];
    // ip_error() for an IPv4 packet with forwarding off; ip6_forward() with forwarding off; a martian destination.
    case 'IP_INADDRERRORS':
      return ['ip_forward', 'route'];
    case 'IP_INNOROUTES':
    case 'IP_LOCAL_SOURCE':
    case 'IP_INVALID_SOURCE':
    case 'IP_LOCALNET':
    case 'IP_INVALID_DEST':
      return ['route'];
    // A drop in a netfilter hook: a rule, or conntrack itself (table full).
    case 'NETFILTER_DROP':
      return ['conntrack-full', 'conntrack-invalid'];
    // blackhole, unreachable and prohibit routes are dropped by ip_error() as NOT_SPECIFIED (6.18).
    case 'NOT_SPECIFIED':
      return null;
    default:
      return [];
  }
}
