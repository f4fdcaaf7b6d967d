// Transport protocol names and numbers (nft names, LOG `PROTO=` words, IANA numbers) → Proto.
// Pure; no I/O.
import type { Proto } from '../model/packet.js';
import { parseUint } from './num.js';

const BY_NUMBER = new Map<number, Proto>([
  [6, 'tcp'],
  [17, 'udp'],
  [136, 'udplite'],
  [132, 'sctp'],
  [33, 'dccp'],
  [1, 'icmp'],
  [58, 'icmpv6'],
  [50, 'esp'],
  [51, 'ah'],
  [47, 'gre'],
]);

const BY_NAME = new Map<string, Proto>([
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['udplite', 'udplite'],
  ['sctp', 'sctp'],
  ['dccp', 'dccp'],
  ['icmp', 'icmp'],
  ['icmpv6', 'icmpv6'],
  ['ipv6-icmp', 'icmpv6'],
  ['esp', 'esp'],
  ['ah', 'ah'],
  ['gre', 'gre'],
  ['igmp', 2],
  ['ipip', 4],
  ['ipencap', 4],
  ['ipv6', 41],
  ['ipv6-frag', 44],
  ['ipv6-route', 43],
  ['ipv6-nonxt', 59],
  ['ipv6-opts', 60],
  ['pim', 103],
  ['vrrp', 112],
  ['l2tp', 115],
  ['ospf', 89],
]);

/** A protocol name (any case) or decimal number → Proto; undefined when unknown. */
export function protoOf(text: string): Proto | undefined {
  const num = parseUint(text, 0, text.length);
  if (num >= 0) return num <= 255 ? (BY_NUMBER.get(num) ?? num) : undefined;
  return BY_NAME.get(text) ?? BY_NAME.get(text.toLowerCase());
}
