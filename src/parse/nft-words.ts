// The words of nft `packet:` statements (`ip`, `ether`, ... then `saddr`, `sport`, ...) → small codes, read in place
// by length and char codes (no allocation, one call per word). Pure; no I/O.

/** First word of a statement. */
export const K = {
  Other: 0,
  Ip: 1,
  Ip6: 2,
  Icmp: 3,
  Icmpv6: 4,
  Ether: 5,
  Meta: 6,
  Tcp: 7,
  Udp: 8,
  Udplite: 9,
  Sctp: 10,
  Dccp: 11,
  /** `iif` or `iifname` */
  Iif: 12,
  /** `oif` or `oifname` */
  Oif: 13,
  /** Raw payload `@th,64,16` */
  Raw: 14,
} as const;

/** Second word of a statement. */
export const F = {
  Other: 0,
  Saddr: 1,
  Daddr: 2,
  /** `ttl` or `hoplimit` */
  Ttl: 3,
  Id: 4,
  Length: 5,
  Flowlabel: 6,
  /** `protocol` or `nexthdr` */
  Protocol: 7,
  Mark: 8,
  L4proto: 9,
  Sport: 10,
  Dport: 11,
  Sequence: 12,
  Type: 13,
  Code: 14,
  Flags: 15,
} as const;

/** The statement word s[a, b). */
export function stmtWord(s: string, a: number, b: number): number {
  const c = s.charCodeAt(a);
  if (c === 64) return K.Raw;
  switch (b - a) {
    case 2:
      return c === 105 && s.charCodeAt(a + 1) === 112 ? K.Ip : K.Other;
    case 3:
      if (c === 105) return eq(s, a, 'ip6') ? K.Ip6 : eq(s, a, 'iif') ? K.Iif : K.Other;
      if (c === 116) return eq(s, a, 'tcp') ? K.Tcp : K.Other;
      if (c === 117) return eq(s, a, 'udp') ? K.Udp : K.Other;
      return eq(s, a, 'oif') ? K.Oif : K.Other;
    case 4:
      if (c === 105) return eq(s, a, 'icmp') ? K.Icmp : K.Other;
      if (c === 109) return eq(s, a, 'meta') ? K.Meta : K.Other;
      if (c === 115) return eq(s, a, 'sctp') ? K.Sctp : K.Other;
      return eq(s, a, 'dccp') ? K.Dccp : K.Other;
    case 5:
      return eq(s, a, 'ether') ? K.Ether : K.Other;
    case 6:
      return eq(s, a, 'icmpv6') ? K.Icmpv6 : K.Other;
    case 7:
      if (c === 117) return eq(s, a, 'udplite') ? K.Udplite : K.Other;
      return eq(s, a, 'iifname') ? K.Iif : eq(s, a, 'oifname') ? K.Oif : K.Other;
    default:
      return K.Other;
  }
}

/** The field word s[a, b). */
export function fieldWord(s: string, a: number, b: number): number {
  const c = s.charCodeAt(a);
  switch (b - a) {
    case 2:
      return c === 105 && s.charCodeAt(a + 1) === 100 ? F.Id : F.Other;
    case 3:
      return eq(s, a, 'ttl') ? F.Ttl : F.Other;
    case 4:
      if (c === 109) return eq(s, a, 'mark') ? F.Mark : F.Other;
      if (c === 116) return eq(s, a, 'type') ? F.Type : F.Other;
      return eq(s, a, 'code') ? F.Code : F.Other;
    case 5:
      if (c === 115) return eq(s, a, 'saddr') ? F.Saddr : eq(s, a, 'sport') ? F.Sport : F.Other;
      if (c === 100) return eq(s, a, 'daddr') ? F.Daddr : eq(s, a, 'dport') ? F.Dport : F.Other;
      return eq(s, a, 'flags') ? F.Flags : F.Other;
    case 6:
      return eq(s, a, 'length') ? F.Length : F.Other;
    case 7:
      if (c === 110) return eq(s, a, 'nexthdr') ? F.Protocol : F.Other;
      return eq(s, a, 'l4proto') ? F.L4proto : F.Other;
    case 8:
      if (c === 104) return eq(s, a, 'hoplimit') ? F.Ttl : F.Other;
      if (c === 112) return eq(s, a, 'protocol') ? F.Protocol : F.Other;
      return eq(s, a, 'sequence') ? F.Sequence : F.Other;
    case 9:
      return eq(s, a, 'flowlabel') ? F.Flowlabel : F.Other;
    default:
      return F.Other;
  }
}

/** s at a starts with lit (the caller checked the length). */
function eq(s: string, a: number, lit: string): boolean {
  for (let k = 0; k < lit.length; k++) if (s.charCodeAt(a + k) !== lit.charCodeAt(k)) return false;
  return true;
}
