// How far netfilter saw a packet go: accepted in prerouting and never seen again, accepted into INPUT
// (local delivery), or something else. Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { Trace } from '../model/trace.js';

export type Stage =
  /** Accepted, and every step is in prerouting (or ingress): the routing decision is where it went. */
  | 'after-prerouting'
  /** Accepted, and the last hook was INPUT: handed to the local socket layer. */
  | 'delivered'
  | 'other';

const EARLY: ReadonlySet<Hook> = new Set(['ingress', 'prerouting']);

export function stageOf(trace: Trace): Stage {
  if (trace.verdict.action !== 'accept' || trace.steps.length === 0) return 'other';
  if (trace.steps.every((s) => EARLY.has(s.hook)) && trace.steps.some((s) => s.hook === 'prerouting')) {
    // A packet this host sent itself is routed before OUTPUT: there is no input routing decision to check.
    return trace.packet.iif ? 'after-prerouting' : 'other';
  }
  return trace.steps[trace.steps.length - 1]!.hook === 'input' ? 'delivered' : 'other';
}

/** Bridged: br_netfilter shows the bridge ports (PHYSIN/PHYSOUT), or the steps are in bridge-family chains. */
export function bridgedByTrace(trace: Trace): boolean {
  const p = trace.packet;
  return Boolean(p.physin) || Boolean(p.physout) || trace.steps.some((s) => s.family === 'bridge');
}
