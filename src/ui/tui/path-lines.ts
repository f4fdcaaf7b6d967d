// The selected packet's path as styled lines: hooks in order with the routing decisions between them,
// per hook the tables and chains (jumps shown flat, never deeper), rule text and counters, NAT, verdict. Pure.
import type { NatRewrite, StepRule, Trace, TraceStep } from '../../model/trace.js';
import { countersText, flowText, interfacesText, stepsByHook, stepVerdictText, verdictTone } from '../view-model.js';
import { toneStyle } from './list-row.js';
import { fit, seg, whole, width, type Glyphs, type Line } from './style.js';
import { whyLines } from './why-lines.js';
import { mappingNote, natTargetText } from '../../trace/nat.js';
import { wrapLine } from './wrap.js';

export interface PathOptions {
  readonly cols: number;
  readonly glyphs: Glyphs;
}

const ROUTING: Readonly<Record<string, string>> = {
  'prerouting>forward': 'routing: forward',
  'prerouting>input': 'routing: local delivery',
  'output>postrouting': 'routing: local output',
};

/** The routing decision the kernel takes between two hooks, if any. */
export function routingBetween(from: string, to: string): string | null {
  return ROUTING[`${from}>${to}`] ?? null;
}

/** `DNAT dst 10.96.0.10:80 -> 10.66.2.3:80`. */
export function natSummary(n: NatRewrite, oif?: string): string {
  const side = n.kind === 'dnat' || n.kind === 'redirect' ? 'dst' : 'src';
  return `${n.kind.toUpperCase()} ${side} ${n.from} -> ${natTargetText(n, oif)}`;
}

function sameRule(a: StepRule | null, b: StepRule | null): boolean {
  if (!a || !b) return false;
  if (a.position !== null && b.position !== null) return a.position === b.position;
  return a.handle !== null && a.handle === b.handle;
}

/** Index of the step that decided the verdict (the last one matching it), or -1. */
export function decidingStep(t: Trace): number {
  const v = t.verdict;
  for (let i = t.steps.length - 1; i >= 0; i--) {
    const s = t.steps[i]!;
    if (s.hook !== v.hook || s.table !== v.table || s.chain !== v.chain) continue;
    if (v.by === 'policy' ? s.kind === 'policy' : s.kind === 'rule' && (v.rule === null || sameRule(s.rule, v.rule)))
      return i;
  }
  return -1;
}

/** Where each rewrite is shown: after the step that did it, else at the end of its hook, else at the end. */
function placeNat(t: Trace): {
  byStep: Map<number, NatRewrite[]>;
  byHook: Map<string, NatRewrite[]>;
  rest: NatRewrite[];
} {
  const byStep = new Map<number, NatRewrite[]>();
  const byHook = new Map<string, NatRewrite[]>();
  const rest: NatRewrite[] = [];
  const add = <K>(m: Map<K, NatRewrite[]>, k: K, n: NatRewrite): void => void m.set(k, [...(m.get(k) ?? []), n]);
  for (const n of t.nat) {
    const i = t.steps.findIndex(
      (s) => s.hook === n.hook && s.table === n.table && s.chain === n.chain && sameRule(s.rule, n.rule),
    );
    if (i >= 0) add(byStep, i, n);
    else if (t.steps.some((s) => s.hook === n.hook)) add(byHook, n.hook, n);
    else rest.push(n);
  }
  return { byStep, byHook, rest };
}

function stepLabel(s: TraceStep): string {
  if (s.kind === 'policy') return 'policy';
  if (s.kind === 'return') return 'end of chain';
  if (s.rule?.position != null) return `rule ${s.rule.position}`;
  if (s.rule?.handle != null) return `rule #${s.rule.handle}`;
  return 'rule';
}

function natLine(n: NatRewrite, indent: number, o: PathOptions, t: Trace): Line[] {
  const how = mappingNote(n, t.steps, t).replace(' (', '  (');
  return wrapLine(
    [seg(' '.repeat(indent)), seg(`${o.glyphs.arrow} ${natSummary(n, t.packet.oif)}`, 'nat'), seg(how, 'dim')],
    o.cols,
    indent + 2,
  );
}

/** The whole pane for one trace. */
export function pathLines(t: Trace, o: PathOptions): Line[] {
  const out: Line[] = [];
  const push = (line: Line, hang: number): void => void out.push(...wrapLine(line, o.cols, hang));
  push([seg(`trace ${t.id}  `, 'title'), seg(flowText(t.packet)), seg(`  ${interfacesText(t)}`, 'dim')], 2);
  const tableCol = Math.min(16, Math.max(0, ...t.steps.map((s) => width(s.table))));
  const chainAt = 2 + 2 + tableCol + 1;
  const decided = decidingStep(t);
  const nat = placeNat(t);
  let index = 0;
  let prevHook: string | null = null;
  for (const group of stepsByHook(t)) {
    const routing = prevHook !== null ? routingBetween(prevHook, group.hook) : null;
    if (routing !== null) out.push([seg(`${o.glyphs.rule}${o.glyphs.rule} ${routing}`, 'routing')]);
    out.push([seg(group.hook.toUpperCase(), 'hook')]);
    let prevTable: string | null = null;
    // The owner is tagged where it changes: a run of kube-proxy chains is tagged once.
    let prevOwner: string | null = null;
    for (const s of group.steps) {
      const mark = index === decided ? `${o.glyphs.marker} ` : '  ';
      const table = s.table === prevTable ? '' : s.table;
      const counters = countersText(s.rule);
      push(
        [
          seg(`  ${mark}`, 'bold'),
          seg(fit(table, tableCol, o.glyphs.ellipsis), 'dim'),
          seg(` ${s.chain}  `, index === decided ? 'bold' : 'plain'),
          seg(`${stepLabel(s)}  `, 'dim'),
          seg(stepVerdictText(s), toneStyle(verdictTone(s.verdict))),
          whole(counters ? `  ${counters}` : '', 'dim'),
          whole(s.owner && s.owner !== prevOwner ? `  [${s.owner}]` : '', 'dim'),
        ],
        chainAt + 2,
      );
      if (s.rule?.text) push([seg(' '.repeat(chainAt + 2)), seg(s.rule.text, 'dim')], chainAt + 4);
      for (const n of nat.byStep.get(index) ?? []) out.push(...natLine(n, chainAt + 2, o, t));
      prevTable = s.table;
      prevOwner = s.owner ?? null;
      index++;
    }
    for (const n of nat.byHook.get(group.hook) ?? []) out.push(...natLine(n, 4, o, t));
    nat.byHook.delete(group.hook);
    prevHook = group.hook;
  }
  if (t.steps.length === 0) out.push([seg('no table or chain was traced for this packet', 'dim')]);
  for (const n of nat.rest) out.push(...natLine(n, 2, o, t));
  out.push([]);
  const action = t.verdict.action.toUpperCase();
  push([seg('verdict ', 'title'), seg(action, toneStyle(verdictTone(t.verdict.action))), seg(`  ${t.explanation}`)], 2);
  out.push(...whyLines(t, o.cols));
  return out;
}
