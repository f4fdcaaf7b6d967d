// One assembled trace per packet: what the renderers show and the NDJSON `trace` record carries. Types only.
import type { Dialect, Family, FinalAction, Hook, StepVerdict } from './common.js';
import type { HostDiagnosis } from './host.js';
import type { PacketInfo } from './packet.js';

/** The rule a step refers to, with fresh counters when a ruleset was given. */
export interface StepRule {
  readonly handle: number | null;
  readonly position: number | null;
  readonly text: string | null;
  readonly packets: number | null;
  readonly bytes: number | null;
}

/** The component that made a chain or rule (by its names); null when it is the user's own. */
export type Owner =
  | 'kube-proxy'
  | 'docker'
  | 'docker (user chain)'
  | 'firewalld'
  | 'ufw'
  | 'libvirt'
  | 'cni'
  | 'podman'
  | 'calico'
  | 'fwtrace';

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
  /** Who made this chain or rule (set when the trace is finished; absent on hand-built steps). */
  readonly owner?: Owner | null;
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
  /** Why the packet met its fate, in data (set when the trace is finished). */
  readonly why?: Why;
  /** The Kubernetes Service the packet was load-balanced by (kube-proxy chains on its path), else null. */
  readonly kubernetes?: KubeService | null;
  /** What the host did after netfilter (kernel drop reason, host checks); set by live runs that looked. */
  readonly host?: HostDiagnosis | null;
}

/** A rule named without its counters. */
export interface RuleRef {
  readonly position: number | null;
  readonly handle: number | null;
  readonly text: string | null;
}

/** Where the verdict was given. */
export interface DecidedBy {
  readonly hook: Hook;
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  readonly by: 'rule' | 'policy';
  readonly rule: RuleRef | null;
  readonly owner: Owner | null;
}

/** One jump or goto on the way from the base chain to the deciding chain. */
export interface PathLink {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  readonly rule: RuleRef | null;
  readonly verdict: 'jump' | 'goto';
  readonly target: string | null;
  readonly owner: Owner | null;
}

/** A condition of a rule this packet does not meet. */
export interface FailedCondition {
  readonly field: string;
  /** What the rule wants (`!` in front when negated), e.g. `10.0.0.5/32`, `80`, `RELATED,ESTABLISHED`. */
  readonly want: string;
  /** What this packet has. */
  readonly got: string;
}

/** A rule reached through a jump: the accepting rule sits in another chain. */
export interface ViaRule {
  readonly chain: string;
  readonly rule: RuleRef;
}

/** A rule that would have accepted the packet, and the conditions it failed. */
export interface NearMiss {
  /** Chain of `rule` (the deciding chain, or one the packet came through). */
  readonly chain: string;
  readonly rule: RuleRef;
  /** Rules jumped through to the accept, in order (empty when `rule` accepts itself). */
  readonly via: readonly ViaRule[];
  /** `uncertain` when some condition could not be compared (see `unknown`). */
  readonly verdict: 'would-accept' | 'uncertain';
  readonly failed: readonly FailedCondition[];
  /** Conditions fwtrace cannot compare, as written in the rule. */
  readonly unknown: readonly string[];
  /** The same in one sentence. */
  readonly text: string;
}

/** An accepting rule that could not be compared with the packet, and what stopped the comparison. */
export interface CannotCompare {
  readonly chain: string;
  readonly rule: RuleRef;
  readonly via: readonly ViaRule[];
  readonly matches: readonly string[];
}

/** Why a packet met its fate. */
export interface Why {
  readonly decidedBy: DecidedBy | null;
  /** Jumps from the base chain to the deciding chain. */
  readonly path: readonly PathLink[];
  /** For a policy drop or a drop by a catch-all rule: the closest accepting rules (at most 3, best first). */
  readonly nearMisses: readonly NearMiss[];
  /** Accepting rules of those chains that fwtrace could not compare with the packet. */
  readonly cannotCompare: readonly CannotCompare[];
}

/** The Service kube-proxy load-balanced the packet by, and the endpoint it picked. */
export interface KubeService {
  /** `namespace/name:port` (`namespace/name` for an unnamed port). */
  readonly service: string | null;
  readonly clusterIP: string | null;
  /** `ip:port` (`[v6]:port`) the packet was DNATed to. */
  readonly endpoint: string | null;
  /** Chance that this endpoint was picked (0–1), from the rules; null when not known. */
  readonly probability: number | null;
  /** How many endpoints the Service chain chose from. */
  readonly endpoints: number | null;
  /** True when kube-proxy marked the packet for masquerade (KUBE-MARK-MASQ, mark 0x4000). */
  readonly masqueradeMark: boolean;
}
