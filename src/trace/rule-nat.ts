// The NAT action named in a rule's text, for rules the ruleset snapshot does not know. Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { RuleNat } from '../model/ruleset.js';
import { payloadRewrite } from '../ruleset/nft-rule.js';
import { tokenizeNft } from '../ruleset/nft-tokens.js';

const IPT = /-j (DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP|DNPT|SNPT)\b(?:.*?--to(?:-destination|-source|-ports?)? (\S+))?/;
// A whole word: not part of a chain name like kube-proxy's `mark-for-masquerade`. `to` is an address, or the map
// a 1:1 prefix NAT looks it up in (`snat ip prefix to ip saddr map { 10.0.1.0/24 : 10.0.9.0/24 }`).
const NFT =
  /(?<![\w-])(dnat|snat|masquerade|redirect)(?![\w-])(?:(?: ip6?)?( prefix)? to (ip6? [sd]addr map \{[^}]*\}|\S+))?/;
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
    const to = ipt[2] ?? null;
    if (ipt[1] === 'NETMAP') return { kind: 'snat', to, prefix: true, sideByHook: true };
    if (ipt[1] === 'DNPT' || ipt[1] === 'SNPT')
      return { kind: ipt[1] === 'DNPT' ? 'dnat' : 'snat', to: null, stateless: true };
    const kind = ipt[1]!.toLowerCase() as RuleNat['kind'];
    const portsOnly = kind === 'redirect' || kind === 'masquerade';
    return { kind, to: portsOnly && to !== null ? `:${to}` : to };
  }
  const nft = NFT.exec(text.replace(NOT_STATEMENTS, ''));
  if (!nft) return / set /.test(text) ? payloadRewrite(tokenizeNft(text.replace(NOT_STATEMENTS, ''))) : null;
  const nat: RuleNat = { kind: nft[1] as RuleNat['kind'], to: nft[3] ?? null };
  return nft[2] === undefined ? nat : { ...nat, prefix: true };
}

/** The NAT a rule does at `hook`: NETMAP's side is the hook's (the destination in prerouting and output). */
export function natAtHook(nat: RuleNat | null, hook: Hook): RuleNat | null {
  if (nat?.sideByHook !== true) return nat;
  const kind = hook === 'prerouting' || hook === 'output' ? 'dnat' : 'snat';
  return kind === nat.kind ? nat : { ...nat, kind };
}
