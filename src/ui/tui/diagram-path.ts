// Which boxes and arrows of the netfilter diagram a packet went through, and where it stopped. Pure.
import type { Trace } from '../../model/trace.js';

/** The five hooks and the two routing decisions. */
export type DiagramNode = 'prerouting' | 'routing-in' | 'input' | 'forward' | 'output' | 'routing-out' | 'postrouting';

/** Arrows: between nodes, plus in (wire → PREROUTING), out (POSTROUTING → wire), to and from local processes. */
export type DiagramEdge =
  | 'wire>prerouting'
  | 'prerouting>routing-in'
  | 'routing-in>forward'
  | 'routing-in>input'
  | 'forward>postrouting'
  | 'postrouting>wire'
  | 'input>local'
  | 'local>output'
  | 'output>routing-out'
  | 'routing-out>postrouting';

const EDGES = new Set<string>([
  'wire>prerouting',
  'prerouting>routing-in',
  'routing-in>forward',
  'routing-in>input',
  'forward>postrouting',
  'postrouting>wire',
  'input>local',
  'local>output',
  'output>routing-out',
  'routing-out>postrouting',
]);

const HOOK_NODES = new Set<string>(['prerouting', 'input', 'forward', 'output', 'postrouting']);

export interface DiagramPath {
  readonly nodes: ReadonlySet<DiagramNode>;
  readonly edges: ReadonlySet<DiagramEdge>;
  /** Where the verdict was decided (a hook), or null when unknown or not one of the five. */
  readonly verdictAt: DiagramNode | null;
  /** True when the packet stopped there (drop, reject, queue, stolen) rather than went on. */
  readonly stopped: boolean;
}

function isEdge(e: string): e is DiagramEdge {
  return EDGES.has(e);
}

/** Hooks the packet went through in order, with the routing decisions the kernel took between them. */
export function nodeSequence(t: Trace): DiagramNode[] {
  const seq: DiagramNode[] = [];
  for (const s of t.steps) {
    if (!HOOK_NODES.has(s.hook)) continue;
    const hook = s.hook as DiagramNode;
    const last = seq[seq.length - 1];
    if (last === hook) continue;
    if (last === 'prerouting' && (hook === 'forward' || hook === 'input')) seq.push('routing-in');
    if (last === 'output' && hook === 'postrouting') seq.push('routing-out');
    seq.push(hook);
  }
  return seq;
}

export function diagramPath(t: Trace | null): DiagramPath {
  const nodes = new Set<DiagramNode>();
  const edges = new Set<DiagramEdge>();
  if (!t) return { nodes, edges, verdictAt: null, stopped: false };
  const seq = nodeSequence(t);
  const action = t.verdict.action;
  const stopped = action === 'drop' || action === 'reject' || action === 'queue' || action === 'stolen';
  const hook = t.verdict.hook;
  const verdictAt = hook !== null && HOOK_NODES.has(hook) ? (hook as DiagramNode) : null;
  seq.forEach((n, i) => {
    nodes.add(n);
    const prev = i > 0 ? seq[i - 1] : undefined;
    const e = prev ? `${prev}>${n}` : '';
    if (isEdge(e)) edges.add(e);
  });
  const first = seq[0];
  const last = seq[seq.length - 1];
  if (first === 'prerouting') edges.add('wire>prerouting');
  if (first === 'output') edges.add('local>output');
  if (!stopped && last === 'postrouting') edges.add('postrouting>wire');
  if (!stopped && last === 'input' && action === 'accept') edges.add('input>local');
  return { nodes, edges, verdictAt, stopped };
}
