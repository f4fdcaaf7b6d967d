// A Map from string keys to short-lived values, for the open traces of the assembler. A JS Map with entries coming
// and going rebuilds its table now and then, and V8 leaves the old table as it was: once the map lives in the old
// generation, each old table keeps the values it held reachable for the young-generation GC until the next full
// GC, so short-lived traces (and the input they point into) get promoted wholesale. Here the Map holds only slot
// numbers; values sit in an array whose slot is cleared when its key goes. Insertion order is kept. Pure; no I/O.

export class SlotMap<V> {
  private readonly slots = new Map<string, number>();
  private readonly values: (V | undefined)[] = [];
  private readonly free: number[] = [];

  get size(): number {
    return this.slots.size;
  }

  get(key: string): V | undefined {
    const i = this.slots.get(key);
    return i === undefined ? undefined : this.values[i];
  }

  set(key: string, value: V): void {
    const i = this.slots.get(key);
    if (i !== undefined) {
      this.values[i] = value;
      return;
    }
    const slot = this.free.pop() ?? this.values.length;
    this.values[slot] = value;
    this.slots.set(key, slot);
  }

  delete(key: string): boolean {
    const i = this.slots.get(key);
    if (i === undefined) return false;
    this.slots.delete(key);
    this.values[i] = undefined;
    this.free.push(i);
    return true;
  }

  /** The first key in insertion order. */
  firstKey(): string | undefined {
    return this.slots.keys().next().value;
  }

  /** The keys in insertion order (a copy: safe to delete while going through it). */
  keys(): string[] {
    return [...this.slots.keys()];
  }

  /** The entries in insertion order (a copy: safe to delete while going through it). */
  entries(): [string, V][] {
    const out: [string, V][] = [];
    for (const [key, i] of this.slots) out.push([key, this.values[i]!]);
    return out;
  }

  clear(): void {
    this.slots.clear();
    this.values.length = 0;
    this.free.length = 0;
  }
}
