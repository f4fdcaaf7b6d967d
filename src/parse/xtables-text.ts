// xtables-monitor rule text → `-A CHAIN ...`: drops the `-4 -t raw ` (<= 1.8.10) or `iptables -t raw ` (1.8.11) prefix.
// Pure; no I/O.

const PREFIXES = ['-4 ', '-6 ', '-0 ', 'iptables ', 'ip6tables ', 'arptables ', 'ebtables '];

/** Rule text in s[from, end) after the verdict word; null when xtables-monitor printed none (inet/netdev tables). */
export function xtablesRuleText(s: string, from: number, end: number): string | null {
  let i = from;
  while (i < end && s.charCodeAt(i) === 32) i++;
  let e = end;
  while (e > i && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
  if (e <= i) return null;
  for (const prefix of PREFIXES) {
    if (!s.startsWith(prefix, i)) continue;
    let j = i + prefix.length;
    if (s.startsWith('-t ', j)) {
      const tE = s.indexOf(' ', j + 3);
      j = tE < 0 || tE >= e ? e : tE + 1;
    }
    if (s.startsWith('-A ', j) || s.startsWith('-I ', j) || s.startsWith('-D ', j)) return s.slice(j, e);
    // A line torn before the command (xtables-monitor dying mid-print: `-6 -t filter `) has no rule text.
    return null;
  }
  return s.slice(i, e);
}
