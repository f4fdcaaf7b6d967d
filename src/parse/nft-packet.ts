// The statements of an nft `packet:` line (`iif "eth0" ip saddr 10.0.0.1 ... tcp flags == syn`) → PacketInfo.
// Pure; no I/O. Unknown statements and raw payload (`@th,64,16 0x6869`) are skipped.
import type { PacketInfo } from '../model/packet.js';
import { normalizeIp, normalizeMac } from './addr.js';
import { parseNum } from './num.js';
import { protoOf } from './proto.js';
import { nftFlagBit, tcpFlagNames } from './tcp-flags.js';
import { icmpCodeOf, icmpTypeOf } from './nft-icmp.js';

/** Token end (next space or n). */
function tokEnd(s: string, i: number, n: number): number {
  const e = s.indexOf(' ', i);
  return e < 0 || e > n ? n : e;
}

function skipSpaces(s: string, i: number, n: number): number {
  while (i < n && s.charCodeAt(i) === 32) i++;
  return i;
}

function is(s: string, a: number, b: number, lit: string): boolean {
  return b - a === lit.length && s.startsWith(lit, a);
}

/** Parses s[start, end) (end defaults to the line end). */
export function parseNftPacket(s: string, start: number, end: number = s.length): PacketInfo {
  const p: PacketInfo = {};
  const n = end;
  let i = skipSpaces(s, start, n);
  while (i < n) {
    const kE = tokEnd(s, i, n);
    const k0 = s.charCodeAt(i);
    // iif / oif / iifname / oifname take one value.
    if ((k0 === 105 || k0 === 111) && (is(s, i, kE, 'iif') || is(s, i, kE, 'oif') || s.startsWith('ifname', i + 1))) {
      const vS = skipSpaces(s, kE, n);
      const vE = tokEnd(s, vS, n);
      const name = unquote(s, vS, vE);
      if (k0 === 105) p.iif = name;
      else p.oif = name;
      i = skipSpaces(s, vE, n);
      continue;
    }
    if (k0 === 64) {
      // Raw payload expression: `@th,64,96 0x...` (leftover bytes nft could not decode).
      i = skipSpaces(s, tokEnd(s, skipSpaces(s, kE, n), n), n);
      continue;
    }
    const fS = skipSpaces(s, kE, n);
    const fE = tokEnd(s, fS, n);
    if (fS >= n) break;
    if (is(s, i, kE, 'tcp') && is(s, fS, fE, 'flags')) {
      i = tcpFlags(s, skipSpaces(s, fE, n), n, p);
      p.proto = 'tcp';
      continue;
    }
    const vS = skipSpaces(s, fE, n);
    const vE = tokEnd(s, vS, n);
    field(s, i, kE, fS, fE, vS, vE, p);
    i = skipSpaces(s, vE, n);
  }
  return p;
}

function unquote(s: string, a: number, b: number): string {
  if (b - a >= 2 && s.charCodeAt(a) === 34 && s.charCodeAt(b - 1) === 34) return s.slice(a + 1, b - 1);
  return s.slice(a, b);
}

/** One `<proto> <field> <value>` statement. */
function field(s: string, k: number, kE: number, f: number, fE: number, v: number, vE: number, p: PacketInfo): void {
  const kLen = kE - k;
  if (kLen === 2 && s.startsWith('ip', k)) {
    p.ipVersion = 4;
    ipField(s, f, fE, v, vE, p);
  } else if (kLen === 3 && s.startsWith('ip6', k)) {
    p.ipVersion = 6;
    ipField(s, f, fE, v, vE, p);
  } else if (is(s, k, kE, 'ether')) {
    if (is(s, f, fE, 'saddr')) p.macSrc = normalizeMac(s.slice(v, vE));
    else if (is(s, f, fE, 'daddr')) p.macDst = normalizeMac(s.slice(v, vE));
  } else if (is(s, k, kE, 'meta')) {
    if (is(s, f, fE, 'mark')) {
      const m = parseNum(s, v, vE);
      if (m > 0) p.mark = m;
    } else if (is(s, f, fE, 'l4proto')) setProto(p, s.slice(v, vE));
  } else if (is(s, k, kE, 'icmp') || is(s, k, kE, 'icmpv6')) {
    const v6 = kLen === 6;
    p.proto = v6 ? 'icmpv6' : 'icmp';
    if (is(s, f, fE, 'type')) setNum(p, 'icmpType', icmpTypeOf(s.slice(v, vE), v6));
    else if (is(s, f, fE, 'code')) setNum(p, 'icmpCode', icmpCodeOf(s.slice(v, vE), v6));
    else if (is(s, f, fE, 'id')) setNum(p, 'icmpId', parseNum(s, v, vE));
    else if (is(s, f, fE, 'sequence')) setNum(p, 'icmpSeq', parseNum(s, v, vE));
  } else if (isPortProto(s, k, kE)) {
    p.proto = protoOf(s.slice(k, kE)) ?? 'tcp';
    if (is(s, f, fE, 'sport')) setNum(p, 'sport', parseNum(s, v, vE));
    else if (is(s, f, fE, 'dport')) setNum(p, 'dport', parseNum(s, v, vE));
    else if (is(s, f, fE, 'sequence')) setNum(p, 'tcpSeq', parseNum(s, v, vE));
  }
}

function isPortProto(s: string, k: number, kE: number): boolean {
  return (
    is(s, k, kE, 'tcp') ||
    is(s, k, kE, 'udp') ||
    is(s, k, kE, 'udplite') ||
    is(s, k, kE, 'sctp') ||
    is(s, k, kE, 'dccp')
  );
}

function ipField(s: string, f: number, fE: number, v: number, vE: number, p: PacketInfo): void {
  const c = s.charCodeAt(f);
  if (c === 115 && is(s, f, fE, 'saddr')) {
    const a = normalizeIp(s.slice(v, vE));
    if (a !== null) p.src = a;
  } else if (c === 100 && is(s, f, fE, 'daddr')) {
    const a = normalizeIp(s.slice(v, vE));
    if (a !== null) p.dst = a;
  } else if (is(s, f, fE, 'ttl') || is(s, f, fE, 'hoplimit')) setNum(p, 'ttl', parseNum(s, v, vE));
  else if (is(s, f, fE, 'id')) setNum(p, 'ipId', parseNum(s, v, vE));
  else if (is(s, f, fE, 'length')) setNum(p, 'len', parseNum(s, v, vE));
  else if (is(s, f, fE, 'flowlabel')) setNum(p, 'flowLabel', parseNum(s, v, vE));
  else if (is(s, f, fE, 'protocol') || is(s, f, fE, 'nexthdr')) setProto(p, s.slice(v, vE));
}

function setProto(p: PacketInfo, text: string): void {
  const proto = protoOf(text);
  if (proto !== undefined) p.proto = proto;
}

type NumKey = 'sport' | 'dport' | 'ttl' | 'ipId' | 'len' | 'flowLabel' | 'tcpSeq' | 'icmpType' | 'icmpCode' | 'icmpId' | 'icmpSeq';

function setNum(p: PacketInfo, key: NumKey, value: number): void {
  if (value >= 0) p[key] = value;
}

/** `tcp flags` value: `syn`, `== syn`, `syn | ack`, `syn,ack`, `== 0x12`, optionally `/ mask`; returns next index. */
function tcpFlags(s: string, i: number, n: number, p: PacketInfo): number {
  let bits = 0;
  let e = tokEnd(s, i, n);
  if (is(s, i, e, '==') || is(s, i, e, '!=')) {
    i = skipSpaces(s, e, n);
    e = tokEnd(s, i, n);
  }
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 48 && s.charCodeAt(i + 1) === 120) bits |= Math.max(0, parseNum(s, i, e));
    else for (const w of s.slice(i, e).split(',')) bits |= nftFlagBit(w);
    i = skipSpaces(s, e, n);
    if (!(s.charCodeAt(i) === 124 && s.charCodeAt(i + 1) === 32)) break;
    i = skipSpaces(s, i + 1, n);
    e = tokEnd(s, i, n);
  }
  if (s.charCodeAt(i) === 47 && s.charCodeAt(i + 1) === 32) i = skipSpaces(s, tokEnd(s, skipSpaces(s, i + 1, n), n), n);
  p.tcpFlags = tcpFlagNames(bits);
  return i;
}
