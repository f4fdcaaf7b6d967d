// Finished traces held back until every older one is finished too (replay prints packets in arrival order), by
// creation number. An array with cleared slots, not a Map: see slot-map.ts for why. Pure; no I/O.

export class ReleaseQueue<T> {
  private items: (T | undefined)[] = [];
  /** Index in items of the next number to release. */
  private head = 0;
  /** The next creation number to release (numbers start at 1). */
  private next = 1;

  /** Holds the finished item number `seq` (>= the next one to release). */
  put(seq: number, item: T): void {
    const at = this.head + seq - this.next;
    while (this.items.length <= at) this.items.push(undefined);
    this.items[at] = item;
  }

  /** Appends to out the items now in order (the next number and those after it with no gap). */
  release(out: T[]): void {
    for (let item = this.items[this.head]; item !== undefined; item = this.items[this.head]) {
      this.items[this.head++] = undefined;
      this.next++;
      out.push(item);
    }
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
