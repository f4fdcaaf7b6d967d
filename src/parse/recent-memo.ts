// A tiny cache of the last few texts parsed → what they parsed into, compared with ===. For texts that repeat only
// for a short while: the packet body on the lines of one packet (one per hook it passes), the part of a body that
// is the same at every hook. Pure; no I/O (the cache is the only state, and it never changes an answer).

const SIZE = 8;

export class RecentMemo<T> {
  private readonly texts: string[] = new Array<string>(SIZE).fill('');
  private readonly values: (T | null)[] = new Array<T | null>(SIZE).fill(null);
  /** Slot of the most recent entry; lookups start there and go backwards. */
  private last = 0;

  /** The value cached for this exact text, or null. */
  get(text: string): T | null {
    let i = this.last;
    for (let k = 0; k < SIZE; k++) {
      if (this.texts[i] === text) return this.values[i] ?? null;
      i = i === 0 ? SIZE - 1 : i - 1;
    }
    return null;
  }

  /**
   * Caches value for text (evicting the oldest entry) and returns it. The text is kept as it is, a slice of its
   * line: with 8 entries at most 8 reader chunks stay alive a little longer.
   */
  put(text: string, value: T): T {
    const i = this.last === SIZE - 1 ? 0 : this.last + 1;
    this.last = i;
    this.texts[i] = text;
    this.values[i] = value;
    return value;
  }
}
