// Real traces for the TUI tests: capture fixtures run through the real parse → assemble pipeline.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trace } from '../../../src/model/trace.js';
import { replayText } from '../../helpers/replay-text.js';

export const CAPTURES = join(import.meta.dirname, '../../fixtures/captures');

const RULE_FILES: Record<string, readonly string[]> = {
  legacy: ['rules.iptables-save', 'rules.ip6tables-save'],
  xtables: ['rules.iptables-save', 'rules.ip6tables-save'],
  nft: ['rules.nft.json'],
};

/** Traces of `<dialect>/<reader>/<scenario>.txt` with that scenario's ruleset dumps. */
export function captureTraces(dialect: 'legacy' | 'xtables' | 'nft', reader: string, scenario: string): Trace[] {
  const dumps = (RULE_FILES[dialect] ?? [])
    .map((f) => join(CAPTURES, dialect, 'rules', scenario, f))
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p, 'utf8'));
  return replayText(readFileSync(join(CAPTURES, dialect, reader, `${scenario}.txt`), 'utf8'), { dumps }).traces;
}

export function first(traces: readonly Trace[], pred: (t: Trace) => boolean = () => true): Trace {
  const t = traces.find(pred);
  if (!t) throw new Error('no trace matches');
  return t;
}
