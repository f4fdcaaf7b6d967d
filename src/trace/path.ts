// The step sequences traces took, as a tree of shared nodes: packets of a flow take the same path, with the same
// (cached, see step-cache) step objects, so they end on the same node. What finishing a trace derives from its steps
// alone is kept on that node (trace/finish). Bounded: past LIMIT nodes a new tree is started. Pure; no I/O.
import type { RuleNat } from '../model/ruleset.js';
import type { TraceStep } from '../model/trace.js';

/**
 * Verdicts after which the kernel says nothing more about the skb. Not `queue`: a packet queued with bypass and no
 * listener, or one the listener accepted, goes on under the same trace id (trace/verdict reads what follows).
 */
const TERMINAL: ReadonlySet<string> = new Set(['drop', 'reject', 'stolen']);

/** One step sequence: the path from the root to this node. Immutable but for its memo. */
export class PathNode {
  readonly depth: number;
  /** Verdict after which the kernel says nothing more about this skb. */
  readonly terminal: boolean;
  private children: Map<TraceStep, PathNode> | null = null;
  private list: TraceStep[] | null = null;
  private natList: (RuleNat | null)[] | null = null;
  /** Owned by trace/finish: what it derived from this sequence (and for traces cut short after it). */
  memo: unknown = undefined;
  cutMemo: unknown = undefined;

  constructor(
    readonly tree: PathTree,
    readonly parent: PathNode | null,
    readonly step: TraceStep | null,
    readonly nat: RuleNat | null,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.terminal = step !== null && TERMINAL.has(step.verdict);
  }

  /** The node one step further. */
  next(step: TraceStep, nat: RuleNat | null): PathNode {
    const known = this.children?.get(step);
    if (known !== undefined) return known;
    const tree = this.tree.current();
    // A node of a tree given up (over its bound) is still a right key: it just gets no children any more.
    const node = new PathNode(tree, this, step, nat);
    if (tree === this.tree) {
      this.children ??= new Map();
      this.children.set(step, node);
      tree.count();
    }
    return node;
  }

  /** The steps from the root, in order (one array per node, shared: never mutate it). */
  steps(): readonly TraceStep[] {
    return (this.list ??= collect(this, (n) => n.step!));
  }

  /** The NAT action of the rule behind each step, parallel to steps(). */
  stepNat(): readonly (RuleNat | null)[] {
    return (this.natList ??= collect(this, (n) => n.nat));
  }
}

/** What `pick` reads from each node of the path from the root to `last`, in order. */
function collect<T>(last: PathNode, pick: (n: PathNode) => T): T[] {
  const out = new Array<T>(last.depth);
  for (let n: PathNode | null = last; n !== null && n.step !== null; n = n.parent) out[n.depth - 1] = pick(n);
  return out;
}

/** Most nodes in one tree. */
const LIMIT = 20_000;

export class PathTree {
  private nodes = 0;
  private replacement: PathTree | null = null;
  readonly root: PathNode = new PathNode(this, null, null, null);

  /** This tree, or the one that replaced it once it grew past its bound. */
  current(): PathTree {
    return this.replacement === null ? this : this.replacement.current();
  }

  count(): void {
    if (++this.nodes >= LIMIT) this.replacement = new PathTree();
  }
}
