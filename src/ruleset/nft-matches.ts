// The conditions of one nft rule as `nft list ruleset` prints it: the common forms (`ip saddr X`,
// `tcp dport { a, b }`, `iifname "x"`, `ct state ...`, `meta l4proto`, `icmp type`) become comparable
// conditions, any other expression one `unknown` condition with its text; statements are skipped.
// Pure; no I/O.
import type { RuleMatch } from '../model/ruleset.js';
import { buildMatch, impliedProto, selectorOf, unknownMatch } from './nft-match-build.js';
import { unquote } from './nft-tokens.js';

/** Statements that match every packet; they end an expression. */
const STATEMENTS = new Set([
  'counter',
  'accept',
  'drop',
  'continue',
  'return',
  'jump',
  'goto',
  'comment',
  'reject',
  'queue',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'log',
  'notrack',
  'tproxy',
  'dup',
  'fwd',
  'flow',
  'synproxy',
  'limit',
  'quota',
  'xt',
  'add',
  'update',
  'delete',
]);
/** Statements that filter: whether they match depends on state fwtrace cannot see. */
const FILTERING = new Set(['limit', 'quota']);
/** Tokens after which the next word continues the same expression. */
const CONTINUES = new Set([
  '.',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  'eq',
  'ne',
  'lt',
  'gt',
  'le',
  'ge',
  'and',
  'or',
  'xor',
  'map',
  'vmap',
  'ct',
  'rt',
  'meta',
  'fib',
  'jhash',
]);
/** Tokens that, after a value, make it part of a larger expression (a concatenation, a mask, a map key). */
const EXTENDS = new Set(['.', '&', '|', '^', '<<', '>>', '/', 'and', 'or', 'xor', 'map', 'vmap']);
const OPS = new Set(['==', '!=', 'eq', 'ne', '<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge']);
const HEADS = new Set(['ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'icmp', 'icmpv6', 'meta', 'ct']);
const BARE_IFACE = new Set(['iif', 'oif', 'iifname', 'oifname']);
const WORD = /^[a-z][a-z0-9-]*$/;

/** Conditions of a rule's tokens (from tokenizeNft, handle comment and counter values removed). */
export function nftTextMatches(tokens: readonly string[]): RuleMatch[] {
  const out: RuleMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] ?? '';
    if (isMangle(tokens, i)) i = skipStatement(tokens, i + 1);
    else if (STATEMENTS.has(t)) i = statement(tokens, i, out);
    else {
      const known = tryKnown(tokens, i);
      if (known !== null) {
        out.push(...known.matches);
        i = known.next;
      } else i = unknownSpan(tokens, i, out);
    }
  }
  return out;
}

/** `meta mark set ...`, `ct mark set ...`, `ip dscp set cs1`: a statement that changes the packet. */
function isMangle(tokens: readonly string[], i: number): boolean {
  const setAt = tokens.slice(i, i + 5).indexOf('set');
  return setAt > 0 && tokens.slice(i, i + setAt).every((w) => WORD.test(w) && !STATEMENTS.has(w));
}

function skipStatement(tokens: readonly string[], from: number): number {
  let i = from;
  while (i < tokens.length && !STATEMENTS.has(tokens[i] ?? '')) i++;
  return i;
}

function statement(tokens: readonly string[], i: number, out: RuleMatch[]): number {
  const t = tokens[i] ?? '';
  if (t === 'counter') {
    if (tokens[i + 1] === 'packets' && tokens[i + 3] === 'bytes') return i + 5;
    return tokens[i + 1] === 'name' ? i + 3 : i + 1;
  }
  if (t === 'jump' || t === 'goto' || t === 'comment') return i + 2;
  if (t === 'xt') {
    const name = unquote(tokens[i + 2] ?? '');
    if (tokens[i + 1] === 'match' && name !== 'comment') out.push(unknownMatch(tokens.slice(i, i + 3).join(' ')));
    return i + 3;
  }
  if (t === 'add' || t === 'update' || t === 'delete') {
    // A set statement filters only when its element carries a limit or quota (`add @m { ip saddr limit rate over 3/minute }`).
    const end = Math.min(tokens.length, i + 3);
    if (/\b(?:limit|quota|ct count)\b/.test(tokens[i + 2] ?? ''))
      out.push(unknownMatch(tokens.slice(i, end).join(' ')));
    return end;
  }
  const end = skipStatement(tokens, i + 1);
  if (FILTERING.has(t)) out.push(unknownMatch(tokens.slice(i, end).join(' ')));
  return end;
}

/** An expression fwtrace does not model: up to the next statement or the next expression's start. */
function unknownSpan(tokens: readonly string[], i: number, out: RuleMatch[]): number {
  let j = i + 1;
  while (j < tokens.length) {
    const t = tokens[j] ?? '';
    if (STATEMENTS.has(t) || isMangle(tokens, j)) break;
    if (!CONTINUES.has(tokens[j - 1] ?? '') && startsExpression(tokens, j)) break;
    j++;
  }
  const text = tokens.slice(i, j).join(' ');
  // `tcp flags syn / syn,ack` still says: only tcp, and so does a concatenation with a tcp field
  // (`ip daddr . tcp dport @pairs`); a map lookup is not a match.
  const lookup = tokens.slice(i, j).some((t) => t === 'map' || t === 'vmap');
  const implied = lookup ? null : transportOf(tokens, i, j, text);
  if (implied !== null) out.push(implied);
  out.push(unknownMatch(text));
  return j;
}

/**
 * The protocol condition a transport-header field of the expression tokens[i, j) implies (its head, or one after a
 * `.` of a concatenation: nft adds `meta l4proto` before loading it), or null.
 */
function transportOf(tokens: readonly string[], i: number, j: number, text: string): RuleMatch | null {
  for (let k = i; k < j; k++) {
    if (k > i && tokens[k - 1] !== '.') continue;
    const implied = WORD.test(tokens[k + 1] ?? '') ? impliedProto(tokens[k] ?? '', text) : null;
    if (implied !== null) return implied;
  }
  return null;
}

function startsExpression(tokens: readonly string[], j: number): boolean {
  const t = tokens[j] ?? '';
  const next = tokens[j + 1] ?? '';
  // `ct original ip saddr`: the conntrack tuple's address, one expression.
  if ((tokens[j - 1] === 'original' || tokens[j - 1] === 'reply') && tokens[j - 2] === 'ct') return false;
  if (BARE_IFACE.has(t)) return next.startsWith('"') || next.startsWith('{') || OPS.has(next);
  return HEADS.has(t) && WORD.test(next) && !STATEMENTS.has(next);
}

/** One of the modelled forms at i, with the index after it; null when the tokens are not one of them. */
function tryKnown(tokens: readonly string[], i: number): { matches: RuleMatch[]; next: number } | null {
  const head = tokens[i] ?? '';
  const bare = BARE_IFACE.has(head);
  if (!bare && !HEADS.has(head)) return null;
  const field = bare ? head : (tokens[i + 1] ?? '');
  const sel = selectorOf(bare ? '' : head, field);
  if (sel === null) return null;
  let k = bare ? i + 1 : i + 2;
  const op = OPS.has(tokens[k] ?? '') ? (tokens[k++] ?? '==') : '==';
  const value = tokens[k];
  if (value === undefined || CONTINUES.has(value)) return null;
  // `ct status dnat` is a match on conntrack state; elsewhere a statement word ends the expression.
  if (STATEMENTS.has(value) && sel.kind !== 'ctstatus') return null;
  if (sel.kind === 'iface' && !value.startsWith('"') && !value.startsWith('{')) return null;
  const after = tokens[k + 1];
  if (after !== undefined && EXTENDS.has(after)) return null;
  const text = tokens.slice(i, k + 1).join(' ');
  const match = buildMatch(sel, op, values(value), text);
  const implied = impliedProto(head, text);
  return { matches: implied === null ? [match] : [implied, match], next: k + 1 };
}

/** `{ a, b }` → [a, b]; `established,related` → both; `"eth0"` → eth0. */
function values(token: string): string[] {
  const inner = token.startsWith('{') && token.endsWith('}') ? token.slice(1, -1) : token;
  return inner
    .split(',')
    .map((v) => unquote(v.trim()))
    .filter((v) => v !== '');
}
