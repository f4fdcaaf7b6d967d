// Where NAT through a prefix or a map sends an address: 1:1 prefix NAT (iptables NETMAP, nft `snat ip prefix to
// ...`) keeps the old address's host bits under the target prefix; nft's `snat ip to ip saddr map { ... }` gives the
// value of the element whose key holds the address. Pure; no I/O.
import ipaddr from 'ipaddr.js';

/** `k : v` pairs of an nft anonymous map as written, `ip saddr map { 10.0.1.0/24 : 10.0.9.0/24, ... }`. */
const MAP_ELEMENT = /([0-9a-fA-F.:]+(?:\/\d+)?)\s+:\s+([0-9a-fA-F.:]+(?:\/\d+)?(?: \. \d+)?)/g;
/** A map keyed by the packet's address alone (not a concatenation, not numgen or jhash). */
const ADDRESS_MAP = /^ip6? [sd]addr map \{/;

/**
 * The address `addr` is mapped to by `target`: a prefix (`10.25.9.0/24`), or nft's map from the address's prefix
 * to the new one. Null when the target is neither, or no map element holds the address.
 */
export function mapPrefix(addr: string, target: string): string | null {
  if (!ipaddr.isValid(addr)) return null;
  const ip = ipaddr.parse(addr);
  const to = target.includes('map') ? fromMap(ip, target) : target;
  return to === null ? null : withHostBits(ip, to);
}

/**
 * What nft's map keyed by the address (`ip saddr map { 10.29.1.0/24 : 10.29.8.1 }`) gives `addr`: the address, or
 * `address:port` for a value with a port (`10.29.2.2 . 8080`); null for another kind of map or no element.
 */
export function mapAddress(addr: string, target: string): string | null {
  if (!ADDRESS_MAP.test(target) || !ipaddr.isValid(addr)) return null;
  const value = fromMap(ipaddr.parse(addr), target);
  if (value === null) return null;
  const [host, port] = value.split(' . ');
  if (!ipaddr.isValid(host!)) return null;
  return port === undefined ? host! : host!.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The map element's value whose key holds the address. */
function fromMap(ip: ipaddr.IPv4 | ipaddr.IPv6, map: string): string | null {
  for (const m of map.matchAll(MAP_ELEMENT)) {
    const key = m[1]!;
    const cidr = key.includes('/') ? key : `${key}/${ip.kind() === 'ipv4' ? 32 : 128}`;
    if (!ipaddr.isValidCIDR(cidr)) continue;
    const [net, bits] = ipaddr.parseCIDR(cidr);
    if (net.kind() === ip.kind() && ip.match(net, bits)) return m[2]!;
  }
  return null;
}

function withHostBits(ip: ipaddr.IPv4 | ipaddr.IPv6, prefix: string): string | null {
  if (!ipaddr.isValidCIDR(prefix)) return null;
  const [net, bits] = ipaddr.parseCIDR(prefix);
  if (net.kind() !== ip.kind()) return null;
  const from = ip.toByteArray();
  const base = net.toByteArray();
  const out = from.map((byte, i) => {
    const netBits = Math.min(8, Math.max(0, bits - i * 8));
    const mask = (0xff << (8 - netBits)) & 0xff;
    return (base[i]! & mask) | (byte & ~mask & 0xff);
  });
  return ipaddr.fromByteArray(out).toString();
}
