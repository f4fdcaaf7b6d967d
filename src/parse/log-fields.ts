// The KEY=VALUE body of a kernel LOG/TRACE record (nf_log_syslog), of ulogd's PRINTPKT and of
// xtables-monitor `PACKET:` lines → PacketInfo, including an ICMP error's quoted packet in `[ ... ]`.
// Pure; no I/O. Unknown keys and words are skipped; a truncated body yields what was there.
// A flow's leading fields are resumed from a bounded cache (prefix-memo.ts), which never changes an answer.
import type { PacketInfo } from '../model/packet.js';
import { flagAt, Key, keyAt, same } from './log-keys.js';
import { idField, keyValue } from './log-values.js';
import { digitRun, parseUint } from './num.js';
import { PacketBuilder } from './packet-builder.js';
import { PrefixMemo } from './prefix-memo.js';

/** Parses s[start, end). */
export function parseLogFields(s: string, start: number, end: number = s.length): PacketInfo {
  // Resume after a cached prefix of this flow's fields (see PrefixMemo), or cache this body's prefix (parseInto).
  const m = prefixes.match(s, start, end);
  const state = m < 0 ? null : prefixes.value(m);
  if (state === null) parseInto(s, start, end, outer, false, 0, false, start);
  else {
    outer.copyFrom(state.p);
    parseInto(s, start + prefixes.length(m), end, outer, false, state.flags, state.l4, -1);
  }
  return outer.take();
}

const outer = new PacketBuilder();

/** Parse state where a flow's packets start to differ: at the (outer) `LEN=`. */
interface Resume {
  readonly p: PacketBuilder;
  readonly flags: number;
  readonly l4: boolean;
}
const prefixes = new PrefixMemo<Resume>(16);

/**
 * Fills p from s[i, end); in an inner packet stops after the closing `]`. Returns the next index.
 * flags / l4 carry the state of a resumed parse; snapFrom >= 0 caches s[snapFrom, first LEN=) and the state there.
 */
function parseInto(
  s: string,
  i: number,
  end: number,
  p: PacketBuilder,
  inner: boolean,
  flags = 0,
  l4 = false, // PROTO= seen: later LEN/ID/SEQ/TYPE belong to the transport header
  snapFrom = -1,
): number {
  while (i < end) {
    // The token's end e (first space or end) and its first `=` (eq, -1 when none): one scan up to the `=` or the
    // space, then indexOf for the value's end.
    let k = i;
    let c = 0;
    while (k < end && (c = s.charCodeAt(k)) !== 32 && c !== 61) k++;
    if (k === i && c === 32) {
      i++; // runs of spaces (ulogd prints two after the prefix)
      continue;
    }
    let eq = k < end && c === 61 ? k : -1;
    let e = eq < 0 ? k : s.indexOf(' ', k + 1);
    if (e < 0 || e > end) e = end;
    const c0 = s.charCodeAt(i);
    if (c0 === 93 && inner) return i + 1;
    if (c0 === 91) {
      i = bracket(s, i, e, end, p, inner);
      continue;
    }
    let last = false;
    if (inner && s.charCodeAt(e - 1) === 93) {
      e--; // `LEN=10]`: the inner packet ends inside the token
      last = true;
      if (eq >= e) eq = -1;
    }
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
      if (key === Key.LEN && snapFrom >= 0) {
        if (i > snapFrom && p.inner === null) prefixes.put(s.slice(snapFrom, i), { p: p.snapshot(), flags, l4 });
        snapFrom = -1;
      }
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
