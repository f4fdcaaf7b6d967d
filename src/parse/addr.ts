// Address normalisation: IPv6 compressed lower case (kernel %pI6 prints all 8 groups), MACs zero-padded.
// Pure; no I/O (bounded memo caches are the only state).
import ipaddr from 'ipaddr.js';
import { TextMemo } from './text-memo.js';

const CACHE_MAX = 4096;
const ip6Cache = new Map<string, string | null>();

/** IPv4 as printed when well-formed; IPv6 in RFC 5952 form; null when not an address (e.g. truncated). */
export function normalizeIp(text: string): string | null {
  if (text.indexOf(':') < 0) return isDottedQuad(text) ? text : null;
  const hit = ip6Cache.get(text);
  if (hit !== undefined) return hit;
  let out: string | null = null;
  if (ipaddr.IPv6.isValid(text)) {
    const a = ipaddr.IPv6.parse(text);
    // inet_ntop (nft, xtables-monitor) prints v4-mapped addresses as ::ffff:a.b.c.d
    out = a.isIPv4MappedAddress() ? `::ffff:${a.toIPv4Address().toString()}` : a.toRFC5952String();
  }
  if (ip6Cache.size >= CACHE_MAX) ip6Cache.clear();
  ip6Cache.set(text, out);
  return out;
}

function isDottedQuad(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let dots = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (run === 0) return false;
      dots++;
      run = 0;
    } else if (c >= 48 && c <= 57) {
      if (++run > 3) return false;
    } else return false;
  }
  return dots === 3 && run > 0;
}

/** `aa:bb:..` lower case with two digits per byte (ether_ntoa in xtables-monitor drops leading zeros). */
export function normalizeMac(text: string): string {
  if (text.length === 17) return text.toLowerCase();
  return macs.get(text) ?? macs.put(text, padMac(text));
}

/** The same few MACs recur on every packet of a host: their padded forms are kept. */
const macs = new TextMemo<string>();

function padMac(text: string): string {
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (p.length === 1) parts[i] = '0' + p;
  }
  return parts.join(':').toLowerCase();
}
