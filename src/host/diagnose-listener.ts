// Is there a socket that would take this packet? The kernel's socket lookup, as far as `ss` shows it:
// bound address (or wildcard of the right family, `*` for dual-stack), port, bound device, and for a
// connected UDP socket its peer. Pure; no I/O.
import type { SsEndpoint, SsSocket } from './ss.js';

export interface Delivery {
  readonly proto: 'tcp' | 'udp';
  readonly version: 4 | 6;
  readonly src: string;
  readonly sport: number | null;
  /** null: a local address the trace does not show (after REDIRECT); any bound address then counts. */
  readonly dst: string | null;
  readonly dport: number;
  readonly iif: string | null;
}

/** The sockets that would receive it (empty: the kernel finds no socket). */
export function receivers(sockets: readonly SsSocket[], d: Delivery): SsSocket[] {
  return sockets.filter((s) => {
    if (s.proto !== d.proto || s.local.port !== d.dport || !accepts(s.local, d.version, d.dst)) return false;
    if (s.local.dev !== null && d.iif !== null && s.local.dev !== d.iif) return false;
    if (d.proto === 'tcp') return s.state === 'LISTEN';
    if (s.state === 'UNCONN') return true;
    // A connected UDP socket takes datagrams from its peer only.
    return s.state === 'ESTAB' && s.peer !== null && peerIs(s.peer, d.src, d.sport);
  });
}

/** Sockets on that port bound elsewhere (another address, family or device): to name them in the finding. */
export function samePort(sockets: readonly SsSocket[], proto: 'tcp' | 'udp', port: number): SsSocket[] {
  const state = proto === 'tcp' ? 'LISTEN' : 'UNCONN';
  return sockets.filter((s) => s.proto === proto && s.state === state && s.local.port === port);
}

function accepts(local: SsEndpoint, version: 4 | 6, dst: string | null): boolean {
  if (local.family !== 'any' && local.family !== version) return false;
  return local.addr === null || dst === null || local.addr === dst;
}

function peerIs(peer: SsEndpoint, src: string, sport: number | null): boolean {
  return (peer.addr === null || peer.addr === src) && (peer.port === null || peer.port === sport);
}

/** `127.0.0.1:631`, `[::1]:631`, `*:80`, `0.0.0.0%lo:53`: as ss shows it, for people. */
export function endpointText(e: SsEndpoint): string {
  const host = e.addr === null ? (e.family === 'any' ? '*' : e.family === 4 ? '0.0.0.0' : '[::]') : e.addr;
  const shown = e.addr !== null && e.family === 6 ? `[${host}]` : host;
  return `${shown}${e.dev === null ? '' : `%${e.dev}`}:${e.port ?? '*'}`;
}
