// "Accepted by netfilter but never arrived": the host checks for one finished trace. From the trace's shape
// (how far netfilter saw it), the namespace's facts, the kernel's route answer and the kernel drop reason,
// the findings and the sentence that names the true cause, or says plainly that fwtrace cannot tell. Pure.
import type { HostDiagnosis, HostFinding, KernelDrop } from '../model/host.js';
import { withoutInvalidCause } from '../explain/invalid.js';
import type { Trace } from '../model/trace.js';
import { isBridgePort, type HostFacts } from './facts.js';
import { routedPacket, type RoutedPacket } from './route-packet.js';
import {
  AFTER_PREROUTING,
  checkRoute,
  rpFilterFromKernel,
  type Found,
  type RouteCheck,
  type RouteEvidence,
} from './diagnose-route.js';
import { checkListener, DELIVERY_LEAD } from './diagnose-socket.js';
import { checkConntrackFull, checkInvalid } from './diagnose-conntrack.js';
import { checkBridge } from './diagnose-bridge.js';
import { reasonChecks } from './diagnose-kernel.js';
import { bridgedByTrace, stageOf, type Stage } from './diagnose-path.js';
import { cause, inPlace } from './diagnose-text.js';
import { withoutUnroutedHint } from '../trace/expected-chains.js';

export type { RouteEvidence } from './diagnose-route.js';

export interface DiagnoseInput {
  /** The traced namespace (null: the host's own); named in every sentence. */
  readonly netns: string | null;
  /** null when they could not be gathered. */
  readonly facts: HostFacts | null;
  /** The kernel's route answers for this packet (see routeQueryOf); null when not asked. */
  readonly route: RouteEvidence | null;
  readonly kernelDrop: KernelDrop | null;
}

export interface HostResult {
  readonly diagnosis: HostDiagnosis;
  /** The trace's explanation, replaced when a host check names the cause or fwtrace must say it cannot tell. */
  readonly explanation: string;
}

export function diagnose(trace: Trace, input: DiagnoseInput): HostResult {
  const { netns, facts, route, kernelDrop } = input;
  const p = routedPacket(trace);
  const stage = stageOf(trace);
  const found: Found[] = [...checkInvalid(trace, p, netns)];
  // A bridged packet goes through the ip hooks (br_netfilter) without being routed or delivered here.
  const bridged = bridgedByTrace(trace) || (facts !== null && p?.iif != null && isBridgePort(facts, p.iif));
  let routed: RouteCheck | null = null;
  if (stage === 'after-prerouting' && p !== null && !bridged) {
    routed = checkRoute(p, facts, route, netns);
    found.push(...routed.found);
  }
  const routedLocal = routed?.goes?.type === 'local';
  const forUs =
    !bridged &&
    (stage === 'delivered' || (stage === 'after-prerouting' && !hasCause(found) && (routedLocal || isLocal(p, facts))));
  const socket = p !== null && forUs ? checkListener(p, facts, routedLocal) : null;
  found.push(...(socket?.found ?? []));
  found.push(...checkConntrackFull(facts, p, stage === 'after-prerouting' && !hasCause(found)));
  found.push(...checkBridge(trace, facts, p?.version ?? null));
  const ctx: Settle = { trace, stage, p, netns, kernelDrop, routed, socketChecked: socket?.checked === true };
  return settle(found, ctx);
}

interface Settle {
  readonly trace: Trace;
  readonly stage: Stage;
  readonly p: RoutedPacket | null;
  readonly netns: string | null;
  readonly kernelDrop: KernelDrop | null;
  readonly routed: RouteCheck | null;
  readonly socketChecked: boolean;
}

/** Weighs the checks against the kernel's drop reason and picks the sentence. */
function settle(found: Found[], c: Settle): HostResult {
  const { trace, kernelDrop } = c;
  const accepted = trace.verdict.action === 'accept';
  const agrees = kernelDrop === null ? null : reasonChecks(kernelDrop.reason);
  const causes = found.filter((f) => f.finding.severity === 'cause');
  if (kernelDrop !== null && agrees !== null && accepted) {
    const named = causes.filter((f) => agrees.includes(f.finding.check));
    if (causes.length > 0 && named.length === 0) {
      const checks = [...new Set(causes.map((f) => f.finding.check))].join(', ');
      const explanation = `${leadOf(c.stage)}: the kernel dropped it (${dropText(kernelDrop)}) but the host checks point to ${checks}, so fwtrace cannot tell which is right`;
      return result(c, found.map(demote), explanation);
    }
    if (named.length > 0) return chosen(c, [...named, ...found.filter((f) => !named.includes(f))], named[0]!);
    const alone = fromKernelAlone(kernelDrop, c);
    if (alone !== null) return chosen(c, [alone, ...found], alone);
    if (causes.length === 0) {
      // Dropped in a netfilter hook after the traced rules accepted it: a chain the trace did not show, or conntrack.
      const why =
        kernelDrop.reason === 'NETFILTER_DROP'
          ? `the kernel dropped it in a netfilter hook (${dropText(kernelDrop)}), by a chain fwtrace did not trace or by conntrack itself, so fwtrace cannot tell which`
          : `the kernel dropped it (${dropText(kernelDrop)}) and no host check explains why, so fwtrace cannot tell`;
      return result(c, found, `${leadOf(c.stage)}: ${why}`);
    }
  }
  const first = causes[0];
  if (first !== undefined) return chosen(c, [...causes, ...found.filter((f) => f.finding.severity !== 'cause')], first);
  if (c.stage === 'after-prerouting') return result(c, found, cannotTell(found, c));
  return result(c, found, trace.explanation);
}

/** A cause only the kernel's drop reason gives, when the matching check could not be made. */
function fromKernelAlone(drop: KernelDrop, c: Settle): Found | null {
  if (c.p === null) return null;
  if (drop.reason === 'IP_RPFILTER' && c.stage === 'after-prerouting' && c.routed?.answered !== true)
    return rpFilterFromKernel(c.p, c.netns);
  if (drop.reason === 'NO_SOCKET' && !c.socketChecked && (c.stage === 'delivered' || c.stage === 'after-prerouting')) {
    const port = c.p.dport === null ? '' : ` on ${String(c.p.proto)} port ${c.p.dport}`;
    const text = `no socket ${inPlace(c.netns)} took it${port} (the kernel's drop reason is NO_SOCKET)`;
    return { finding: cause('listener', text), lead: DELIVERY_LEAD };
  }
  return null;
}

/** Nothing explains a packet netfilter accepted in prerouting and never saw again: say so plainly. */
function cannotTell(found: readonly Found[], c: Settle): string {
  const refused = found.find((f) => f.finding.check === 'route');
  if (refused) return `${AFTER_PREROUTING}: ${refused.finding.text}`;
  const goes = c.routed?.goes;
  const where =
    goes == null
      ? ''
      : goes.type === 'local'
        ? 'routing delivers it locally and '
        : goes.type === 'unicast' && goes.dev !== null
          ? `routing forwards it out ${goes.dev} and `
          : `routing takes it as ${goes.type} and `;
  // The trace's own sentence stays (it may name a DNAT): this only adds what the host checks could not tell.
  return `${ownWords(c.trace)}; not seen after prerouting: ${where}no host check explains a drop, so fwtrace cannot tell whether it arrived`;
}

/** The trace's sentence without replay's guess at a routing drop: the host checks say what happened instead. */
function ownWords(trace: Trace): string {
  // ... and without replay's guess at what INVALID means: the conntrack check says it for the namespace.
  return withoutUnroutedHint(withoutInvalidCause(trace.explanation));
}

function chosen(c: Settle, ordered: readonly Found[], pick: Found): HostResult {
  const text = pick.finding.text;
  const explanation = pick.lead === null ? `${ownWords(c.trace)}; ${text}` : `${pick.lead}: ${text}`;
  return result(c, ordered, explanation);
}

function result(c: Settle, found: readonly Found[], explanation: string): HostResult {
  const findings: HostFinding[] = found.map((f) => f.finding);
  return { diagnosis: { kernelDrop: c.kernelDrop, findings }, explanation };
}

function leadOf(stage: Stage): string {
  return stage === 'after-prerouting' ? 'accepted by netfilter in prerouting' : 'accepted by netfilter';
}

/** `IP_RPFILTER in ip_rcv_finish_core`. */
function dropText(d: KernelDrop): string {
  const fn = d.location?.split('+')[0];
  return fn ? `${d.reason} in ${fn}` : d.reason;
}

function demote(f: Found): Found {
  return f.finding.severity === 'cause' ? { ...f, finding: { ...f.finding, severity: 'warning' } } : f;
}

function hasCause(found: readonly Found[]): boolean {
  return found.some((f) => f.finding.severity === 'cause');
}

function isLocal(p: RoutedPacket | null, facts: HostFacts | null): boolean {
  return p !== null && p.dst !== null && facts !== null && facts.local.has(p.dst);
}
