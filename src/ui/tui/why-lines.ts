// The short "why" block under the verdict in the path pane: the other near misses (the best one is in the
// explanation already), how many accepting rules could not be compared, the Kubernetes service, and what
// the host did (kernel drop reason, host check findings). Pure.
import type { Trace } from '../../model/trace.js';
import { cannotCompareText, findingText, kernelDropText, kubeLine } from '../view-model.js';
import { seg, type Line } from './style.js';
import { wrapLine } from './wrap.js';

/** Lines (wrapped to `cols`) shown after the verdict line; none when there is nothing to add. */
export function whyLines(t: Trace, cols: number): Line[] {
  const out: Line[] = [];
  const add = (label: string, text: string): void =>
    void out.push(...wrapLine([seg(`  ${label.padEnd(8)}`, 'dim'), seg(text)], cols, 10));
  const why = t.why;
  for (const n of why?.nearMisses.slice(1) ?? []) add('also', n.text);
  const unsure = why?.cannotCompare ?? [];
  if (unsure.length > 0) {
    const more = unsure.length > 1 ? ` (+${unsure.length - 1} more)` : '';
    add('unsure', `${cannotCompareText(unsure[0]!, why?.decidedBy?.chain ?? null)}${more}`);
  }
  if (t.kubernetes != null) add('k8s', kubeLine(t.kubernetes));
  if (t.host != null) {
    const drop = kernelDropText(t.host);
    if (drop !== null) add('kernel', drop);
    for (const f of t.host.findings) add('host', findingText(f));
  }
  return out;
}
