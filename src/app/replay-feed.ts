// Saved trace output → lines → parse outcomes counted, events and idle ticks handed on, numbered by line: replay
// has no clock, it counts time in lines.
import type { TraceEvent } from '../model/event.js';
import type { FormatChoice, ParseOutcome } from '../model/parse.js';
import type { RunStats } from '../model/session.js';
import { createLineParser, type LineParser } from '../parse/line-parser.js';
import { NFT_RULESET_EVENT, XTABLES_RULESET_EVENT } from '../parse/outcome.js';
import { openChunks } from '../sys/files.js';
import { LineSplitter } from '../sys/line-splitter.js';
import { RepeatWatch, type Repeats } from './repeat-watch.js';
import { countOutcome, newRunStats } from './run-stats.js';

/** Idle traces are looked for every this many lines. */
const TICK_EVERY = 1024;

/** Where the events go (the assembler), each with the number of its line. */
export interface EventSink {
  event(e: TraceEvent, line: number): void;
  /** Time to close the traces idle since before `line`. */
  tick(line: number): void;
}

/** What the reader printed of changes to the ruleset (`nft monitor` without `trace`, xtables-monitor's EVENT lines). */
export interface RulesetChanges {
  count: number;
  /** The first such line. */
  first: string | null;
}

const CHANGE_REASONS: ReadonlySet<string> = new Set([NFT_RULESET_EVENT, XTABLES_RULESET_EVENT]);

/** Lines are counted by length up to this (a terminal copy wraps them all at one width). */
const WIDTHS = 512;

/** Kernel-log stamps that went back (the kernel's never do): the same lines twice, or captures joined. */
export interface StampsBack {
  count: number;
  /** The first: its line number, the stamp, and the one before it. */
  first: { line: number; stamp: string; after: string } | null;
}

export class LineFeed {
  /** Lines, and what the parsers said about those that held no trace record (traces and lost: not counted here). */
  readonly stats: RunStats = newRunStats();
  readonly changes: RulesetChanges = { count: 0, first: null };
  /** How many lines had each length (see wrapped). */
  private readonly widths = new Uint32Array(WIDTHS);
  /** Trace records read (a file of other text is no wrapped capture). */
  private records = 0;
  readonly stampsBack: StampsBack = { count: 0, first: null };
  private lastUptime = -1;
  /** The last record was the reader reporting an error or lost events (xtables-monitor dies after it). */
  endedOnError = false;
  /** xtables-monitor printed one of its fatal lines (parse/diagnostics parseXtablesError): it exited there. */
  xtablesExited = false;
  private readonly repeatWatch = new RepeatWatch();
  /** Netlink readers whose records were read: 1 nft monitor, 2 xtables-monitor. */
  private netlinkReaders = 0;
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
    if (line.length < WIDTHS) this.widths[line.length]!++;
    if (truncated) {
      countOutcome(stats, { kind: 'unparsed', reason: 'line too long', line });
      return;
    }
    this.repeatWatch.see(line, stats.lines);
    this.take(this.parser.push(line), line);
    if (stats.lines % TICK_EVERY === 0) this.out.tick(stats.lines);
  };

  /** A kernel-log stamp 50 ms or more before the last one: CPUs print a little out of order (microseconds), never that. */
  private seeUptime(uptime: number): void {
    const last = this.lastUptime;
    this.lastUptime = uptime;
    if (uptime > last - 0.05) return;
    if (this.stampsBack.count++ === 0)
      this.stampsBack.first = { line: this.stats.lines, stamp: uptime.toFixed(6), after: last.toFixed(6) };
  }

  /**
   * The width a terminal hard-wrapped the capture at, and how many lines have it, when lines were left unparsed and
   * most lines have one length (a wrapped record's pieces all but the last); null otherwise.
   */
  wrapped(): { width: number; lines: number } | null {
    const { lines, unparsed } = this.stats;
    if (lines < 20 || unparsed < lines / 10 || this.records === 0) return null;
    let width = 0;
    for (let w = 40; w < WIDTHS; w++) if (this.widths[w]! > this.widths[width]!) width = w;
    const atWidth = this.widths[width]!;
    return width > 0 && atWidth >= lines / 4 ? { width, lines: atWidth } : null;
  }

  /** The capture's first lines seen again in order (pasted twice, one file given twice); null for none. */
  repeats(): Repeats | null {
    return this.repeatWatch.repeats();
  }

  /** Records of both nft monitor trace and xtables-monitor --trace: they print the same kernel events. */
  bothNetlinkReaders(): boolean {
    return this.netlinkReaders === 3;
  }

  /** End of input: a record the parser still held. */
  end(): void {
    this.take(this.parser.flush());
  }

  /** Counts the outcomes, hands on their events. Indexed loops: for...of would make two iterators a line. */
  private take(outcomes: readonly ParseOutcome[], line = ''): void {
    const stats = this.stats;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!;
      if (o.kind === 'events') {
        for (let k = 0; k < o.events.length; k++) {
          const e = o.events[k]!;
          if (e.kind === 'log-step' && e.uptime !== null) this.seeUptime(e.uptime);
          const report = e.kind === 'lost' || e.kind === 'reader-error';
          this.endedOnError = report;
          if (!report) {
            this.records++;
            if (e.source === 'nft') this.netlinkReaders |= 1;
            else if (e.source === 'xtables') this.netlinkReaders |= 2;
          }
          // Its fatal lines; a `#` line saying ERROR is nft's (parse/diagnostics parseHashLine).
          if (e.kind === 'reader-error' && e.source === 'xtables' && !e.text.startsWith('#')) this.xtablesExited = true;
          this.out.event(e, stats.lines);
        }
      } else {
        countOutcome(stats, o);
        if (o.kind === 'ignored' && CHANGE_REASONS.has(o.reason) && this.changes.count++ === 0)
          this.changes.first = line.trim();
      }
    }
  }
}

/** How reading ended: at the end of the input, because the reader of the output went away, or on a signal. */
export type ReadEnd = 'done' | 'closed' | 'interrupted';

/**
 * Feeds the files' lines to feed, one after the other; after each chunk waits for `pause`, which answers false to
 * stop (the reader of the output went away). `stop` (Ctrl-C) ends the reading at once, even while a FIFO or stdin
 * waits for more: what was read is kept. `endedMidLine` hears of each file whose last line has no newline.
 */
export async function readInto(
  files: readonly string[],
  feed: LineFeed,
  pause: () => boolean | Promise<boolean>,
  endedMidLine: (file: string) => void = () => undefined,
  stop?: AbortSignal,
): Promise<ReadEnd> {
  const stopped = new Promise<'stop'>((resolve) => stop?.addEventListener('abort', () => resolve('stop')));
  for (const file of files) {
    const splitter = new LineSplitter(feed.line);
    const chunks = openChunks(file);
    for (;;) {
      // A read left waiting on a signal is abandoned, not awaited: a FIFO may never answer.
      const next = stop === undefined ? await chunks.next() : await Promise.race([chunks.next(), stopped]);
      if (next === 'stop') {
        splitter.end();
        feed.end();
        return 'interrupted';
      }
      if (next.done === true) break;
      splitter.write(next.value);
      if (!(await pause())) return 'closed';
    }
    splitter.end();
    if (splitter.endedMidLine) endedMidLine(file);
  }
  feed.end();
  return 'done';
}
