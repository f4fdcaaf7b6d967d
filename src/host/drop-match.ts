// Which kernel drop belongs to which traced packet. kfree_skb carries no namespace and no addresses, so
// the only links are time and ethertype: a ring of recent drops, and a pick per finished trace. Pure.
//
// Timing, measured on Linux 6.18 (2 vCPUs shared, two namespaces over a veth, `nft monitor trace` in the
// server namespace read by ReaderProcess, drops read by src/app/live/drop-watch.ts, 30 TCP SYNs to a
// closed port, NO_SOCKET):
// - raw arrival: a trace_pipe line and the nft monitor lines of the same packet reach a blocking reader
//   within 0.25 ms of each other (median: the drop 0.14 ms *earlier*), both woken by the same softirq;
// - with our 50 ms trace_pipe poll, the drop's read time is 1 to 47 ms (median 23) after the packet's
//   first nft line; so drop-watch dates a drop by its own CLOCK_MONOTONIC stamp instead: then the drop
//   is 0 to 5 ms (median 1.0) *before* the first nft line (nft formats and writes, we read a pipe);
// - with both CPUs saturated by other processes and our event loop blocked 40 ms out of every 60, the
//   drop came up to 295 ms (median 3, p90 0.2) before the first nft line (nft monitor starved), never after.
// The kernel frees a packet microseconds after its last netfilter hook (NO_SOCKET, NETFILTER_DROP,
// IP_RPFILTER, IP_INNOROUTES): the window reaches far back for a loaded host and a little forward for a
// kernel without the mono trace clock (read time: up to one poll late).
import type { FinalAction } from '../model/common.js';
import type { KernelDrop } from '../model/host.js';
import { ipVersionOf } from './kfree-skb.js';

/** A drop may be dated up to this long before the packet's first trace event arrives (reader lag). */
export const BEFORE_MS = 500;
/** ... and up to this long after the last one. */
export const AFTER_MS = 100;
/** Drops older than this are forgotten: a trace is finished after 1 s of silence (pipeline IDLE_MS). */
export const KEEP_MS = 5000;
/** A hard bound whatever the drop rate (the tracepoint sees the whole host). */
export const MAX_DROPS = 4096;

/** Reasons that say little about a packet's path: chosen only when nothing more specific fits. */
const VAGUE = new Set(['NOT_SPECIFIED', 'QUEUE_PURGE']);

/** One finished trace, in the clock the drops were pushed with. */
export interface DropQuery {
  /** null: unknown, any IP ethertype fits. */
  readonly ipVersion: 4 | 6 | null;
  /** Arrival of the packet's first and last trace events (ms). */
  readonly first: number;
  readonly last: number;
  /** Its netfilter verdict: drop or reject make NETFILTER_DROP the expected reason. */
  readonly verdict?: FinalAction;
  /**
   * Only a specific reason at most this far (ms) outside [first, last]: for a packet netfilter let all the
   * way through, which is rarely dropped after it (the whole host's drops are in the ring).
   */
  readonly strictGapMs?: number;
  /**
   * Netfilter let the packet through its last hook and the reader shows every chain there (nft, xtables): a
   * NETFILTER_DROP is another packet's (a hairpin's ICMP redirect the host sends, at the same moment).
   */
  readonly passedNetfilter?: boolean;
  /**
   * It left through postrouting by an interface other than lo: only a drop on the way out (neighbour, queueing
   * discipline, device) can be its; one on the way in (NO_SOCKET, a TCP reason) at that moment is another
   * packet's, or another namespace's on this host (the server's, for a packet this firewall forwarded to it).
   */
  readonly leftHost?: boolean;
}

/** Reasons a packet gets on its way out after postrouting (include/net/dropreason-core.h). */
const ON_THE_WAY_OUT = /^(?:NEIGH_|QDISC_|TC_|DEV_|TXQUEUE|FULL_RING$|PKT_TOO_BIG$|NOMEM$|IPV6DISABLED$)/;

/** A drop given to a trace, and how far (ms) it lies outside the trace's [first, last] (0: inside). */
export interface DropMatch {
  readonly drop: KernelDrop;
  readonly gapMs: number;
}

interface Entry {
  readonly drop: KernelDrop;
  readonly at: number;
  used: boolean;
}

/** Lower is better: how well the reason fits the verdict. */
function tier(reason: string, verdict: FinalAction | undefined): number {
  const byNetfilter = reason === 'NETFILTER_DROP';
  if (verdict === 'drop' || verdict === 'reject') return byNetfilter ? 0 : VAGUE.has(reason) ? 3 : 2;
  if (VAGUE.has(reason)) return 3;
  // A netfilter drop after an accepted trace is possible (an untraced hook, conntrack) but less likely.
  return byNetfilter ? 1 : 0;
}

/** Time outside [first, last], 0 inside. */
const gap = (at: number, q: DropQuery): number => (at < q.first ? q.first - at : at > q.last ? at - q.last : 0);

export class DropRing {
  private entries: Entry[] = [];

  constructor(
    private readonly maxDrops = MAX_DROPS,
    private readonly keepMs = KEEP_MS,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** A drop read at `at` (ms, the caller's clock); drops of other ethertypes are not kept. */
  push(drop: KernelDrop, at: number): void {
    if (ipVersionOf(drop.protocol) === null || !Number.isFinite(at)) return;
    this.entries.push({ drop, at, used: false });
    this.prune(at);
  }

  /** The drop that most likely belongs to this trace, or null; a drop is given out once. */
  pick(q: DropQuery): KernelDrop | null {
    return this.assign([q])[0]?.drop ?? null;
  }

  /**
   * Picks for several traces at once (those finished in the same tick): the best pairs first, so a
   * drop goes to the trace it fits best and never to two.
   */
  assign(queries: readonly DropQuery[]): (DropMatch | null)[] {
    const pairs: { q: number; e: Entry; score: readonly [number, number, number] }[] = [];
    queries.forEach((q, qi) => {
      for (const e of this.entries) {
        if (e.used || !this.fits(e, q)) continue;
        pairs.push({ q: qi, e, score: [tier(e.drop.reason, q.verdict), gap(e.at, q), e.at] });
      }
    });
    pairs.sort((a, b) => a.score[0] - b.score[0] || a.score[1] - b.score[1] || a.score[2] - b.score[2]);
    const out: (DropMatch | null)[] = queries.map(() => null);
    for (const p of pairs) {
      if (p.e.used || out[p.q] !== null) continue;
      p.e.used = true;
      out[p.q] = { drop: p.e.drop, gapMs: p.score[1] };
    }
    return out;
  }

  private fits(e: Entry, q: DropQuery): boolean {
    if (q.ipVersion !== null && ipVersionOf(e.drop.protocol) !== q.ipVersion) return false;
    if (q.passedNetfilter === true && e.drop.reason === 'NETFILTER_DROP') return false;
    if (q.leftHost === true && !ON_THE_WAY_OUT.test(e.drop.reason)) return false;
    if (q.strictGapMs !== undefined) return !VAGUE.has(e.drop.reason) && gap(e.at, q) <= q.strictGapMs;
    return e.at >= q.first - BEFORE_MS && e.at <= q.last + AFTER_MS;
  }

  private prune(now: number): void {
    const cut = now - this.keepMs;
    let drop = 0;
    while (drop < this.entries.length && (this.entries[drop]!.at < cut || this.entries.length - drop > this.maxDrops))
      drop++;
    // Spliced in one go once in a while, not shifted per push.
    if (drop > 0 && (drop >= 64 || this.entries.length > this.maxDrops)) this.entries = this.entries.slice(drop);
  }
}
