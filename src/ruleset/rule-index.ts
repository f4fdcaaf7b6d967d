// RuleIndex over a snapshot: O(1) lookups of chains and rules by handle or position, with the
// ip/ip6 ↔ inet family fallback. Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { ChainInfo, MapInfo, RuleIndex, RuleInfo, RulesetSnapshot } from '../model/ruleset.js';

interface Entry {
  readonly chain: ChainInfo;
  readonly byHandle: ReadonlyMap<number, RuleInfo>;
}

/** Families tried after an exact miss: an ip lookup may find an inet table, never an ip6 one. */
const FALLBACK: Readonly<Record<Family, readonly Family[]>> = {
  ip: ['inet'],
  ip6: ['inet'],
  inet: ['ip', 'ip6'],
  arp: [],
  bridge: [],
  netdev: [],
};

/** Tables whose base chains see a packet of a family: an ip packet goes through ip and inet tables. */
const HOOKED_FAMILIES: Readonly<Record<Family, readonly Family[]>> = {
  ip: ['ip', 'inet'],
  ip6: ['ip6', 'inet'],
  inet: ['inet'],
  arp: ['arp'],
  bridge: ['bridge'],
  netdev: ['netdev'],
};

/** nft dumps give base chains a type; an iptables dump's built-in chain may not exist (iptables-nft makes it lazily). */
function certainlyHooked(chain: ChainInfo): boolean {
  return chain.type !== undefined || chain.rules.length > 0 || chain.policy === 'drop';
}

/** A rule that assigns or matches a conntrack helper, in iptables or nft syntax. */
const HELPER = /--helper\b|-m helper\b|\bct helper\b/;

export function buildRuleIndex(snapshot: RulesetSnapshot): RuleIndex {
  const entries = new Map<string, Entry>();
  for (const chain of snapshot.chains) {
    const byHandle = new Map<number, RuleInfo>();
    for (const r of chain.rules) if (r.handle !== null && !byHandle.has(r.handle)) byHandle.set(r.handle, r);
    const k = key(chain.family, chain.table, chain.chain);
    // Two dumps of one chain are merged by mergeSnapshots; a duplicate here keeps the first.
    if (!entries.has(k)) entries.set(k, { chain, byHandle });
  }
  const find = (family: Family, table: string, chain: string): Entry | undefined =>
    withFallback(entries, family, table, chain);
  const hooked = new Map<string, ChainInfo[]>();
  const declared = new Map<string, ChainInfo[]>();
  const add = (to: Map<string, ChainInfo[]>, k: string, chain: ChainInfo): void => {
    const list = to.get(k);
    if (list === undefined) to.set(k, [chain]);
    else list.push(chain);
  };
  for (const { chain } of entries.values()) {
    if (chain.hook === null) continue;
    const k = `${chain.family}\u0000${chain.hook}`;
    add(declared, k, chain);
    if (certainlyHooked(chain)) add(hooked, k, chain);
  }
  const maps = new Map<string, MapInfo>();
  for (const m of snapshot.maps ?? []) maps.set(key(m.family, m.table, m.name), m);
  const at = (by: Map<string, ChainInfo[]>, family: Family, hook: Hook): ChainInfo[] =>
    HOOKED_FAMILIES[family].flatMap((f) => by.get(`${f}\u0000${hook}`) ?? []);
  return {
    empty: entries.size === 0,
    helpers: snapshot.chains.some((c) => c.rules.some((r) => HELPER.test(r.text))),
    hooked: (family, hook) => at(hooked, family, hook),
    declared: (family, hook) => at(declared, family, hook),
    map: (family, table, name) => withFallback(maps, family, table, name),
    chain: (family, table, chain) => find(family, table, chain)?.chain,
    byHandle: (family, table, chain, handle) => find(family, table, chain)?.byHandle.get(handle),
    byPosition: (family, table, chain, position) => {
      const rules = find(family, table, chain)?.chain.rules;
      return rules !== undefined && Number.isInteger(position) && position >= 1 ? rules[position - 1] : undefined;
    },
  };
}

/** The entry of `name` in the table, trying the FALLBACK families after an exact miss. */
function withFallback<T>(by: ReadonlyMap<string, T>, family: Family, table: string, name: string): T | undefined {
  const exact = by.get(key(family, table, name));
  if (exact !== undefined) return exact;
  for (const f of FALLBACK[family]) {
    const e = by.get(key(f, table, name));
    if (e !== undefined) return e;
  }
  return undefined;
}

function key(family: Family, table: string, chain: string): string {
  return `${family}\u0000${table}\u0000${chain}`;
}
