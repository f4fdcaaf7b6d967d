// A ruleset snapshot and the index the assembler looks rules up in. Types only.
import type { Family, Hook, StepVerdict } from './common.js';

/** Which dump a snapshot was read from; decides the dialect rule text is shown in. */
export type RulesetSource = 'nft-json' | 'nft-text' | 'iptables-save' | 'iptables-S';

/** A NAT action a rule performs. */
export interface RuleNat {
  readonly kind: 'dnat' | 'snat' | 'masquerade' | 'redirect';
  /** `ip[:port]` (or `:port` for redirect and masquerade) as written in the rule, null for masquerade without ports. */
  readonly to: string | null;
  /** A 1:1 map of prefixes (NETMAP, nft `prefix to`): `to` is the new prefix, or nft's map to it; host bits are kept. */
  readonly prefix?: boolean;
  /** NETMAP, whose side is the hook's: the destination in prerouting and output, the source elsewhere. */
  readonly sideByHook?: boolean;
  /**
   * A rewrite without conntrack's NAT (IPv6 prefix translation `-j DNPT`/`SNPT`, nft `ip daddr set`): the rule goes
   * on (or accepts) as it would without it, and its chain is no nat chain.
   */
  readonly stateless?: boolean;
}

/** What a rule condition looks at (the fields fwtrace can compare with a packet, or `unknown`). */
export type MatchField =
  'family' | 'proto' | 'src' | 'dst' | 'sport' | 'dport' | 'iif' | 'oif' | 'ctstate' | 'icmp-type' | 'unknown';

/** One condition of a rule, parsed from its dump; a packet must satisfy every condition of a rule. */
export interface RuleMatch {
  readonly field: MatchField;
  /** `!` / `!=`: the condition holds when none of the values match. */
  readonly negate: boolean;
  /**
   * Any one matches (before negation). family: `ipv4`|`ipv6`; proto: `tcp`, `udp`, `icmp`, `icmpv6`, `sctp`…
   * or a protocol number; src/dst: `addr/len` (normalised) or `first-last`; sport/dport: `N` or `N-M`;
   * iif/oif: a name, a trailing `+` = any name with that prefix; ctstate: `NEW`, `ESTABLISHED`, `RELATED`,
   * `INVALID`, `UNTRACKED`, `SNAT`, `DNAT`; icmp-type: `T`, `T/C` or `any`; unknown: none.
   */
  readonly values: readonly string[];
  /** The condition as written in the rule. */
  readonly text: string;
}

/** One rule, in the user's own dialect. */
export interface RuleInfo {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  /** nft handle when the dump shows it (nft -j, nft -a), else null. */
  readonly handle: number | null;
  /** 1-based position in its chain (what legacy TRACE lines print as `rule:N`). */
  readonly position: number;
  /** `-A CHAIN ...` for iptables dumps, nft rule text for nft dumps; counters stripped. */
  readonly text: string;
  readonly packets: number | null;
  readonly bytes: number | null;
  /** What the rule does when it matches: its terminal verdict, `jump`/`goto`, or `continue` (LOG, MARK, counter...). */
  readonly action: StepVerdict;
  /** Chain for jump / goto. */
  readonly target: string | null;
  readonly nat: RuleNat | null;
  /** True when the rule has no match at all (the kernel logs such a rule as `return`/`policy` by shape). */
  readonly unconditional: boolean;
  readonly comment: string | null;
  /** iptables-nft rules shown in iptables syntax: the nft text `nft monitor trace` prints for them. */
  readonly nftText?: string;
  /** The rule's conditions in order (comments left out); absent when the reader did not parse them. */
  readonly matches?: readonly RuleMatch[];
}

export type ChainType = 'filter' | 'nat' | 'route';

/** One chain with its rules in order. */
export interface ChainInfo {
  readonly family: Family;
  readonly table: string;
  readonly chain: string;
  /** Base chains: the hook; user chains: null. */
  readonly hook: Hook | null;
  readonly priority: number | null;
  /** nft base chains: their type (`nat` and `route` chains only pass packets on); absent when the dump has none. */
  readonly type?: ChainType;
  /** Base chains: accept or drop; user chains: null. */
  readonly policy: 'accept' | 'drop' | null;
  readonly policyPackets: number | null;
  readonly policyBytes: number | null;
  readonly rules: readonly RuleInfo[];
}

/** One element of a named nft map: `10.96.0.30 . tcp . 80 comment "default/noep:http" : goto reject-chain`. */
export interface MapElement {
  /** The key's parts (one for a plain key, several for a concatenation), as nft prints them. */
  readonly key: readonly string[];
  /** The value as nft text (`goto reject-chain`, `drop`, `10.0.0.2`). */
  readonly value: string;
  readonly comment: string | null;
}

/** A named nft map with its elements (read for kube-proxy's nftables mode, which names services in comments). */
export interface MapInfo {
  readonly family: Family;
  readonly table: string;
  readonly name: string;
  readonly elements: readonly MapElement[];
}

/** Everything read from one or more dumps. */
export interface RulesetSnapshot {
  readonly sources: readonly RulesetSource[];
  readonly chains: readonly ChainInfo[];
  /** Named nft maps (absent from iptables dumps). */
  readonly maps?: readonly MapInfo[];
  /** Lines of the dump that were not understood (never fatal). */
  readonly unparsed: readonly { readonly line: string; readonly reason: string }[];
}

/** Lookups the assembler needs. Family `ip` and `ip6` lookups fall back to `inet` tables and vice versa. */
export interface RuleIndex {
  chain(family: Family, table: string, chain: string): ChainInfo | undefined;
  byHandle(family: Family, table: string, chain: string, handle: number): RuleInfo | undefined;
  byPosition(family: Family, table: string, chain: string, position: number): RuleInfo | undefined;
  /**
   * Base chains the kernel certainly runs at `hook` for a packet of `family` (ip and ip6 include inet tables):
   * every nft base chain, an iptables built-in chain only with rules or a DROP policy (iptables-nft-save lists
   * built-in chains that were never created).
   */
  hooked(family: Family, hook: Hook): readonly ChainInfo[];
  /**
   * Every base chain the dumps list at `hook` for a packet of `family`, hooked or not: iptables-legacy has made every
   * built-in chain of a table it lists (its tables register all their hooks), iptables-nft maybe not.
   */
  declared(family: Family, hook: Hook): readonly ChainInfo[];
  /** A named nft map of the table (ip and ip6 fall back to inet as chains do), or undefined. */
  map(family: Family, table: string, name: string): MapInfo | undefined;
  /** True when the index holds no chain at all. */
  readonly empty: boolean;
  /**
   * The ruleset assigns conntrack helpers or matches on them (`-j CT --helper ftp`, `-m helper`, nft `ct helper`):
   * a connection's first packet may then be RELATED, one a helper expected (an FTP data connection).
   */
  readonly helpers: boolean;
}
