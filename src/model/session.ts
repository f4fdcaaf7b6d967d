// What a session tells its renderers. Types only.
import type { BackendId } from './plan.js';
import type { ProbeResult } from './probe.js';
import type { Trace } from './trace.js';

/** Counters of one run (replay or live). */
export interface RunStats {
  /** Input lines read. */
  lines: number;
  /** Lines not understood (counted, never fatal). */
  unparsed: number;
  /** Lines understood and deliberately skipped (comments, ruleset events). */
  ignored: number;
  traces: number;
  /** Events the kernel reader reported lost. */
  lost: number;
  /** Unparsed lines per reason, for the summary. */
  unparsedReasons: Record<string, number>;
}

/** Everything a renderer may be told. */
export type SessionEvent =
  /** One packet's finished trace. */
  | { readonly kind: 'trace'; readonly trace: Trace }
  /** Periodic and final counters. */
  | { readonly kind: 'stats'; readonly stats: Readonly<RunStats>; readonly final: boolean }
  /** Something the user should know that is not an error (reader errors, missing ruleset). */
  | { readonly kind: 'warning'; readonly message: string }
  /** Live: the rules are in and the reader listens. */
  | { readonly kind: 'armed'; readonly armed: Armed }
  /** Live, --probe: the packet sent once armed (or why it could not be). */
  | { readonly kind: 'probe'; readonly probe: ProbeResult }
  /** Live: the run removed what it added (or says what is left). */
  | { readonly kind: 'disarmed'; readonly disarmed: Disarmed };

/** What a live run installed. */
export interface Armed {
  readonly session: string;
  readonly backend: BackendId;
  readonly netns: string | null;
  readonly filter: string;
  /** The install commands, as a person would type them. */
  readonly commands: readonly string[];
  /** Why this backend (auto choice) or "chosen with --backend". */
  readonly reasons: readonly string[];
  readonly rate: number | null;
}

/** How a live run ended. */
export interface Disarmed {
  readonly session: string;
  /** The remove commands that were run. */
  readonly removed: readonly string[];
  /** True when every object the run added is verified gone. */
  readonly clean: boolean;
  /** Remove commands whose object is still there. */
  readonly leftovers: readonly string[];
  /** `key=value` of a sysctl put back, or null. */
  readonly sysctlRestored: string | null;
  /** Why the run stopped: `count`, `timeout`, `signal SIGINT`, `reader exited`, `error`, `quit`. */
  readonly reason: string;
}
