// Counting what the parsers said about each line.
import type { ParseOutcome } from '../model/parse.js';
import type { RunStats } from '../model/session.js';

/** Most distinct unparsed reasons kept (a hostile input must not grow the map without bound). */
const MAX_REASONS = 50;

export function newRunStats(): RunStats {
  return { lines: 0, unparsed: 0, ignored: 0, traces: 0, lost: 0, unparsedReasons: {} };
}

/** Counts one non-event outcome. */
export function countOutcome(stats: RunStats, o: Exclude<ParseOutcome, { kind: 'events' }>): void {
  if (o.kind === 'ignored') {
    stats.ignored++;
    return;
  }
  stats.unparsed++;
  const reasons = stats.unparsedReasons;
  const seen = reasons[o.reason];
  if (seen !== undefined) reasons[o.reason] = seen + 1;
  else if (Object.keys(reasons).length < MAX_REASONS) reasons[o.reason] = 1;
  else reasons['other'] = (reasons['other'] ?? 0) + 1;
}
