// Real kernel captures replayed with their rulesets the way the live backends snapshot them, per reader.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trace } from '../../src/model/trace.js';
import { replayText } from '../helpers/replay-text.js';

const DIR = 'test/fixtures/captures';

export interface Run {
  readonly dialect: 'legacy' | 'xtables' | 'nft';
  readonly reader: string;
}

/** Every reader of every dialect. */
export const RUNS: readonly Run[] = [
  { dialect: 'legacy', reader: 'kernlog' },
  { dialect: 'xtables', reader: 'xtables-monitor' },
  { dialect: 'xtables', reader: 'nft-monitor' },
  { dialect: 'nft', reader: 'nft-monitor' },
];

const RULES: Record<Run['dialect'], readonly string[]> = {
  legacy: ['rules.iptables-save', 'rules.ip6tables-save'],
  xtables: ['rules.nft', 'rules.iptables-save', 'rules.ip6tables-save'],
  nft: ['rules.nft.json'],
};

/** The traces of one scenario as `run` read it, replayed with that scenario's ruleset dumps. */
export function traces(run: Run, scenario: string): Trace[] {
  const dumps = RULES[run.dialect]
    .map((f) => join(DIR, run.dialect, 'rules', scenario, f))
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p, 'utf8'));
  return replayText(readFileSync(join(DIR, run.dialect, run.reader, `${scenario}.txt`), 'utf8'), { dumps }).traces;
}

/** `name` as the dialect spells a lab chain (nft lower-cases them and uses `-` for `_`). */
export function chainName(run: Run, name: string): string {
  return run.dialect === 'nft' ? name.toLowerCase().replace(/_/g, '-') : name;
}
