// Conntrack: a full table (new connections dropped in conntrack's own hook, so the trace shows an accept
// and then nothing) and a rule that dropped the packet because conntrack marked it INVALID. Pure; no I/O.
import type { Trace } from '../model/trace.js';
import type { HostFacts } from './facts.js';
import type { RoutedPacket } from './route-packet.js';
import type { Found } from './diagnose-route.js';
import { droppedAsInvalid, invalidCause } from '../explain/invalid.js';
import { isTcpOpen } from '../parse/tcp-flags.js';
import { cause, inPlace, place, protoText, warning } from './diagnose-text.js';

/** At or above this share of nf_conntrack_max the table is "almost full". */
export const NEAR_FULL = 0.9;
export const CONNTRACK_LEAD = "accepted by netfilter's rules, then dropped by conntrack";

/**
 * `suspect`: the trace ended after prerouting with no other cause, and the packet may open a connection
 * (not a mid-stream TCP segment, which has its entry already): a full table is then the cause.
 */
export function checkConntrackFull(facts: HostFacts | null, p: RoutedPacket | null, suspect: boolean): Found[] {
  const ct = facts?.conntrack;
  if (!ct || ct.max <= 0 || ct.count < ct.max * NEAR_FULL) return [];
  const at = place(facts.netns);
  // nf_conntrack_max is one value for the whole host (read-only inside a namespace).
  const fix = `sysctl -w net.netfilter.nf_conntrack_max=${ct.max * 2}`;
  const opens = p === null || p.proto !== 'tcp' || isTcpOpen(p.tcpFlags);
  if (ct.count >= ct.max) {
    const text = `the conntrack table of ${at} is full (${ct.count} of ${ct.max} entries), so it drops packets of new connections`;
    return [
      {
        finding: suspect && opens ? cause('conntrack-full', text, fix) : warning('conntrack-full', text, fix),
        lead: CONNTRACK_LEAD,
      },
    ];
  }
  const pct = Math.floor((ct.count / ct.max) * 100);
  const text = `the conntrack table of ${at} is ${pct} % full (${ct.count} of ${ct.max} entries): once full, it drops packets of new connections`;
  return [{ finding: warning('conntrack-full', text, fix), lead: CONNTRACK_LEAD }];
}

/** A drop by a `ct state invalid` rule: say what INVALID means for this packet. */
export function checkInvalid(trace: Trace, p: RoutedPacket | null, netns: string | null): Found[] {
  if (!droppedAsInvalid(trace)) return [];
  const what = protoText(p?.proto ?? trace.packet.proto ?? null, p?.tcpFlags ?? null);
  const why = invalidCause(
    p?.proto ?? trace.packet.proto ?? null,
    p?.tcpFlags ?? trace.packet.tcpFlags,
    trace.packet.inner !== undefined,
  );
  const text = `conntrack ${inPlace(netns)} marked this ${what} INVALID: ${why}`;
  return [{ finding: cause('conntrack-invalid', text), lead: null }];
}
