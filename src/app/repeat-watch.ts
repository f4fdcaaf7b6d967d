// A capture that repeats itself: its first lines seen again, in the same order (pasted twice, the same file given
// twice, `cat a a`). Trace ids come back on their own (the kernel reuses them), and nft and xtables-monitor lines
// carry no clock, so only the text can tell. Pure; no I/O.
import { own } from '../parse/text-memo.js';

/** This many lines in a row, the capture's first, make a repeat (a packet's own lines are fewer). */
const SPAN = 12;

export interface Repeats {
  /** Times the first lines came back. */
  readonly count: number;
  /** The line the first repeat starts at. */
  readonly first: number;
}

export class RepeatWatch {
  /** The first SPAN non-blank lines. */
  private readonly head: string[] = [];
  /** Lines of head matched in a row so far, and the line the match began at. */
  private matched = 0;
  private start = 0;
  private count = 0;
  private first = 0;

  /** Line number n's text. Costs a length compare for most lines. */
  see(line: string, n: number): void {
    if (line.length === 0) return;
    const head = this.head;
    if (head.length < SPAN) {
      head.push(own(line));
      return;
    }
    if (this.matched > 0) {
      if (line === head[this.matched]) {
        if (++this.matched === SPAN) {
          if (this.count++ === 0) this.first = this.start;
          this.matched = 0;
        }
        return;
      }
      this.matched = 0;
    }
    if (line === head[0]) {
      this.matched = 1;
      this.start = n;
    }
  }

  /** The repeats seen; null for none. */
  repeats(): Repeats | null {
    return this.count === 0 ? null : { count: this.count, first: this.first };
  }
}
