// What a live trace will do to the system, decided before anything changes. Types only.
import type { CommandSpec } from './command.js';
import type { Dialect } from './common.js';

export type BackendId = 'nft' | 'xtables' | 'legacy';

/** How to tell that a reader really listens. */
export type ReadyCheck =
  /** A netlink socket of the reader is subscribed to NFNLGRP_NFTRACE. */
  | { readonly kind: 'nftrace-socket' }
  /** The reader has this file open (/dev/kmsg). */
  | { readonly kind: 'open-file'; readonly path: string }
  /** Nothing to observe (journalctl): give it this long after it started. */
  | { readonly kind: 'settle'; readonly ms: number };

/** A sysctl the run sets and restores. */
export interface SysctlChange {
  readonly key: string;
  readonly value: string;
  /** Run inside this netns (the sysctl may be per namespace). */
  readonly netns: string | null;
}

/** The exact commands of one session: printed by --dry-run, run by the session, undone on every exit path. */
export interface TracePlan {
  readonly backend: BackendId;
  /** `<pid>_<random>`: tags the table or rule comments, so cleanup can tell whose they are. */
  readonly session: string;
  readonly netns: string | null;
  readonly install: readonly CommandSpec[];
  readonly remove: readonly CommandSpec[];
  readonly reader: CommandSpec;
  readonly readerDialect: Dialect;
  readonly ready: ReadyCheck;
  /** Ruleset dumps for the rule index, in the user's dialect. */
  readonly snapshot: readonly CommandSpec[];
  /** Set for the run (nf_log_all_netns for the kernel log inside a netns), restored after. */
  readonly sysctl: SysctlChange | null;
}
