// Allocation-free backward scans. String.prototype.lastIndexOf is a runtime call in V8 (tens of ns each); the
// needles here sit a few characters from where the scan starts, so a plain loop is cheaper. Pure; no I/O.

/** Same as s.lastIndexOf(lit, from) (from defaults to the end). */
export function lastIndexOfLit(s: string, lit: string, from: number = s.length): number {
  const c0 = lit.charCodeAt(0);
  const n = lit.length;
  for (let i = Math.min(from, s.length - n); i >= 0; i--) {
    if (s.charCodeAt(i) !== c0) continue;
    let k = 1;
    while (k < n && s.charCodeAt(i + k) === lit.charCodeAt(k)) k++;
    if (k === n) return i;
  }
  return -1;
}

/** Same as s.lastIndexOf(String.fromCharCode(c), from): the last index ≤ from holding char code c, or -1. */
export function lastIndexOfChar(s: string, c: number, from: number = s.length - 1): number {
  for (let i = Math.min(from, s.length - 1); i >= 0; i--) if (s.charCodeAt(i) === c) return i;
  return -1;
}
