// Why a packet met its fate, as data: the deciding chain and rule (with owner), the jumps that led there,
// and for a policy drop or a drop by a catch-all rule the closest accepting rules of the chains the packet
// fell through. Pure; no I/O.
import type { Family } from '../model/common.js';
import type { MatchField, RuleIndex, RuleInfo } from '../model/ruleset.js';
import type { FinalVerdict, PathLink, RuleRef, TraceStep, Why } from '../model/trace.js';
import type { Candidate } from './candidates.js';
import { acceptingPaths } from './candidates.js';
import type { PacketView } from './compare.js';
import { viewKey } from './compare.js';
import { nearMisses } from './near-miss.js';
import { ownerOf } from './owner.js';
import { ruleInfoOf } from './rule-info.js';

const NOTHING: readonly never[] = Object.freeze([]);
const NONE: Why = { decidedBy: null, path: NOTHING, nearMisses: NOTHING, cannotCompare: NOTHING };
const DROPS = new Set(['drop', 'reject']);

/** Indexes of the jump/goto steps that led from the base chain to the deciding step, in order. */
export function pathSteps(steps: readonly TraceStep[], decided: number): number[] {
  const out: number[] = [];
  const at = steps[decided];
  if (!at) return out;
  let chain = at.chain;
  for (let i = decided - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.hook !== at.hook || s.table !== at.table) break;
    if ((s.verdict === 'jump' || s.verdict === 'goto') && s.target === chain) {
      out.unshift(i);
      chain = s.chain;
    }
  }
  return out;
}

/** What the why of a trace derives from its steps and the ruleset alone: shared by every packet on the same path. */
export interface WhyPath {
  /** The answer when there is nothing to compare the packet with (no near misses). */
  readonly plain: Why;
  /** The deciding chain, and the accepting rules to compare a dropped packet with (null: none). */
  readonly chain: string;
  readonly entry: Entry | null;
}

export function whyPath(
  verdict: FinalVerdict,
  steps: readonly TraceStep[],
  decided: number,
  index: RuleIndex | undefined,
): WhyPath {
  const at = steps[decided];
  if (at === undefined || verdict.by === null || verdict.hook === null) return { plain: NONE, chain: '', entry: null };
  const links = pathSteps(steps, decided);
  const decidedBy = {
    hook: verdict.hook,
    family: at.family,
    table: at.table,
    chain: at.chain,
    by: verdict.by,
    rule: verdict.rule === null ? null : refOf(verdict.rule),
    owner: ownerOf(at),
  };
  const path: readonly PathLink[] =
    links.length === 0
      ? NOTHING
      : links.map((i) => {
          const s = steps[i]!;
          return {
            family: s.family,
            table: s.table,
            chain: s.chain,
            rule: s.rule === null ? null : refOf(s.rule),
            verdict: s.verdict === 'goto' ? 'goto' : 'jump',
            target: s.target,
            owner: ownerOf(s),
          };
        });
  const shared =
    index === undefined || !DROPS.has(verdict.action) ? null : cached(index, fellThrough(steps, decided, links, index));
  const entry = shared === null ? null : pathEntry(shared, steps, decided);
  const plain: Why = { decidedBy, path, nearMisses: NOTHING, cannotCompare: NOTHING };
  return { plain, chain: at.chain, entry: entry === null || entry.candidates.length === 0 ? null : entry };
}

/**
 * The why of one packet on that path: near misses compared with its headers when there are any to compare.
 * `packet` is needed only then: a thunk, so it is built only for drops.
 */
export function whyFor(p: WhyPath, packet: () => PacketView): Why {
  const entry = p.entry;
  if (entry === null) return p.plain;
  const view = packet();
  const key = viewKey(view, entry.fields);
  let found = entry.results.get(key);
  if (found === undefined) {
    found = nearMisses(entry.candidates, view, p.chain);
    if (entry.results.size >= MAX_RESULTS) entry.results.clear();
    entry.results.set(key, found);
  }
  return { decidedBy: p.plain.decidedBy, path: p.plain.path, ...found };
}

/** A drop floods in with the same chains and packet fields again and again: both are remembered per ruleset. */
export interface Entry {
  readonly candidates: readonly Candidate[];
  /** The packet fields the candidates look at: the results depend on these only. */
  readonly fields: ReadonlySet<MatchField>;
  readonly results: Map<string, ReturnType<typeof nearMisses>>;
  /** The same candidates less what a path's trace rules out (see pathEntry), by path. */
  readonly passed: Map<string, Entry>;
}

/**
 * The entry for this path, what the trace shows of it taken out: a blocker (an earlier rule of a jumped-to chain
 * that may stop the packet) the packet got past (ufw's `-j ufw-not-local`, which it came back from before it reached
 * `ufw-user-input`); ways through a verdict map other than the branch the trace shows it took (fw4's `iifname vmap`
 * jumped to `forward_guest`: `forward_lan`'s accepts were never within reach); and an accepting rule the packet
 * passed (a later rule of its chain ran) is marked: it did not accept, whatever fwtrace could not compare.
 */
function pathEntry(entry: Entry, steps: readonly TraceStep[], decided: number): Entry {
  const at = steps[decided]!;
  const furthest = new Map<string, number>();
  const took = new Map<string, string>();
  for (let i = decided; i >= 0; i--) {
    const s = steps[i]!;
    if (s.hook !== at.hook) break;
    if (s.table !== at.table) continue;
    // A policy or a return at the chain's end: the packet passed every rule of that chain.
    if (s.kind === 'policy' || s.kind === 'return') furthest.set(s.chain, Infinity);
    const position = s.rule?.position;
    if (position == null) continue;
    if (position > (furthest.get(s.chain) ?? 0)) furthest.set(s.chain, position);
    if ((s.verdict === 'jump' || s.verdict === 'goto') && s.target !== null)
      took.set(`${s.chain} ${position}`, s.target);
  }
  const beyond = (chain: string, rule: RuleInfo): boolean => rule.position < (furthest.get(chain) ?? 0);
  const past = (b: Candidate['blockers'][number]): boolean => beyond(b.chain, b.rule);
  const otherBranch = (c: Candidate): boolean => {
    const hops = [{ chain: c.chain, rule: c.rule }, ...c.via];
    return hops.some((h, k) => {
      const target = took.get(`${h.chain} ${h.rule.position}`);
      const next = hops[k + 1];
      return target !== undefined && next !== undefined && next.chain !== target;
    });
  };
  // Past the accepting rule, or past a rule on the way to it that did not send the packet there (a jump or a
  // verdict map whose key fwtrace cannot read: the trace shows a later rule of its chain ran, and no jump from it).
  const passed = (c: Candidate): boolean => {
    const hops = [{ chain: c.chain, rule: c.rule }, ...c.via];
    return hops.some(
      (h, k) => beyond(h.chain, h.rule) && (k === hops.length - 1 || !took.has(`${h.chain} ${h.rule.position}`)),
    );
  };
  const taken = (c: Candidate): boolean =>
    c.via[0] !== undefined && took.get(`${c.chain} ${c.rule.position}`) === c.via[0].chain;
  const touched = (c: Candidate): boolean => c.blockers.some(past) || otherBranch(c) || passed(c) || taken(c);
  if (!entry.candidates.some(touched)) return entry;
  const key = [...furthest, ...took].map(([chain, n]) => `${chain}\u0000${n}`).join('\u0001');
  let derived = entry.passed.get(key);
  if (derived === undefined) {
    const candidates = entry.candidates
      .filter((c) => !otherBranch(c))
      .map((c) => ({
        ...c,
        // The trace shows the first rule sent the packet this way: its own conditions held.
        matches: taken(c) ? c.matches.slice((c.rule.matches ?? [c.rule]).length) : c.matches,
        blockers: c.blockers.filter((b) => !past(b)),
        passed: passed(c),
        taken: taken(c),
      }));
    derived = { candidates, fields: entry.fields, results: new Map(), passed: new Map() };
    if (entry.passed.size >= MAX_ENTRIES) entry.passed.clear();
    entry.passed.set(key, derived);
  }
  return derived;
}

const MAX_RESULTS = 256;
const MAX_ENTRIES = 256;
const cache = new WeakMap<RuleIndex, Map<string, Entry>>();

function cached(index: RuleIndex, segments: readonly Segment[]): Entry | null {
  if (segments.length === 0) return null;
  let entries = cache.get(index);
  if (entries === undefined) {
    entries = new Map();
    cache.set(index, entries);
  }
  const key = segments.map((g) => `${g.family}\u0000${g.table}\u0000${g.chain}\u0000${g.rules.length}`).join('\u0001');
  let entry = entries.get(key);
  if (entry === undefined) {
    const candidates = segments.flatMap((g) => acceptingPaths(index, g.family, g.table, g.chain, g.rules));
    const fields = new Set<MatchField>();
    for (const c of candidates) {
      for (const m of c.matches) fields.add(m.field);
      for (const b of c.blockers) for (const m of b.rule.matches ?? []) fields.add(m.field);
    }
    entry = { candidates, fields, results: new Map(), passed: new Map() };
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(key, entry);
  }
  return entry;
}

function refOf(r: { position: number | null; handle: number | null; text: string | null }): RuleRef {
  return { position: r.position, handle: r.handle, text: r.text };
}

/** Rules of a chain the packet went through without being accepted. */
interface Segment {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  readonly rules: readonly RuleInfo[];
}

/**
 * The chains (and rules) the packet fell through to its drop: the whole chain for a policy; for an
 * unconditional drop rule its chain's earlier rules, then, while the way in was unconditional too, the
 * calling chain's rules before that jump.
 */
function fellThrough(
  steps: readonly TraceStep[],
  decided: number,
  links: readonly number[],
  index: RuleIndex,
): Segment[] {
  const at = steps[decided]!;
  const chain = index.chain(at.family, at.table, at.chain);
  if (chain === undefined) return [];
  const seg = (s: TraceStep, rules: readonly RuleInfo[]): Segment => ({
    family: s.family,
    table: s.table,
    chain: s.chain,
    rules,
  });
  if (at.kind === 'policy') return [seg(at, chain.rules.slice(0, evaluatedUpTo(steps, decided, index)))];
  const rule = ruleInfoOf(at, index);
  if (rule === undefined || !catchAll(rule)) return [];
  const out = [seg(at, chain.rules.slice(0, rule.position - 1))];
  for (let k = links.length - 1; k >= 0; k--) {
    const s = steps[links[k]!]!;
    const link = ruleInfoOf(s, index);
    const caller = index.chain(s.family, s.table, s.chain);
    if (link === undefined || caller === undefined || !catchAll(link)) break;
    out.push(seg(s, caller.rules.slice(0, link.position - 1)));
  }
  return out;
}

/**
 * How many rules of the policy's chain the packet met: all of them, unless one sent it away by goto (its chain fell
 * off its end, and the policy applied without the rules after the goto ever being looked at).
 */
function evaluatedUpTo(steps: readonly TraceStep[], policy: number, index: RuleIndex): number | undefined {
  const at = steps[policy]!;
  for (let i = policy - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.family !== at.family || s.table !== at.table || s.chain !== at.chain) continue;
    if (s.kind === 'policy') break; // an earlier pass through the chain
    if (s.verdict !== 'goto') continue;
    const rule = ruleInfoOf(s, index);
    return rule === undefined ? undefined : rule.position;
  }
  return undefined;
}

/** A rule without any condition (comments aside): it takes every packet that reaches it. */
function catchAll(r: RuleInfo): boolean {
  return r.matches !== undefined ? r.matches.length === 0 : r.unconditional;
}
