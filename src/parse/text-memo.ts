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
    return this.getAt(key, 0, key.length);
  }

  /** The value cached for the text s[start, end), or null; no slice of s is made. */
  getAt(s: string, start: number, end: number): T | null {
    const h = hashAt(s, start, end);
    const i = slot(h);
    if (this.hashes[i] === h && same(this.keys[i] ?? '', s, start, end)) return this.values[i] ?? null;
    if (this.hashes[i + 1] === h && same(this.keys[i + 1] ?? '', s, start, end)) return this.values[i + 1] ?? null;
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
  return hashAt(k, 0, k.length);
}

/** hash() of s[start, end). */
function hashAt(s: string, start: number, end: number): number {
  const n = end - start;
  let h = Math.imul(n, 0x9e3779b1);
  const step = (n >> 3) + 1;
  for (let i = end - 1; i >= start; i -= step) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** key === s[start, end) (a slice and ===: V8 compares flat strings faster than startsWith does). */
function same(key: string, s: string, start: number, end: number): boolean {
  return key.length === end - start && (start === 0 && end === s.length ? key === s : key === s.slice(start, end));
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

/** Distinct texts kept by intern(); past it the pool starts over (texts already handed out stay valid). */
const MAX_INTERNED = 20_000;
const interned = new Map<string, string>();

/**
 * One long-lived copy (see own()) per distinct text, shared by the caches of every stage: a chain name or rule text
 * that recurs is then the same string everywhere, compared by identity and hashed once. Bounded.
 */
export function intern(s: string): string {
  let c = interned.get(s);
  if (c === undefined) {
    if (interned.size >= MAX_INTERNED) interned.clear();
    c = own(s);
    interned.set(c, c);
  }
  return c;
}
