// The conditions of one `nft -j` rule: `match` statements on payload (ip/ip6 addresses, protocol, ports,
// icmp type), meta (l4proto, nfproto, interfaces) and ct (state, status) become comparable conditions;
// other matches and filtering statements (limit, quota, xt match, vmap) become `unknown`. Pure; no I/O.
import type { RuleMatch } from '../model/ruleset.js';
import { asList, prop, single, str } from './nft-json-expr.js';
import { ACTING_STATEMENTS, renderStmt } from './nft-json-stmt.js';
import type { Selector } from './nft-match-build.js';
import { buildMatch, impliedProto, selectorOf, unknownMatch } from './nft-match-build.js';

const PASS = ACTING_STATEMENTS;

/** Conditions of a rule's `expr` array; `family` is the table's (how statements render depends on it). */
export function nftJsonMatches(stmts: readonly unknown[], family?: string): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const stmt of stmts) {
    const s = single(stmt);
    const text = (): string => renderStmt(stmt, family);
    if (s === null) out.push(unknownMatch(text()));
    else if (s[0] === 'match') out.push(...fromMatch(s[1], text()));
    else if (s[0] === 'xt') {
      if (prop(s[1], 'type') === 'match' && prop(s[1], 'name') !== 'comment') out.push(unknownMatch(text()));
    } else if (s[0] === 'set' || s[0] === 'map') {
      // An element statement such as `limit rate over 3/minute` decides whether the rule goes on.
      const inner = asList(prop(s[1], 'stmt')).map((x) => single(x)?.[0]);
      if (inner.some((k) => k === 'limit' || k === 'quota' || k === 'ct count')) out.push(unknownMatch(text()));
    } else if (!PASS.has(s[0])) out.push(unknownMatch(text()));
  }
  return out;
}

const BINOPS = new Set(['&', '|', '^', '<<', '>>']);

function fromMatch(v: unknown, text: string): RuleMatch[] {
  const left = single(prop(v, 'left'));
  const op = str(prop(v, 'op'));
  if (left === null) return [unknownMatch(text)];
  const [k, lv] = left;
  if (BINOPS.has(k)) {
    // `tcp flags & (syn | ack) == syn`: not compared, but still only tcp.
    const inner = single(Array.isArray(lv) ? lv[0] : undefined);
    const implied = inner?.[0] === 'payload' ? impliedProto(str(prop(inner[1], 'protocol')), text) : null;
    return implied === null ? [unknownMatch(text)] : [implied, unknownMatch(text)];
  }
  if (k === 'concat') {
    // `ip daddr . tcp dport @pairs`: not compared, but a transport field still means only that protocol.
    const implied = asList(lv)
      .map((x) => single(x))
      .map((x) => (x?.[0] === 'payload' ? impliedProto(str(prop(x[1], 'protocol')), text) : null))
      .find((m) => m !== null);
    return implied ? [implied, unknownMatch(text)] : [unknownMatch(text)];
  }
  const lhs = selectorWords(k, lv);
  if (lhs === null) return [unknownMatch(text)];
  const [head, field] = lhs;
  const implied = impliedProto(head, text);
  const sel: Selector | null = selectorOf(head, field);
  const raw = sel === null ? null : rightValues(prop(v, 'right'));
  const match = sel === null || raw === null ? unknownMatch(text) : buildMatch(sel, op, raw, text);
  return implied === null ? [match] : [implied, match];
}

/** `[head, field]` of a payload, meta or (plain) ct left-hand side, as nft writes them; null for others. */
function selectorWords(k: string, lv: unknown): [string, string] | null {
  if (k === 'payload' && prop(lv, 'base') === undefined) return [str(prop(lv, 'protocol')), str(prop(lv, 'field'))];
  if (k === 'meta') return ['meta', str(prop(lv, 'key'))];
  if (k === 'ct' && prop(lv, 'dir') === undefined && prop(lv, 'family') === undefined)
    return ['ct', str(prop(lv, 'key'))];
  return null;
}

/** The right-hand side as raw strings: a value, a prefix, a range, an anonymous set, or a flag list. */
function rightValues(right: unknown): string[] | null {
  if (typeof right === 'string' || typeof right === 'number') return [String(right)];
  if (Array.isArray(right)) return flat(right);
  const s = single(right);
  if (s?.[0] === 'set') return flat(asList(s[1]));
  const one = element(right);
  return one === null ? null : [one];
}

function flat(items: readonly unknown[]): string[] | null {
  const out: string[] = [];
  for (const x of items) {
    const e = element(x);
    if (e === null) return null;
    out.push(e);
  }
  return out;
}

function element(x: unknown): string | null {
  if (typeof x === 'string' || typeof x === 'number') return String(x);
  const s = single(x);
  if (s?.[0] === 'prefix') return `${str(prop(s[1], 'addr'))}/${str(prop(s[1], 'len'))}`;
  if (s?.[0] === 'range' && Array.isArray(s[1]) && s[1].length === 2) {
    const [a, b] = s[1] as unknown[];
    return (typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number')
      ? `${a}-${b}`
      : null;
  }
  return null;
}
