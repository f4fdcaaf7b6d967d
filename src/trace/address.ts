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
  if (ip === undefined || !ipaddr.isValid(ip)) return false;
  const range = ipaddr.parse(ip).range();
  return range === 'multicast' || range === 'broadcast';
}
