// Finding what dead fwtrace runs left behind: their state files, and tagged objects with no state file
// (a table `fwtrace_<pid>_<x>` or a rule commented `fwtrace:<pid>_<x>` whose pid is gone).
import type { CommandSpec } from '../model/command.js';
import { sessionOfComment, sessionOfTable, sessionPid } from '../backends/session.js';
import { tokenizeIptables } from '../ruleset/iptables-tokens.js';
import { runCommand } from '../sys/exec.js';
import { isAlive } from '../sys/host.js';
import { listStates, type SessionState } from '../sys/session-state.js';

export interface Stale {
  readonly session: string;
  readonly state: SessionState | null;
  readonly remove: readonly CommandSpec[];
}

const deadSession = (session: string): boolean => {
  const pid = sessionPid(session);
  return pid !== null && !isAlive(pid);
};

async function orphanTables(netns: string | null): Promise<Stale[]> {
  const r = await runCommand({ argv: ['nft', 'list', 'tables'], netns });
  if (!r.ok) return [];
  const out: Stale[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^table inet (\S+)$/.exec(line.trim());
    const session = m ? sessionOfTable(m[1]!) : null;
    if (session && deadSession(session)) {
      out.push({ session, state: null, remove: [{ argv: ['nft', 'delete', 'table', 'inet', m![1]!], netns }] });
    }
  }
  return out;
}

async function orphanRules(netns: string | null): Promise<Stale[]> {
  const out = new Map<string, CommandSpec[]>();
  for (const [save, bin] of [
    ['iptables-legacy-save', 'iptables-legacy'],
    ['ip6tables-legacy-save', 'ip6tables-legacy'],
  ] as const) {
    // Not `-t raw`: asking for a table instantiates it in a namespace that had none (a firewall change).
    // Without -t the save tool dumps only the tables that exist.
    const r = await runCommand({ argv: [save], netns });
    if (!r.ok) continue;
    let table = '';
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1).trim();
      if (table !== 'raw' || !line.startsWith('-A ')) continue;
      const args = tokenizeIptables(line).map((t) => t.value);
      const comment = args[args.indexOf('--comment') + 1];
      const session = comment !== undefined && args.includes('--comment') ? sessionOfComment(comment) : null;
      if (!session || !deadSession(session)) continue;
      const list = out.get(session) ?? [];
      list.push({ argv: [bin, '-w', '-t', 'raw', '-D', ...args.slice(1)], netns });
      out.set(session, list);
    }
  }
  return [...out].map(([session, remove]) => ({ session, state: null, remove }));
}

/** Sessions whose process is gone and that still have something to remove (in `netns`, or the root one). */
export async function findStale(netns: string | null): Promise<Stale[]> {
  const fromStates: Stale[] = (await listStates())
    .filter((s) => !isAlive(s.pid) && s.netns === netns)
    .map((s) => ({ session: s.session, state: s, remove: s.remove }));
  const known = new Set(fromStates.map((s) => s.session));
  const orphans = [...(await orphanTables(netns)), ...(await orphanRules(netns))].filter((o) => !known.has(o.session));
  return [...fromStates, ...orphans];
}
