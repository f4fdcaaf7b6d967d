// Events → one Trace per packet. No timers and no clock of its own: the caller passes `now` and calls tick().
// Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { PacketInfo } from '../model/packet.js';
import type { RuleIndex } from '../model/ruleset.js';
import type { Trace } from '../model/trace.js';
import { builtinHook } from '../ruleset/hooks.js';
import { TraceBuilder } from './builder.js';
import { chainKey, kernlogKey, netlinkKey } from './correlate.js';
import { finishTrace } from './finish.js';
import { hookRank } from './hook-order.js';
import { kernlogStep } from './kernlog-step.js';
import { netlinkStep } from './netlink-step.js';
import { StepCache } from './step-cache.js';

export interface AssemblerOptions {
  readonly index?: RuleIndex | undefined;
  /** Close a trace after this long without events, in the unit of `now`. */
  readonly idle: number;
  /** Most traces kept open at once; beyond it the oldest is closed (bounded memory). */
  readonly maxOpen: number;
  /** Release traces in the order their packets arrived (replay), not the order they finished (live). */
  readonly ordered?: boolean;
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

export class Assembler {
  readonly stats: AssemblerStats = { lost: 0, readerErrors: [] };
  private readonly open = new Map<string, TraceBuilder>();
  /** xtables-monitor prints PACKET: before the TRACE: line that names the chain. */
  private readonly pendingPacket = new Map<string, PacketInfo>();
  private readonly idUses = new Map<string, number>();
  private readonly steps = new StepCache();
  /** Hook of each chain seen (null for user chains): looked up once, not per event. */
  private readonly chainHooks = new Map<string, Hook | null>();
  private kernlogSeq = 0;
  private created = 0;
  private released = 0;
  /** Finished traces waiting for an older one still open (ordered mode; bounded by maxOpen). */
  private readonly waiting = new Map<number, Trace>();

  private index: RuleIndex | undefined;

  constructor(private readonly opts: AssemblerOptions) {
    this.index = opts.index;
  }

  /** A newer ruleset snapshot: later steps are looked up in it (open traces keep their earlier steps). */
  setIndex(index: RuleIndex | undefined): void {
    this.index = index;
    this.steps.clear();
    this.chainHooks.clear();
  }

  /** Feeds one event; returns the traces it completed. */
  push(e: TraceEvent, now: number): Trace[] {
    const out: Trace[] = [];
    switch (e.kind) {
      case 'packet':
        if (e.table === '') this.pendingPacket.set(e.traceId, e.packet);
        else this.enterNetlink(e, e.packet, now, out);
        break;
      case 'rule':
      case 'policy':
      case 'return':
        this.netlinkVerdict(e, now, out);
        break;
      case 'log-step':
        this.logStep(e, now, out);
        break;
      case 'lost':
        this.stats.lost += e.count;
        break;
      case 'reader-error':
        if (this.stats.readerErrors.length < 20) this.stats.readerErrors.push(e.text);
        break;
      case 'conntrack':
        break;
    }
    this.evictBeyondLimit(out);
    return out;
  }

  /** Closes traces idle for longer than `idle`. */
  tick(now: number): Trace[] {
    const out: Trace[] = [];
    for (const [key, b] of this.open) if (now - b.lastAt >= this.opts.idle) this.close(key, out);
    return out;
  }

  /** Closes everything still open (end of input, shutdown). */
  flush(): Trace[] {
    const out: Trace[] = [];
    for (const key of [...this.open.keys()]) this.close(key, out);
    this.pendingPacket.clear();
    return out;
  }

  /** Number of traces still open. */
  get openCount(): number {
    return this.open.size;
  }

  private hookOf(family: Family, table: string, chain: string): Hook | null {
    const key = chainKey(family, table, chain);
    let hook = this.chainHooks.get(key);
    if (hook === undefined) {
      const known = this.index?.chain(family, table, chain);
      hook = known ? known.hook : builtinHook(table, chain);
      if (this.chainHooks.size > 10_000) this.chainHooks.clear();
      this.chainHooks.set(key, hook);
    }
    return hook;
  }

  private netlinkVerdict(
    e: Extract<NetlinkEvent, { kind: 'rule' | 'policy' | 'return' }>,
    now: number,
    out: Trace[],
  ): void {
    const pending = this.pendingPacket.get(e.traceId);
    const key = netlinkKey(e.traceId);
    const ck = chainKey(e.family, e.table, e.chain);
    const baseHook = this.hookOf(e.family, e.table, e.chain);
    if (pending !== undefined) {
      this.pendingPacket.delete(e.traceId);
      this.enterNetlink(e, pending, now, out);
    } else {
      const b = this.open.get(key);
      // Old nft prints no packet: line for some base chains; a new base chain still starts an invocation.
      if (!b || (baseHook !== null && ck !== b.base)) this.enterNetlink(e, null, now, out);
    }
    const b = this.open.get(key)!;
    b.lastAt = now;
    const hook = baseHook ?? b.hook;
    const stepKey =
      e.kind === 'rule'
        ? `${hook}\t${e.kind}\t${e.family}\t${e.table}\t${e.chain}\t${e.verdict}\t${e.target}\t${e.handle}\t${e.source}`
        : `${hook}\t${e.kind}\t${e.family}\t${e.table}\t${e.chain}\t${e.verdict}\t${baseHook !== null}\t${e.kind === 'return' ? e.target : ''}`;
    const text = e.kind === 'rule' ? e.text : null;
    const { step, nat } = this.steps.get(text, stepKey, () => netlinkStep(e, hook, baseHook !== null, this.index));
    b.add(step, nat);
    if (b.done) this.close(key, out);
  }

  private enterNetlink(e: NetlinkEvent, packet: PacketInfo | null, now: number, out: Trace[]): void {
    const key = netlinkKey(e.traceId);
    const ck = chainKey(e.family, e.table, e.chain);
    const hook = this.hookOf(e.family, e.table, e.chain) ?? 'unknown';
    let b = this.open.get(key);
    if (b && this.startsNewPacket(b, ck, hook, packet)) {
      this.close(key, out);
      b = undefined;
    }
    if (!b) {
      const uses = (this.idUses.get(e.traceId) ?? 0) + 1;
      if (this.idUses.size >= REMEMBERED_IDS) this.idUses.clear();
      this.idUses.set(e.traceId, uses);
      const id = uses === 1 ? e.traceId : `${e.traceId}#${uses}`;
      b = new TraceBuilder(++this.created, id, e.source, this.opts.wallClock?.(now) ?? null, now);
      this.open.set(key, b);
    }
    b.lastAt = now;
    b.enter(ck, hook, e.table, e.chain, packet);
  }

  /** Trace ids are reused: a finished packet, a base chain entered twice, a step back along the path, or another IP id. */
  private startsNewPacket(b: TraceBuilder, ck: string, hook: Hook, packet: PacketInfo | null): boolean {
    if (b.done || b.entered.has(ck)) return true;
    if (hook !== 'unknown' && b.hook !== 'unknown' && hookRank(hook) < hookRank(b.hook)) return true;
    const seen = b.packet.ipId;
    return packet?.ipId !== undefined && seen !== undefined && packet.ipId !== seen;
  }

  private logStep(e: LogStep, now: number, out: Trace[]): void {
    const key = kernlogKey(e.packet);
    const ck = chainKey(e.family, e.table, e.chain);
    const baseHook = this.hookOf(e.family, e.table, e.chain);
    let b = this.open.get(key);
    if (b && baseHook !== null && (b.done || this.logStartsNewPacket(b, ck, baseHook, e.position))) {
      this.close(key, out);
      b = undefined;
    }
    if (!b) {
      b = new TraceBuilder(
        ++this.created,
        `k${++this.kernlogSeq}`,
        'kernlog',
        e.time ?? this.opts.wallClock?.(now) ?? null,
        now,
      );
      this.open.set(key, b);
    }
    b.lastAt = now;
    if (baseHook !== null && ck !== b.base) b.enter(ck, baseHook, e.table, e.chain, e.packet);
    if (baseHook !== null) b.lastBasePosition = e.position;
    // ulogd JSON names the hook on every line; other envelopes leave user chains to inherit the caller's.
    const hook = baseHook ?? e.hook ?? b.hook;
    const stepKey = `${hook}\t${e.family}\t${e.table}\t${e.chain}\t${e.entry}\t${e.position}`;
    const { step, nat } = this.steps.get(null, stepKey, () => kernlogStep(e, hook, this.index));
    b.add(step, nat);
    if (b.done) this.close(key, out);
  }

  private logStartsNewPacket(b: TraceBuilder, ck: string, hook: Hook, position: number): boolean {
    // Base chains are never jumped to, so a lower position in the current one is the next packet.
    if (ck === b.base) return position < b.lastBasePosition;
    if (b.entered.has(ck)) return true;
    return b.hook !== 'unknown' && hookRank(hook) < hookRank(b.hook);
  }

  private close(key: string, out: Trace[]): void {
    const b = this.open.get(key);
    if (!b) return;
    this.open.delete(key);
    const trace = finishTrace(b, this.index);
    if (!this.opts.ordered) {
      out.push(trace);
      return;
    }
    this.waiting.set(b.seq, trace);
    for (let next = this.waiting.get(this.released + 1); next; next = this.waiting.get(this.released + 1)) {
      this.waiting.delete(++this.released);
      out.push(next);
    }
  }

  private evictBeyondLimit(out: Trace[]): void {
    while (this.open.size > this.opts.maxOpen) {
      const oldest = this.open.keys().next().value;
      if (oldest === undefined) return;
      this.close(oldest, out);
    }
  }
}
