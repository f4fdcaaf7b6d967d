// The transport protocol when the packet dump did not say (xtables-monitor prints none for UDP or ICMP):
// a rule that matched the packet and requires a protocol proves it. Pure; no I/O.
import type { Proto } from '../model/packet.js';
import type { TraceStep } from '../model/trace.js';

// `-p udp` (not `! -p udp`), `meta l4proto udp`, `ip protocol udp`, or a `udp dport`-style match.
const IPT = /(?:^|\s)(?<!!\s)-p (tcp|udp|icmp|ipv6-icmp|icmpv6)\b/;
const NFT =
  /(?:^|\s)(?:meta l4proto|ip protocol|ip6 nexthdr) (tcp|udp|icmp|ipv6-icmp|icmpv6)\b|(?:^|\s)(tcp|udp) (?:dport|sport) (?!!=)/;

const NAMES: Record<string, Proto> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', 'ipv6-icmp': 'icmpv6', icmpv6: 'icmpv6' };

/** The protocol some matched rule requires, or undefined. */
export function protoFromRules(steps: readonly TraceStep[]): Proto | undefined {
  for (const s of steps) {
    const text = s.kind === 'rule' ? s.rule?.text : null;
    if (!text) continue;
    const m = IPT.exec(text) ?? NFT.exec(text);
    const name = m?.[1] ?? m?.[2];
    if (name !== undefined) return NAMES[name];
  }
  return undefined;
}
