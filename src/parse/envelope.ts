// The text before `TRACE: ` in a kernel-log line (dmesg, dmesg -T/-x/-r/iso, /dev/kmsg, journalctl short*, rsyslog,
// ulogd LOGEMU) → absolute time (ISO, only when the year is known) and kernel uptime seconds. Pure; no I/O.
import { monthOf, isoUtc, parseIsoStamp } from './time.js';
import { digitRun, parseUint } from './num.js';
import { lastIndexOfChar } from './scan.js';

export interface Envelope {
  readonly time: string | null;
  readonly uptime: number | null;
  /** True for /dev/kmsg records, whose text escapes non-printable bytes as `\xNN`. */
  readonly kmsg: boolean;
}

const NONE: Envelope = { time: null, uptime: null, kmsg: false };

/** Reads line[0, end), where end is the index of `TRACE: `. */
export function parseEnvelope(line: string, end: number): Envelope {
  if (end === 0) return NONE;
  let i = 0;
  const c = line.charCodeAt(0);
  if (c === 60) {
    // dmesg -r: `<4>[  294.894684] `
    const gt = line.indexOf('>');
    if (gt > 0 && gt < end) i = gt + 1;
  } else if (c >= 48 && c <= 57) {
    const kmsg = kmsgUptime(line, end);
    if (kmsg !== null) return kmsg;
    const iso = parseIsoStamp(line, 0);
    if (iso !== null) return { time: iso.iso, uptime: bracketUptime(line, iso.end, end), kmsg: false };
  } else if (c === 91) {
    const close = line.indexOf(']');
    if (close > 0 && close < end && line.charCodeAt(1) >= 65)
      return { time: ctimeCached(line, close), uptime: null, kmsg: false };
    // Plain dmesg `[  294.894684] TRACE: `: no `[` after the stamp, and a stamp that reads whole has none inside,
    // so it is the last one (what bracketUptime looks for).
    if (close > 0 && close < end && noBracket(line, close + 1, end)) {
      const uptime = stampValue(line, 0, close);
      if (uptime !== null) return { time: null, uptime, kmsg: false };
    }
  }
  // Syslog `Mon dd HH:MM:SS` stamps carry no year: no absolute time; rsyslog/imklog may keep `[uptime]`.
  return { time: null, uptime: bracketUptime(line, i, end), kmsg: false };
}

/** /dev/kmsg `PRI,SEQ,TS_USEC,FLAGS[,..];` */
function kmsgUptime(line: string, end: number): Envelope | null {
  const semi = line.indexOf(';');
  if (semi < 0 || semi >= end) return null;
  const c1 = line.indexOf(',');
  const c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
  const c3 = c2 < 0 ? -1 : line.indexOf(',', c2 + 1);
  if (c3 < 0 || c3 > semi || digitRun(line, 0, c1) !== c1) return null;
  const us = parseUint(line, c2 + 1, c3);
  return us < 0 ? null : { time: null, uptime: us / 1e6, kmsg: true };
}

/** The last `[  123.456789]` stamp in line[from, end), in seconds. */
function bracketUptime(line: string, from: number, end: number): number | null {
  const open = lastIndexOfChar(line, 91, end); // '['
  if (open < from) return null;
  const close = line.indexOf(']', open);
  if (close < 0 || close > end) return null;
  return stampValue(line, open, close);
}

/** The seconds in `[  123.456789]` with `[` at open and `]` at close; null when it is not that shape. */
function stampValue(line: string, open: number, close: number): number | null {
  let a = open + 1;
  while (line.charCodeAt(a) === 32) a++;
  // One pass over `int[.frac]` (as parseUint: more than 15 digits are -1).
  let i = a;
  let int = 0;
  for (let c = line.charCodeAt(i); i < close && c >= 48 && c <= 57; c = line.charCodeAt(++i)) int = int * 10 + c - 48;
  const intLen = i - a;
  if (intLen === 0) return null;
  if (intLen > 15) int = -1;
  if (i === close) return int;
  const fracLen = close - i - 1;
  if (line.charCodeAt(i) !== 46 || fracLen < 1 || fracLen > 9) return null;
  let frac = 0;
  for (let k = i + 1; k < close; k++) {
    const c = line.charCodeAt(k);
    if (c < 48 || c > 57) return null;
    frac = frac * 10 + c - 48;
  }
  // Integer division is correctly rounded: the same double as parsing the decimal text.
  const scale = POW10[fracLen] ?? 10 ** fracLen;
  return (int * scale + frac) / scale;
}

/** No `[` in line[a, b]. */
function noBracket(line: string, a: number, b: number): boolean {
  for (let k = a; k <= b; k++) if (line.charCodeAt(k) === 91) return false;
  return true;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

let lastStamp = '';
let lastIso: string | null = null;

/** dmesg -T: consecutive lines usually share the second, so the last conversion is kept. */
function ctimeCached(line: string, close: number): string | null {
  if (close === lastStamp.length && line.startsWith(lastStamp)) return lastIso;
  lastStamp = line.slice(0, close);
  lastIso = ctime(lastStamp.slice(1));
  return lastIso;
}

/** ctime `Sun Nov 22 01:31:39 2026` (dmesg -T, local time: taken as UTC) → ISO. */
function ctime(text: string): string | null {
  const w = text.split(' ').filter((x) => x !== '');
  if (w.length !== 5) return null;
  const hms = w[3] ?? '';
  if (hms.length !== 8) return null;
  const num = (s: string, a: number, b: number): number => parseUint(s, a, b);
  const y = num(w[4] ?? '', 0, (w[4] ?? '').length);
  const d = num(w[2] ?? '', 0, (w[2] ?? '').length);
  return isoUtc(y, monthOf(w[1] ?? ''), d, num(hms, 0, 2), num(hms, 3, 5), num(hms, 6, 8), '', 0);
}
