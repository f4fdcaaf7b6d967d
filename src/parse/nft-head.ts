// The fixed words of an nft trace line's header (`trace id <hex> <family> ... packet:`), read in place by char
// codes: cheaper than startsWith / slicing on every line. Pure; no I/O.
import type { Family } from '../model/common.js';
import { same } from './log-keys.js';

/** line starts with `trace id ` (char codes: cheaper than startsWith on every line). */
export function isTraceIdLine(s: string): boolean {
  return (
    s.charCodeAt(0) === 116 &&
    s.charCodeAt(5) === 32 &&
    s.charCodeAt(8) === 32 &&
    s.charCodeAt(6) === 105 &&
    s.charCodeAt(7) === 100 &&
    s.charCodeAt(1) === 114 &&
    s.charCodeAt(2) === 97 &&
    s.charCodeAt(3) === 99 &&
    s.charCodeAt(4) === 101
  );
}

/** `packet:` at b. */
export function isPacketAt(s: string, b: number): boolean {
  return (
    s.charCodeAt(b + 1) === 97 &&
    s.charCodeAt(b + 6) === 58 &&
    s.charCodeAt(b) === 112 &&
    s.charCodeAt(b + 2) === 99 &&
    s.charCodeAt(b + 3) === 107 &&
    s.charCodeAt(b + 4) === 101 &&
    s.charCodeAt(b + 5) === 116
  );
}

/** The family word s[a, b), without allocating; null when unknown. */
export function familyAt(s: string, a: number, b: number): Family | null {
  switch (b - a) {
    case 2:
      return same(s, a, 'ip') ? 'ip' : null;
    case 3:
      return same(s, a, 'ip6') ? 'ip6' : same(s, a, 'arp') ? 'arp' : null;
    case 4:
      return same(s, a, 'inet') ? 'inet' : null;
    case 6:
      return same(s, a, 'bridge') ? 'bridge' : same(s, a, 'netdev') ? 'netdev' : null;
    default:
      return null;
  }
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHexId(s: string, a: number, b: number): boolean {
  if (b - a < 1 || b - a > 16) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
