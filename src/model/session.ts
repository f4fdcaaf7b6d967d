// What a session tells its renderers. Types only.
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
  | { readonly kind: 'warning'; readonly message: string };
