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

/**
 * Tables that two dumps of one kind (two nft dumps, or two iptables dumps) both hold: the later dump's chains
 * replace the earlier's, which is right for no one (two hosts' rulesets, or two dumps of one host taken at
 * different times). One sentence per pair of files, naming their tables.
 */
export function sharedTables(dumps: readonly { readonly name: string; readonly snap: RulesetSnapshot }[]): string[] {
  const owner = new Map<string, string>();
  const pairs = new Map<string, { first: string; later: string; tables: string[] }>();
  for (const { name, snap } of dumps) {
    for (const table of new Set(snap.chains.map((c) => `${c.family} ${c.table}`))) {
      const key = `${isNft(snap) ? 'nft' : 'iptables'} ${table}`;
      const first = owner.get(key);
      if (first === undefined) owner.set(key, name);
      else if (first !== name) {
        const pair = `${first}\u0000${name}`;
        const seen = pairs.get(pair) ?? { first, later: name, tables: [] };
        seen.tables.push(table);
        pairs.set(pair, seen);
      }
    }
  }
  return [...pairs.values()].map(
    ({ first, later, tables }) =>
      `${first} and ${later} both hold table${tables.length > 1 ? 's' : ''} ${tables.join(', ')}: the rules of ` +
      `${later} are used; give one host's dumps, taken with the capture (dumps of one host taken before and after ` +
      'a change: replay each part of the capture with its own; a kernel log of several hosts or namespaces: replay ' +
      'the lines of each, picked by their IN=/OUT= interfaces, with its own ruleset)',
  );
}
