// NDJSON v1 wire records (DESIGN.md "NDJSON v1"): separate from the internal types so they stay stable.
// Keys are never renamed; new keys may be added. Every key is present; unknown values are null.
import type { HostDiagnosis } from '../../model/host.js';
import type { KubeService, Trace, TraceStep, Why } from '../../model/trace.js';
import type { Armed, Disarmed, RunStats } from '../../model/session.js';
import type { ProbeResult } from '../../model/probe.js';

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
    physin: p.physin || null,
    physout: p.physout || null,
    len: p.len ?? null,
    tcpFlags: p.tcpFlags ?? null,
    icmpType: p.icmpType ?? null,
    icmpCode: p.icmpCode ?? null,
    inner: p.inner === undefined ? null : wireInner(p.inner),
  };
}

/** The packet an ICMP error quotes: enough to find the trace it is about. */
function wireInner(p: NonNullable<Trace['packet']['inner']>): Record<string, unknown> {
  return {
    proto: p.proto ?? null,
    src: p.src ?? null,
    dst: p.dst ?? null,
    sport: p.sport ?? null,
    dport: p.dport ?? null,
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

/** So are whole step lists (trace/path-facts: one per path) and other parts of a path's answer. */
const listJson = new WeakMap<object, string>();

/** The `steps` array. */
export function stepsJson(steps: readonly TraceStep[]): string {
  let json = listJson.get(steps);
  if (json === undefined) {
    json = `[${steps.map(wireStep).join(',')}]`;
    listJson.set(steps, json);
  }
  return json;
}

const listBytes = new WeakMap<readonly TraceStep[], Uint8Array>();

/** stepsJson() as UTF-8 bytes, for sinks that take bytes (copying them is cheaper than encoding the text again). */
export function stepsBytes(steps: readonly TraceStep[]): Uint8Array {
  let bytes = listBytes.get(steps);
  if (bytes === undefined) {
    bytes = Buffer.from(stepsJson(steps), 'utf8');
    listBytes.set(steps, bytes);
  }
  return bytes;
}

/** JSON of a value shared between traces, by its identity. */
function sharedJson(value: object): string {
  let json = listJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    listJson.set(value, json);
  }
  return json;
}

const TRACE_HEAD = `{"type":"trace","v":${NDJSON_VERSION},"id":`;

/** One `trace` record as a JSON line (without the newline); same keys and order as wireTrace. */
export function traceJsonLine(t: Trace): string {
  return traceJsonHead(t) + stepsJson(t.steps) + traceJsonTail(t).slice(0, -1);
}

/** A `trace` record up to its `steps` value: `{"type":"trace", ... ,"steps":`. */
export function traceJsonHead(t: Trace): string {
  return `${TRACE_HEAD}${JSON.stringify(t.id)},"backend":${JSON.stringify(t.backend)},"time":${value(t.time)},"packet":${packetJson(t.packet)},"steps":`;
}

/** A `trace` record after its `steps` value, with the newline: `,"verdict": ... }\n`. */
export function traceJsonTail(t: Trace): string {
  const nat = t.nat.length === 0 ? '[]' : JSON.stringify(t.nat);
  const kube = t.kubernetes == null ? 'null' : sharedJson(t.kubernetes);
  const host = t.host ? JSON.stringify(wireHost(t.host)) : 'null';
  return `,"verdict":${sharedJson(t.verdict)},"nat":${nat},"explanation":${textJson(t.explanation)},"why":${whyJson(t.why)},"kubernetes":${kube},"host":${host}}\n`;
}

/** A tail kept as bytes, with the parts it was made of. */
interface Tail {
  readonly verdict: Trace['verdict'];
  readonly explanation: string;
  readonly kubernetes: Trace['kubernetes'];
  readonly bytes: Uint8Array;
}

/** Tails of packets that took the same path and had no NAT, near miss or host finding: by their (shared) why. */
const tails = new WeakMap<Why, Tail>();

/**
 * traceJsonTail() as UTF-8 bytes when the trace's tail is made of parts shared with other traces (most are), for
 * sinks that take bytes; null otherwise.
 */
export function traceTailBytes(t: Trace): Uint8Array | null {
  const why = t.why;
  if (why === undefined || t.host || t.nat.length > 0 || why.nearMisses.length > 0 || why.cannotCompare.length > 0)
    return null;
  const known = tails.get(why);
  if (
    known !== undefined &&
    known.verdict === t.verdict &&
    known.explanation === t.explanation &&
    known.kubernetes === t.kubernetes
  )
    return known.bytes;
  const bytes = Buffer.from(traceJsonTail(t), 'utf8');
  tails.set(why, { verdict: t.verdict, explanation: t.explanation, kubernetes: t.kubernetes, bytes });
  return bytes;
}

/** The same text as JSON.stringify(wirePacket(p)). */
function packetJson(p: Trace['packet']): string {
  return `{"ipVersion":${value(p.ipVersion)},"proto":${value(p.proto)},"src":${value(p.src)},"dst":${value(p.dst)},"sport":${value(p.sport)},"dport":${value(p.dport)},"iif":${value(p.iif || null)},"oif":${value(p.oif || null)},"physin":${value(p.physin || null)},"physout":${value(p.physout || null)},"len":${value(p.len)},"tcpFlags":${value(p.tcpFlags)},"icmpType":${value(p.icmpType)},"icmpCode":${value(p.icmpCode)},"inner":${p.inner === undefined ? 'null' : JSON.stringify(wireInner(p.inner))}}`;
}

/** JSON of a field value, undefined as null. */
function value(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return JSON.stringify(v);
}

/** Explanations repeat (one per path, when no NAT or near miss adds to it): their JSON is kept, bounded. */
const texts = new Map<string, string>();

function textJson(s: string): string {
  let json = texts.get(s);
  if (json === undefined) {
    json = JSON.stringify(s);
    if (texts.size >= 1024) texts.clear();
    texts.set(s, json);
  }
  return json;
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

function sharedList(list: readonly unknown[]): string {
  return list.length === 0 ? '[]' : sharedJson(list);
}

/**
 * The same text as JSON.stringify(wireWhy(w)), keys in the order src/explain builds them. A path's why is shared
 * by its packets, and so are its near-miss lists (src/explain/why): each is serialised once.
 */
function whyJson(w: Why | undefined): string {
  if (w === undefined) return 'null';
  const shared = w.nearMisses.length === 0 && w.cannotCompare.length === 0;
  let json = shared ? listJson.get(w) : undefined;
  if (json === undefined) {
    const head = JSON.stringify({ decidedBy: w.decidedBy, path: w.path });
    json = `${head.slice(0, -1)},"nearMisses":${sharedList(w.nearMisses)},"cannotCompare":${sharedList(w.cannotCompare)}}`;
    if (shared) listJson.set(w, json);
  }
  return json;
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

/** The `probe` record (--probe): the packet sent once armed, or why it was not. */
export function wireProbe(p: ProbeResult): Record<string, unknown> {
  return {
    type: 'probe',
    v: NDJSON_VERSION,
    sent: p.sent,
    proto: p.proto,
    src: p.src,
    sport: p.sport,
    dst: p.dst,
    dport: p.dport,
    from: p.from,
    answer: p.answer,
    error: p.error,
  };
}
