// The statements of an nft `packet:` line (`iif "eth0" ip saddr 10.0.0.1 ... tcp flags == syn`) → PacketInfo.
// Pure; no I/O. Unknown statements and raw payload (`@th,64,16 0x6869`) are skipped.
import type { PacketInfo } from '../model/packet.js';
import { normalizeIp, normalizeMac } from './addr.js';
import { same } from './log-keys.js';
import { icmpCodeOf, icmpTypeOf } from './nft-icmp.js';
import { parseNum } from './num.js';
import { protoOf } from './proto.js';
import { PacketBuilder } from './packet-builder.js';
import { nftFlagBit } from './tcp-flags.js';

/** Token [a, b) equals lit. */
function is(s: string, a: number, b: number, lit: string): boolean {
  return b - a === lit.length && same(s, a, lit);
}

/** Start of the next token at or after i (skips spaces), or n. */
function next(s: string, i: number, n: number): number {
  while (i < n && s.charCodeAt(i) === 32) i++;
  return i;
}

function end(s: string, i: number, n: number): number {
  const e = s.indexOf(' ', i);
  return e < 0 || e > n ? n : e;
}

/** Parses s[start, n) (n defaults to the line end). */
export function parseNftPacket(s: string, start: number, n: number = s.length): PacketInfo {
  const p = scratch;
  let i = next(s, start, n);
  while (i < n) {
    const kE = end(s, i, n);
    const k0 = s.charCodeAt(i);
    const vS0 = next(s, kE, n);
    const vE0 = end(s, vS0, n);
    if (k0 === 64) {
      i = next(s, vE0, n); // raw payload `@th,64,96 0x...`: bytes nft could not decode
      continue;
    }
    // iif / oif / iifname / oifname take one value: a quoted name, or the ifindex when unknown.
    if ((k0 === 105 || k0 === 111) && (is(s, i + 1, kE, 'if') || is(s, i + 1, kE, 'ifname'))) {
      const name = unquote(s, vS0, vE0);
      if (k0 === 105) p.iif = name;
      else p.oif = name;
      i = next(s, vE0, n);
      continue;
    }
    if (vS0 >= n) break;
    if (k0 === 116 && is(s, i, kE, 'tcp') && is(s, vS0, vE0, 'flags')) {
      i = tcpFlags(s, next(s, vE0, n), n, p);
      p.proto = 'tcp';
      continue;
    }
    const vS = next(s, vE0, n);
    const vE = end(s, vS, n);
    statement(s, i, kE, vS0, vE0, vS, vE, p);
    i = next(s, vE, n);
  }
  return p.take();
}

const scratch = new PacketBuilder();

function unquote(s: string, a: number, b: number): string {
  if (b - a >= 2 && s.charCodeAt(a) === 34 && s.charCodeAt(b - 1) === 34) return s.slice(a + 1, b - 1);
  return s.slice(a, b);
}

/** One `<proto> <field> <value>` statement. */
function statement(
  s: string,
  k: number,
  kE: number,
  f: number,
  fE: number,
  v: number,
  vE: number,
  p: PacketBuilder,
): void {
  switch (s.charCodeAt(k)) {
    case 105: // i: ip, ip6, icmp, icmpv6
      if (is(s, k, kE, 'ip')) {
        p.ipVersion = 4;
        ipField(s, f, fE, v, vE, p);
      } else if (is(s, k, kE, 'ip6')) {
        p.ipVersion = 6;
        ipField(s, f, fE, v, vE, p);
      } else if (is(s, k, kE, 'icmp') || is(s, k, kE, 'icmpv6')) icmpField(s, kE - k === 6, f, fE, v, vE, p);
      return;
    case 101: // e: ether
      if (!is(s, k, kE, 'ether')) return;
      if (is(s, f, fE, 'saddr')) p.macSrc = normalizeMac(s.slice(v, vE));
      else if (is(s, f, fE, 'daddr')) p.macDst = normalizeMac(s.slice(v, vE));
      return;
    case 109: // m: meta
      if (!is(s, k, kE, 'meta')) return;
      if (is(s, f, fE, 'mark')) {
        p.mark = parseNum(s, v, vE);
      } else if (is(s, f, fE, 'l4proto')) setProto(p, s.slice(v, vE));
      return;
    case 116: // t: tcp
    case 117: // u: udp, udplite
    case 115: // s: sctp
    case 100: // d: dccp
      if (is(s, k, kE, 'tcp') || is(s, k, kE, 'udp')) portField(s, k, kE, f, fE, v, vE, p);
      else if (is(s, k, kE, 'udplite') || is(s, k, kE, 'sctp') || is(s, k, kE, 'dccp'))
        portField(s, k, kE, f, fE, v, vE, p);
  }
}

function portField(
  s: string,
  k: number,
  kE: number,
  f: number,
  fE: number,
  v: number,
  vE: number,
  p: PacketBuilder,
): void {
  p.proto = kE - k === 3 ? (s.charCodeAt(k) === 116 ? 'tcp' : 'udp') : (protoOf(s.slice(k, kE)) ?? 'udp');
  const num = parseNum(s, v, vE);
  if (num < 0) return;
  if (is(s, f, fE, 'sport')) p.sport = num;
  else if (is(s, f, fE, 'dport')) p.dport = num;
  else if (is(s, f, fE, 'sequence')) p.tcpSeq = num;
}

function icmpField(s: string, v6: boolean, f: number, fE: number, v: number, vE: number, p: PacketBuilder): void {
  p.proto = v6 ? 'icmpv6' : 'icmp';
  let num: number;
  if (is(s, f, fE, 'type')) {
    if ((num = icmpTypeOf(s.slice(v, vE), v6)) >= 0) p.icmpType = num;
  } else if (is(s, f, fE, 'code')) {
    if ((num = icmpCodeOf(s.slice(v, vE), v6)) >= 0) p.icmpCode = num;
  } else if (is(s, f, fE, 'id')) {
    if ((num = parseNum(s, v, vE)) >= 0) p.icmpId = num;
  } else if (is(s, f, fE, 'sequence')) {
    if ((num = parseNum(s, v, vE)) >= 0) p.icmpSeq = num;
  }
}

function ipField(s: string, f: number, fE: number, v: number, vE: number, p: PacketBuilder): void {
  const num = parseNum(s, v, vE);
  switch (s.charCodeAt(f)) {
    case 115: // saddr
    case 100: // daddr
      if (is(s, f + 1, fE, 'addr')) {
        const a = normalizeIp(s.slice(v, vE));
        if (a === null) return;
        if (s.charCodeAt(f) === 115) p.src = a;
        else p.dst = a;
      }
      return;
    case 116: // ttl
    case 104: // hoplimit
      if (num >= 0 && (is(s, f, fE, 'ttl') || is(s, f, fE, 'hoplimit'))) p.ttl = num;
      return;
    case 105: // id
      if (num >= 0 && is(s, f, fE, 'id')) p.ipId = num;
      return;
    case 108: // length
      if (num >= 0 && is(s, f, fE, 'length')) p.len = num;
      return;
    case 102: // flowlabel
      if (num >= 0 && is(s, f, fE, 'flowlabel')) p.flowLabel = num;
      return;
    case 112: // protocol
    case 110: // nexthdr
      if (is(s, f, fE, 'protocol') || is(s, f, fE, 'nexthdr')) setProto(p, s.slice(v, vE));
  }
}

function setProto(p: PacketBuilder, text: string): void {
  const proto = protoOf(text);
  if (proto !== undefined) p.proto = proto;
}

/** `tcp flags` value: `syn`, `== syn`, `syn | ack`, `syn,ack`, `== 0x12`, optionally `/ mask`; returns next index. */
function tcpFlags(s: string, i: number, n: number, p: PacketBuilder): number {
  let bits = 0;
  let e = end(s, i, n);
  if (is(s, i, e, '==') || is(s, i, e, '!=')) {
    i = next(s, e, n);
    e = end(s, i, n);
  }
  for (;;) {
    if (s.charCodeAt(i) === 48 && s.charCodeAt(i + 1) === 120) bits |= Math.max(0, parseNum(s, i, e));
    else for (const w of s.slice(i, e).split(',')) bits |= nftFlagBit(w);
    i = next(s, e, n);
    if (!(s.charCodeAt(i) === 124 && s.charCodeAt(i + 1) === 32)) break;
    i = next(s, i + 1, n);
    e = end(s, i, n);
  }
  if (s.charCodeAt(i) === 47 && s.charCodeAt(i + 1) === 32) i = next(s, end(s, next(s, i + 1, n), n), n);
  p.tcpBits = bits;
  return i;
}
