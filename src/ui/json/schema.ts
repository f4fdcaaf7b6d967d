// NDJSON v1 wire records (DESIGN.md "NDJSON v1"): separate from the internal types so they stay stable.
// Keys are never renamed; new keys may be added. Every key is present; unknown values are null.
import type { HostDiagnosis } from '../../model/host.js';
import type { KubeService, Trace, TraceStep, Why } from '../../model/trace.js';
import type { Armed, Disarmed, RunStats } from '../../model/session.js';

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

/** Steps are shared between traces (see trace/step-cache): serialise each once. */
const stepJson = new WeakMap<TraceStep, string>();

/** One element of `steps`. */
function stepRecord(s: TraceStep): Record<string, unknown> {
  return {
    hook: s.hook,
    family: s.family,
    table: s.table,
    chain: s.chain,
    kind: s.kind,
    rule: s.rule,
    verdict: s.verdict,
    target: s.target,
    owner: s.owner ?? null,
  };
}

function wireStep(s: TraceStep): string {
  let json = stepJson.get(s);
  if (json === undefined) {
    json = JSON.stringify(stepRecord(s));
    stepJson.set(s, json);
  }
  return json;
}

/** One `trace` record as a JSON line (without the newline); same keys and order as wireTrace. */
export function traceJsonLine(t: Trace): string {
  const head = JSON.stringify({
    type: 'trace',
    v: NDJSON_VERSION,
    id: t.id,
    backend: t.backend,
    time: t.time,
    packet: wirePacket(t.packet),
  });
  const tail = JSON.stringify({ verdict: t.verdict, nat: t.nat, explanation: t.explanation });
  const kube = JSON.stringify(wireKube(t.kubernetes));
  const host = t.host ? JSON.stringify(wireHost(t.host)) : 'null';
  return `${head.slice(0, -1)},"steps":[${t.steps.map(wireStep).join(',')}],${tail.slice(1, -1)},"why":${whyJson(t.why)},"kubernetes":${kube},"host":${host}}`;
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
    steps: t.steps.map(stepRecord),
    verdict: t.verdict,
    nat: t.nat,
    explanation: t.explanation,
    why: wireWhy(t.why),
    kubernetes: wireKube(t.kubernetes),
    host: t.host ? wireHost(t.host) : null,
  };
}

/** The `host` object: the kernel drop that most likely belongs to the packet, and the host checks' findings. */
export function wireHost(h: HostDiagnosis): Record<string, unknown> {
  return {
    kernelDrop: h.kernelDrop
      ? { reason: h.kernelDrop.reason, location: h.kernelDrop.location, protocol: h.kernelDrop.protocol }
      : null,
    findings: h.findings.map((f) => ({ check: f.check, severity: f.severity, text: f.text, fix: f.fix })),
  };
}

/** The `why` object, or `null` for a trace that was never finished. */
export function wireWhy(w: Why | undefined): Why | null {
  return w ?? null;
}

/** The `kubernetes` object (service, clusterIP, endpoint, probability, endpoints, masqueradeMark), or null. */
export function wireKube(k: KubeService | null | undefined): KubeService | null {
  return k ?? null;
}

/** Near-miss lists are shared by every packet that fell the same way (src/explain/why): serialise each once. */
const listJson = new WeakMap<readonly unknown[], string>();

function sharedList(list: readonly unknown[]): string {
  if (list.length === 0) return '[]';
  let json = listJson.get(list);
  if (json === undefined) {
    json = JSON.stringify(list);
    listJson.set(list, json);
  }
  return json;
}

/** The same text as JSON.stringify(wireWhy(w)), keys in the order src/explain builds them. */
function whyJson(w: Why | undefined): string {
  if (w === undefined) return 'null';
  const head = JSON.stringify({ decidedBy: w.decidedBy, path: w.path });
  return `${head.slice(0, -1)},"nearMisses":${sharedList(w.nearMisses)},"cannotCompare":${sharedList(w.cannotCompare)}}`;
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

/** The `armed` record: first line of a live run. */
export function wireArmed(a: Armed): Record<string, unknown> {
  return {
    type: 'armed',
    v: NDJSON_VERSION,
    session: a.session,
    backend: a.backend,
    netns: a.netns,
    filter: a.filter,
    commands: a.commands,
    reasons: a.reasons,
    rate: a.rate,
  };
}

/** The `disarmed` record: last line of a live run. */
export function wireDisarmed(d: Disarmed): Record<string, unknown> {
  return {
    type: 'disarmed',
    v: NDJSON_VERSION,
    session: d.session,
    removed: d.removed,
    clean: d.clean,
    leftovers: d.leftovers,
    sysctlRestored: d.sysctlRestored,
    reason: d.reason,
  };
}
