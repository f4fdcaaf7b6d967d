// NDJSON v1 wire records (DESIGN.md "NDJSON v1"): separate from the internal types so they stay stable.
// Keys are never renamed; new keys may be added. Every key is present; unknown values are null.
import type { Trace } from '../../model/trace.js';
import type { RunStats } from '../../model/session.js';

export const NDJSON_VERSION = 1;

/** The `packet` object of a trace record. */
export function wirePacket(p: Trace['packet']): Record<string, unknown> {
  return {
    ipVersion: p.ipVersion ?? null,
    proto: p.proto ?? null,
    src: p.src ?? null,
    dst: p.dst ?? null,
    sport: p.sport ?? null,
    dport: p.dport ?? null,
    iif: p.iif || null,
    oif: p.oif || null,
    len: p.len ?? null,
    tcpFlags: p.tcpFlags ?? null,
  };
}

/** One `trace` record. */
export function wireTrace(t: Trace): Record<string, unknown> {
  return {
    type: 'trace',
    v: NDJSON_VERSION,
    id: t.id,
    backend: t.backend,
    time: t.time,
    packet: wirePacket(t.packet),
    steps: t.steps.map((s) => ({
      hook: s.hook,
      family: s.family,
      table: s.table,
      chain: s.chain,
      kind: s.kind,
      rule: s.rule,
      verdict: s.verdict,
      target: s.target,
    })),
    verdict: t.verdict,
    nat: t.nat,
    explanation: t.explanation,
  };
}

/** One `stats` record. */
export function wireStats(s: Readonly<RunStats>, final: boolean): Record<string, unknown> {
  return {
    type: 'stats',
    v: NDJSON_VERSION,
    final,
    lines: s.lines,
    unparsed: s.unparsed,
    ignored: s.ignored,
    traces: s.traces,
    lost: s.lost,
    unparsedReasons: s.unparsedReasons,
  };
}

/** One `warning` record. */
export function wireWarning(message: string): Record<string, unknown> {
  return { type: 'warning', v: NDJSON_VERSION, message };
}
