// The ways a chain's rules could have accepted a packet: a rule that accepts, or one that jumps (goto) to a
// chain with a rule that accepts, with every condition on the way and the earlier rules of those chains that
// could stop the packet first. Bounded in depth and number. Pure; no I/O.
import type { Family, StepVerdict } from '../model/common.js';
import type { ChainInfo, RuleIndex, RuleInfo, RuleMatch } from '../model/ruleset.js';
import { nftTextMatches } from '../ruleset/nft-matches.js';
import { tokenizeNft } from '../ruleset/nft-tokens.js';

/** A rule of a jumped-to chain that could stop the packet before the accepting rule. */
export interface Blocker {
  readonly chain: string;
  readonly rule: RuleInfo;
  /** True when the rule only jumps (to a chain that may stop the packet); false when it stops it itself. */
  readonly jumps: boolean;
}

export interface Candidate {
  /** Chain of `rule`. */
  readonly chain: string;
  /** The rule of the examined chain. */
  readonly rule: RuleInfo;
  /** Rules of jumped-to chains down to the one that accepts, with their chains. */
  readonly via: readonly { readonly chain: string; readonly rule: RuleInfo }[];
  /** Every condition from `rule` down to the accepting rule. */
  readonly matches: readonly RuleMatch[];
  readonly blockers: readonly Blocker[];
  /** The trace shows the packet past the accepting rule (a later rule of its chain ran): it did not accept. */
  readonly passed?: boolean;
  /** The trace shows the packet took this candidate's jump (or goto): a near miss on the way it went. */
  readonly taken?: boolean;
}

const MAX_DEPTH = 4;
/** Accepting rules compared per chain (a generated chain of hundreds of rules stays within it). */
const MAX_PATHS = 1024;
const STOPS: ReadonlySet<StepVerdict> = new Set(['drop', 'reject', 'return', 'goto', 'queue', 'stolen', 'unknown']);

interface Scope {
  readonly index: RuleIndex;
  readonly family: Family;
  readonly table: string;
  count: number;
}

/** Accepting paths from `rules` (rules of `chain`, in order). */
export function acceptingPaths(
  index: RuleIndex,
  family: Family,
  table: string,
  chain: string,
  rules: readonly RuleInfo[],
): Candidate[] {
  const scope: Scope = { index, family, table, count: 0 };
  const out: Candidate[] = [];
  for (const rule of rules) {
    for (const p of expand(scope, rule, 0, new Set([chain]))) {
      out.push({ chain, rule, via: p.via, matches: p.matches, blockers: p.blockers });
    }
  }
  return out;
}

type Path = Pick<Candidate, 'via' | 'matches' | 'blockers'>;

function expand(scope: Scope, rule: RuleInfo, depth: number, seen: ReadonlySet<string>): Path[] {
  const own = rule.matches ?? [{ field: 'unknown', negate: false, values: [], text: rule.text }];
  if (rule.action === 'accept' && rule.nat === null) {
    if (scope.count >= MAX_PATHS) return [];
    scope.count++;
    return [{ via: [], matches: own, blockers: [] }];
  }
  const out: Path[] = [];
  for (const target of targetsOf(rule)) {
    if (depth >= MAX_DEPTH || seen.has(target)) continue;
    const sub = scope.index.chain(scope.family, scope.table, target);
    if (sub === undefined) continue;
    const inner = new Set([...seen, target]);
    const way = own.flatMap((m) => branchCondition(m, target) ?? [m]);
    sub.rules.forEach((k, i) => {
      for (const p of expand(scope, k, depth + 1, inner)) {
        out.push({
          via: [{ chain: sub.chain, rule: k }, ...p.via],
          matches: [...way, ...p.matches],
          blockers: [...blockersBefore(scope, sub, i, inner), ...p.blockers],
        });
      }
    });
  }
  return out;
}

/** `key : jump NAME` / `key : goto NAME` elements of an nft verdict map. */
const VMAP_TARGET = /:\s*(?:jump|goto)\s+("[^"]+"|[^\s,}]+)/g;

/**
 * The chains a rule may send the packet to: its jump or goto target, or every chain its verdict map (`ip saddr vmap
 * { 10.0.0.2 : jump from_cli, ... }`) names; the map's key stays one condition fwtrace cannot compare.
 */
function targetsOf(rule: RuleInfo): string[] {
  if ((rule.action === 'jump' || rule.action === 'goto') && rule.target !== null) return [rule.target];
  if (rule.action !== 'unknown' || !/\bvmap\b/.test(rule.text)) return [];
  const names = [...rule.text.matchAll(VMAP_TARGET)].map((m) => (m[1] ?? '').replace(/^"|"$/g, ''));
  return [...new Set(names)];
}

/** An inline verdict map as written: the key expression, and the elements between the braces. */
const VMAP = /^(.+?)\s+vmap\s+\{(.*)\}\s*$/s;
/** One element: `key : jump NAME` (or goto). */
const ELEMENT = /^(.+?)\s*:\s*(?:jump|goto)\s+("[^"]+"|\S+)$/s;

/**
 * The condition of one way through a verdict map (`iifname vmap { "lan0" : jump from_lan, ... }` taken to
 * `from_lan` is `iifname { "lan0" }`), read as the rule reader reads a set; null when `m` is no inline map, or
 * the key is not one fwtrace compares (a concatenation, a named map).
 */
function branchCondition(m: RuleMatch, target: string): readonly RuleMatch[] | null {
  if (m.field !== 'unknown') return null;
  const map = VMAP.exec(m.text);
  if (map === null || map[1] === undefined || map[2] === undefined || map[1].includes(' . ')) return null;
  const keys: string[] = [];
  for (const element of map[2].split(',')) {
    const e = ELEMENT.exec(element.trim());
    if (e?.[1] !== undefined && (e[2] ?? '').replace(/^"|"$/g, '') === target) keys.push(e[1]);
  }
  if (keys.length === 0) return null;
  const read = nftTextMatches(tokenizeNft(`${map[1]} { ${keys.join(', ')} }`));
  return read.length > 0 && read.every((r) => r.field !== 'unknown') ? read : null;
}

/** Rules before position `i` of `chain` that end the chain (drop, reject, return, goto) or jump somewhere that may. */
function blockersBefore(scope: Scope, chain: ChainInfo, i: number, seen: ReadonlySet<string>): Blocker[] {
  const out: Blocker[] = [];
  for (const rule of chain.rules.slice(0, i)) {
    if (STOPS.has(rule.action)) out.push({ chain: chain.chain, rule, jumps: false });
    else if (rule.action === 'jump' && rule.target !== null && mayStop(scope, rule.target, 0, seen)) {
      out.push({ chain: chain.chain, rule, jumps: true });
    }
  }
  return out;
}

/** Whether a chain (or one it jumps to) has a rule that drops, rejects or leaves for good. */
function mayStop(scope: Scope, name: string, depth: number, seen: ReadonlySet<string>): boolean {
  if (depth >= MAX_DEPTH || seen.has(name)) return true;
  const c = scope.index.chain(scope.family, scope.table, name);
  if (c === undefined) return true;
  return c.rules.some(
    (r) =>
      (STOPS.has(r.action) && r.action !== 'return') ||
      (r.action === 'jump' && r.target !== null && mayStop(scope, r.target, depth + 1, new Set([...seen, name]))),
  );
}
