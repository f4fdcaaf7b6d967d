// A fixed-shape scratch record the packet parsers fill (monomorphic stores on the hot path), turned into a
// PacketInfo with only the fields seen, always in the model's key order. Pure; no I/O.
import type { PacketInfo, Proto } from '../model/packet.js';
import { tcpFlagNames } from './tcp-flags.js';
import { own } from './text-memo.js';

export class PacketBuilder {
  ipVersion: 0 | 4 | 6 = 0;
  proto: Proto | null = null;
  src: string | null = null;
  dst: string | null = null;
  sport = -1;
  dport = -1;
  iif: string | null = null;
  oif: string | null = null;
  physin: string | null = null;
  physout: string | null = null;
  len = -1;
  ttl = -1;
  ipId = -1;
  flowLabel = -1;
  /** TCP flag bits; -1 when no flags were printed. */
  tcpBits = -1;
  tcpSeq = -1;
  icmpType = -1;
  icmpCode = -1;
  icmpId = -1;
  icmpSeq = -1;
  mark = 0;
  macSrc: string | null = null;
  macDst: string | null = null;
  inner: PacketInfo | null = null;
  /** The transport header's length field says more than the IP packet holds (see PacketInfo.fragment). */
  fragment = false;

  /** The PacketInfo, then the builder is empty again. */
  take(): PacketInfo {
    const p: PacketInfo = {};
    if (this.ipVersion !== 0) p.ipVersion = this.ipVersion;
    if (this.proto !== null) p.proto = this.proto;
    if (this.src !== null) p.src = this.src;
    if (this.dst !== null) p.dst = this.dst;
    if (this.sport >= 0) p.sport = this.sport;
    if (this.dport >= 0) p.dport = this.dport;
    if (this.iif !== null) p.iif = this.iif;
    if (this.oif !== null) p.oif = this.oif;
    if (this.physin !== null) p.physin = this.physin;
    if (this.physout !== null) p.physout = this.physout;
    if (this.len >= 0) p.len = this.len;
    if (this.ttl >= 0) p.ttl = this.ttl;
    if (this.ipId >= 0) p.ipId = this.ipId;
    if (this.flowLabel >= 0) p.flowLabel = this.flowLabel;
    if (this.tcpBits >= 0) p.tcpFlags = tcpFlagNames(this.tcpBits);
    if (this.tcpSeq >= 0) p.tcpSeq = this.tcpSeq;
    if (this.icmpType >= 0) p.icmpType = this.icmpType;
    if (this.icmpCode >= 0) p.icmpCode = this.icmpCode;
    if (this.icmpId >= 0) p.icmpId = this.icmpId;
    if (this.icmpSeq >= 0) p.icmpSeq = this.icmpSeq;
    if (this.mark > 0) p.mark = this.mark; // MARK is printed only when non-zero (ulogd prints 0x0 too)
    if (this.macSrc !== null) p.macSrc = this.macSrc;
    if (this.macDst !== null) p.macDst = this.macDst;
    if (this.inner !== null) p.inner = this.inner;
    if (this.fragment) p.fragment = true;
    this.reset();
    return p;
  }

  /** A copy to resume parsing from later (see PrefixMemo); its strings are copied (see own()). */
  snapshot(): PacketBuilder {
    const c = new PacketBuilder();
    c.copyFrom(this);
    c.src = ownOrNull(this.src);
    c.dst = ownOrNull(this.dst);
    c.iif = ownOrNull(this.iif);
    c.oif = ownOrNull(this.oif);
    c.physin = ownOrNull(this.physin);
    c.physout = ownOrNull(this.physout);
    c.macSrc = ownOrNull(this.macSrc);
    c.macDst = ownOrNull(this.macDst);
    return c;
  }

  /** Takes every field of o. */
  copyFrom(o: PacketBuilder): void {
    this.ipVersion = o.ipVersion;
    this.proto = o.proto;
    this.src = o.src;
    this.dst = o.dst;
    this.sport = o.sport;
    this.dport = o.dport;
    this.iif = o.iif;
    this.oif = o.oif;
    this.physin = o.physin;
    this.physout = o.physout;
    this.len = o.len;
    this.ttl = o.ttl;
    this.ipId = o.ipId;
    this.flowLabel = o.flowLabel;
    this.tcpBits = o.tcpBits;
    this.tcpSeq = o.tcpSeq;
    this.icmpType = o.icmpType;
    this.icmpCode = o.icmpCode;
    this.icmpId = o.icmpId;
    this.icmpSeq = o.icmpSeq;
    this.mark = o.mark;
    this.macSrc = o.macSrc;
    this.macDst = o.macDst;
    this.inner = o.inner;
    this.fragment = o.fragment;
  }

  private reset(): void {
    this.ipVersion = 0;
    this.proto = this.src = this.dst = this.iif = this.oif = this.physin = this.physout = null;
    this.sport = this.dport = this.len = this.ttl = this.ipId = this.flowLabel = this.tcpBits = -1;
    this.tcpSeq = this.icmpType = this.icmpCode = this.icmpId = this.icmpSeq = -1;
    this.mark = 0;
    this.macSrc = this.macDst = null;
    this.inner = null;
    this.fragment = false;
  }
}

function ownOrNull(s: string | null): string | null {
  return s === null ? null : own(s);
}
