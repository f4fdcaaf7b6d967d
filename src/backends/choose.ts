// Which backend `--backend auto` picks, and why, from facts about the host. Pure.
import type { BackendId } from '../model/plan.js';

/** What probe.ts found out (never changes the system). */
export interface HostFacts {
  readonly missing: readonly string[];
  /** `-A` rules in iptables-legacy-save + ip6tables-legacy-save. */
  readonly legacyRules: number;
  /** `-A` rules in iptables-nft-save + ip6tables-nft-save. */
  readonly xtablesRules: number;
  /** nft tables that are not iptables-nft's and not fwtrace's own. */
  readonly nativeTables: readonly string[];
  readonly kmsgReadable: boolean;
}

export interface Choice {
  readonly backend: BackendId;
  readonly reasons: readonly string[];
}

const NEEDS: Record<BackendId, readonly string[]> = {
  nft: ['nft'],
  xtables: ['nft', 'xtables-monitor'],
  legacy: ['iptables-legacy', 'dmesg'],
};

/** Binaries a backend needs that are missing. */
export function missingFor(backend: BackendId, facts: HostFacts): string[] {
  return NEEDS[backend].filter((b) => facts.missing.includes(b));
}

/** Legacy rules are invisible to nftables tracing, so they decide first; then iptables-nft; then native nft. */
export function chooseBackend(f: HostFacts): Choice {
  const reasons: string[] = [];
  if (f.legacyRules > 0) {
    reasons.push(`iptables-legacy holds ${f.legacyRules} rules: only legacy TRACE (kernel log) sees them`);
    if (f.xtablesRules > 0 || f.nativeTables.length > 0)
      reasons.push(
        'nftables rules exist too and will not appear in this trace (run again with --backend nft to see them)',
      );
    return { backend: 'legacy', reasons };
  }
  if (f.xtablesRules > 0 && missingFor('xtables', f).length === 0) {
    reasons.push(`iptables-nft holds ${f.xtablesRules} rules: xtables-monitor shows them in iptables syntax`);
    return { backend: 'xtables', reasons };
  }
  if (f.xtablesRules > 0)
    reasons.push(`iptables-nft holds ${f.xtablesRules} rules but xtables-monitor is missing: rules show in nft syntax`);
  reasons.push(
    f.nativeTables.length > 0
      ? `native nftables tables: ${f.nativeTables.join(', ')}`
      : 'no iptables-legacy rules: nftables tracing sees everything',
  );
  return { backend: 'nft', reasons };
}
