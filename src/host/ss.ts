// Sockets from `ss -Hlnt` / `ss -Hanu` output: who can receive a packet for which address and port. Pure; no I/O.
import { parseAddress } from '../flow/address.js';

/** Where a socket is bound (or, for the peer of a connected socket, where it is connected to). */
export interface SsEndpoint {
  /** Normalised address; null for a wildcard. */
  readonly addr: string | null;
  /**
   * Which packets the address accepts: 4 (an IPv4 address or 0.0.0.0, also a v4-mapped `[::ffff:a.b.c.d]`),
   * 6 (an IPv6 address or `[::]`, printed for IPV6_V6ONLY sockets), `any` (`*`: a dual-stack `::` bind).
   */
  readonly family: 4 | 6 | 'any';
  /** null for `*`. */
  readonly port: number | null;
  /** `%dev`: bound to a device (SO_BINDTODEVICE) or the scope of a link-local address. */
  readonly dev: string | null;
}

export interface SsSocket {
  readonly proto: 'tcp' | 'udp';
  /** LISTEN, UNCONN, ESTAB, ... as ss prints it. */
  readonly state: string;
  readonly local: SsEndpoint;
  readonly peer: SsEndpoint | null;
}

export interface SsParse {
  readonly sockets: readonly SsSocket[];
  /** Non-empty lines that were not a socket (a header, a message). */
  readonly unparsed: number;
}

const STATES = new Set([
  'LISTEN',
  'UNCONN',
  'ESTAB',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'CLOSE-WAIT',
  'LAST-ACK',
  'CLOSING',
  'CLOSED',
  'UNKNOWN',
]);

/** Parses `ss -Hn` output of one protocol; never throws (a header line, if any, is counted as unparsed). */
export function parseSs(text: string, proto: 'tcp' | 'udp'): SsParse {
  const sockets: SsSocket[] = [];
  let unparsed = 0;
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words.length === 1 && words[0] === '') continue;
    // With several protocols ss puts a Netid column first: skip to the state.
    const at = words.findIndex((w) => STATES.has(w));
    const local = at < 0 ? null : parseEndpoint(words[at + 3] ?? '');
    const peerWord = at < 0 ? undefined : words[at + 4];
    const peer = peerWord === undefined ? null : parseEndpoint(peerWord);
    if (at < 0 || at > 1 || local === null) {
      unparsed++;
      continue;
    }
    sockets.push({ proto, state: words[at]!, local, peer });
  }
  return { sockets, unparsed };
}

/**
 * `0.0.0.0:22`, `*:80`, `[::]:22`, `[::ffff:10.0.0.1]:8080`, `0.0.0.0%lo:53`, `[fe80::1]%eth0:123`, `10.0.0.1:*`,
 * and old iproute2's `:::22` (v6 any; older ss did not tell dual-stack from v6-only, so it counts as any).
 */
export function parseEndpoint(word: string): SsEndpoint | null {
  const colon = word.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = word.slice(colon + 1);
  const port = portText === '*' ? null : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (Number.isNaN(port) || (port !== null && port > 65535)) return null;
  let host = word.slice(0, colon);
  let dev: string | null = null;
  const pct = host.lastIndexOf('%');
  if (pct >= 0 && pct > host.lastIndexOf(']')) {
    dev = host.slice(pct + 1) || null;
    host = host.slice(0, pct);
  }
  const bracketed = host.startsWith('[') && host.endsWith(']');
  if (bracketed) host = host.slice(1, -1);
  // Old ss printed the v6 wildcard as `:::port`, and did not tell dual-stack from v6-only binds.
  const bound = !bracketed && host === '::' ? { addr: null, family: 'any' as const } : boundAddress(host);
  return bound === null ? null : { ...bound, port, dev };
}

function boundAddress(host: string): Pick<SsEndpoint, 'addr' | 'family'> | null {
  if (host === '*') return { addr: null, family: 'any' };
  if (host === '0.0.0.0') return { addr: null, family: 4 };
  if (host === '::') return { addr: null, family: 6 };
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return mapped[1] === '0.0.0.0' ? { addr: null, family: 4 } : v4(mapped[1]!);
  const parsed = parseAddress(host);
  if (!parsed.ok) return null;
  return parsed.value.version === 4 ? v4(parsed.value.address) : { addr: parsed.value.address, family: 6 };
}

function v4(addr: string): Pick<SsEndpoint, 'addr' | 'family'> | null {
  const parsed = parseAddress(addr);
  return parsed.ok && parsed.value.version === 4 ? { addr: parsed.value.address, family: 4 } : null;
}
