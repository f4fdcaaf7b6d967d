// Saved trace output → lines → parse outcomes counted, events and idle ticks handed on, numbered by line: replay
// has no clock, it counts time in lines.
import type { TraceEvent } from '../model/event.js';
import type { FormatChoice, ParseOutcome } from '../model/parse.js';
import type { RunStats } from '../model/session.js';
import { createLineParser, type LineParser } from '../parse/line-parser.js';
import { openChunks } from '../sys/files.js';
import { LineSplitter } from '../sys/line-splitter.js';
import { countOutcome, newRunStats } from './run-stats.js';

/** Idle traces are looked for every this many lines. */
const TICK_EVERY = 1024;

/** Where the events go (the assembler), each with the number of its line. */
export interface EventSink {
  event(e: TraceEvent, line: number): void;
  /** Time to close the traces idle since before `line`. */
  tick(line: number): void;
}

export class LineFeed {
  /** Lines, and what the parsers said about those that held no trace record (traces and lost: not counted here). */
  readonly stats: RunStats = newRunStats();
  private readonly parser: LineParser;

  constructor(
    format: FormatChoice,
    private readonly out: EventSink,
  ) {
    this.parser = createLineParser(format);
  }

  /** One line (see sys/line-splitter): a LineSink. */
  readonly line = (line: string, truncated: boolean): void => {
    const stats = this.stats;
    stats.lines++;
    if (truncated) {
      countOutcome(stats, { kind: 'unparsed', reason: 'line too long', line });
      return;
    }
    this.take(this.parser.push(line));
    if (stats.lines % TICK_EVERY === 0) this.out.tick(stats.lines);
  };

  /** End of input: a record the parser still held. */
  end(): void {
    this.take(this.parser.flush());
  }

  /** Counts the outcomes, hands on their events. Indexed loops: for...of would make two iterators a line. */
  private take(outcomes: readonly ParseOutcome[]): void {
    const stats = this.stats;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      if (o.kind !== 'events') countOutcome(stats, o);
      else for (let k = 0; k < o.events.length; k++) this.out.event(o.events[k]!, stats.lines);
    }
  }
}

/**
 * Feeds the files' lines to feed, one after the other; after each chunk waits for `pause`, which answers false to
 * stop (the reader of the output went away). Returns false when stopped. `endedMidLine` hears of each file whose
 * last line has no newline.
 */
export async function readInto(
  files: readonly string[],
  feed: LineFeed,
  pause: () => boolean | Promise<boolean>,
  endedMidLine: (file: string) => void = () => undefined,
): Promise<boolean> {
  for (const file of files) {
    const splitter = new LineSplitter(feed.line);
    for await (const chunk of openChunks(file)) {
      splitter.write(chunk);
      if (!(await pause())) return false;
    }
    splitter.end();
    if (splitter.endedMidLine) endedMidLine(file);
  }
  feed.end();
  return true;
}
