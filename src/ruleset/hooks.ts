// Hook and priority of base chains: iptables builtin chain names, nft chain naming conventions, nft
// named priorities. Pure; no I/O.
import type { Family, Hook } from '../model/common.js';

const HOOK_NAMES: ReadonlyMap<string, Hook> = new Map<string, Hook>([
  ['prerouting', 'prerouting'],
  ['input', 'input'],
  ['forward', 'forward'],
  ['output', 'output'],
  ['postrouting', 'postrouting'],
  ['ingress', 'ingress'],
  ['egress', 'egress'],
]);

/** The builtin chains each xtables table has (kernel iptable_*.c valid_hooks). */
const XTABLES_CHAINS: ReadonlyMap<string, readonly string[]> = new Map([
  ['raw', ['PREROUTING', 'OUTPUT']],
  ['mangle', ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']],
  ['nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']],
  ['filter', ['INPUT', 'FORWARD', 'OUTPUT']],
  ['security', ['INPUT', 'FORWARD', 'OUTPUT']],
]);

/** Chain-name prefixes that mean "<chain type>-<hook>" (kube-proxy `nat-prerouting`, firewalld `filter_INPUT`). */
const TYPE_PREFIX =
  /^(filter|nat|mangle|raw|security|route)[-_](prerouting|input|forward|output|postrouting|ingress|egress)$/i;

/** The hook word of a name (`input`, `INPUT`), or null. */
export function hookFromName(name: string): Hook | null {
  return HOOK_NAMES.get(name.toLowerCase()) ?? null;
}

/**
 * The hook a chain is attached to, judged from its name only: iptables builtin chains (`PREROUTING` in
 * `nat`), or the nft convention of naming a base chain after its hook (`input`, `nat-prerouting`,
 * `filter_INPUT`). For the five xtables table names only the exact builtin names count (upper case, or
 * all lower case as native nft writes them), so a user chain like `KUBE-POSTROUTING` gets null.
 */
export function builtinHook(table: string, chain: string): Hook | null {
  const builtins = XTABLES_CHAINS.get(table);
  if (builtins !== undefined) {
    if (builtins.includes(chain)) return hookFromName(chain);
    // Native nft tables named like iptables ones (`table inet filter { chain forward ... }`) spell them in lower case.
    return HOOK_NAMES.get(chain) ?? null;
  }
  const direct = hookFromName(chain);
  if (direct !== null) return direct;
  // Named after nft's priority keywords, as fw4 and many hand-written rulesets do.
  if (chain === 'dstnat') return 'prerouting';
  if (chain === 'srcnat') return 'postrouting';
  const m = TYPE_PREFIX.exec(chain);
  return m?.[2] === undefined ? null : hookFromName(m[2]);
}

/** Words of freely named nft base chains that name their hook (`pre`, `nat_post`, `in_filter`, `FWD`, `outbound`). */
const HOOK_WORDS: ReadonlyMap<string, Hook> = new Map<string, Hook>([
  ...HOOK_NAMES,
  ['pre', 'prerouting'],
  ['in', 'input'],
  ['inbound', 'input'],
  ['incoming', 'input'],
  ['fwd', 'forward'],
  ['forwarding', 'forward'],
  ['out', 'output'],
  ['outbound', 'output'],
  ['outgoing', 'output'],
  ['post', 'postrouting'],
]);

/** Words that say nothing about the hook, allowed next to a hook word (`nat_post`, `trace_pre`, `in_filter_v4`). */
const PLAIN_WORDS: ReadonlySet<string> = new Set([
  ...['filter', 'nat', 'mangle', 'raw', 'route', 'security', 'snat', 'dnat', 'srcnat', 'dstnat', 'masq'],
  ...[
    'hook',
    'chain',
    'base',
    'main',
    'trace',
    'fw',
    'firewall',
    'ip',
    'ip4',
    'ip6',
    'ipv4',
    'ipv6',
    'v4',
    'v6',
    'inet',
  ],
]);

/**
 * The hook a chain's name gives when it is made of one hook word (`pre`, `in`, `fwd`, `outbound`) and plain words
 * (split at `-`, `_`, `.`); else null. For chains known to be base chains (a trace shows a packet entering them)
 * that builtinHook() cannot place. Any other word makes it unsure: VyOS's `vrf_zones_ct_in` is a prerouting chain.
 */
export function hookFromWords(chain: string): Hook | null {
  let found: Hook | null = null;
  for (const word of chain.toLowerCase().split(/[-_.]/)) {
    const hook = HOOK_WORDS.get(word);
    if (hook === undefined ? !PLAIN_WORDS.has(word) : found !== null) return null;
    found ??= hook ?? null;
  }
  return found;
}

/** OpenWrt fw4's nat chains and its zones' (`srcnat`, `dstnat_wan`). */
const FW4_NAT = /^(?:src|dst)nat(?:_|$)/;

/**
 * The chain type a name gives: `<type>-<hook>` (`nat` for kube-proxy's `nat-postrouting`, `mangle` for fw4's
 * `mangle_forward`, also with a short hook: `mangle_pre`), `nat` for fw4's `srcnat`/`dstnat*` and names with a NAT
 * word (`snat_post`, `masq_out`); else null.
 */
export function typeFromName(chain: string): string | null {
  if (FW4_NAT.test(chain) || NAT_WORD.test(chain)) return 'nat';
  return (TYPE_PREFIX.exec(chain) ?? TYPE_WORD.exec(chain))?.[1]?.toLowerCase() ?? null;
}

/** `snat_post`, `dnat-pre`, `masq_out`: a word of the name says the chain does NAT. */
const NAT_WORD = /(?:^|[-_])(?:[sd]nat|masq(?:uerade)?)(?:[-_]|$)/i;
/** `nat_pre`, `mangle_out`: a type word before any short hook name. */
const TYPE_WORD = /^(nat|mangle)[-_]/i;

/** Priority of an xtables table's builtin chain (NF_IP_PRI_*), null for unknown tables. */
export function xtablesPriority(table: string, hook: Hook): number | null {
  switch (table) {
    case 'raw':
      return -300;
    case 'mangle':
      return -150;
    case 'nat':
      // DNAT hooks run before filter, SNAT hooks after it.
      return hook === 'prerouting' || hook === 'output' ? -100 : 100;
    case 'filter':
      return 0;
    case 'security':
      return 50;
    default:
      return null;
  }
}

const NAMED_PRIORITIES: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

// The bridge family has its own table of names (nft(8) "Standard priority names").
const BRIDGE_PRIORITIES: Readonly<Record<string, number>> = { dstnat: -300, filter: -200, out: 100, srcnat: 300 };

/** An nft priority as printed (`filter`, `dstnat - 10`, `filter + 10`, `-110`) → number, or null. */
export function nftPriority(text: string, family: Family): number | null {
  const m = /^\s*(-?\d+|[a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(text);
  if (m === null || m[1] === undefined) return null;
  const names = family === 'bridge' ? BRIDGE_PRIORITIES : NAMED_PRIORITIES;
  const base = /^-?\d+$/.test(m[1]) ? Number(m[1]) : Object.hasOwn(names, m[1]) ? names[m[1]] : undefined;
  if (base === undefined) return null;
  const delta = m[3] === undefined ? 0 : Number(m[3]);
  return m[2] === '-' ? base - delta : base + delta;
}
