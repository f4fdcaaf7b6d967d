// A bounded cache from a text to what it parsed into, for texts that recur across packets (a rule line without its
// trace id, a kernel-log `table:chain:rule:N` position). Two-way set associative, hashed on the length and a few
// sampled characters, confirmed with ===, so a hit costs a handful of char loads and one memcmp, no allocation.
// Pure; no I/O (the cache is the only state, and it never changes an answer).

const SETS = 512; // power of two; 2 ways each

export class TextMemo<T> {
  private readonly keys: string[] = new Array<string>(SETS * 2).fill('');
  /** Each key's full hash: === on sliced strings is a runtime call, so it only runs when the hashes agree. */
  private readonly hashes: number[] = new Array<number>(SETS * 2).fill(0);
  private readonly values: (T | null)[] = new Array<T | null>(SETS * 2).fill(null);

  /** The value cached for exactly this text, or null. */
  get(key: string): T | null {
    const h = hash(key);
    const i = slot(h);
    if (this.hashes[i] === h && this.keys[i] === key) return this.values[i] ?? null;
    if (this.hashes[i + 1] === h && this.keys[i + 1] === key) return this.values[i + 1] ?? null;
    return null;
  }

  /** Caches value for key (the key is copied: see own()); the set's older entry is evicted. Returns value. */
  put(key: string, value: T): T {
    const h = hash(key);
    const i = slot(h);
    this.keys[i + 1] = this.keys[i] ?? '';
    this.hashes[i + 1] = this.hashes[i] ?? 0;
    this.values[i + 1] = this.values[i] ?? null;
    this.keys[i] = own(key);
    this.hashes[i] = h;
    this.values[i] = value;
    return value;
  }
}

/** Length and up to 8 characters spread over the text, the last one included. */
function hash(k: string): number {
  const n = k.length;
  let h = Math.imul(n, 0x9e3779b1);
  const step = (n >> 3) + 1;
  for (let i = n - 1; i >= 0; i -= step) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** First slot of the set for hash h. */
function slot(h: number): number {
  return (h & (SETS - 1)) * 2;
}

/**
 * A copy of s that does not keep the string it was sliced from alive. Lines are slices of the reader's chunk
 * (split2 reads up to 1 MB at a time), and a long-lived cache must not pin one chunk per entry.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
