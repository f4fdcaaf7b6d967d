// Pieces shared by the iptables-save and iptables -S readers: chain declaration with builtin hook and
// priority, policy words, IPv6 inference. Pure; no I/O.
import type { Family } from '../model/common.js';
import { builtinHook, xtablesPriority } from './hooks.js';
import { tokenizeIptables } from './iptables-tokens.js';
import type { SnapshotBuilder } from './snapshot-builder.js';

/** `ACCEPT`/`DROP` → policy; anything else (`-`, garbage) → null. */
export function policyWord(word: string | undefined): 'accept' | 'drop' | null {
  if (word === 'ACCEPT') return 'accept';
  if (word === 'DROP') return 'drop';
  return null;
}

/** Declares a chain: builtin chains get hook and table priority, user chains stay hook-less. */
export function declareXtablesChain(
  b: SnapshotBuilder,
  family: Family,
  table: string,
  chain: string,
  policy: 'accept' | 'drop' | null,
  counters: { readonly packets: number | null; readonly bytes: number | null } | null,
): void {
  const hook = builtinHook(table, chain);
  if (hook === null) {
    b.chain(family, table, chain);
    return;
  }
  b.chain(family, table, chain, {
    hook,
    priority: xtablesPriority(table, hook),
    ...(policy === null ? {} : { policy }),
    ...(counters === null ? {} : { policyPackets: counters.packets, policyBytes: counters.bytes }),
  });
}

/** Makes sure a chain that only appears in `-A` lines exists with its builtin hook. */
export function ensureXtablesChain(b: SnapshotBuilder, family: Family, table: string, chain: string): void {
  if (!b.has(family, table, chain)) declareXtablesChain(b, family, table, chain, null, null);
}

const ADDRESS_OPTIONS = new Set(['-s', '--source', '--src', '-d', '--destination', '--dst']);

/** True when rule lines look like ip6tables: an IPv6 source/destination or an ICMPv6 protocol. */
export function looksLikeIp6(lines: readonly string[]): boolean {
  for (const line of lines) {
    if (!/^(?:\[\d+:\d+\]\s*)?-A\s/.test(line)) continue;
    const tokens = tokenizeIptables(line);
    for (let i = 0; i + 1 < tokens.length; i++) {
      const opt = tokens[i]?.value ?? '';
      const value = tokens[i + 1]?.value ?? '';
      if (ADDRESS_OPTIONS.has(opt) && value.includes(':')) return true;
      if ((opt === '-p' || opt === '--protocol') && /^(?:ipv6-icmp|icmpv6|58)$/.test(value)) return true;
    }
  }
  return false;
}
