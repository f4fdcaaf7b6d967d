// The lines of one packet follow each other and repeat its trace id: they get one string for it, which the
// assembler's maps then hash once and compare by identity. Pure; no I/O (the last id is the only state).
import { same } from './log-keys.js';

export class RecentId {
  private last = '';

  /** s[a, b), as the string the previous call returned when the text is the same. */
  at(s: string, a: number, b: number): string {
    const last = this.last;
    if (last.length === b - a && same(s, a, last)) return last;
    return (this.last = s.slice(a, b));
  }
}
