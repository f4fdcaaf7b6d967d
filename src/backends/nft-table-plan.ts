// The session's own nft table: rate-limited `meta nftrace set 1` before raw, added and deleted atomically
// in one `nft -f -` transaction. Used by the nft and xtables backends. Pure.
import type { CommandSpec } from '../model/command.js';
import { nftRuleText } from '../flow/to-nft.js';
import { sessionTable } from './session.js';

/** Before raw (-300), after conntrack defragmentation (-400). */
export const TRACE_PRIORITY = -350;
const LIMIT = 'fwtrace_rate';

/** Which hooks a rule belongs in: the input interface exists only from prerouting, the output one from forward. */
function chainsFor(tokens: readonly string[]): ('trace_pre' | 'trace_fwd' | 'trace_out')[] {
  const iif = tokens.includes('iifname');
  const oif = tokens.includes('oifname');
  if (iif && oif) return ['trace_fwd'];
  if (iif) return ['trace_pre'];
  if (oif) return ['trace_fwd', 'trace_out'];
  return ['trace_pre', 'trace_out'];
}

/** The `nft -f -` text that creates the session's table. `rate` null: no limit (--no-rate-limit). */
export function nftTraceTable(session: string, rules: readonly (readonly string[])[], rate: number | null): string {
  const chains = { trace_pre: ['prerouting'], trace_fwd: ['forward'], trace_out: ['output'] } as const;
  const body: Record<keyof typeof chains, string[]> = { trace_pre: [], trace_fwd: [], trace_out: [] };
  const limit = rate === null ? '' : `limit name "${LIMIT}" `;
  for (const tokens of rules) {
    const match = nftRuleText(tokens);
    for (const chain of chainsFor(tokens)) body[chain].push(`${match ? match + ' ' : ''}${limit}meta nftrace set 1`);
  }
  const lines = [`table inet ${sessionTable(session)} {`];
  // One named limit shared by every rule: the whole session traces at most `rate` packets per second.
  if (rate !== null) lines.push(`  limit ${LIMIT} { rate ${rate}/second burst ${rate} packets }`);
  for (const [chain, [hook]] of Object.entries(chains) as [keyof typeof chains, readonly [string]][]) {
    if (body[chain].length === 0) continue;
    lines.push(`  chain ${chain} {`, `    type filter hook ${hook} priority ${TRACE_PRIORITY}; policy accept;`);
    for (const r of body[chain]) lines.push(`    ${r}`);
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Install and remove commands of the session table. */
export function nftTableCommands(
  session: string,
  rules: readonly (readonly string[])[],
  rate: number | null,
  netns: string | null,
): { install: CommandSpec[]; remove: CommandSpec[] } {
  return {
    install: [{ argv: ['nft', '-f', '-'], stdin: nftTraceTable(session, rules, rate), netns }],
    remove: [{ argv: ['nft', 'delete', 'table', 'inet', sessionTable(session)], netns }],
  };
}
