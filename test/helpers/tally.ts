// Counts traces by a key (what decided them, mostly), to compare with the kernel's rule counters.
import type { Trace } from '../../src/model/trace.js';

export function tally<T = Trace>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) {
    const k = key(t);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** `accept filter/FORWARD 3`, `drop filter/FORWARD policy`: the verdict with the rule given by `rule`. */
export function decidedBy(t: Trace, rule: (r: NonNullable<Trace['verdict']['rule']>) => unknown): string {
  const v = t.verdict;
  return `${v.action} ${v.table}/${v.chain} ${v.by === 'policy' ? 'policy' : v.rule === null ? 'null' : String(rule(v.rule))}`;
}

/** The trace of this id (the test knows it is there). */
export function byId(traces: readonly Trace[], id: string): Trace {
  return traces.find((t) => t.id === id)!;
}
