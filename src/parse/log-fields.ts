// The KEY=VALUE body of a kernel LOG/TRACE record (nf_log_syslog), of ulogd's PRINTPKT and of
// xtables-monitor `PACKET:` lines → PacketInfo, including an ICMP error's quoted packet in `[ ... ]`.
// Pure; no I/O. Unknown keys and words are skipped; a truncated body yields what was there.
import type { PacketInfo } from '../model/packet.js';
import { normalizeIp, normalizeMac } from './addr.js';
import { digitRun, parseHex, parseUint } from './num.js';
import { protoOf } from './proto.js';
import { logFlagBit, tcpFlagNames } from './tcp-flags.js';

/** Parses s[start, end). */
export function parseLogFields(s: string, start: number, end: number = s.length): PacketInfo {
  const p: PacketInfo = {};
  parseInto(s, start, end, p, false);
  return p;
}

/** Fills p from s[i, end); in an inner packet stops after the closing `]`. Returns the next index. */
function parseInto(s: string, i: number, end: number, p: PacketInfo, inner: boolean): number {
  let flags = 0;
  let l4 = false; // PROTO= seen: later LEN/ID/SEQ belong to the transport header
  while (i < end) {
    while (i < end && s.charCodeAt(i) === 32) i++;
    if (i >= end) break;
    let e = s.indexOf(' ', i);
    if (e < 0 || e > end) e = end;
    const c = s.charCodeAt(i);
    if (c === 93 && inner) return i + 1;
    if (c === 91) {
      const close = s.indexOf(']', i);
      const eq = s.indexOf('=', i);
      if (!inner && eq > 0 && eq < e && p.inner === undefined) {
        const q: PacketInfo = {};
        i = parseInto(s, i + 1, end, q, true);
        p.inner = q;
      } else i = close < 0 || close >= end ? end : close + 1; // `INCOMPLETE [65 bytes]`
      continue;
    }
    let last = false;
    if (inner && s.charCodeAt(e - 1) === 93) {
      e--;
      last = true;
    }
    const eq = s.indexOf('=', i);
    if (eq < 0 || eq >= e) {
      if (e - i === 3 && s.startsWith('OPT', i) && s.charCodeAt(e + 1) === 40) {
        // `OPT (0204...)`: hex options; xtables-monitor <= 1.8.8 printed no space after ')'.
        const close = s.indexOf(')', e);
        i = close < 0 || close >= end ? end : close + 1;
        continue;
      }
      flags |= logFlagBit(s.slice(i, e));
    } else if (eq - i === 2 && s.startsWith('ID', i)) {
      const run = digitRun(s, eq + 1, e);
      if (run > 0) idField(parseUint(s, eq + 1, eq + 1 + run), p, l4);
      // xtables-monitor <= 1.8.8 printed `ID=%d` without a space (`ID=38349DF`, iptables commit 6c12201b).
      if (run > 0 && eq + 1 + run < e && !last) {
        i = eq + 1 + run;
        continue;
      }
    } else if (keyValue(s, s.slice(i, eq), eq + 1, e, p, l4)) l4 = true;
    i = last ? e + 1 : e;
    if (last) break;
  }
  if (flags !== 0) {
    p.tcpFlags = tcpFlagNames(flags);
    p.proto ??= 'tcp'; // xtables-monitor prints flags but no protocol
  }
  return i;
}

/** Applies one KEY=VALUE; returns true for `PROTO=` (what follows belongs to the transport header). */
function keyValue(s: string, key: string, v: number, e: number, p: PacketInfo, l4: boolean): boolean {
  switch (key) {
    case 'IN':
      p.iif = s.slice(v, e);
      break;
    case 'OUT':
      p.oif = s.slice(v, e);
      break;
    case 'PHYSIN':
      p.physin = s.slice(v, e);
      break;
    case 'PHYSOUT':
      p.physout = s.slice(v, e);
      break;
    case 'MAC':
      // Raw link-layer header: dst(6) src(6) ethertype(2) for Ethernet.
      if (e - v === 41) {
        p.macDst = s.slice(v, v + 17).toLowerCase();
        p.macSrc = s.slice(v + 18, v + 35).toLowerCase();
      }
      break;
    case 'MACSRC':
      p.macSrc = normalizeMac(s.slice(v, e));
      break;
    case 'MACDST':
      p.macDst = normalizeMac(s.slice(v, e));
      break;
    case 'SRC':
    case 'DST': {
      const a = normalizeIp(s.slice(v, e));
      if (a === null) break;
      p.ipVersion = a.indexOf(':') < 0 ? 4 : 6;
      if (key === 'SRC') p.src = a;
      else p.dst = a;
      break;
    }
    case 'LEN':
      if (!l4) setNum(p, 'len', parseUint(s, v, e));
      break;
    case 'TTL':
    case 'HOPLIMIT':
      setNum(p, 'ttl', parseUint(s, v, e));
      break;
    case 'FLOWLBL':
      setNum(p, 'flowLabel', parseUint(s, v, e));
      break;
    case 'PROTO': {
      const proto = protoOf(s.slice(v, e));
      if (proto !== undefined) p.proto = proto;
      return true;
    }
    case 'SPT':
    case 'SPORT':
      setNum(p, 'sport', parseUint(s, v, e));
      break;
    case 'DPT':
    case 'DPORT':
      setNum(p, 'dport', parseUint(s, v, e));
      break;
    case 'SEQ':
      if (p.proto === 'tcp') setNum(p, 'tcpSeq', parseUint(s, v, e));
      else if (p.proto === 'icmp' || p.proto === 'icmpv6') setNum(p, 'icmpSeq', parseUint(s, v, e));
      break;
    case 'TYPE':
      if (l4) setNum(p, 'icmpType', parseUint(s, v, e));
      break;
    case 'CODE':
      if (l4) setNum(p, 'icmpCode', parseUint(s, v, e));
      break;
    case 'MARK': {
      const m = parseHex(s, v, e);
      if (m > 0) p.mark = m; // the kernel prints MARK only when non-zero; ulogd prints MARK=0x0 always
      break;
    }
  }
  return false;
}

/** `ID=` is the IPv4 id before PROTO= and the ICMP echo id after it. */
function idField(id: number, p: PacketInfo, l4: boolean): void {
  if (!l4) p.ipId = id;
  else if (p.proto === 'icmp' || p.proto === 'icmpv6') p.icmpId = id;
}

type NumKey = 'len' | 'ttl' | 'flowLabel' | 'sport' | 'dport' | 'tcpSeq' | 'icmpSeq' | 'icmpType' | 'icmpCode';

function setNum(p: PacketInfo, key: NumKey, value: number): void {
  if (value >= 0) p[key] = value;
}
