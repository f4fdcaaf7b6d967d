// Allocation-free recognition of the LOG body keys and TCP flag words (hot path: ~30 tokens per kernel-log line).
// Pure; no I/O.
import type { Proto } from '../model/packet.js';
import { TCP_ACK, TCP_AE, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './tcp-flags.js';

export const Key = {
  Other: 0,
  IN: 1,
  OUT: 2,
  PHYSIN: 3,
  PHYSOUT: 4,
  MAC: 5,
  MACSRC: 6,
  MACDST: 7,
  SRC: 8,
  DST: 9,
  LEN: 10,
  TTL: 11,
  HOPLIMIT: 12,
  FLOWLBL: 13,
  ID: 14,
  PROTO: 15,
  SPT: 16,
  DPT: 17,
  SEQ: 18,
  TYPE: 19,
  CODE: 20,
  MARK: 21,
} as const;
export type Key = (typeof Key)[keyof typeof Key];

/**
 * Keys packed into one small integer: length and the first three and last letters (unique among the keys nf_log,
 * ulogd and xtables-monitor print), so recognising a key costs a few char loads and one Map lookup, no allocation.
 */
function pack(len: number, c0: number, c1: number, c2: number, cl: number): number {
  return ((((((c0 << 6) | c1) << 6) | c2) << 6) | cl) * 16 + len;
}

function packName(name: string): number {
  const at = (k: number): number => name.charCodeAt(k) - 64;
  return pack(name.length, at(0), at(1), name.length > 2 ? at(2) : 0, at(name.length - 1));
}

const KEYS = new Map<number, Key>(
  (
    [
      ['IN', Key.IN],
      ['ID', Key.ID],
      ['OUT', Key.OUT],
      ['MAC', Key.MAC],
      ['SRC', Key.SRC],
      ['DST', Key.DST],
      ['LEN', Key.LEN],
      ['TTL', Key.TTL],
      ['SPT', Key.SPT],
      ['DPT', Key.DPT],
      ['SEQ', Key.SEQ],
      ['TYPE', Key.TYPE],
      ['CODE', Key.CODE],
      ['MARK', Key.MARK],
      ['PROTO', Key.PROTO],
      ['SPORT', Key.SPT],
      ['DPORT', Key.DPT],
      ['PHYSIN', Key.PHYSIN],
      ['MACSRC', Key.MACSRC],
      ['MACDST', Key.MACDST],
      ['PHYSOUT', Key.PHYSOUT],
      ['FLOWLBL', Key.FLOWLBL],
      ['HOPLIMIT', Key.HOPLIMIT],
    ] as const
  ).map(([name, key]) => [packName(name), key]),
);

/** The key s[a, b) (without the `=`). */
export function keyAt(s: string, a: number, b: number): Key {
  const len = b - a;
  if (len < 2 || len > 8) return Key.Other;
  const c0 = s.charCodeAt(a) - 64;
  const c1 = s.charCodeAt(a + 1) - 64;
  const c2 = len > 2 ? s.charCodeAt(a + 2) - 64 : 0;
  const cl = s.charCodeAt(b - 1) - 64;
  // Keys are upper-case letters only (1..26 after the shift).
  if ((c0 | c1 | c2 | cl) & ~31 || c0 === 0 || c1 === 0 || cl === 0) return Key.Other;
  return KEYS.get(pack(len, c0, c1, c2, cl)) ?? Key.Other;
}

/** TCP flag word s[a, b) → bit, 0 when it is not one (DF, MF, CE, LOOPBACK... are not TCP flags). */
export function flagAt(s: string, a: number, b: number): number {
  const len = b - a;
  if (len === 2) return same(s, a, 'AE') ? TCP_AE : 0;
  if (len !== 3) return 0;
  switch (s.charCodeAt(a)) {
    case 83: // S
      return same(s, a, 'SYN') ? TCP_SYN : 0;
    case 65: // A
      return same(s, a, 'ACK') ? TCP_ACK : 0;
    case 70: // F
      return same(s, a, 'FIN') ? TCP_FIN : 0;
    case 82: // R
      return same(s, a, 'RST') ? TCP_RST : 0;
    case 80: // P
      return same(s, a, 'PSH') ? TCP_PSH : 0;
    case 85: // U
      return same(s, a, 'URG') ? TCP_URG : 0;
    case 69: // E
      return same(s, a, 'ECE') ? TCP_ECE : 0;
    case 67: // C
      return same(s, a, 'CWR') ? TCP_CWR : 0;
    default:
      return 0;
  }
}

/** s at a starts with lit (compared by char code; no allocation, no builtin call). */
export function same(s: string, a: number, lit: string): boolean {
  for (let k = 0; k < lit.length; k++) if (s.charCodeAt(a + k) !== lit.charCodeAt(k)) return false;
  return true;
}

/** The `PROTO=` words nf_log prints (TCP UDP UDPLITE ICMP ICMPv6 AH ESP) without allocating; undefined otherwise. */
export function logProtoAt(s: string, a: number, b: number): Proto | undefined {
  switch (b - a) {
    case 2:
      return same(s, a, 'AH') ? 'ah' : undefined;
    case 3:
      return same(s, a, 'TCP') ? 'tcp' : same(s, a, 'UDP') ? 'udp' : same(s, a, 'ESP') ? 'esp' : undefined;
    case 4:
      return same(s, a, 'ICMP') ? 'icmp' : undefined;
    case 6:
      return same(s, a, 'ICMPv6') ? 'icmpv6' : undefined;
    case 7:
      return same(s, a, 'UDPLITE') ? 'udplite' : undefined;
    default:
      return undefined;
  }
}
