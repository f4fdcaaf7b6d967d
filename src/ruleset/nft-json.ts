// `nft -j list ruleset` (one JSON line, optionally after `# ...` lines) → RulesetSnapshot; rule text is
// rendered back into nft syntax. Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { MapElement, RuleNat, RulesetSnapshot } from '../model/ruleset.js';
import { hookFromName, nftPriority } from './hooks.js';
import type { Effect } from './iptables-rule.js';
import { xtTargetEffect } from './iptables-rule.js';
import { asList, compact, prop, renderExpr, single, str } from './nft-json-expr.js';
import { nftJsonMatches } from './nft-json-matches.js';
import { payloadRewrite } from './nft-rule.js';
import { tokenizeNft } from './nft-tokens.js';
import { ACTING_STATEMENTS, isPrefixNat, natAddress, renderStmt } from './nft-json-stmt.js';
import type { RuleFields } from './snapshot-builder.js';
import { SnapshotBuilder } from './snapshot-builder.js';

const FAMILIES = new Set<string>(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const VERDICTS = new Set(['accept', 'drop', 'reject', 'return', 'continue', 'queue']);
const NAT = new Set(['dnat', 'snat', 'masquerade', 'redirect']);
/** Statements that filter nothing (plus set/map updates); any other statement (match, limit, xt match...) filters. */
const NON_MATCHING = new Set([...ACTING_STATEMENTS, 'set', 'map']);

/** Parses `nft -j list ruleset` output. Never throws; malformed parts land in `unparsed`. */
export function parseNftJson(text: string): RulesetSnapshot {
  const b = new SnapshotBuilder('nft-json');
  // Fixtures and pasted dumps may carry `# ...` lines before the JSON.
  const body = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .trim();
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    b.skip(body.slice(0, 200), `not JSON: ${e instanceof Error ? e.message : String(e)}`);
    return b.snapshot();
  }
  const items = prop(doc, 'nftables');
  if (!Array.isArray(items)) {
    b.skip(compact(doc).slice(0, 200), 'no "nftables" array');
    return b.snapshot();
  }
  for (const item of items) {
    const s = single(item);
    if (s?.[0] === 'chain') addChain(b, s[1]);
    else if (s?.[0] === 'rule') addRule(b, s[1]);
    else if (s?.[0] === 'map') addMap(b, s[1]);
    else if (s === null) b.skip(compact(item), 'not a one-key object');
    // metainfo, table, set, element, flowtable, counter, quota...: not needed here.
  }
  return b.snapshot();
}

/** A named map with its elements: `[key, value]` pairs, the key possibly `{"elem": {"val": ..., "comment": ...}}`. */
function addMap(b: SnapshotBuilder, v: unknown): void {
  const family = str(prop(v, 'family'));
  const table = prop(v, 'table');
  const name = prop(v, 'name');
  if (!FAMILIES.has(family) || typeof table !== 'string' || typeof name !== 'string') return;
  const elements: MapElement[] = [];
  for (const pair of asList(prop(v, 'elem'))) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    const [first, value] = pair as [unknown, unknown];
    const wrapped = prop(first, 'elem');
    const key = wrapped === undefined ? first : prop(wrapped, 'val');
    const comment = wrapped === undefined ? undefined : prop(wrapped, 'comment');
    const parts = prop(key, 'concat');
    elements.push({
      key: Array.isArray(parts) ? parts.map((p) => renderExpr(p)) : [renderExpr(key)],
      value: renderExpr(value),
      comment: typeof comment === 'string' ? comment : null,
    });
  }
  b.map({ family: family as Family, table, name, elements });
}

interface Where {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
}

/** family/table/chain of a chain or rule object (`name` for chains, `chain` for rules). */
function where(v: unknown, nameKey: 'name' | 'chain'): Where | null {
  const family = prop(v, 'family');
  const table = prop(v, 'table');
  const chain = prop(v, nameKey);
  if (typeof family !== 'string' || !FAMILIES.has(family)) return null;
  if (typeof table !== 'string' || typeof chain !== 'string') return null;
  return { family: family as Family, table, chain };
}

function addChain(b: SnapshotBuilder, v: unknown): void {
  const w = where(v, 'name');
  if (w === null) {
    b.skip(compact({ chain: v }), 'chain without family, table or name');
    return;
  }
  const hook = prop(v, 'hook');
  const prio = prop(v, 'prio');
  const policy = prop(v, 'policy');
  const type = prop(v, 'type');
  if (typeof hook !== 'string') {
    b.chain(w.family, w.table, w.chain);
    return;
  }
  const h: Hook = hookFromName(hook) ?? 'unknown';
  const priority = typeof prio === 'number' ? prio : typeof prio === 'string' ? nftPriority(prio, w.family) : null;
  b.chain(w.family, w.table, w.chain, {
    hook: h,
    priority,
    ...(type === 'filter' || type === 'nat' || type === 'route' ? { type } : {}),
    policy: policy === 'accept' || policy === 'drop' ? policy : null,
  });
}

function addRule(b: SnapshotBuilder, v: unknown): void {
  const w = where(v, 'chain');
  if (w === null) {
    b.skip(compact({ rule: v }), 'rule without family, table or chain');
    return;
  }
  b.rule(w.family, w.table, w.chain, ruleFields(v));
}

/** Everything about one JSON rule object except where it sits. */
export function ruleFields(v: unknown): RuleFields {
  const exprs = prop(v, 'expr');
  const stmts: unknown[] = Array.isArray(exprs) ? exprs : [];
  const handle = prop(v, 'handle');
  const comment = prop(v, 'comment');
  const family = prop(v, 'family');
  const fam = typeof family === 'string' ? family : undefined;
  const parts = stmts.map((x) => renderStmt(x, fam));
  if (typeof comment === 'string') parts.push(`comment "${comment}"`);
  let packets: number | null = null;
  let bytes: number | null = null;
  for (const stmt of stmts) {
    const c = prop(stmt, 'counter');
    const p = prop(c, 'packets');
    const by = prop(c, 'bytes');
    if (typeof p === 'number' && typeof by === 'number') [packets, bytes] = [p, by];
  }
  return {
    handle: typeof handle === 'number' ? handle : null,
    text: parts.join(' '),
    packets,
    bytes,
    ...effectOf(stmts),
    unconditional: stmts.every((x) => {
      const s = single(x);
      return s !== null && (NON_MATCHING.has(s[0]) || (s[0] === 'xt' && prop(s[1], 'type') === 'target'));
    }),
    comment: typeof comment === 'string' ? comment : null,
    matches: nftJsonMatches(stmts, fam),
  };
}

/** The last verdict-like statement decides; a verdict map depends on the packet. */
function effectOf(stmts: readonly unknown[]): Effect {
  let effect: Effect = { action: 'continue', target: null, nat: null };
  for (const stmt of stmts) {
    const s = single(stmt);
    if (s === null) continue;
    const [k, v] = s;
    if (VERDICTS.has(k)) effect = { action: k as Effect['action'], target: null, nat: null };
    else if (k === 'jump' || k === 'goto') effect = { action: k, target: str(prop(v, 'target')), nat: null };
    else if (k === 'vmap') effect = { action: 'unknown', target: null, nat: null };
    else if (NAT.has(k)) {
      const to = natAddress(v) || null;
      const nat: RuleNat = isPrefixNat(v)
        ? { kind: k as RuleNat['kind'], to, prefix: true }
        : { kind: k as RuleNat['kind'], to };
      effect = { action: 'accept', target: null, nat };
    } else if (k === 'xt' && prop(v, 'type') === 'target') effect = xtTargetEffect(str(prop(v, 'name')));
  }
  if (effect.nat !== null) return effect;
  // `ip daddr set ...` statements: a stateless rewrite, read as the text listing's (nft-rule payloadRewrite).
  const sets = stmts.filter((x) => single(x)?.[0] === 'mangle').map((x) => renderStmt(x));
  const nat = sets.length === 0 ? null : payloadRewrite(tokenizeNft(sets.join(' ')));
  return nat === null ? effect : { ...effect, nat };
}
