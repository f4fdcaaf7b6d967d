// Facts of one namespace, gathered at most every `maxAgeMs` however many traces ask, one gathering at a time.
import type { HostFacts } from './facts.js';

export interface FactsSource {
  (now: number): Promise<HostFacts | null>;
}

export class FactsCache {
  private facts: HostFacts | null = null;
  private at = -Infinity;
  private pending: Promise<HostFacts | null> | null = null;

  constructor(
    private readonly gather: FactsSource,
    private readonly maxAgeMs = 2000,
  ) {}

  /** Fresh enough facts (gathering them when older than maxAgeMs); null when they cannot be had. */
  get(now: number): Promise<HostFacts | null> {
    if (now - this.at < this.maxAgeMs) return Promise.resolve(this.facts);
    // Traces that arrive while a gathering runs wait for that one instead of starting another.
    this.pending ??= this.gather(now).then(
      (facts) => {
        this.facts = facts;
        this.at = now;
        this.pending = null;
        return facts;
      },
      () => {
        this.at = now;
        this.pending = null;
        return this.facts;
      },
    );
    return this.pending;
  }
}
