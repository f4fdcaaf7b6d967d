// Replay with a ruleset: traces whose deciding rule, as the ruleset gives it, cannot have matched their packet (it
// wants another protocol, port, address or interface). The reader named that rule (a kernel-log position, an nft
// handle) and the dump holds another rule there: it is not the ruleset the capture ran through (taken before or
// after a change). Pure; no I/O.
import type { MatchField } from '../model/ruleset.js';
import type { FailedCondition, Trace } from '../model/trace.js';
import { compareMatch } from '../explain/compare.js';
import { failedClauses } from '../explain/describe.js';
import { packetView } from '../explain/packet-view.js';
import { matchesOfText } from '../explain/rule-info.js';

/** Fields compared: the conntrack state is left out (a SYN may be INVALID), so are marks and the rest. */
const FIELDS: ReadonlySet<MatchField> = new Set([
  'family',
  'proto',
  'src',
  'dst',
  'sport',
  'dport',
  'iif',
  'oif',
  'icmp-type',
]);
/** What NAT never rewrites: a trace with NAT compares only these (its headers at the deciding chain may differ). */
const UNDER_NAT: ReadonlySet<MatchField> = new Set(['family', 'proto', 'iif', 'oif', 'icmp-type']);

export class MisfitRules {
  private traces = 0;
  private first: { readonly trace: Trace; readonly failed: FailedCondition } | null = null;

  /** Looks at a finished trace's deciding rule. */
  see(trace: Trace): void {
    const v = trace.verdict;
    const text = v.rule?.text;
    if (v.by !== 'rule' || text == null) return;
    const fields = trace.nat.length === 0 ? FIELDS : UNDER_NAT;
    const interfaces = !movedInterfaces(trace);
    const view = packetView(trace.packet, undefined, trace.steps, trace.nat, v.hook ?? 'unknown');
    for (const m of matchesOfText(text)) {
      if (!fields.has(m.field) || (!interfaces && (m.field === 'iif' || m.field === 'oif'))) continue;
      const o = compareMatch(m, view);
      if (o.kind !== 'fail') continue;
      if (this.traces++ === 0) this.first = { trace, failed: o.failed };
      return;
    }
  }

  /** The warning for the end of the run, or null when every deciding rule fits its packet. */
  warning(): string | null {
    const f = this.first;
    if (f === null) return null;
    const v = f.trace.verdict;
    const traces = this.traces === 1 ? '1 trace is' : `${this.traces} traces are`;
    const where = `${v.table ?? '?'}/${v.chain ?? '?'} rule ${v.rule?.position ?? '?'}`;
    return (
      `${traces} decided by a rule of the ruleset given that cannot have matched the packet (first: trace ${f.trace.id}, ` +
      `${where}, ${v.rule?.text ?? ''}, but the packet ${failedClauses([f.failed]).join(' and ')}): the dump is not the ruleset ` +
      'the capture ran through (taken before or after a change); give the one taken with the capture'
    );
  }
}

/**
 * The packet's interfaces as first seen are not those at the deciding chain: bridged (a bridge port, then the
 * bridge device), or sent over lo and back in (no in-interface, then lo).
 */
function movedInterfaces(t: Trace): boolean {
  const p = t.packet;
  if (p.physin || p.physout || t.steps.some((s) => s.family === 'bridge')) return true;
  const out = t.steps.some((s) => s.hook === 'output' || s.hook === 'postrouting');
  return out && t.steps.some((s) => s.hook === 'prerouting' || s.hook === 'input');
}
