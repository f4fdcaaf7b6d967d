// Steps are immutable and the same few rules match packet after packet: build each distinct step once.
// A hot-path cache, bounded; cleared when the rule index changes. Pure; no I/O.
import type { RuleNat } from '../model/ruleset.js';
import type { TraceStep } from '../model/trace.js';

export interface BuiltStep {
  readonly step: TraceStep;
  readonly nat: RuleNat | null;
}

const LIMIT = 20_000;

export class StepCache {
  /** By rule text first: the parsers hand out the same text string for a repeated rule, whose hash V8 keeps. */
  private readonly map = new Map<string | null, Map<string, BuiltStep>>();
  private size = 0;

  /** The cached step for (`text`, `key`), building it with `make` the first time. */
  get(text: string | null, key: string, make: () => BuiltStep): BuiltStep {
    let inner = this.map.get(text);
    if (inner === undefined) {
      inner = new Map();
      this.map.set(text, inner);
    }
    let built = inner.get(key);
    if (built === undefined) {
      if (this.size >= LIMIT) this.clear();
      built = make();
      inner.set(key, built);
      this.size++;
      if (!this.map.has(text)) this.map.set(text, inner);
    }
    return built;
  }

  clear(): void {
    this.map.clear();
    this.size = 0;
  }
}
