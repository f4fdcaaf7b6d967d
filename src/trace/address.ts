// `ip:port` strings as NDJSON writes them, and what kind of address one is. Pure; no I/O.
import ipaddr from 'ipaddr.js';

/** `10.0.0.1:80`, `[fd00::1]:80`, or the bare address when there is no port. */
export function endpoint(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  if (port === undefined) return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A multicast or broadcast destination, by ipaddr.js's ranges. */
export function isGroupAddress(ip: string | undefined): boolean {
  return groupRange(ip) !== null;
}

/** `multicast` or `broadcast` (by ipaddr.js's ranges), else null. */
export function groupRange(ip: string | undefined): 'multicast' | 'broadcast' | null {
  if (ip === undefined || !ipaddr.isValid(ip)) return null;
  const range = ipaddr.parse(ip).range();
  return range === 'multicast' || range === 'broadcast' ? range : null;
}

/** A destination no router forwards: link-local multicast (ff02::/16, 224.0.0.0/24) or the limited broadcast. */
export function isLinkLocalGroup(ip: string | undefined): boolean {
  if (ip === undefined || !ipaddr.isValid(ip)) return false;
  const a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6') return a.range() === 'multicast' && ((a as ipaddr.IPv6).parts[0]! & 0x000f) === 2;
  const bytes = (a as ipaddr.IPv4).octets;
  return (bytes[0] === 224 && bytes[1] === 0 && bytes[2] === 0) || bytes.every((b) => b === 255);
}
