// Which open kernel-log trace a line continues, when several share its fingerprint: by the headers the line shows
// against those of each trace's last line, allowing for what NAT may have rewritten in between. Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { PacketInfo } from '../model/packet.js';
import type { TraceBuilder } from './builder.js';

type LogStep = Extract<TraceEvent, { kind: 'log-step' }>;

/** headerScore() of a line whose headers are the trace's last ones. */
export const EQUAL = 100;

/**
 * How well a kernel-log line's headers continue trace b: EQUAL when they are its last line's; else, when NAT may
 * have rewritten one side since (a nat table ran, or the hook changed) and the other side is unchanged, the number
 * of header fields (outer, and inner of an ICMP error) that agree; -1 when they cannot be the same packet.
 */
export function headerScore(b: TraceBuilder, e: LogStep, hook: Hook): number {
  const was = b.lastPacket;
  const p = e.packet;
  if (was === null || was === p) return EQUAL;
  const agree = sameFields(was, p) + (was.inner && p.inner ? sameFields(was.inner, p.inner) : 0);
  const all = FIELDS + (was.inner && p.inner ? FIELDS : 0);
  if (agree === all) return EQUAL;
  const natMayHaveRun =
    b.lastTable === 'nat' || hook !== b.hook || acrossOutputNat(b.lastTable, e.table, hook) || rewroteLast(b);
  // NAT rewrites one side's address and port (an echo id too, which belongs to neither side: not looked at here).
  const oneSideKept = (was.src === p.src && was.sport === p.sport) || (was.dst === p.dst && was.dport === p.dport);
  return natMayHaveRun && oneSideKept ? agree : -1;
}

/**
 * Conntrack applies a connection's mapping in output at the nat table's place (after raw and mangle, before filter)
 * whether or not the packet meets a nat chain: a later packet of a connection DNATed there changes between them.
 */
function acrossOutputNat(was: string, now: string, hook: Hook): boolean {
  return hook === 'output' && (was === 'raw' || was === 'mangle') && now !== 'raw' && now !== 'mangle';
}

/** Targets that rewrite addresses or ports without conntrack's NAT (IPv6 prefix translation) or with it. */
const REWRITES = /\s-j\s+(?:DNPT|SNPT|NETMAP|DNAT|SNAT|REDIRECT|MASQUERADE)\b/;

/** The trace's last line was a rule that rewrites the headers (`-j DNPT` in mangle): its next line shows them changed. */
function rewroteLast(b: TraceBuilder): boolean {
  const text = b.path.step?.rule?.text;
  return text != null && REWRITES.test(text);
}

/** The header fields compared: src, dst, sport, dport, and the ICMP echo id (NAT remaps it like a port). */
const FIELDS = 5;

/** How many of the FIELDS two packets share. */
function sameFields(a: PacketInfo, b: PacketInfo): number {
  return (
    (a.src === b.src ? 1 : 0) +
    (a.dst === b.dst ? 1 : 0) +
    (a.sport === b.sport ? 1 : 0) +
    (a.dport === b.dport ? 1 : 0) +
    (a.icmpId === b.icmpId ? 1 : 0)
  );
}
