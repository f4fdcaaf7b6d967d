// Runs the pure pipeline (parse → assemble) over trace text with optional ruleset dumps, as replay does.
import type { FormatChoice } from '../../src/model/parse.js';
import type { RulesetSnapshot } from '../../src/model/ruleset.js';
import type { Trace } from '../../src/model/trace.js';
import { createLineParser } from '../../src/parse/line-parser.js';
import { combineSnapshots } from '../../src/ruleset/combine.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { Assembler } from '../../src/trace/assembler.js';

/** Ruleset dumps, combined as `replay --rules` and the live snapshot combine them. */
export interface Rules {
  readonly dumps?: readonly string[];
}

function snapshotOf(r: Rules): RulesetSnapshot | undefined {
  return combineSnapshots((r.dumps ?? []).map(readRuleset));
}

export function replayText(
  text: string,
  rules: Rules = {},
  format: FormatChoice = 'auto',
): { traces: Trace[]; unparsed: number; lost: number } {
  const snapshot = snapshotOf(rules);
  const a = new Assembler({
    index: snapshot ? buildRuleIndex(snapshot) : undefined,
    idle: 20_000,
    maxOpen: 4096,
    ordered: true,
  });
  const p = createLineParser(format);
  const traces: Trace[] = [];
  let unparsed = 0;
  let n = 0;
  const take = (outcomes: ReturnType<typeof p.push>): void => {
    for (const o of outcomes) {
      if (o.kind === 'unparsed') unparsed++;
      if (o.kind === 'events') for (const e of o.events) traces.push(...a.push(e, n));
    }
  };
  for (const line of text.split('\n')) {
    n++;
    take(p.push(line));
  }
  take(p.flush());
  traces.push(...a.flush());
  return { traces, unparsed, lost: a.stats.lost };
}
