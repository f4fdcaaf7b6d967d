// iptables-nft rules seen through nft: handles come from `nft -j list ruleset`, text and counters from
// `iptables-save -c` at the same position, so rules show in the user's iptables syntax. Pure; no I/O.
import type { ChainInfo, RulesetSnapshot } from '../model/ruleset.js';

/** `nft` snapshot with the rules of chains that `ipt` also has replaced by ipt's text, keeping nft handles. */
export function overlayIptablesText(nft: RulesetSnapshot, ipt: RulesetSnapshot): RulesetSnapshot {
  const byKey = new Map(ipt.chains.map((c) => [`${c.family} ${c.table} ${c.chain}`, c]));
  const chains = nft.chains.map((c): ChainInfo => {
    const twin = byKey.get(`${c.family} ${c.table} ${c.chain}`);
    // Same number of rules or the dumps were taken across a ruleset change: then keep nft's own text.
    if (!twin || twin.rules.length !== c.rules.length) return c;
    return {
      ...c,
      rules: c.rules.map((r, i) => ({ ...twin.rules[i]!, handle: r.handle, family: c.family, nftText: r.text })),
    };
  });
  return { sources: [...nft.sources, ...ipt.sources], chains, unparsed: [...nft.unparsed, ...ipt.unparsed] };
}
