// One KEY=VALUE of a kernel LOG / ulogd / xtables-monitor packet body applied to a PacketBuilder.
// Pure; no I/O.
import { normalizeIp, normalizeMac } from './addr.js';
import { Key, logProtoAt } from './log-keys.js';
import { parseHex, parseUint } from './num.js';
import type { PacketBuilder } from './packet-builder.js';
import { protoOf } from './proto.js';

/** Applies one KEY=VALUE; returns true for `PROTO=` (what follows belongs to the transport header). */
export function keyValue(s: string, key: Key, v: number, e: number, p: PacketBuilder, l4: boolean): boolean {
  const num = parseUint(s, v, e); // -1 at once for non-numeric values
  switch (key) {
    case Key.IN:
      p.iif = s.slice(v, e);
      break;
    case Key.OUT:
      p.oif = s.slice(v, e);
      break;
    case Key.PHYSIN:
      p.physin = s.slice(v, e);
      break;
    case Key.PHYSOUT:
      p.physout = s.slice(v, e);
      break;
    case Key.MAC:
      // Raw link-layer header: dst(6) src(6) ethertype(2) for Ethernet.
      if (e - v === 41) {
        p.macDst = s.slice(v, v + 17);
        p.macSrc = s.slice(v + 18, v + 35);
      }
      break;
    case Key.MACSRC:
      p.macSrc = normalizeMac(s.slice(v, e));
      break;
    case Key.MACDST:
      p.macDst = normalizeMac(s.slice(v, e));
      break;
    case Key.SRC:
    case Key.DST: {
      const a = normalizeIp(s.slice(v, e));
      if (a === null) break;
      p.ipVersion = a.indexOf(':') < 0 ? 4 : 6;
      if (key === Key.SRC) p.src = a;
      else p.dst = a;
      break;
    }
    case Key.LEN:
      if (!l4) p.len = num;
      break;
    case Key.TTL:
    case Key.HOPLIMIT:
      p.ttl = num;
      break;
    case Key.FLOWLBL:
      p.flowLabel = num;
      break;
    case Key.PROTO: {
      const proto = logProtoAt(s, v, e) ?? protoOf(s.slice(v, e));
      p.proto = proto ?? null;
      return true;
    }
    case Key.SPT:
      p.sport = num;
      break;
    case Key.DPT:
      p.dport = num;
      break;
    case Key.SEQ:
      if (num < 0) break;
      if (p.proto === 'tcp') p.tcpSeq = num;
      else if (p.proto === 'icmp' || p.proto === 'icmpv6') p.icmpSeq = num;
      break;
    case Key.TYPE:
      if (l4) p.icmpType = num;
      break;
    case Key.CODE:
      if (l4) p.icmpCode = num;
      break;
    case Key.MARK: {
      p.mark = parseHex(s, v, e);
      break;
    }
    case Key.ID: // handled by the caller (it may be glued to the next word)
    case Key.Other:
      break;
  }
  return false;
}

/** `ID=` is the IPv4 id before PROTO= and the ICMP echo id after it. */
export function idField(id: number, p: PacketBuilder, l4: boolean): void {
  if (!l4) p.ipId = id;
  else if (p.proto === 'icmp' || p.proto === 'icmpv6') p.icmpId = id;
}
