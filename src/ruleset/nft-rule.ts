// What one nft rule (as `nft list ruleset` prints it) does: action, target, NAT, comment, counters,
// handle, and whether it has any match. Pure; no I/O.
import type { StepVerdict } from '../model/common.js';
import type { RuleNat } from '../model/ruleset.js';
import type { Effect } from './iptables-rule.js';
import { xtTargetEffect } from './iptables-rule.js';
import { nftTextMatches } from './nft-matches.js';
import { tokenizeNft, unquote } from './nft-tokens.js';
import type { RuleFields } from './snapshot-builder.js';

const VERDICTS: ReadonlyMap<string, StepVerdict> = new Map<string, StepVerdict>([
  ['accept', 'accept'],
  ['drop', 'drop'],
  ['reject', 'reject'],
  ['return', 'return'],
  ['continue', 'continue'],
  ['queue', 'queue'],
]);
const NAT = new Set(['dnat', 'snat', 'masquerade', 'redirect']);
/** Words after `to` that are NAT flags, not part of the address. */
const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent', 'comment', 'netmap']);
/** First words of a statement that matches every packet (counter, verdicts, log, nat...). */
const STATEMENTS = new Set([
  'counter',
  'accept',
  'drop',
  'reject',
  'return',
  'continue',
  'queue',
  'jump',
  'goto',
  'dnat',
  'snat',
  'masquerade',
  'redirect',
  'log',
  'notrack',
  'comment',
]);
const HANDLE = /\s#\s*handle\s+(\d+)\s*$/;
const COUNTER = /\bcounter packets (\d+) bytes (\d+)/;
/** A quota's `used` part: a value like a counter's, which trace lines print as of the reader's start (or not at all). */
export const QUOTA_USED = /(\bquota (?:over |until )?\d+ [a-z]+) used \d+ [a-z]+/g;

/**
 * Analyses one rule line. `invisibleMatch` says the line began with a space after its indentation: nft
 * prints iptables-nft's `-m comment` as nothing, so the rule has a match we cannot see.
 */
export function parseNftRule(line: string, invisibleMatch = false): RuleFields {
  let body = ` ${line}`;
  const h = HANDLE.exec(body);
  const handle = h?.[1] === undefined ? null : Number(h[1]);
  if (h !== null) body = body.slice(0, h.index);
  let packets: number | null = null;
  let bytes: number | null = null;
  const c = findOutsideQuotes(body, COUNTER);
  if (c !== null) {
    packets = Number(c[1]);
    bytes = Number(c[2]);
    // Keep the word: the text then reads like `nft -s list ruleset` (and like a trace line minus values).
    body = `${body.slice(0, c.index)}counter${body.slice(c.index + c[0].length)}`;
  }
  body = body.replace(QUOTA_USED, '$1');
  const tokens = tokenizeNft(body);
  const commentAt = tokens.indexOf('comment');
  const commentTok = commentAt >= 0 ? tokens[commentAt + 1] : undefined;
  return {
    handle,
    text: body.trim(),
    packets,
    bytes,
    ...ruleEffect(tokens),
    unconditional: !invisibleMatch && startsWithStatement(tokens),
    comment: commentTok === undefined ? null : unquote(commentTok),
    matches: nftTextMatches(tokens),
  };
}

/** First match of `re` that does not start inside a quoted string. */
function findOutsideQuotes(text: string, re: RegExp): RegExpExecArray | null {
  const global = new RegExp(re.source, 'g');
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    if ((text.slice(0, m.index).match(/"/g)?.length ?? 0) % 2 === 0) return m;
  }
  return null;
}

/** The last verdict-like statement decides; a verdict map makes the rule's verdict data-dependent. */
function ruleEffect(tokens: readonly string[]): Effect {
  const effect = verdictEffect(tokens);
  if (effect.nat !== null) return effect;
  const nat = payloadRewrite(tokens);
  return nat === null ? effect : { ...effect, nat };
}

/** `ip daddr set 10.0.0.2 tcp dport set 8080`: a stateless rewrite of one side (the destination's, if both). */
export function payloadRewrite(tokens: readonly string[]): RuleNat | null {
  let addr: { side: 'saddr' | 'daddr'; value: string } | null = null;
  let port: { side: 'sport' | 'dport'; value: string } | null = null;
  for (let i = 2; i + 1 < tokens.length; i++) {
    if (tokens[i] !== 'set') continue;
    const field = tokens[i - 1];
    const proto = tokens[i - 2] ?? '';
    const value = tokens[i + 1]!;
    if ((field === 'saddr' || field === 'daddr') && (proto === 'ip' || proto === 'ip6'))
      addr ??= { side: field, value };
    if ((field === 'sport' || field === 'dport') && /^(?:tcp|udp|sctp|th)$/.test(proto))
      port ??= { side: field, value };
  }
  const dst = addr?.side === 'daddr' || (addr === null && port?.side === 'dport');
  const host = addr !== null && (addr.side === 'daddr') === dst ? addr.value : null;
  const p = port !== null && (port.side === 'dport') === dst ? port.value : null;
  if (host === null && p === null) return null;
  const to = host === null ? `:${p}` : p === null ? host : host.includes(':') ? `[${host}]:${p}` : `${host}:${p}`;
  return { kind: dst ? 'dnat' : 'snat', to, stateless: true };
}

function verdictEffect(tokens: readonly string[]): Effect {
  let effect: Effect = { action: 'continue', target: null, nat: null };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const verdict = VERDICTS.get(t);
    if (verdict !== undefined) effect = { action: verdict, target: null, nat: null };
    else if ((t === 'jump' || t === 'goto') && tokens[i + 1] !== undefined) {
      effect = { action: t, target: unquote(tokens[i + 1] ?? ''), nat: null };
      i++;
    } else if (t === 'vmap') effect = { action: 'unknown', target: null, nat: null };
    else if (NAT.has(t) && tokens[i - 1] !== 'status') {
      // `ct status dnat` is a match on conntrack state, not a NAT statement.
      effect = { action: 'accept', target: null, nat: natOf(t as RuleNat['kind'], tokens, i + 1) };
    } else if (t === 'xt' && tokens[i + 1] === 'target' && tokens[i + 2] !== undefined) {
      effect = xtTargetEffect(unquote(tokens[i + 2] ?? ''));
      i += 2;
    }
  }
  return effect;
}

/** `dnat ip to X`, `snat ip prefix to ip saddr map { ... }` (a 1:1 map of prefixes), `masquerade to :ports`. */
function natOf(kind: RuleNat['kind'], tokens: readonly string[], from: number): RuleNat {
  let i = from;
  if (tokens[i] === 'ip' || tokens[i] === 'ip6') i++;
  const prefix = tokens[i] === 'prefix';
  if (prefix) i++;
  if (tokens[i] !== 'to') return { kind, to: null };
  const parts: string[] = [];
  for (i++; i < tokens.length && !isNatFlags(tokens[i] ?? ''); i++) parts.push(tokens[i] ?? '');
  const to = parts.length === 0 ? null : parts.join(' ');
  return prefix ? { kind, to, prefix } : { kind, to };
}

/** `persistent`, `random,persistent`, `comment`: where the NAT address ends. */
function isNatFlags(token: string): boolean {
  return token.split(',').every((w) => NAT_FLAGS.has(w));
}

function startsWithStatement(tokens: readonly string[]): boolean {
  const first = tokens[0];
  if (first === undefined || STATEMENTS.has(first)) return true;
  if (first === 'xt') return tokens[1] === 'target';
  // `meta mark set ...`, `ct mark set ...`, `ip dscp set cs1`: a mangle statement, no match before it.
  const setAt = tokens.slice(0, 5).indexOf('set');
  return setAt > 0 && tokens.slice(0, setAt).every((w) => /^[a-z][a-z0-9-]*$/.test(w));
}
