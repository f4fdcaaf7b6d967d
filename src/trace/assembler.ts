// Events → one Trace per packet. No timers and no clock of its own: the caller passes `now` and calls tick().
// Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { PacketInfo } from '../model/packet.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { Trace } from '../model/trace.js';
import { TraceBuilder } from './builder.js';
import { ChainTable, type SeenChain } from './chain-table.js';
import { kernlogKey, netlinkKey } from './correlate.js';
import { finishTrace } from './finish.js';
import { ForwardOrder } from './forward-order.js';
import { followsOn, hookRank } from './hook-order.js';
import { kernlogStep } from './kernlog-step.js';
import { EQUAL, headerScore } from './log-match.js';
import { netlinkStep, pickAfter } from './netlink-step.js';
import { PathTree, type PathNode } from './path.js';
import { ReleaseQueue } from './release-queue.js';
import { SlotMap } from './slot-map.js';
import { RecentTraces } from './moved-id.js';
import { RecentPackets } from './icmp-answer.js';
import { identified, LoWaitingRoom, ReroutedFlows, sameAsSent, sentOverLo } from './loopback.js';
import { logStep as cachedLogStep, netlinkStep as cachedNetlinkStep } from './step-cache.js';
import { rawUserChainHook } from './base-hook.js';

export interface AssemblerOptions {
  readonly index?: RuleIndex | undefined;
  /** Close a trace after this long without events, in the unit of `now`. */
  readonly idle: number;
  /** Most traces kept open at once; beyond it the oldest is closed (bounded memory). */
  readonly maxOpen: number;
  /** Release traces in the order their packets arrived (replay), not the order they finished (live). */
  readonly ordered?: boolean;
  /** Remember when each trace's events arrived (live runs: kernel drops are matched by time); see seenAt. */
  readonly timed?: boolean;
  /** Time stamp for traces whose lines carry none (live runs); omitted in replay. */
  readonly wallClock?: (now: number) => string;
}

/** What the reader reported besides traces. */
export interface AssemblerStats {
  lost: number;
  readerErrors: string[];
}

type LogStep = Extract<TraceEvent, { kind: 'log-step' }>;
type NetlinkEvent = Extract<TraceEvent, { kind: 'packet' | 'rule' | 'policy' | 'return' }>;

/** How many closed netlink ids to remember, to number packets that reuse an id. */
const REMEMBERED_IDS = 65_536;

/** More open kernel-log traces per fingerprint, for packets whose lines interleave (see logTraceFor). */
const LOG_ALTERNATES = 3;

/** What push(), tick() and flush() return when no trace completed (most calls): one shared empty list. */
const NONE: readonly Trace[] = Object.freeze([]);

export class Assembler {
  readonly stats: AssemblerStats = { lost: 0, readerErrors: [] };
  private readonly open = new SlotMap<TraceBuilder>();
  /** xtables-monitor prints PACKET: before the TRACE: line that names the chain. */
  private readonly pendingPacket = new SlotMap<PacketInfo>();
  private readonly idUses = new Map<string, number>();
  /** Chains seen, with their hook and the steps built for them (cleared with the index). */
  private readonly chains = new ChainTable();
  /** Forward's base chains in the order packets met them (netlink readers: the kernel log shows no nft chain). */
  private readonly forwardOrder = new ForwardOrder();
  /** Step sequences seen (a new tree with each index). */
  private paths = new PathTree();
  private kernlogSeq = 0;
  private created = 0;
  /** Finished traces waiting for an older one still open (ordered mode). */
  private readonly waiting = new ReleaseQueue<Trace>();
  /** Traces completed by the current call. */
  private out: Trace[] = [];
  /** The last kernel-log packet and its key: the lines of one packet within a hook share one PacketInfo. */
  private lastLogPacket: PacketInfo | null = null;
  private lastLogKey = '';
  /** The trace that took the last event. */
  private lastTouched: TraceBuilder | undefined;
  /** The trace that took the last kernel-log line. */
  private lastLogTrace: TraceBuilder | undefined;
  /** Traces begun last, which an ICMP error this host sent may be about. */
  private readonly recentPackets = new RecentPackets();
  /** Netlink traces last touched, which a new trace id may continue. */
  private readonly recent = new RecentTraces();
  /** Netlink traces of packets sent over lo, waiting for their way back in (trace/loopback). */
  private readonly loRoom = new LoWaitingRoom();
  /** Connections this host sends whose first packet a REDIRECT or DNAT in output rerouted (see loopback). */
  private readonly reroutedFlows = new ReroutedFlows();

  private index: RuleIndex | undefined;
  private readonly seen = new WeakMap<Trace, { readonly first: number; readonly last: number }>();

  constructor(private readonly opts: AssemblerOptions) {
    this.index = opts.index;
  }

  /** A newer ruleset snapshot: later steps are looked up in it (open traces keep their earlier steps). */
  setIndex(index: RuleIndex | undefined): void {
    this.index = index;
    this.chains.clear();
    this.paths = new PathTree();
  }

  /** When a finished trace's first and last events arrived, in the unit of `now` (with the `timed` option). */
  seenAt(trace: Trace): { readonly first: number; readonly last: number } | null {
    return this.seen.get(trace) ?? null;
  }

  /** Feeds one event; returns the traces it completed. */
  push(e: TraceEvent, now: number): readonly Trace[] {
    switch (e.kind) {
      case 'packet':
        if (e.table === '') this.pendingPacket.set(e.traceId, e.packet);
        else this.enterNetlink(e, this.baseChainOf(e, e.packet), e.packet, now);
        break;
      case 'rule':
      case 'policy':
      case 'return':
        this.netlinkVerdict(e, now);
        break;
      case 'log-step':
        this.logStep(e, now);
        break;
      case 'lost':
        this.stats.lost += e.count;
        break;
      case 'reader-error':
        if (this.stats.readerErrors.length < 20) this.stats.readerErrors.push(e.text);
        break;
      case 'conntrack':
        break;
      case 'ct-invalid':
        this.conntrackInvalid(e);
        break;
    }
    if (this.open.size > this.opts.maxOpen) this.evictBeyondLimit();
    return this.completed();
  }

  /** Conntrack logs the packet it found INVALID between two of its TRACE lines: the trace of the last one. */
  private conntrackInvalid(e: Extract<TraceEvent, { kind: 'ct-invalid' }>): void {
    const b = this.lastLogTrace;
    const was = b?.lastPacket;
    if (b === undefined || b.closed || was == null) return;
    const p = e.packet;
    if (sameDatagram(p, was)) b.ctInvalid = e.reason;
  }

  /** Closes traces idle for longer than `idle`. */
  tick(now: number): readonly Trace[] {
    for (const [key, b] of this.open.entries()) if (now - b.lastAt >= this.opts.idle) this.close(key);
    return this.completed();
  }

  /** Closes everything still open (end of input, shutdown). */
  flush(): readonly Trace[] {
    for (const key of this.open.keys()) this.close(key);
    this.pendingPacket.clear();
    return this.completed();
  }

  /** Number of traces still open. */
  get openCount(): number {
    return this.open.size;
  }

  private completed(): readonly Trace[] {
    if (this.out.length === 0) return NONE;
    const done = this.out;
    this.out = [];
    return done;
  }

  private chainOf(family: SeenChain['family'], table: string, chain: string): SeenChain {
    return this.chains.get(family, table, chain, this.index);
  }

  /** The chain a packet was seen entering: a base chain (see ChainTable.placeBase). */
  private baseChainOf(e: NetlinkEvent, packet: PacketInfo): SeenChain {
    const c = this.chainOf(e.family, e.table, e.chain);
    if (c.unplaced) this.chains.placeBase(c, packet);
    return c;
  }

  private netlinkVerdict(e: Extract<NetlinkEvent, { kind: 'rule' | 'policy' | 'return' }>, now: number): void {
    const key = netlinkKey(e.traceId);
    const pending = this.pendingPacket.size === 0 ? undefined : this.pendingPacket.get(e.traceId);
    const c = pending === undefined ? this.chainOf(e.family, e.table, e.chain) : this.baseChainOf(e, pending);
    let b: TraceBuilder | undefined;
    if (pending !== undefined) {
      this.pendingPacket.delete(e.traceId);
      b = this.enterNetlink(e, c, pending, now);
    } else {
      b = this.open.get(key);
      // Old nft prints no packet: line for some base chains; a new base chain still starts an invocation.
      if (b !== undefined && notLedTo(b, c)) {
        // Placed by the headers last seen, whose interfaces this hook's can only add to.
        const seen = b.sightings[b.sightings.length - 1]?.packet;
        if (seen !== undefined) this.chains.placeBase(c, seen, true);
        b = this.enterNetlink(e, c, null, now);
      } else if (!b || (c.hook !== null && c.key !== b.base)) b = this.enterNetlink(e, c, null, now);
    }
    const baseHook = c.hook;
    b.lastAt = now;
    // A user chain runs at its base chain's hook; a base chain of unknown hook does not inherit an earlier one.
    const hook = baseHook ?? b.baseHook;
    const index = this.index;
    const built = cachedNetlinkStep(this.chains, c, e, hook, (owned) =>
      netlinkStep(owned, hook, baseHook !== null, index),
    );
    const { step, nat } = built.choices === undefined ? built : pickAfter(built.choices, b.positionIn(c, hook));
    b.add(step, nat);
    // A REDIRECT (or DNAT) in output reroutes the packet, through lo for a local address, after the headers its
    // chain printed: it may come back in on lo though they show another way out.
    if (nat !== null && hook === 'output' && (nat.kind === 'redirect' || nat.kind === 'dnat') && !b.done) {
      const sent = b.sightings[b.sightings.length - 1]?.packet;
      b.reroutedInOutput = true;
      if (sent !== undefined) {
        this.loRoom.sent(b, sent);
        // The connection's later packets take the same way (conntrack applies the mapping; no nat chain runs).
        this.reroutedFlows.add(sent);
      }
    }
    this.lastTouched = b;
    if (b.done) this.close(key);
  }

  /** The capture ends while the last packet was traced (the reader died, or stopped mid-line): its trace is cut. */
  cutShort(): void {
    const b = this.lastTouched;
    if (b !== undefined && !b.closed) b.cutShort = true;
  }

  private enterNetlink(e: NetlinkEvent, c: SeenChain, packet: PacketInfo | null, now: number): TraceBuilder {
    const key = netlinkKey(e.traceId);
    const hook = c.hook ?? (packet === null ? null : rawUserChainHook(c.family, c.table, packet)) ?? 'unknown';
    let b = this.open.get(key);
    if (b && this.startsNewPacket(b, c.key, hook, packet)) {
      this.close(key);
      b = undefined;
    }
    if (!b && packet !== null) {
      // A new id on a packet already under way (the kernel copied it, or it looped back over lo): the same trace goes on.
      b =
        this.recent.continued(e.source, c.family, hook, packet) ??
        (hook === 'prerouting' && packet.iif === 'lo' ? this.loRoom.back(e.source, packet) : undefined);
      if (b) {
        b.keys.push(key);
        this.open.set(key, b);
      }
    }
    if (!b) {
      const uses = (this.idUses.get(e.traceId) ?? 0) + 1;
      if (this.idUses.size >= REMEMBERED_IDS) this.idUses.clear();
      this.idUses.set(e.traceId, uses);
      const id = uses === 1 ? e.traceId : `${e.traceId}#${uses}`;
      b = new TraceBuilder(++this.created, id, e.source, this.opts.wallClock?.(now) ?? null, now, this.root());
      b.keys.push(key);
      this.open.set(key, b);
      this.begun(b, hook, packet);
    }
    b.lastAt = now;
    b.enter(c.key, c.family, hook, e.table, e.chain, packet);
    if (packet !== null && (hook === 'output' || hook === 'postrouting')) {
      if (hook === 'output' && this.reroutedFlows.has(packet)) b.reroutedInOutput = true;
      this.loRoom.sent(b, packet);
    }
    this.recent.touch(b);
    this.lastTouched = b;
    return b;
  }

  /** A trace just begun: a routing ICMP error sent by this host marks the one it answers (trace/icmp-answer). */
  private begun(b: TraceBuilder, hook: Hook, packet: PacketInfo | null): void {
    if (packet?.inner !== undefined && hook === 'output') this.recentPackets.answer(b, packet);
    this.recentPackets.add(b);
  }

  private root(): PathTree['root'] {
    this.paths = this.paths.current();
    return this.paths.root;
  }

  /** Trace ids are reused: a finished packet, a base chain entered twice, a step back along the path, or another IP id. */
  private startsNewPacket(b: TraceBuilder, ck: string, hook: Hook, packet: PacketInfo | null): boolean {
    if (b.done || b.entered.includes(ck)) return true;
    if (hook !== 'unknown' && b.hook !== 'unknown' && hookRank(hook) < hookRank(b.hook)) return true;
    const seen = b.packet.ipId;
    return packet?.ipId !== undefined && seen !== undefined && packet.ipId !== seen;
  }

  private logStep(e: LogStep, now: number): void {
    if (e.packet !== this.lastLogPacket) {
      this.lastLogPacket = e.packet;
      this.lastLogKey = kernlogKey(e.packet);
    }
    const key = this.lastLogKey;
    const c = this.chainOf(e.family, e.table, e.chain);
    const baseHook = c.hook;
    // A user chain of raw runs at prerouting or output: its lines place the packet as a base chain's do.
    const placed = baseHook ?? (c.table === 'raw' ? (e.hook ?? rawUserChainHook(c.family, c.table, e.packet)) : null);
    let b = this.logTraceFor(key, e, c, placed) ?? this.grownByTcpmss(key, e);
    if (!b) {
      const free = this.open.get(key) === undefined ? key : this.freeLogKey(key);
      b = new TraceBuilder(
        ++this.created,
        `k${++this.kernlogSeq}`,
        'kernlog',
        e.time ?? this.opts.wallClock?.(now) ?? null,
        now,
        this.root(),
      );
      b.keys.push(free);
      this.open.set(free, b);
      this.begun(b, placed ?? 'unknown', e.packet);
    }
    b.lastAt = now;
    if (baseHook !== null && c.key !== b.base) b.enter(c.key, c.family, baseHook, e.table, e.chain, e.packet);
    if (baseHook !== null) b.lastBasePosition = e.position;
    b.lastPacket = e.packet;
    b.lastTable = e.table;
    // ulogd JSON names the hook on every line; other envelopes leave user chains to inherit the caller's.
    const hook = placed ?? e.hook ?? b.hook;
    const index = this.index;
    const { step, nat } = cachedLogStep(this.chains, c, e, hook, (owned) => kernlogStep(owned, hook, index));
    b.add(step, nat);
    this.lastLogTrace = b;
    this.lastTouched = b;
    if (b.done) this.close(b.keys[0]!);
  }

  /**
   * The trace of the previous line when that line's rule was `-j TCPMSS` (without a ruleset: a mangle rule, and
   * the SYN 4 bytes longer) and this line is the same packet grown by the MSS option TCPMSS added (a SYN that had
   * none): the length is part of the fingerprint, so the key changed.
   */
  private grownByTcpmss(key: string, e: LogStep): TraceBuilder | undefined {
    const b = this.lastLogTrace;
    const was = b?.lastPacket;
    // Not over another open trace's key: that one would be lost.
    if (b === undefined || b.closed || b.done || was == null || this.open.get(key) !== undefined) return undefined;
    const p = e.packet;
    if (!sameDatagram(p, was) || p.len === undefined || was.len === undefined || p.len <= was.len) return undefined;
    const last = b.path.step;
    const text = last?.rule?.text;
    // Without the ruleset the rule is unknown: a mangle rule after which the SYN grew by an MSS option's 4 bytes.
    const tcpmss =
      text != null
        ? /\s-j\s+TCPMSS\b/.test(text)
        : last?.kind === 'rule' &&
          last.table === 'mangle' &&
          p.len === was.len + 4 &&
          p.tcpFlags?.includes('SYN') === true;
    if (!tcpmss) return undefined;
    b.keys.push(key);
    this.open.set(key, b);
    return b;
  }

  /**
   * The open trace a kernel-log line continues, or undefined for a new packet. Lines carry no id: packets with the
   * same fingerprint (kernel-made resets and ICMP errors: IP id 0, the same length) share a key, and their lines may
   * interleave, so a key has up to LOG_ALTERNATES more open traces under `key\u0001N`; the line goes to the one
   * whose headers it matches best. A trace the line cannot continue (its packet was done) is closed.
   */
  private logTraceFor(key: string, e: LogStep, c: SeenChain, placed: Hook | null): TraceBuilder | undefined {
    let best: TraceBuilder | undefined;
    let bestScore = -1;
    // Back in over lo: the trace that sent it goes on.
    const back = placed === 'prerouting' && e.packet.iif === 'lo' ? this.logSentOverLo(key, e.packet) : undefined;
    if (back !== undefined) return back;
    for (let n = 0; n <= LOG_ALTERNATES; n++) {
      const k = n === 0 ? key : `${key}\u0001${n}`;
      const b = this.open.get(k);
      // Alternates are looked at only when the primary trace cannot take the line as it is (or there is none).
      if (b === undefined) continue;
      // A packet that came in never passes output: this is a copy the host sends (TEE), and the original goes on.
      if (placed === 'output' && b.packet.iif) continue;
      if (placed !== null && (b.done || this.logStartsNewPacket(b, c.key, placed, e))) {
        this.close(k);
        continue;
      }
      const hook = placed ?? e.hook ?? b.hook;
      // Equal headers (a copy and its original): the trace whose hook comes right before this one's takes the line.
      const score = 2 * headerScore(b, e, hook) + (followsOn(b.hook, hook) ? 1 : 0);
      if (score > bestScore) {
        best = b;
        bestScore = score;
      }
      if (n === 0 && score === 2 * EQUAL + 1) return b;
    }
    return best;
  }

  /**
   * The open trace of `key` (or its alternates) that sent `packet`, now coming in on lo, out through lo
   * (trace/loopback), and took the last line if the headers do not identify the packet; none when two did: unsure,
   * so the line starts a packet of its own.
   */
  private logSentOverLo(key: string, packet: PacketInfo): TraceBuilder | undefined {
    let found: TraceBuilder | undefined;
    for (let n = 0; n <= LOG_ALTERNATES; n++) {
      const b = this.open.get(n === 0 ? key : `${key}\u0001${n}`);
      const sent = b?.lastPacket;
      if (b === undefined || b === found || !sentOverLo(b, sent) || !sameAsSent(sent!, packet)) continue;
      if (found !== undefined) return undefined;
      found = b;
    }
    // Headers that do not identify the packet: the way back must come right after the way out.
    return found === this.lastLogTrace || identified(packet) ? found : undefined;
  }

  /** The first alternate key (see logTraceFor) with no open trace; the last one is taken over when all are. */
  private freeLogKey(key: string): string {
    for (let n = 1; n < LOG_ALTERNATES; n++) {
      const k = `${key}\u0001${n}`;
      if (this.open.get(k) === undefined) return k;
    }
    const last = `${key}\u0001${LOG_ALTERNATES}`;
    this.close(last);
    return last;
  }

  private logStartsNewPacket(b: TraceBuilder, ck: string, hook: Hook, e: LogStep): boolean {
    // Base chains are never jumped to and a packet passes each once: a lower position in the current one is the
    // next packet, and so is the same line again (an IPv6 retransmission of a packet the kernel dropped after it).
    // The same position with other headers is another packet whose lines interleave: logTraceFor tells them apart.
    if (ck === b.base)
      return (
        e.position < b.lastBasePosition || (e.position === b.lastBasePosition && headerScore(b, e, hook) === EQUAL)
      );
    if (b.entered.includes(ck)) return true;
    // Sent by this host, then coming in: another packet (the same one back over lo was found before: logSentOverLo).
    if ((b.hook === 'output' || b.hook === 'postrouting') && (hook === 'prerouting' || hook === 'input')) return true;
    return b.hook !== 'unknown' && hookRank(hook) < hookRank(b.hook);
  }

  private close(key: string): void {
    const b = this.open.get(key);
    if (!b) return;
    // Under every key it went by, `key` among them (a later packet may have taken one over already).
    for (const k of b.keys) if (this.open.get(k) === b) this.open.delete(k);
    b.closed = true;
    const trace = finishTrace(b, this.index, b.backend === 'kernlog' ? undefined : this.forwardOrder);
    if (this.opts.timed) this.seen.set(trace, { first: b.firstAt, last: b.lastAt });
    if (!this.opts.ordered) {
      this.out.push(trace);
      return;
    }
    this.waiting.put(b.seq, trace);
    this.waiting.release(this.out);
  }

  private evictBeyondLimit(): void {
    while (this.open.size > this.opts.maxOpen) {
      const oldest = this.open.firstKey();
      if (oldest === undefined) return;
      this.close(oldest);
    }
  }
}

/**
 * Whether chain `c`, placed neither by the ruleset nor yet by a packet seen entering it, is a base chain entered
 * without a `packet:` line (nft prints none for some packets: SYNPROXY's SYNs, lab 40): the steps since the
 * current base chain's entry neither ran in it nor jumped or went to it, so it is no user chain they reached.
 */
function notLedTo(b: TraceBuilder, c: SeenChain): boolean {
  if (!c.unplaced || c.hook !== null || c.key === b.base || b.path.depth <= b.baseDepth) return false;
  for (let n: PathNode | null = b.path; n !== null && n.step !== null && n.depth > b.baseDepth; n = n.parent) {
    const s = n.step;
    if (s.family !== c.family || s.table !== c.table) continue;
    if (s.chain === c.chain || ((s.verdict === 'jump' || s.verdict === 'goto') && s.target === c.chain)) return false;
  }
  return true;
}

/** Two kernel-log sightings of one datagram: the same ends and IP id (its length may differ: TCPMSS). */
function sameDatagram(p: PacketInfo, was: PacketInfo): boolean {
  return (
    p.ipId === was.ipId && p.src === was.src && p.dst === was.dst && p.sport === was.sport && p.dport === was.dport
  );
}
