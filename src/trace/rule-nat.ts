// The NAT action named in a rule's text, for rules the ruleset snapshot does not know. Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { RuleNat } from '../model/ruleset.js';
import { parseNftRule } from '../ruleset/nft-rule.js';

const IPT = /-j (DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP|DNPT|SNPT)\b(?:.*?--to(?:-destination|-source|-ports?)? (\S+))?/;

/** An iptables-nft NAT target nft cannot print; its options are lost with it. */
export const XT_NAT = /\bXT target (DNAT|SNAT|MASQUERADE|REDIRECT) not found/;

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
  // nft 1.0.6 prints an iptables-nft NAT target it cannot translate (ip6 tables) as `XT target DNAT not found`.
  const xt = XT_NAT.exec(text);
  if (xt) return { kind: xt[1]!.toLowerCase() as RuleNat['kind'], to: null };
  // iptables syntax (xtables-monitor's `-4 -t nat -A ...`) without a NAT target does none; nft syntax is read as
  // the ruleset reader reads a listed rule (NAT statements, `prefix to`, payload `set`, not `ct status dnat`).
  return text.startsWith('-') ? null : parseNftRule(text).nat;
}

/** The NAT a rule does at `hook`: NETMAP's side is the hook's (the destination in prerouting and output). */
export function natAtHook(nat: RuleNat | null, hook: Hook): RuleNat | null {
  if (nat?.sideByHook !== true) return nat;
  const kind = hook === 'prerouting' || hook === 'output' ? 'dnat' : 'snat';
  return kind === nat.kind ? nat : { ...nat, kind };
}
