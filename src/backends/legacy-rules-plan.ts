// TRACE rules for iptables-legacy / ip6tables-legacy in raw PREROUTING and OUTPUT, tagged with the session
// comment and removed by exact specification (-D), never by position. Pure.
import type { CommandSpec } from '../model/command.js';
import { sessionComment } from './session.js';

type Family = 'v4' | 'v6';
const BINARY: Record<Family, string> = { v4: 'iptables-legacy', v6: 'ip6tables-legacy' };

/** Only raw has TRACE, and raw has only PREROUTING (input interface known) and OUTPUT (output interface). */
function chainsFor(args: readonly string[]): ('PREROUTING' | 'OUTPUT')[] {
  const iif = args.includes('-i');
  const oif = args.includes('-o');
  if (iif && oif) return [];
  if (iif) return ['PREROUTING'];
  if (oif) return ['OUTPUT'];
  return ['PREROUTING', 'OUTPUT'];
}

/** The rule specification after the chain name, identical for -I and -D. */
function ruleSpec(args: readonly string[], session: string, rate: number | null): string[] {
  const limit = rate === null ? [] : ['-m', 'limit', '--limit', `${rate}/second`, '--limit-burst', String(rate)];
  return [...args, ...limit, '-m', 'comment', '--comment', sessionComment(session), '-j', 'TRACE'];
}

export interface LegacyRulePlan {
  readonly install: CommandSpec[];
  readonly remove: CommandSpec[];
  /** Filters that cannot be traced with TRACE (both -i and -o: raw has no FORWARD chain). */
  readonly skipped: number;
}

/** Commands for every rule of both families; removal in reverse order. */
export function legacyRuleCommands(
  rules: { v4: readonly (readonly string[])[]; v6: readonly (readonly string[])[] },
  session: string,
  rate: number | null,
  netns: string | null,
): LegacyRulePlan {
  const install: CommandSpec[] = [];
  const remove: CommandSpec[] = [];
  let skipped = 0;
  for (const family of ['v4', 'v6'] as const) {
    for (const args of rules[family]) {
      const chains = chainsFor(args);
      if (chains.length === 0) skipped++;
      for (const chain of chains) {
        const spec = ruleSpec(args, session, rate);
        install.push({ argv: [BINARY[family], '-w', '-t', 'raw', '-I', chain, '1', ...spec], netns });
        remove.unshift({ argv: [BINARY[family], '-w', '-t', 'raw', '-D', chain, ...spec], netns });
      }
    }
  }
  return { install, remove, skipped };
}
