// The mutable state of one packet's trace while its events arrive. Pure; no I/O.
import type { Dialect, Family, Hook } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { RuleNat } from '../model/ruleset.js';
import type { TraceStep } from '../model/trace.js';
import type { IcmpAnswer } from './icmp-answer.js';
import type { PathNode } from './path.js';
import { asDatagram, reassembled } from './reassembly.js';

/** The packet's headers as seen on entering a base chain; NAT shows up as a difference between sightings. */
export interface Sighting {
  /** The packet's hook: the chain's own, else the last one known before it. */
  readonly hook: Hook;
  /** The chain's own hook, `unknown` when not known (a chain named freely, without a ruleset). */
  readonly chainHook: Hook;
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  readonly packet: PacketInfo;
  /** Number of steps recorded before this sighting. */
  readonly stepCount: number;
}

/** Accumulates one packet's steps; turned into a Trace by finish(). */
export class TraceBuilder {
  /** The steps so far, as a node of the shared path tree (trace/path). */
  path: PathNode;
  readonly sightings: Sighting[] = [];
  /** Base chains entered, as `family table chain`; entering one twice means another packet (a few: a list). */
  readonly entered: string[] = [];
  /** The assembler's keys for it: its trace id, and any the packet got later (the kernel copied it; trace/moved-id). */
  readonly keys: string[] = [];
  /** Set when the assembler closed it. */
  closed = false;
  /** The capture ended while this packet was traced (the reader died or was stopped): its end is not shown. */
  cutShort = false;
  /** A REDIRECT or DNAT in output rerouted the packet after the last headers shown (it may leave by lo). */
  reroutedInOutput = false;
  /** Why conntrack found the packet INVALID, as the kernel logged it (nf_conntrack_log_invalid), if it did. */
  ctInvalid: string | null = null;
  /** The routing ICMP error this host sent about the packet, when traced right after it (trace/icmp-answer). */
  answeredBy: IcmpAnswer | null = null;
  packet: PacketInfo = {};
  hook: Hook = 'unknown';
  /** The family of the last base chain entered (a bridge family's hooks come before the IP stack's). */
  baseFamily: Family | null = null;
  /** The hook of the last base chain entered, `unknown` when not known (`hook` keeps the last known one). */
  baseHook: Hook = 'unknown';
  base: string | null = null;
  /** The path's depth on entering the current base chain. */
  baseDepth = 0;
  done = false;
  /** Kernel-log lines: last position seen in the current base chain. */
  lastBasePosition = 0;
  /** Kernel-log lines: the headers and table of the last line, to tell packets with one fingerprint apart. */
  lastPacket: PacketInfo | null = null;
  lastTable = '';
  lastAt: number;
  /** When the first event arrived (the caller's clock): live runs match kernel drops by it. */
  readonly firstAt: number;

  constructor(
    /** Creation order, for releasing traces in the order their packets arrived. */
    readonly seq: number,
    readonly id: string,
    readonly backend: Dialect,
    readonly time: string | null,
    now: number,
    root: PathNode,
  ) {
    this.lastAt = now;
    this.firstAt = now;
    this.path = root;
  }

  /** The steps so far (shared with other traces on the same path: never mutate). */
  get steps(): readonly TraceStep[] {
    return this.path.steps();
  }

  /** Records that the packet entered a base chain, with its headers there when known. */
  enter(key: string, family: Family, hook: Hook, table: string, chain: string, packet: PacketInfo | null): void {
    if (!this.entered.includes(key)) this.entered.push(key);
    this.base = key;
    this.baseDepth = this.path.depth;
    this.baseFamily = family;
    this.baseHook = hook;
    if (hook !== 'unknown') this.hook = hook;
    if (packet === null) return;
    const before = this.sightings[this.sightings.length - 1]?.packet;
    this.sightings.push({ hook: this.hook, chainHook: hook, family, table, chain, packet, stepCount: this.path.depth });
    if (before !== undefined && before !== packet && reassembled(before, packet))
      this.packet = asDatagram(this.packet, packet);
    // Sent by this host: no in-interface, whatever later hooks show (a tunnel's outer packet shows the tunnel's).
    else this.packet = mergeFirstSeen(this.packet, packet, this.sightings[0]?.hook === 'output');
  }

  /**
   * The rule position of the packet's last step in chain `c` during this pass through `hook`, 0 when it has none
   * there yet (a step in another hook ends the search: that was another pass).
   */
  positionIn(c: { readonly family: string; readonly table: string; readonly chain: string }, hook: Hook): number {
    for (let n: PathNode | null = this.path; n !== null && n.step !== null; n = n.parent) {
      const s = n.step;
      if (s.hook !== hook) return 0;
      if (s.chain === c.chain && s.table === c.table && s.family === c.family && s.rule?.position != null)
        return s.rule.position;
    }
    return 0;
  }

  /** Appends a step; a terminal verdict closes the trace. */
  add(step: TraceStep, nat: RuleNat | null): void {
    this.path = this.path.next(step, nat);
    if (this.path.terminal) this.done = true;
  }
}

/**
 * Keeps the first-seen value of every field, filling the ones still missing (e.g. `oif` learnt after routing, the
 * bridge port `physout` after the bridge's forward decision). A packet this host sent has the last out-interface
 * seen: rerouted after NAT in output (a REDIRECT to a local proxy) it leaves by `lo`, not by the route it first had.
 */
function mergeFirstSeen(first: PacketInfo, later: PacketInfo, local: boolean): PacketInfo {
  if (first === later || first.ipVersion === undefined) return later;
  const iif = !local && fills(first, later, 'iif');
  // (Only a packet this host sent: a bridged one shows its bridge port, then the bridge device.)
  const rerouted = local && !!first.oif && !!later.oif && first.oif !== later.oif;
  const more = fills(first, later, 'oif') || iif || fills(first, later, 'physout') || fills(first, later, 'physin');
  if (!more && !rerouted) return first;
  const merged: PacketInfo = { ...later, ...first };
  for (const k of INTERFACES) if (fills(first, later, k)) merged[k] = later[k] as string;
  if (rerouted) merged.oif = later.oif as string;
  if (local && !first.iif) delete merged.iif;
  return merged;
}

const INTERFACES = ['iif', 'oif', 'physin', 'physout'] as const;

/** later knows interface k and first does not. */
function fills(first: PacketInfo, later: PacketInfo, k: (typeof INTERFACES)[number]): boolean {
  return !first[k] && !!later[k];
}
