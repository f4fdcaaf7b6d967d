// What the parsers produce: one event per trace record. Types only.
import type { Dialect, Family, Hook, StepVerdict } from './common.js';
import type { PacketInfo } from './packet.js';

/** Where in the ruleset an event happened. */
export interface ChainRef {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
}

/** Fields every netlink (nft / xtables) event carries. */
interface NetlinkBase extends ChainRef {
  readonly source: 'nft' | 'xtables';
  /** 8 hex digits, as printed. Reused by later packets; see trace/correlate. */
  readonly traceId: string;
}

/** A trace event, one variant per record type. */
export type TraceEvent =
  /** Packet headers, printed once per base-chain invocation. */
  | (NetlinkBase & { readonly kind: 'packet'; readonly packet: PacketInfo })
  /** A rule matched; `handle` known unless the reader could not tell. */
  | (NetlinkBase & {
      readonly kind: 'rule';
      readonly handle: number | null;
      /** Rule text as the reader printed it (nft syntax, or iptables syntax from xtables-monitor). */
      readonly text: string | null;
      readonly verdict: StepVerdict;
      /** Chain for jump / goto. */
      readonly target: string | null;
    })
  /** The base chain's policy decided. */
  | (NetlinkBase & { readonly kind: 'policy'; readonly verdict: StepVerdict })
  /** Older kernels: end of chain (`verdict continue`) or explicit return, no rule handle. */
  | (NetlinkBase & { readonly kind: 'return'; readonly verdict: StepVerdict; readonly target: string | null })
  /** nft >= 1.1.4 on kernel >= 6.16: conntrack state of the packet. */
  | (NetlinkBase & {
      readonly kind: 'conntrack';
      readonly direction: string | null;
      readonly state: string | null;
      readonly status: string[];
      readonly ctId: number | null;
    })
  /** A kernel-log TRACE line: a position in a chain plus the packet, no verdict, no id. */
  | {
      readonly kind: 'log-step';
      readonly source: 'kernlog';
      readonly family: 'ip' | 'ip6';
      readonly table: string;
      readonly chain: string;
      /** `rule` = a rule matched; `return` = tail of a user chain; `policy` = tail of a builtin chain (by shape!). */
      readonly entry: 'rule' | 'return' | 'policy';
      /** 1-based position in the chain. */
      readonly position: number;
      readonly packet: PacketInfo;
      /** ISO 8601 when the envelope had an absolute time, else null. */
      readonly time: string | null;
      /** Monotonic kernel seconds when the envelope had them (dmesg, /dev/kmsg), else null. */
      readonly uptime: number | null;
      /** Hook when the envelope says so (ulogd JSON oob.hook), else null. */
      readonly hook: Hook | null;
    }
  /**
   * A kernel-log line conntrack wrote about a packet it found INVALID (`nf_conntrack_log_invalid`:
   * `nf_ct_proto_6: invalid tcp flag combination IN=... SRC=...`): why, for the trace of that packet.
   */
  | { readonly kind: 'ct-invalid'; readonly source: 'kernlog'; readonly reason: string; readonly packet: PacketInfo }
  /** The reader reported losing kernel events (`# ERROR: We lost some netlink events!`, ENOBUFS): 1 per report. */
  | { readonly kind: 'lost'; readonly source: Dialect; readonly count: number; readonly text: string }
  /** The reader reported an error of its own (xtables-monitor dying, nft diagnostics). */
  | { readonly kind: 'reader-error'; readonly source: Dialect; readonly text: string };

export type TraceEventKind = TraceEvent['kind'];
