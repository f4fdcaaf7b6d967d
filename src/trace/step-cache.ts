// Steps are immutable and the same few rules match packet after packet: build each distinct step once. Kept on its
// chain (trace/chain-table, bounded, cleared when the rule index changes) and found by comparing the event's own
// fields: no key string is built per event. Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { TraceEvent } from '../model/event.js';
import type { RuleNat } from '../model/ruleset.js';
import type { TraceStep } from '../model/trace.js';
import { intern } from '../parse/text-memo.js';
import type { ChainTable, SeenChain } from './chain-table.js';

export interface BuiltStep {
  readonly step: TraceStep;
  readonly nat: RuleNat | null;
  /** Rules of the chain with the same text (trace/netlink-step): the step depends on the packet's place. */
  readonly choices?: readonly BuiltStep[];
}

type NetlinkVerdictEvent = Extract<TraceEvent, { kind: 'rule' | 'policy' | 'return' }>;
type LogStep = Extract<TraceEvent, { kind: 'log-step' }>;

/** A built step and the event fields it was made from (its chain aside). */
export interface CachedStep extends BuiltStep {
  readonly hook: Hook;
  readonly kind: TraceEvent['kind'];
  /** The reader, for rules (their text is in its dialect); '' otherwise. */
  readonly source: string;
  /** The event's verdict; a kernel-log line's entry (`rule`, `return`, `policy`). */
  readonly verdict: string;
  readonly target: string | null;
  /** The rule handle; a kernel-log line's position. */
  readonly handle: number | null;
  readonly text: string | null;
}

/** The step of a netlink rule / policy / return event in chain `c` at `hook`, made by `make` the first time. */
export function netlinkStep(
  table: ChainTable,
  c: SeenChain,
  e: NetlinkVerdictEvent,
  hook: Hook,
  make: (owned: NetlinkVerdictEvent) => BuiltStep,
): BuiltStep {
  const rule = e.kind === 'rule';
  const source = rule ? e.source : '';
  const target = e.kind === 'policy' ? null : e.target;
  const handle = rule ? e.handle : null;
  const text = rule ? e.text : null;
  const bucket = rule ? (e.text ?? '') : e.verdict;
  const list = c.steps.get(bucket);
  if (list !== undefined) {
    for (const s of list) {
      if (
        s.hook === hook &&
        s.kind === e.kind &&
        s.verdict === e.verdict &&
        s.text === text &&
        s.target === target &&
        s.handle === handle &&
        s.source === source
      )
        return s;
    }
  }
  const owned = ownedEvent(c, e);
  const built = make(owned);
  const cached: CachedStep = {
    step: built.step,
    nat: built.nat,
    ...(built.choices === undefined ? {} : { choices: built.choices }),
    hook,
    kind: e.kind,
    source,
    verdict: e.verdict,
    target: owned.kind === 'policy' ? null : owned.target,
    handle,
    text: owned.kind === 'rule' ? owned.text : null,
  };
  return remember(table, c, owned.kind === 'rule' ? (owned.text ?? '') : bucket, cached);
}

/** The step of a kernel-log line in chain `c` at `hook`, made by `make` the first time. */
export function logStep(
  table: ChainTable,
  c: SeenChain,
  e: LogStep,
  hook: Hook,
  make: (owned: LogStep) => BuiltStep,
): BuiltStep {
  const list = c.steps.get(e.position);
  if (list !== undefined) {
    for (const s of list) if (s.hook === hook && s.kind === 'log-step' && s.verdict === e.entry) return s;
  }
  const built = make({ ...e, table: c.table, chain: c.chain });
  const cached: CachedStep = {
    step: built.step,
    nat: built.nat,
    hook,
    kind: 'log-step',
    source: '',
    verdict: e.entry,
    target: null,
    handle: e.position,
    text: null,
  };
  return remember(table, c, e.position, cached);
}

function remember(table: ChainTable, c: SeenChain, bucket: string | number, s: CachedStep): CachedStep {
  // Over the bound the table forgets every chain: this one is dropped too, the step is still right to use.
  if (table.noteStep()) return s;
  const list = c.steps.get(bucket);
  if (list === undefined) c.steps.set(bucket, [s]);
  else list.push(s);
  return s;
}

/** The event with its strings copied (see intern()): cached steps live long and must not pin a reader chunk. */
function ownedEvent(c: SeenChain, e: NetlinkVerdictEvent): NetlinkVerdictEvent {
  const o = (s: string | null): string | null => (s === null ? null : intern(s));
  switch (e.kind) {
    case 'rule':
      return { ...e, table: c.table, chain: c.chain, text: o(e.text), target: o(e.target) };
    case 'policy':
      return { ...e, table: c.table, chain: c.chain };
    case 'return':
      return { ...e, table: c.table, chain: c.chain, target: o(e.target) };
  }
}
