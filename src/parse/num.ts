// Number scanning on a slice of a string without allocating: decimal and hex unsigned integers.
// Pure; no I/O.

/** Decimal digits in s[start, end) as a number; -1 when empty, not all digits, or longer than 15 digits. */
export function parseUint(s: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Leading decimal digits from start: how many there are (0 when none). */
export function digitRun(s: string, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i - start;
}

/** Hex digits in s[start, end), with or without a `0x` prefix; -1 when invalid or longer than 13 digits. */
export function parseHex(s: string, start: number, end: number): number {
  if (end - start > 2 && s.charCodeAt(start) === 48 && (s.charCodeAt(start + 1) | 0x20) === 120) start += 2;
  if (end <= start || end - start > 13) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) v = (c | 0x20) - 87;
    else return -1;
    n = n * 16 + v;
  }
  return n;
}

/** A decimal or `0x` hex number (nft `-nn` prints either); -1 when neither. */
export function parseNum(s: string, start: number, end: number): number {
  if (end - start > 2 && s.charCodeAt(start) === 48 && (s.charCodeAt(start + 1) | 0x20) === 120) {
    return parseHex(s, start, end);
  }
  return parseUint(s, start, end);
}
