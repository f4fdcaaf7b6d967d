// The statements of an nft `packet:` line (`iif "eth0" ip saddr 10.0.0.1 ... tcp flags == syn`) → PacketInfo.
// Pure; no I/O. Unknown statements and raw payload (`@th,64,16 0x6869`) are skipped.
// Hot path: each word is classified once (length, then char codes) and each value read in place; a flow's leading
// statements are resumed from a bounded cache (prefix-memo.ts), which never changes an answer.
import type { PacketInfo } from '../model/packet.js';
import { normalizeIp, normalizeMac } from './addr.js';
import { same } from './log-keys.js';
import { icmpCodeOf, icmpTypeOf } from './nft-icmp.js';
import { parseNum } from './num.js';
import { protoOf } from './proto.js';
import { PacketBuilder } from './packet-builder.js';
import { PrefixMemo } from './prefix-memo.js';
import { nftFlagBitsAt } from './tcp-flags.js';
import { F, fieldWord, K, stmtWord } from './nft-words.js';

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
  const i0 = next(s, start, n);
  // The statements before the anchor (where a flow's packets start to differ) come from a cached prefix of this
  // flow and hook (see PrefixMemo), or are parsed and cached; the rest is parsed.
  const m = prefixes.match(s, i0, n);
  const state = m < 0 ? null : prefixes.value(m);
  let a: number;
  if (state !== null) {
    p.copyFrom(state);
    a = next(s, i0 + prefixes.length(m), n);
  } else {
    a = run(s, i0, n, p, true);
    if (a > i0) prefixes.put(s.slice(i0, a), p.snapshot());
  }
  if (a >= 0 && a < n) run(s, a, n, p, false);
  return p.take();
}

/**
 * Runs the statements from i into p. With toAnchor, stops at the anchor statement and returns its index;
 * otherwise (or at the end of the body first) returns -1.
 */
function run(s: string, i: number, n: number, p: PacketBuilder, toAnchor: boolean): number {
  while (i < n) {
    const kE = end(s, i, n);
    const k = stmtWord(s, i, kE);
    const vS0 = next(s, kE, n);
    const vE0 = end(s, vS0, n);
    if (k === K.Raw) {
      // Raw payload `@th,64,96 0x...`: bytes nft could not decode; an ICMP error's are the start of the packet it quotes.
      if (p.icmpType >= 0 && p.inner === null) p.inner = quotedHeader(s, i, kE, vS0, vE0, p);
      i = next(s, vE0, n);
      continue;
    }
    // iif / oif / iifname / oifname take one value: a quoted name, or the ifindex when unknown.
    if (k === K.Iif || k === K.Oif) {
      const name = unquote(s, vS0, vE0);
      if (k === K.Iif) p.iif = name;
      else p.oif = name;
      i = next(s, vE0, n);
      continue;
    }
    if (vS0 >= n) return -1;
    const f = fieldWord(s, vS0, vE0);
    if (toAnchor && isAnchor(k, f)) return i;
    if (k === K.Tcp && f === F.Flags) {
      i = tcpFlags(s, next(s, vE0, n), n, p);
      p.proto = 'tcp';
      continue;
    }
    const vS = next(s, vE0, n);
    const vE = end(s, vS, n);
    if (k !== K.Other) statement(s, k, f, vS, vE, p);
    i = next(s, vE, n);
  }
  return -1;
}

const scratch = new PacketBuilder();
const prefixes = new PrefixMemo<PacketBuilder>(32);

/** Where a flow's packets start to differ: the IP id / length, or the transport header. */
function isAnchor(k: number, f: number): boolean {
  switch (k) {
    case K.Ip:
    case K.Ip6:
      return f === F.Id || f === F.Length;
    case K.Icmp:
    case K.Icmpv6:
    case K.Tcp:
    case K.Udp:
    case K.Udplite:
    case K.Sctp:
    case K.Dccp:
      return true;
    default:
      return false;
  }
}

function unquote(s: string, a: number, b: number): string {
  if (b - a >= 2 && s.charCodeAt(a) === 34 && s.charCodeAt(b - 1) === 34) return s.slice(a + 1, b - 1);
  return s.slice(a, b);
}

/** One `<proto> <field> <value>` statement; the value is s[v, vE). */
function statement(s: string, k: number, f: number, v: number, vE: number, p: PacketBuilder): void {
  switch (k) {
    case K.Ip:
    case K.Ip6:
      p.ipVersion = k === K.Ip ? 4 : 6;
      if (k === K.Ip6 && f === F.Protocol) nextHeader(p, s.slice(v, vE));
      else ipField(s, f, v, vE, p);
      return;
    case K.Icmp:
    case K.Icmpv6:
      icmpField(s, k === K.Icmpv6, f, v, vE, p);
      return;
    case K.Ether:
      if (f === F.Saddr) p.macSrc = normalizeMac(s.slice(v, vE));
      else if (f === F.Daddr) p.macDst = normalizeMac(s.slice(v, vE));
      return;
    case K.Meta:
      if (f === F.Mark) p.mark = parseNum(s, v, vE);
      else if (f === F.L4proto) setProto(p, s.slice(v, vE));
      return;
    case K.Tcp:
    case K.Udp:
    case K.Udplite:
    case K.Sctp:
    case K.Dccp:
      portField(s, k, f, v, vE, p);
  }
}

function portField(s: string, k: number, f: number, v: number, vE: number, p: PacketBuilder): void {
  p.proto = k === K.Tcp ? 'tcp' : k === K.Udp ? 'udp' : k === K.Udplite ? 'udplite' : k === K.Sctp ? 'sctp' : 'dccp';
  const num = parseNum(s, v, vE);
  if (num < 0) return;
  if (f === F.Sport) p.sport = num;
  else if (f === F.Dport) p.dport = num;
  else if (f === F.Sequence) p.tcpSeq = num;
  // A UDP length beyond the IPv4 packet's payload: the first fragment of a bigger datagram, or a later one whose
  // payload nft decoded as a header.
  else if (f === F.Length && k === K.Udp && p.ipVersion === 4 && p.len >= 0 && num > p.len - 20) p.fragment = true;
}

function icmpField(s: string, v6: boolean, f: number, v: number, vE: number, p: PacketBuilder): void {
  p.proto = v6 ? 'icmpv6' : 'icmp';
  let num: number;
  if (f === F.Type) {
    if ((num = icmpTypeOf(s.slice(v, vE), v6)) >= 0) p.icmpType = num;
  } else if (f === F.Code) {
    if ((num = icmpCodeOf(s.slice(v, vE), v6)) >= 0) p.icmpCode = num;
  } else if (f === F.Id) {
    if ((num = parseNum(s, v, vE)) >= 0) p.icmpId = num;
  } else if (f === F.Sequence) {
    if ((num = parseNum(s, v, vE)) >= 0) p.icmpSeq = num;
  }
}

function ipField(s: string, f: number, v: number, vE: number, p: PacketBuilder): void {
  switch (f) {
    case F.Saddr:
    case F.Daddr: {
      const a = normalizeIp(s.slice(v, vE));
      if (a === null) return;
      if (f === F.Saddr) p.src = a;
      else p.dst = a;
      return;
    }
    case F.Protocol:
      setProto(p, s.slice(v, vE));
      return;
  }
  const num = parseNum(s, v, vE);
  if (num < 0) return;
  if (f === F.Ttl) p.ttl = num;
  else if (f === F.Id) p.ipId = num;
  else if (f === F.Length) p.len = num;
  else if (f === F.Flowlabel) p.flowLabel = num;
}

/**
 * `ip6 nexthdr`: the transport protocol, unless an extension header comes first (hop-by-hop, which nft 1.0.6 prints
 * `ip`, routing, destination options): then the protocol is not shown; a fragment header makes it a fragment.
 */
function nextHeader(p: PacketBuilder, text: string): void {
  const proto = protoOf(text);
  if (proto === 44) p.fragment = true;
  else if (proto !== 0 && proto !== 43 && proto !== 60 && proto !== undefined) p.proto = proto;
}

function setProto(p: PacketBuilder, text: string): void {
  const proto = protoOf(text);
  if (proto !== undefined) p.proto = proto;
}

/** `tcp flags` value: `syn`, `== syn`, `syn | ack`, `syn,ack`, `== 0x12`, optionally `/ mask`; returns next index. */
function tcpFlags(s: string, i: number, n: number, p: PacketBuilder): number {
  let bits = 0;
  let e = end(s, i, n);
  if (e - i === 2 && (same(s, i, '==') || same(s, i, '!='))) {
    i = next(s, e, n);
    e = end(s, i, n);
  }
  for (;;) {
    if (s.charCodeAt(i) === 48 && s.charCodeAt(i + 1) === 120) bits |= Math.max(0, parseNum(s, i, e));
    else bits |= nftFlagBitsAt(s, i, e);
    i = next(s, e, n);
    if (!(s.charCodeAt(i) === 124 && s.charCodeAt(i + 1) === 32)) break;
    i = next(s, i + 1, n);
    e = end(s, i, n);
  }
  if (s.charCodeAt(i) === 47 && s.charCodeAt(i + 1) === 32) i = next(s, end(s, next(s, i + 1, n), n), n);
  p.tcpBits = bits;
  return i;
}

/** ICMP and ICMPv6 error types, which quote the packet they are about. */
function isIcmpError(p: PacketBuilder): boolean {
  return p.proto === 'icmp'
    ? p.icmpType === 3 || p.icmpType === 11 || p.icmpType === 12
    : p.proto === 'icmpv6' && p.icmpType >= 1 && p.icmpType <= 4;
}

/**
 * What nft shows of the packet an ICMP error quotes: `@th,64,96 0x...`, the first 12 bytes of its IP header after
 * the 8 of the ICMP header. IPv4: total length, id and protocol; IPv6: flow label, payload length and next header.
 * No addresses (they come later): enough to tell which packet the error is about. Null for anything else.
 */
function quotedHeader(s: string, k: number, kE: number, v: number, vE: number, p: PacketBuilder): PacketInfo | null {
  if (!isIcmpError(p) || s.slice(k, kE) !== '@th,64,96' || vE - v !== 26 || !s.startsWith('0x', v)) return null;
  const hex = (from: number, digits: number): number =>
    Number.parseInt(s.slice(v + 2 + from, v + 2 + from + digits), 16);
  const version = hex(0, 1);
  if (version === 4 && p.ipVersion === 4) {
    const proto = protoOf(String(hex(18, 2)));
    return { ipVersion: 4, ...(proto === undefined ? {} : { proto }), len: hex(4, 4), ipId: hex(8, 4) };
  }
  if (version === 6 && p.ipVersion === 6) {
    const proto = protoOf(String(hex(12, 2)));
    return { ipVersion: 6, ...(proto === undefined ? {} : { proto }), len: hex(8, 4), flowLabel: hex(3, 5) };
  }
  return null;
}
