// Comment and diagnostic lines the readers print besides trace records: `# ...` lines, fatal errors.
// Pure; no I/O.
import type { Dialect } from '../model/common.js';
import type { ParseOutcome } from '../model/parse.js';
import type { TraceEvent } from '../model/event.js';
import { eventsOf, ignored, oneEvent } from './outcome.js';

/** A line starting with `#`: nft's lost-events warning, an nft error, or a comment (`# source:`, `# new generation`). */
export function parseHashLine(line: string, source: Dialect): ParseOutcome {
  // nft prints this when the netlink socket overflowed (ENOBUFS): events are gone, not delayed.
  if (line.includes('lost some netlink events'))
    return oneEvent(source, { kind: 'lost', source, count: 1, text: line });
  if (line.includes('ERROR')) return oneEvent(source, { kind: 'reader-error', source, text: line });
  return ignored(line.startsWith('# new generation') ? 'nft ruleset generation event' : 'comment');
}

/** xtables-monitor's fatal lines (it exits after them); null when the line is not one. */
export function parseXtablesError(line: string): ParseOutcome | null {
  if (
    line.startsWith('Error: ') ||
    line.startsWith('error: ') ||
    line.startsWith('xtables-monitor ') ||
    line.startsWith('Perhaps xtables-monitor') ||
    line.startsWith('cannot ')
  ) {
    const text = line.trimEnd();
    const error: TraceEvent = { kind: 'reader-error', source: 'xtables', text };
    // ENOBUFS: the socket overflowed and events were dropped before the reader died (how many, it does not say).
    if (!text.includes('No buffer space available')) return oneEvent('xtables', error);
    return eventsOf('xtables', [{ kind: 'lost', source: 'xtables', count: 1, text }, error]);
  }
  return null;
}
