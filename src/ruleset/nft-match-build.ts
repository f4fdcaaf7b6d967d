// Builds RuleMatch conditions from an nft selector (`ip saddr`, `tcp dport`, `meta l4proto`, `ct state`...),
// an operator and raw values; shared by the nft text and nft JSON readers so both give the same result.
// Pure; no I/O.
import type { MatchField, RuleMatch } from '../model/ruleset.js';
import { normAddr, normCtState, normIcmpType, normIface, normPort, normProto, portOpRange } from './match-values.js';

/** What an nft left-hand side selects, when fwtrace models it. */
export type Selector =
  | { readonly kind: 'addr'; readonly field: 'src' | 'dst' }
  | { readonly kind: 'proto' | 'family' | 'ctstate' | 'ctstatus' }
  | { readonly kind: 'port'; readonly field: 'sport' | 'dport' }
  | { readonly kind: 'iface'; readonly field: 'iif' | 'oif' }
  | { readonly kind: 'icmp'; readonly v6: boolean };

/** Transport headers whose fields imply the protocol (`tcp dport 80` only matches tcp). */
export const L4_HEADS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'icmp', 'icmpv6']);
const PORT_HEADS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th']);
const IFACE_KEYS: Readonly<Record<string, 'iif' | 'oif'>> = { iif: 'iif', iifname: 'iif', oif: 'oif', oifname: 'oif' };

/** `ip`/`ip6` + field, a transport header + field, `meta` + key, `ct` + key, or a bare `iifname`-like key. */
export function selectorOf(head: string, field: string): Selector | null {
  if ((head === 'ip' || head === 'ip6') && (field === 'saddr' || field === 'daddr')) {
    return { kind: 'addr', field: field === 'saddr' ? 'src' : 'dst' };
  }
  if ((head === 'ip' && field === 'protocol') || (head === 'ip6' && field === 'nexthdr')) return { kind: 'proto' };
  if (PORT_HEADS.has(head) && (field === 'sport' || field === 'dport')) return { kind: 'port', field };
  if ((head === 'icmp' || head === 'icmpv6') && field === 'type') return { kind: 'icmp', v6: head === 'icmpv6' };
  if (head === 'meta' && field === 'l4proto') return { kind: 'proto' };
  if (head === 'meta' && field === 'nfproto') return { kind: 'family' };
  if (head === 'meta' || head === '') {
    const f = IFACE_KEYS[field];
    if (f !== undefined) return { kind: 'iface', field: f };
  }
  if (head === 'ct' && field === 'state') return { kind: 'ctstate' };
  if (head === 'ct' && field === 'status') return { kind: 'ctstatus' };
  return null;
}

/** The protocol condition a transport-header field implies (`tcp dport 80` → proto tcp); null for others. */
export function impliedProto(head: string, text: string): RuleMatch | null {
  if (!L4_HEADS.has(head)) return null;
  return { field: 'proto', negate: false, values: [head], text };
}

export function unknownMatch(text: string): RuleMatch {
  return { field: 'unknown', negate: false, values: [], text };
}

const EQ = new Set(['==', 'eq', 'in']);
const NE = new Set(['!=', 'ne']);
const ORDER: Readonly<Record<string, string>> = { lt: '<', gt: '>', le: '<=', ge: '>=' };

/**
 * The condition for `selector op values`; anything fwtrace cannot compare (a named set, a name it does not
 * know, an operator other than equality) becomes one `unknown` condition with the text.
 */
export function buildMatch(sel: Selector, op: string, raw: readonly string[], text: string): RuleMatch {
  const unknown = unknownMatch(text);
  if (raw.length === 0 || raw.some((v) => v.startsWith('@'))) return unknown;
  const order = ORDER[op] ?? op;
  if (!EQ.has(op) && !NE.has(op)) {
    if (sel.kind !== 'port' || raw.length !== 1 || !/^\d+$/.test(raw[0] ?? '')) return unknown;
    const range = portOpRange(order, Number(raw[0]));
    return range === null ? unknown : { field: sel.field, negate: false, values: [range], text };
  }
  const field = fieldOf(sel);
  const values = normalise(sel, raw);
  return values === null ? unknown : { field, negate: NE.has(op), values, text };
}

function fieldOf(sel: Selector): MatchField {
  switch (sel.kind) {
    case 'addr':
    case 'port':
    case 'iface':
      return sel.field;
    case 'proto':
    case 'family':
    case 'ctstate':
      return sel.kind;
    case 'ctstatus':
      return 'ctstate';
    case 'icmp':
      return 'icmp-type';
    default:
      return sel satisfies never;
  }
}

function normalise(sel: Selector, raw: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const v of raw) {
    const n = normOne(sel, v);
    if (n === null) return null;
    out.push(n);
  }
  return out;
}

function normOne(sel: Selector, v: string): string | null {
  switch (sel.kind) {
    case 'addr':
      return normAddr(v);
    case 'port':
      return normPort(v);
    case 'proto':
      return normProto(v);
    case 'family':
      return v === 'ipv4' || v === 'ipv6' ? v : null;
    case 'iface':
      return v === '' ? null : normIface(v);
    case 'ctstate':
      return v === 'snat' || v === 'dnat' ? null : normCtState(v);
    case 'ctstatus':
      return v === 'snat' || v === 'dnat' ? v.toUpperCase() : null;
    case 'icmp':
      return normIcmpType(v, sel.v6);
    default:
      return sel satisfies never;
  }
}
