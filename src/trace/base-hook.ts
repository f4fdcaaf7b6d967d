// Hooks of chains the ruleset and the naming conventions do not place. A base chain
// neither the ruleset given nor the naming conventions place (native nft chains are named
// freely: `pre`, `in_filter`, `nat_post`): the words of its name, if the interfaces of the packet entering it allow
// that hook. nft and xtables-monitor print the interfaces the hook has: prerouting and input an in-interface only,
// output an out-interface only, forward both, postrouting an out-interface (and the in-interface of a forwarded
// packet). Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import { hookFromWords } from '../ruleset/hooks.js';

/** The hook of base chain `chain` judged from its name and the packet seen entering it; null when unsure. */
export function inferBaseHook(family: Family, chain: string, packet: PacketInfo): Hook | null {
  // A netdev chain hooks ingress or egress, whatever its name: the interface the packet shows tells which.
  if (family === 'netdev') return packet.iif && !packet.oif ? 'ingress' : packet.oif && !packet.iif ? 'egress' : null;
  // An arp table hooks input (ARP this host receives) and output: the interface tells which.
  if (family === 'arp') return packet.iif && !packet.oif ? 'input' : packet.oif && !packet.iif ? 'output' : null;
  if (family !== 'ip' && family !== 'ip6' && family !== 'inet') return null;
  const hook = hookFromWords(chain);
  return hook !== null && fitsInterfaces(hook, packet) ? hook : null;
}

function fitsInterfaces(hook: Hook, p: PacketInfo): boolean {
  const iif = !!p.iif;
  const oif = !!p.oif;
  switch (hook) {
    case 'prerouting':
    case 'input':
    case 'ingress':
      return iif && !oif;
    case 'forward':
      return iif && oif;
    case 'output':
    case 'egress':
      return !iif && oif;
    case 'postrouting':
      return oif;
    case 'unknown':
      return false;
  }
}

/**
 * The hook of a user chain of iptables' raw table, which only PREROUTING and OUTPUT reach: prerouting for a packet
 * that came in (it has an in-interface only), output for one this host sends (an out-interface only). A trace
 * begins in such a chain when the TRACE rule sits there (`-A PREROUTING -j trace-chain`). Null for other tables,
 * and for a packet with both interfaces.
 */
export function rawUserChainHook(family: Family, table: string, packet: PacketInfo): Hook | null {
  if (table !== 'raw' || (family !== 'ip' && family !== 'ip6')) return null;
  const hook = packet.iif ? 'prerouting' : 'output';
  // A native nft table may be called raw too, with base chains at any hook (VyOS's forward VYOS_TCP_MSS).
  return fitsInterfaces(hook, packet) ? hook : null;
}
