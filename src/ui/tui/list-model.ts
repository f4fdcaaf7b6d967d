// The packet list's state: a ring of traces, the `/` filter, the selection, follow and pause. Pure.
import type { Trace } from '../../model/trace.js';
import { haystack, matches } from './list-row.js';
import { Ring } from './ring.js';

export interface Entry {
  /** 1-based arrival number, stable while the entry is in the ring. */
  readonly seq: number;
  readonly trace: Trace;
  /** Lower-case search text for the filter. */
  readonly hay: string;
  /** Arrival clock (ms), or null in replay. */
  readonly at: number | null;
}

export class ListModel {
  private readonly ring: Ring<Entry>;
  private lastSeq = 0;
  private version = 0;
  private filterText = '';
  private frozenAt: number | null = null;
  private selectedSeq: number | null = null;
  private top = 0;
  private cache: { key: string; rows: Entry[] } | null = null;

  constructor(
    capacity: number,
    public follow: boolean,
  ) {
    this.ring = new Ring<Entry>(capacity);
  }

  add(trace: Trace, at: number | null): void {
    this.ring.push({ seq: ++this.lastSeq, trace, hay: haystack(trace), at });
    this.version++;
  }

  clear(): void {
    this.ring.clear();
    this.version++;
    this.selectedSeq = null;
    this.top = 0;
    if (this.frozenAt !== null) this.frozenAt = this.lastSeq;
  }

  /** Traces received so far, the ones the ring dropped included. */
  get received(): number {
    return this.lastSeq;
  }

  get stored(): number {
    return this.ring.size;
  }

  get paused(): boolean {
    return this.frozenAt !== null;
  }

  /** Traces that arrived since the list was paused. */
  get pending(): number {
    return this.frozenAt === null ? 0 : this.lastSeq - this.frozenAt;
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text;
  }

  togglePause(): void {
    this.frozenAt = this.frozenAt === null ? this.lastSeq : null;
  }

  toggleFollow(): void {
    this.follow = !this.follow;
    if (this.follow) this.selectedSeq = null;
  }

  /** What the list shows: filtered, and frozen at the pause point while paused. Sorted by seq. */
  visible(): readonly Entry[] {
    const key = `${this.version}\u0000${this.filterText}\u0000${this.frozenAt ?? ''}`;
    if (this.cache?.key === key) return this.cache.rows;
    const rows: Entry[] = [];
    for (const e of this.ring) {
      if (this.frozenAt !== null && e.seq > this.frozenAt) break;
      if (matches(e.hay, this.filterText)) rows.push(e);
    }
    this.cache = { key, rows };
    return rows;
  }

  /** Index of the selection in visible(), or -1 when the list is empty. */
  selectedIndex(): number {
    const rows = this.visible();
    if (rows.length === 0) return -1;
    if (this.follow && !this.paused) return rows.length - 1;
    if (this.selectedSeq === null) return this.follow ? rows.length - 1 : 0;
    // The first row at or after the selected arrival number (it may have been filtered out or evicted).
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.seq < this.selectedSeq) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(lo, rows.length - 1);
  }

  selected(): Entry | null {
    return this.visible()[this.selectedIndex()] ?? null;
  }

  /** Moves the selection by `delta` rows; moving up stops following. */
  move(delta: number): void {
    const rows = this.visible();
    if (rows.length === 0) return;
    const to = Math.max(0, Math.min(rows.length - 1, this.selectedIndex() + delta));
    if (delta < 0) this.follow = false;
    this.selectedSeq = rows[to]!.seq;
  }

  toTop(): void {
    this.follow = false;
    this.move(-Infinity);
  }

  toBottom(): void {
    this.move(Infinity);
  }

  /** The rows a pane `height` rows tall shows, scrolled so the selection is visible. */
  window(height: number): { rows: readonly Entry[]; selected: number; first: number } {
    const rows = this.visible();
    const sel = this.selectedIndex();
    const h = Math.max(1, height);
    if (sel >= 0 && sel < this.top) this.top = sel;
    if (sel >= this.top + h) this.top = sel - h + 1;
    this.top = Math.max(0, Math.min(this.top, rows.length - h));
    return { rows: rows.slice(this.top, this.top + h), selected: sel - this.top, first: this.top };
  }
}
