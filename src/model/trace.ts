// One assembled trace per packet: what the renderers show and the NDJSON `trace` record carries. Types only.
import type { Dialect, Family, FinalAction, Hook, StepVerdict } from './common.js';
import type { PacketInfo } from './packet.js';

/** The rule a step refers to, with fresh counters when a ruleset was given. */
export interface StepRule {
  readonly handle: number | null;
  readonly position: number | null;
  readonly text: string | null;
  readonly packets: number | null;
  readonly bytes: number | null;
}

/** One table/chain/rule the packet passed through. */
export interface TraceStep {
  readonly hook: Hook;
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  readonly kind: 'rule' | 'policy' | 'return';
  readonly rule: StepRule | null;
  readonly verdict: StepVerdict;
  /** Chain for jump / goto. */
  readonly target: string | null;
}

/** Where and how the packet's fate was decided. */
export interface FinalVerdict {
  readonly action: FinalAction;
  readonly hook: Hook | null;
  readonly table: string | null;
  readonly chain: string | null;
  readonly by: 'rule' | 'policy' | null;
  readonly rule: StepRule | null;
}

/** A header rewrite seen between hooks, with the nat rule that did it when known. */
export interface NatRewrite {
  readonly hook: Hook;
  readonly kind: 'dnat' | 'snat' | 'masquerade' | 'redirect';
  /** `ip:port` (or `ip` for protocols without ports). */
  readonly from: string;
  /** null when the kernel never shows the new value: MASQUERADE picks the out interface's address after the last hook. */
  readonly to: string | null;
  readonly table: string | null;
  readonly chain: string | null;
  readonly rule: StepRule | null;
}

/** The whole story of one packet. */
export interface Trace {
  /** Unique within a run: `<traceId>` or `<traceId>#<n>` when the kernel reused the id. */
  readonly id: string;
  readonly backend: Dialect;
  readonly time: string | null;
  /** Headers as first seen. */
  readonly packet: PacketInfo;
  readonly steps: readonly TraceStep[];
  readonly verdict: FinalVerdict;
  readonly nat: readonly NatRewrite[];
  readonly explanation: string;
}
