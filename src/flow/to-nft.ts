// FlowSpec → nft match tokens, one token list per rule of an `inet` table chain, and their nft text.
// Pure; no I/O.
//
// Quoting: tokens are bare (validated names, addresses, numbers, `!=`, `{`, `,`, `}`); the interface name
// after `iifname`/`oifname` must be double-quoted in nft syntax (a name like `tcp` or a wildcard `eth*`
// means something else bare). Use nftRuleText() for `nft -f -` input or as ONE argv element.
import type { FlowCidr, FlowSpec, PortRange } from '../model/flow.js';
import type { L4 } from './atoms.js';
import { addressBits } from './cidr.js';
import type { Conjunct } from './conjunct.js';
import { assertSafe, checkedConjuncts, NFT_TOKEN } from './safe-tokens.js';

/** nft's names for the transport protocols (what `nft list` prints back). */
const NFT_L4: Readonly<Record<L4, string>> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', icmp6: 'ipv6-icmp' };

/**
 * One match list per rule; the rules are alternatives (OR). An empty filter gives one empty list (match
 * everything). Throws only for a FlowSpec that parseFlow did not produce.
 */
export function flowToNft(spec: FlowSpec): string[][] {
  const rules = checkedConjuncts(spec).map((c) => conjunctToNft(c, spec.iif, spec.oif));
  assertSafe(rules, NFT_TOKEN);
  return rules;
}

/** The nft text of one match list, interface names quoted: `iifname "eth0" tcp dport 22`. */
export function nftRuleText(tokens: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    const name = tokens[i + 1];
    if ((t === 'iifname' || t === 'oifname') && name !== undefined) {
      parts.push(t, `"${name}"`);
      i++;
    } else if (t === ',' && parts.length > 0) parts[parts.length - 1] += ',';
    else parts.push(t);
  }
  return parts.join(' ');
}

function conjunctToNft(c: Conjunct, iif: string | null, oif: string | null): string[] {
  const t: string[] = [];
  // iptables' `eth+` prefix wildcard is `eth*` in nft.
  if (iif !== null) t.push('iifname', iif.replace(/\+$/, '*'));
  if (oif !== null) t.push('oifname', oif.replace(/\+$/, '*'));
  const hasAddr = [c.src, c.dst].some((f) => f.is !== null || f.not.length > 0);
  const icmpOnly = c.l4?.length === 1 && (c.l4[0] === 'icmp' || c.l4[0] === 'icmp6');
  // `ip saddr …` and `meta l4proto icmp` already imply the family.
  if (c.family !== null && !hasAddr && !icmpOnly) t.push('meta', 'nfproto', c.family === 4 ? 'ipv4' : 'ipv6');
  const ip = c.family === 6 ? 'ip6' : 'ip';
  for (const [field, key] of [
    [c.src, 'saddr'],
    [c.dst, 'daddr'],
  ] as const) {
    if (field.is !== null) t.push(ip, key, cidrText(field.is));
    for (const n of field.not) t.push(ip, key, '!=', cidrText(n));
  }
  const hasPorts = [c.sport, c.dport].some((f) => f.is !== null || f.not.length > 0);
  const single = c.l4?.length === 1 ? c.l4[0] : undefined;
  // `tcp dport` implies `meta l4proto tcp`; tcp-or-udp needs the l4proto set and the raw `th` header.
  const header = hasPorts && (single === 'tcp' || single === 'udp') ? single : 'th';
  if (c.l4 !== null && header === 'th') t.push('meta', 'l4proto', ...set(c.l4.map((p) => NFT_L4[p])));
  if (c.notL4.length > 0) t.push('meta', 'l4proto', '!=', ...set(c.notL4.map((p) => NFT_L4[p])));
  // nft 1.0.6 merges `sport != A dport != B` into one wrong 32-bit `!=`; a range compare is never merged.
  const bothNegated = c.sport.not.length > 0 && c.dport.not.length > 0;
  for (const [field, key] of [
    [c.sport, 'sport'],
    [c.dport, 'dport'],
  ] as const) {
    if (field.is !== null) t.push(header, key, rangeText(field.is, false));
    for (const n of field.not) t.push(header, key, '!=', rangeText(n, bothNegated && key === 'sport'));
  }
  return t;
}

/** A value or an anonymous set `{ a , b }` as separate tokens. */
function set(values: readonly string[]): string[] {
  if (values.length === 1) return [...values];
  return ['{', ...values.flatMap((v, i) => (i === 0 ? [v] : [',', v])), '}'];
}

function cidrText(c: FlowCidr): string {
  return c.prefix === addressBits(c.version) ? c.address : `${c.address}/${c.prefix}`;
}

function rangeText(r: PortRange, asRange: boolean): string {
  return r.from === r.to && !asRange ? `${r.from}` : `${r.from}-${r.to}`;
}
