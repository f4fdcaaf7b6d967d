// Timestamp pieces → ISO 8601 UTC strings (`2026-11-22T01:31:39.894684Z`), keeping the printed sub-second digits.
// Pure; no I/O (no clock: only conversions of given values).
import { parseUint } from './num.js';

const MONTHS = new Map<string, number>([
  ['Jan', 1],
  ['Feb', 2],
  ['Mar', 3],
  ['Apr', 4],
  ['May', 5],
  ['Jun', 6],
  ['Jul', 7],
  ['Aug', 8],
  ['Sep', 9],
  ['Oct', 10],
  ['Nov', 11],
  ['Dec', 12],
]);

export function monthOf(name: string): number {
  return MONTHS.get(name) ?? -1;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Wall-clock parts at UTC offset `offsetMin` → ISO UTC; null when out of range. `frac` is the digits after the dot. */
export function isoUtc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string,
  offsetMin: number,
): string | null {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return null;
  const tail = frac === '' ? 'Z' : `.${frac}Z`;
  if (offsetMin === 0) return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${tail}`;
  const ms = Date.UTC(y, mo - 1, d, h, mi - offsetMin, s);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) + tail : null;
}

/** Microseconds since the epoch → ISO UTC with 6 fraction digits (journald `__REALTIME_TIMESTAMP`, ulogd oob.time). */
export function isoFromMicros(us: number): string | null {
  if (!Number.isFinite(us) || us < 0 || us > Number.MAX_SAFE_INTEGER) return null;
  const sec = Math.floor(us / 1e6);
  const frac = String(us - sec * 1e6).padStart(6, '0');
  return new Date(sec * 1000).toISOString().slice(0, 19) + `.${frac}Z`;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[,.]frac[Z|±HH:MM|±HHMM]` at s[i..]: dmesg --time-format iso, journalctl short-iso, RFC 3339.
 * Returns the ISO string and the index after the stamp, or null.
 */
export function parseIsoStamp(s: string, i: number): { iso: string | null; end: number } | null {
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || s.charCodeAt(i + 10) !== 84) return null;
  if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return null;
  const num = (a: number, w: number): number => parseUint(s, i + a, i + a + w);
  let j = i + 19;
  let frac = '';
  const sep = s.charCodeAt(j);
  if (sep === 44 || sep === 46) {
    let k = j + 1;
    while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
    frac = s.slice(j + 1, k);
    j = k;
  }
  let offset = 0;
  const z = s.charCodeAt(j);
  if (z === 90) j++;
  else if (z === 43 || z === 45) {
    const colon = s.charCodeAt(j + 3) === 58;
    const oh = parseUint(s, j + 1, j + 3);
    const om = parseUint(s, j + (colon ? 4 : 3), j + (colon ? 6 : 5));
    if (oh < 0 || om < 0) return null;
    offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
    j += colon ? 6 : 5;
  }
  const iso = isoUtc(num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2), frac, offset);
  return { iso, end: j };
}
