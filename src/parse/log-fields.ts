// The KEY=VALUE body of a kernel LOG/TRACE record (nf_log_syslog), of ulogd's PRINTPKT and of
// xtables-monitor `PACKET:` lines → PacketInfo, including an ICMP error's quoted packet in `[ ... ]`.
// Pure; no I/O. Unknown keys and words are skipped; a truncated body yields what was there.
import type { PacketInfo } from '../model/packet.js';
import { normalizeIp, normalizeMac } from './addr.js';
import { flagAt, Key, keyAt, logProtoAt, same } from './log-keys.js';
import { digitRun, parseHex, parseUint } from './num.js';
import { protoOf } from './proto.js';
import { PacketBuilder } from './packet-builder.js';

/** Parses s[start, end). */
export function parseLogFields(s: string, start: number, end: number = s.length): PacketInfo {
  parseInto(s, start, end, outer, false);
  return outer.take();
}

const outer = new PacketBuilder();

/** Fills p from s[i, end); in an inner packet stops after the closing `]`. Returns the next index. */
function parseInto(s: string, i: number, end: number, p: PacketBuilder, inner: boolean): number {
  let flags = 0;
  let l4 = false; // PROTO= seen: later LEN/ID/SEQ/TYPE belong to the transport header
  while (i < end) {
    let e = s.indexOf(' ', i);
    if (e < 0 || e > end) e = end;
    if (e === i) {
      i++; // runs of spaces (ulogd prints two after the prefix)
      continue;
    }
    const c = s.charCodeAt(i);
    if (c === 93 && inner) return i + 1;
    if (c === 91) {
      i = bracket(s, i, e, end, p, inner);
      continue;
    }
    let last = false;
    if (inner && s.charCodeAt(e - 1) === 93) {
      e--; // `LEN=10]`: the inner packet ends inside the token
      last = true;
    }
    let eq = s.indexOf('=', i);
    if (eq >= e) eq = -1;
    if (eq < 0) {
      if (e - i === 3 && same(s, i, 'OPT') && s.charCodeAt(e + 1) === 40) {
        // `OPT (0204...)`: hex options; xtables-monitor <= 1.8.8 printed no space after ')'.
        const close = s.indexOf(')', e);
        i = close < 0 || close >= end ? end : close + 1;
        continue;
      }
      flags |= flagAt(s, i, e);
    } else {
      const key = keyAt(s, i, eq);
      if (key === Key.ID) {
        const run = digitRun(s, eq + 1, e);
        if (run > 0) idField(parseUint(s, eq + 1, eq + 1 + run), p, l4);
        // xtables-monitor <= 1.8.8 printed `ID=%d` without a space (`ID=38349DF`, iptables commit 6c12201b).
        if (run > 0 && eq + 1 + run < e && !last) {
          i = eq + 1 + run;
          continue;
        }
      } else if (key !== Key.Other && keyValue(s, key, eq + 1, e, p, l4)) l4 = true;
    }
    i = last ? e + 1 : e;
    if (last) break;
  }
  if (flags !== 0) {
    p.tcpBits = flags;
    p.proto ??= 'tcp'; // xtables-monitor prints flags but no protocol
  }
  return i;
}

/** A token starting with `[`: the quoted packet of an ICMP error, or `INCOMPLETE [65 bytes]`. */
function bracket(s: string, i: number, e: number, end: number, p: PacketBuilder, inner: boolean): number {
  const eq = s.indexOf('=', i);
  if (!inner && eq > 0 && eq < e && p.inner === null) {
    const q = new PacketBuilder();
    const next = parseInto(s, i + 1, end, q, true);
    p.inner = q.take();
    return next;
  }
  const close = s.indexOf(']', i);
  return close < 0 || close >= end ? end : close + 1;
}

/** Applies one KEY=VALUE; returns true for `PROTO=` (what follows belongs to the transport header). */
function keyValue(s: string, key: Key, v: number, e: number, p: PacketBuilder, l4: boolean): boolean {
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
function idField(id: number, p: PacketBuilder, l4: boolean): void {
  if (!l4) p.ipId = id;
  else if (p.proto === 'icmp' || p.proto === 'icmpv6') p.icmpId = id;
}
