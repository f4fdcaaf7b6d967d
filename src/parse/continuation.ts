// Hard-wrapped kernel-log records (pasted logs): a line that starts with a LOG body key or flag word
// continues the previous TRACE record. Pure; no I/O.

/** Keys nf_log_syslog / ulogd print as `KEY=`. */
const KEYS = new Set([
  'IN',
  'OUT',
  'PHYSIN',
  'PHYSOUT',
  'MAC',
  'SRC',
  'DST',
  'LEN',
  'TOS',
  'PREC',
  'TTL',
  'ID',
  'PROTO',
  'SPT',
  'DPT',
  'SEQ',
  'ACK',
  'WINDOW',
  'RES',
  'URGP',
  'TYPE',
  'CODE',
  'PARAMETER',
  'GATEWAY',
  'MTU',
  'SPI',
  'UID',
  'GID',
  'MARK',
  'TC',
  'HOPLIMIT',
  'FLOWLBL',
  'TUNNEL',
  'POINTER',
]);

/** Words nf_log_syslog prints alone. */
const WORDS = new Set([
  'SYN',
  'ACK',
  'FIN',
  'RST',
  'PSH',
  'URG',
  'ECE',
  'CWR',
  'AE',
  'DF',
  'MF',
  'CE',
  'OPT',
  'INCOMPLETE',
]);

/** True when the line has no envelope and starts like the middle of a LOG body (`MAC=...`, `PREC=0x00 ...`, `SYN URGP=0`). */
export function isLogContinuation(line: string): boolean {
  let i = 0;
  if (line.charCodeAt(0) === 91) i = 1; // `[SRC=...` inner packet of an ICMP error
  const start = i;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c < 65 || c > 90) break;
    i++;
  }
  if (i === start) return false;
  const word = line.slice(start, i);
  const next = line.charCodeAt(i);
  if (next === 61) return KEYS.has(word);
  if (start === 1) return false;
  if (next === 58) return word === 'FRAG';
  return (Number.isNaN(next) || next === 32) && WORDS.has(word);
}
