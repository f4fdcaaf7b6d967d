// The kernel gives a packet a new trace id when it copies the skb on the way (seen: a packet that came in on a
// bridge and is routed out of it gets one between prerouting and forward; one the bridge family's input passed up
// to the IP stack gets one there). A new id whose first chain is past the entry hooks, or is the IP stack's after a
// bridge family's input (or bridge chain of unknown hook), with the same packet as a trace stopped at an earlier hook
// a moment ago, continues that trace (a packet coming back in over lo: trace/loopback). Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { TraceBuilder } from './builder.js';
import { hookRank } from './hook-order.js';

/** Traces last touched that a new id may continue: the copy happens within one packet's path, events in a row. */
const RECENT = 8;

export class RecentTraces {
  private readonly ring: (TraceBuilder | null)[] = new Array<TraceBuilder | null>(RECENT).fill(null);
  private next = 0;

  /** Notes that b just got an event. */
  touch(b: TraceBuilder): void {
    if (this.ring[(this.next + RECENT - 1) % RECENT] === b) return;
    this.ring[this.next] = b;
    this.next = (this.next + 1) % RECENT;
  }

  /**
   * The open trace a new id entering a base chain of `family` at `hook` with `packet` continues, or undefined: one
   * of the last ones touched, of the same reader, not finished, stopped at an earlier (or unknown) hook, on the
   * same packet.
   */
  continued(source: string, family: Family, hook: Hook, packet: PacketInfo): TraceBuilder | undefined {
    // The IP stack's chains after a bridge family's: the bridge passed the packet up (its own new packets start
    // in the bridge family).
    const ip = family === 'ip' || family === 'ip6' || family === 'inet';
    // A packet starts its path at prerouting or output (ingress): a new id there is a new packet.
    if (!ip && hookRank(hook) <= hookRank('prerouting')) return undefined;
    for (let k = 1; k <= RECENT; k++) {
      const b = this.ring[(this.next + RECENT - k) % RECENT];
      if (b === null || b === undefined) return undefined;
      if (b.backend !== source || b.done || b.closed) continue;
      const passedUp = ip && b.baseFamily === 'bridge' && (b.hook === 'input' || b.hook === 'unknown');
      // Within the bridge family a new id is a copy the bridge floods to another port while the original goes on
      // (to its own port, or up to this host): a packet of its own, with its own fate.
      if (family === 'bridge' && b.baseFamily === 'bridge') continue;
      if (!passedUp && !earlier(b.hook, hook)) continue;
      const seen = b.sightings[b.sightings.length - 1]?.packet;
      if (seen !== undefined && samePacket(seen, packet)) return b;
    }
    return undefined;
  }
}

/** A hook not known (an nft chain of any name, no ruleset) is taken for an earlier one: the packet decides. */
function earlier(was: Hook, now: Hook): boolean {
  return hookRank(now) > hookRank('prerouting') && (was === 'unknown' || hookRank(was) < hookRank(now));
}

/**
 * The same packet further on: what forwarding and NAT leave alone is equal (IP version, protocol, length, IPv4 id
 * or IPv6 flow label, TCP flags), and at least one end (address and port) is unchanged, as NAT rewrites one side.
 */
export function samePacket(a: PacketInfo, b: PacketInfo): boolean {
  if (a.ipVersion === undefined || a.ipVersion !== b.ipVersion || a.len === undefined || a.len !== b.len) return false;
  if (a.proto !== undefined && b.proto !== undefined && a.proto !== b.proto) return false;
  if (a.ipId !== b.ipId || a.flowLabel !== b.flowLabel) return false;
  if (a.ipId === undefined && a.flowLabel === undefined) return false; // nothing that tells packets apart
  if (!sameFlags(a.tcpFlags, b.tcpFlags)) return false;
  const src = a.src !== undefined && a.src === b.src && a.sport === b.sport;
  const dst = a.dst !== undefined && a.dst === b.dst && a.dport === b.dport;
  return src || dst;
}

function sameFlags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((f, i) => f === b[i]);
}
