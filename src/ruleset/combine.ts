// Several dumps of one host → one snapshot. nft dumps and iptables dumps of the same iptables-nft chains
// are overlaid (nft handles, iptables text), not replaced. Pure; no I/O.
import type { RulesetSnapshot } from '../model/ruleset.js';
import { overlayIptablesText } from './overlay.js';
import { mergeSnapshots } from './read-ruleset.js';

const isNft = (s: RulesetSnapshot): boolean => s.sources.some((x) => x === 'nft-json' || x === 'nft-text');

function mergeAll(snaps: readonly RulesetSnapshot[]): RulesetSnapshot | undefined {
  return snaps.reduce<RulesetSnapshot | undefined>((acc, s) => (acc ? mergeSnapshots(acc, s) : s), undefined);
}

/** One snapshot from any mix of nft and iptables dumps; undefined when there are none. */
export function combineSnapshots(snaps: readonly RulesetSnapshot[]): RulesetSnapshot | undefined {
  const nft = mergeAll(snaps.filter(isNft));
  const ipt = mergeAll(snaps.filter((s) => !isNft(s)));
  if (!nft || !ipt) return nft ?? ipt;
  const overlaid = overlayIptablesText(nft, ipt);
  // Chains only iptables knows (legacy tables next to nft ones) stay as they are.
  const seen = new Set(overlaid.chains.map((c) => `${c.family} ${c.table} ${c.chain}`));
  const extra = ipt.chains.filter((c) => !seen.has(`${c.family} ${c.table} ${c.chain}`));
  return { ...overlaid, chains: [...overlaid.chains, ...extra] };
}
