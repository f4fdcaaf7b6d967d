// TCP flag names and bits shared by all dialects; output order is the model's canonical order.
// Pure; no I/O.

/** Bits as in the TCP header (AE is the 9th bit, kept above the byte). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
export const TCP_AE = 0x100;

/** Flag bits → upper-case names in the model's order (SYN ACK FIN RST PSH URG ECE CWR AE). */
export function tcpFlagNames(bits: number): string[] {
  const out: string[] = [];
  if (bits & TCP_SYN) out.push('SYN');
  if (bits & TCP_ACK) out.push('ACK');
  if (bits & TCP_FIN) out.push('FIN');
  if (bits & TCP_RST) out.push('RST');
  if (bits & TCP_PSH) out.push('PSH');
  if (bits & TCP_URG) out.push('URG');
  if (bits & TCP_ECE) out.push('ECE');
  if (bits & TCP_CWR) out.push('CWR');
  if (bits & TCP_AE) out.push('AE');
  return out;
}

/** Upper-case LOG / xtables-monitor flag word → bit, 0 when not a flag word. */
export function logFlagBit(word: string): number {
  switch (word) {
    case 'SYN':
      return TCP_SYN;
    case 'ACK':
      return TCP_ACK;
    case 'FIN':
      return TCP_FIN;
    case 'RST':
      return TCP_RST;
    case 'PSH':
      return TCP_PSH;
    case 'URG':
      return TCP_URG;
    case 'ECE':
      return TCP_ECE;
    case 'CWR':
      return TCP_CWR;
    case 'AE':
      return TCP_AE;
    default:
      return 0;
  }
}

/** Lower-case nft flag name → bit (`ecn` is nft's name for ECE), 0 when unknown. */
export function nftFlagBit(word: string): number {
  switch (word) {
    case 'ecn':
      return TCP_ECE;
    case 'ae':
      return TCP_AE;
    default:
      return logFlagBit(word.toUpperCase());
  }
}

/** Bits of the comma-separated nft flag words in s[a, b) (`syn,ack`): nftFlagBit of each, without allocating. */
export function nftFlagBitsAt(s: string, a: number, b: number): number {
  let bits = 0;
  for (let w = a; ;) {
    let c = s.indexOf(',', w);
    if (c < 0 || c > b) c = b;
    bits |= nftFlagBitAt(s, w, c);
    if (c >= b) return bits;
    w = c + 1;
  }
}

/** nftFlagBit(s.slice(a, b)) for ASCII words, in place; anything else takes that exact path. */
function nftFlagBitAt(s: string, a: number, b: number): number {
  const n = b - a;
  if (n < 1 || n > 3) return 0; // upper-casing never shortens a word
  let folded = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return nftFlagBit(s.slice(a, b)); // toUpperCase maps a few non-ASCII letters onto ASCII ones
    folded = (folded << 8) | c | 0x20; // ASCII letters of either case fold onto the lower-case one, nothing else does
  }
  // `ecn` exactly (nft's name for ECE; `ECN` is no flag word), else a flag name in any case.
  if (folded === ECN)
    return s.charCodeAt(a) === 101 && s.charCodeAt(a + 1) === 99 && s.charCodeAt(a + 2) === 110 ? TCP_ECE : 0;
  return FOLDED.get(folded) ?? 0;
}

const fold = (w: string): number => [...w].reduce((f, ch) => (f << 8) | ch.charCodeAt(0), 0);
const ECN = fold('ecn');
/** Flag names folded to lower case, one byte per letter. */
const FOLDED = new Map<number, number>(
  ['syn', 'ack', 'fin', 'rst', 'psh', 'urg', 'ece', 'cwr', 'ae'].map((w) => [fold(w), logFlagBit(w.toUpperCase())]),
);

/** True when this is a packet that opens a TCP connection (SYN without ACK). */
export function isTcpOpen(flags: readonly string[] | null | undefined): boolean {
  return flags != null && flags.includes('SYN') && !flags.includes('ACK');
}
