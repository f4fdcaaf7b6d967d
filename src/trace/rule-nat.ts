// The NAT action named in a rule's text, for rules the ruleset snapshot does not know. Pure; no I/O.
import type { RuleNat } from '../model/ruleset.js';

const IPT = /-j (DNAT|SNAT|MASQUERADE|REDIRECT)\b(?:.*?--to-(?:destination|source|ports) (\S+))?/;
// A whole word: not part of a chain name like kube-proxy's `mark-for-masquerade`.
const NFT = /(?<![\w-])(dnat|snat|masquerade|redirect)(?![\w-])(?:(?: ip6?)? to (\S+))?/;
/**
 * What names the words without being a NAT statement: `ct status dnat` (a match), quoted comments, the chain of a
 * `jump` or `goto`.
 */
const NOT_STATEMENTS = /\bct status\s+(?:!=\s*)?(?:\{[^}]*\}|\S+)|"[^"]*"|\b(?:jump|goto)\s+\S+/g;

/** Reads `-j DNAT --to-destination X` or `dnat to X` style text; null when the rule does no NAT. */
export function natFromRuleText(text: string | null): RuleNat | null {
  if (text === null) return null;
  const ipt = IPT.exec(text);
  if (ipt) {
    const kind = ipt[1]!.toLowerCase() as RuleNat['kind'];
    const to = ipt[2] ?? null;
    return { kind, to: kind === 'redirect' && to !== null ? `:${to}` : to };
  }
  const nft = NFT.exec(text.replace(NOT_STATEMENTS, ''));
  if (nft) return { kind: nft[1] as RuleNat['kind'], to: nft[2] ?? null };
  return null;
}
