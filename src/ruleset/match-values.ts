// Normal forms of the values in rule conditions (protocols, addresses, ports, interfaces, conntrack states,
// ICMP types), shared by the iptables and nft match readers; null = a value fwtrace does not model. Pure; no I/O.
import ipaddr from 'ipaddr.js';

const PROTO_NUMBERS: Readonly<Record<string, string>> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '33': 'dccp',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '58': 'icmpv6',
  '132': 'sctp',
  '136': 'udplite',
};
const PROTO_NAMES: Readonly<Record<string, string>> = {
  'ipv6-icmp': 'icmpv6',
  icmp6: 'icmpv6',
  'ipv6-crypt': 'esp',
  'ipv6-auth': 'ah',
};
const KNOWN_PROTOS = new Set(Object.values(PROTO_NUMBERS));

/** `tcp`, `6`, `ipv6-icmp` → `tcp`, `tcp`, `icmpv6`; other numbers stay numbers; other names → null. */
export function normProto(text: string): string | null {
  const t = text.toLowerCase();
  if (/^\d{1,3}$/.test(t)) return PROTO_NUMBERS[String(Number(t))] ?? String(Number(t));
  const named = PROTO_NAMES[t] ?? t;
  return KNOWN_PROTOS.has(named) ? named : null;
}

/** An address as `network/len` (a bare address gets /32 or /128), or a `first-last` range; null if invalid. */
export function normAddr(text: string): string | null {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const lo = oneAddr(text.slice(0, dash));
    const hi = oneAddr(text.slice(dash + 1));
    return lo !== null && hi !== null && lo.kind() === hi.kind() ? `${show(lo)}-${show(hi)}` : null;
  }
  const slash = text.indexOf('/');
  const addr = oneAddr(slash < 0 ? text : text.slice(0, slash));
  if (addr === null) return null;
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) return null;
  return `${networkOf(addr, Number(lenText))}/${Number(lenText)}`;
}

function oneAddr(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return null;
}

function show(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}

/** The network address of `addr/len` as text. */
function networkOf(addr: ipaddr.IPv4 | ipaddr.IPv6, len: number): string {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return show(ipaddr.fromByteArray(bytes));
}

/** `80`, `1000:2000`, `1000-2000` → `80`, `1000-2000`; null for names and out-of-range numbers. */
export function normPort(text: string): string | null {
  const m = /^(\d{1,5})(?:[:-](\d{1,5}))?$/.exec(text);
  if (m?.[1] === undefined) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || hi < lo) return null;
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/** A port comparison (`<`, `>`, `<=`, `>=`) as a range; null for other operators. */
export function portOpRange(op: string, port: number): string | null {
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  const range = (lo: number, hi: number): string | null => (lo > hi ? null : lo === hi ? String(lo) : `${lo}-${hi}`);
  if (op === '<') return range(0, port - 1);
  if (op === '<=') return range(0, port);
  if (op === '>') return range(port + 1, 65535);
  if (op === '>=') return range(port, 65535);
  return null;
}

/** Interface name as iptables writes it: nft's `eth*` wildcard becomes `eth+`. */
export function normIface(name: string): string {
  return name.endsWith('*') && !name.endsWith('\\*') ? `${name.slice(0, -1)}+` : name;
}

const CT_STATES = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);

/** A conntrack state word (either case); null for words fwtrace does not model. */
export function normCtState(word: string): string | null {
  const w = word.toUpperCase();
  return CT_STATES.has(w) ? w : null;
}

// iptables and nft names of ICMP types (and iptables' type/code names), from iptables' libxt_icmp and nft's datatypes.
const ICMP4: Readonly<Record<string, string>> = {
  any: 'any',
  'echo-reply': '0',
  pong: '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  'fragmentation-needed': '3/4',
  'source-route-failed': '3/5',
  'network-unknown': '3/6',
  'host-unknown': '3/7',
  'network-prohibited': '3/9',
  'host-prohibited': '3/10',
  'communication-prohibited': '3/13',
  'source-quench': '4',
  redirect: '5',
  'echo-request': '8',
  ping: '8',
  'router-advertisement': '9',
  'router-solicitation': '10',
  'time-exceeded': '11',
  'ttl-exceeded': '11',
  'ttl-zero-during-transit': '11/0',
  'parameter-problem': '12',
  'timestamp-request': '13',
  'timestamp-reply': '14',
  'info-request': '15',
  'info-reply': '16',
  'address-mask-request': '17',
  'address-mask-reply': '18',
};
const ICMP6: Readonly<Record<string, string>> = {
  any: 'any',
  'destination-unreachable': '1',
  'no-route': '1/0',
  'communication-prohibited': '1/1',
  'address-unreachable': '1/3',
  'port-unreachable': '1/4',
  'packet-too-big': '2',
  'time-exceeded': '3',
  'ttl-exceeded': '3',
  'parameter-problem': '4',
  'echo-request': '128',
  'echo-reply': '129',
  'mld-listener-query': '130',
  'mld-listener-report': '131',
  'mld-listener-done': '132',
  'mld-listener-reduction': '132',
  'router-solicitation': '133',
  'nd-router-solicit': '133',
  'router-advertisement': '134',
  'nd-router-advert': '134',
  'neighbour-solicitation': '135',
  'neighbor-solicitation': '135',
  'nd-neighbor-solicit': '135',
  'neighbour-advertisement': '136',
  'neighbor-advertisement': '136',
  'nd-neighbor-advert': '136',
  redirect: '137',
  'nd-redirect': '137',
};

/** Number → the first name listed for it (`8` → `echo-request`, not `ping`), for words a person reads. */
const invert = (names: Readonly<Record<string, string>>): ReadonlyMap<string, string> => {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(names)) if (name !== 'any' && !out.has(value)) out.set(value, name);
  return out;
};
const ICMP4_NAMES = invert(ICMP4);
const ICMP6_NAMES = invert(ICMP6);

/** `8` → `echo-request` (`128` with `v6`); the value itself when it has no name. */
export function icmpTypeName(value: string, v6: boolean): string {
  return (v6 ? ICMP6_NAMES : ICMP4_NAMES).get(value) ?? value;
}

/** `echo-request`, `8`, `3/3` → `8`, `8`, `3/3` (IPv6 names with `v6`); null for unknown names. */
export function normIcmpType(text: string, v6: boolean): string | null {
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(text);
  if (m?.[1] !== undefined) return m[2] === undefined ? String(Number(m[1])) : `${Number(m[1])}/${Number(m[2])}`;
  return (v6 ? ICMP6 : ICMP4)[text.toLowerCase()] ?? null;
}
