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
