// Route answers per (src, dst, iif, mark): a drop floods in with the same packet again and again, and one
// lookup serves them all for `maxAgeMs` (routes change: the answer is asked again after that). Bounded.
import type { RouteEvidence } from './diagnose-route.js';
import { routeKey, type RouteQuery } from './route.js';

interface Entry {
  readonly at: number;
  readonly answer: Promise<RouteEvidence>;
}

export class RouteCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly lookup: (q: RouteQuery) => Promise<RouteEvidence>,
    private readonly maxAgeMs = 2000,
    private readonly maxEntries = 256,
  ) {}

  get(q: RouteQuery, now: number): Promise<RouteEvidence> {
    const key = routeKey(q);
    const hit = this.entries.get(key);
    if (hit !== undefined && now - hit.at < this.maxAgeMs) return hit.answer;
    if (hit !== undefined) this.entries.delete(key);
    // Oldest first: Map keeps insertion order.
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    const answer = this.lookup(q);
    this.entries.set(key, { at: now, answer });
    return answer;
  }

  get size(): number {
    return this.entries.size;
  }
}
