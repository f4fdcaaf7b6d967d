// Constructors for ParseOutcome values, so every parser words and shapes them the same way.
// Pure; no I/O (a few shared, frozen `ignored` outcomes are the only state).
import type { Dialect } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { ParseOutcome } from '../model/parse.js';

/** The reasons of lines that report a change of the ruleset (the capture then spans two rulesets). */
export const NFT_RULESET_EVENT = 'nft ruleset event';
export const XTABLES_RULESET_EVENT = 'xtables-monitor ruleset event';

/** Longest line kept verbatim in an `unparsed` outcome. */
const KEEP_MAX = 65536;

export function eventsOf(dialect: Dialect, events: readonly TraceEvent[]): ParseOutcome {
  return { kind: 'events', dialect, events };
}

export function oneEvent(dialect: Dialect, event: TraceEvent): ParseOutcome {
  return { kind: 'events', dialect, events: [event] };
}

/** Ignored outcomes carry nothing but a reason (one of a few literals): one frozen object per reason is shared. */
const IGNORED = new Map<string, ParseOutcome>();

export function ignored(reason: string): ParseOutcome {
  let o = IGNORED.get(reason);
  if (o === undefined) {
    o = Object.freeze({ kind: 'ignored', reason } as const);
    if (IGNORED.size < 64) IGNORED.set(reason, o);
  }
  return o;
}

export function unparsed(reason: string, line: string): ParseOutcome {
  return { kind: 'unparsed', reason, line: line.length > KEEP_MAX ? line.slice(0, 1024) + '…' : line };
}
