// Taking a ruleset snapshot for the rule index: run the plan's dump commands and read them.
import type { RulesetSnapshot, RuleIndex } from '../model/ruleset.js';
import type { TracePlan } from '../model/plan.js';
import { combineSnapshots } from '../ruleset/combine.js';
import { readRuleset } from '../ruleset/read-ruleset.js';
import { buildRuleIndex } from '../ruleset/rule-index.js';
import { runCommand } from '../sys/exec.js';

/** The index, or the reason no dump could be read (a warning, not an error: traces still work). */
export async function takeSnapshot(plan: TracePlan): Promise<{ index: RuleIndex | undefined; problem: string | null }> {
  const snaps: RulesetSnapshot[] = [];
  let problem: string | null = null;
  for (const cmd of plan.snapshot) {
    const r = await runCommand(cmd);
    if (!r.ok) {
      problem = `${cmd.argv.join(' ')}: ${r.summary}`;
      continue;
    }
    if (r.stdout.trim() !== '') snaps.push(readRuleset(r.stdout));
  }
  const merged = combineSnapshots(snaps);
  if (!merged) return { index: undefined, problem: problem ?? 'no ruleset dump' };
  return { index: buildRuleIndex(merged), problem };
}
