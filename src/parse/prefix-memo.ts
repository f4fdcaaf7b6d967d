// Parse state cached by the text that produced it, to resume a packet body in the middle. Consecutive packets of a
// flow print the same leading fields (interfaces, MACs, addresses; at one hook) and differ from the IP length or
// id on, so a body whose start matches a cached prefix is parsed from there with the cached state. The parsers
// store a prefix only where a statement / token starts, and its state is a function of its text: resuming gives
// exactly what a full parse gives. Pure; no I/O (the cache is the only state).
import { own } from './text-memo.js';

export class PrefixMemo<T> {
  private readonly texts: string[];
  private readonly values: (T | null)[];
  /** Slot of the most recent entry; lookups start there and go backwards. */
  private last = 0;

  constructor(private readonly size = 8) {
    this.texts = new Array<string>(size).fill('');
    this.values = new Array<T | null>(size).fill(null);
  }

  /** Slot of a cached prefix that s continues at a (s[a, a + length) is its text, a + length <= n), else -1. */
  match(s: string, a: number, n: number): number {
    let i = this.last;
    for (let k = 0; k < this.size; k++) {
      const t = this.texts[i] ?? '';
      const len = t.length;
      // Two char probes first: prefixes of other flows or hooks differ at once (their last char is a space).
      if (
        len > 0 &&
        a + len <= n &&
        s.charCodeAt(a + (len >> 1)) === t.charCodeAt(len >> 1) &&
        s.charCodeAt(a + len - 2) === t.charCodeAt(len - 2) &&
        s.slice(a, a + len) === t
      ) {
        return i;
      }
      i = i === 0 ? this.size - 1 : i - 1;
    }
    return -1;
  }

  /** Length of the prefix in slot i. */
  length(i: number): number {
    return (this.texts[i] ?? '').length;
  }

  /** The state cached in slot i (a slot match() returned). */
  value(i: number): T | null {
    return this.values[i] ?? null;
  }

  /** Caches value for the prefix text (copied, see own()), evicting the oldest entry. */
  put(text: string, value: T): void {
    const i = this.last === this.size - 1 ? 0 : this.last + 1;
    this.last = i;
    this.texts[i] = own(text);
    this.values[i] = value;
  }
}
