// The addresses of the namespace a probe is sent from (`ip -j addr show`), and whether an address is one
// of them: a probe may only use a source address the kernel lets it bind (no spoofing). Pure; no I/O.
import ipaddr from 'ipaddr.js';
import { parseAddress } from '../flow/address.js';

export interface LocalAddress {
  readonly version: 4 | 6;
  /** Normalised (IPv6 compressed, lower case). */
  readonly address: string;
  readonly prefix: number;
  /** On a loopback device: its whole prefix is local (127.0.0.0/8 binds anywhere). */
  readonly loopback: boolean;
}

/** Reads `ip -j addr show` output; anything it does not understand is skipped. */
export function parseIpAddrJson(text: string): LocalAddress[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: LocalAddress[] = [];
  for (const link of data as unknown[]) {
    if (typeof link !== 'object' || link === null) continue;
    const l = link as { link_type?: unknown; addr_info?: unknown };
    const loopback = l.link_type === 'loopback';
    if (!Array.isArray(l.addr_info)) continue;
    for (const info of l.addr_info as unknown[]) {
      if (typeof info !== 'object' || info === null) continue;
      const a = info as { local?: unknown; prefixlen?: unknown };
      if (typeof a.local !== 'string' || typeof a.prefixlen !== 'number') continue;
      const parsed = parseAddress(a.local);
      if (!parsed.ok) continue;
      out.push({ ...parsed.value, prefix: a.prefixlen, loopback });
    }
  }
  return out;
}

/** Whether `address` (normalised) belongs to this namespace. */
export function isLocal(address: string, locals: readonly LocalAddress[]): boolean {
  return locals.some((l) => l.address === address || (l.loopback && inNet(address, l.address, l.prefix)));
}

/** Whether `address` is inside `network/prefix` (same version); false for anything unparsable. */
export function inNet(address: string, network: string, prefix: number): boolean {
  try {
    const a = ipaddr.parse(address);
    const n = ipaddr.parse(network);
    return a.kind() === n.kind() && a.match(n, prefix);
  } catch {
    return false;
  }
}

/** IPv6 link-local addresses need a zone to be used, which filters cannot name. */
export function isLinkLocal6(address: string): boolean {
  return inNet(address, 'fe80::', 10);
}
