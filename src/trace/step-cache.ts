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
  private readonly map = new Map<string, BuiltStep>();

  /** The cached step for `key`, building it with `make` the first time. */
  get(key: string, make: () => BuiltStep): BuiltStep {
    let built = this.map.get(key);
    if (built === undefined) {
      if (this.map.size >= LIMIT) this.map.clear();
      built = make();
      this.map.set(key, built);
    }
    return built;
  }

  clear(): void {
    this.map.clear();
  }
}
