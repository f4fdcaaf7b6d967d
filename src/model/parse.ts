// What a parser returns for one input line. Types only.
import type { Dialect } from './common.js';
import type { TraceEvent } from './event.js';

/** One input line's outcome. Parsers never throw. */
export type ParseOutcome =
  /** The line held one or more trace records (xtables-monitor can glue several onto one line). */
  | { readonly kind: 'events'; readonly dialect: Dialect; readonly events: readonly TraceEvent[] }
  /** Understood and deliberately not a trace record: blank, `# source:` comments, ruleset events, NEWGEN. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Not understood; counted and reported, never fatal. */
  | { readonly kind: 'unparsed'; readonly reason: string; readonly line: string };

/** `--format`: force one dialect or detect per line. */
export type FormatChoice = 'auto' | Dialect;
