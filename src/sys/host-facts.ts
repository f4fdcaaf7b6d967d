// The host checks' questions to the kernel, asked inside the traced namespace (argv arrays through
// runCommand, never a shell): sysctls, interfaces and addresses, sockets, and `ip route get` lookups.
// /proc/sys of a namespace can only be read from inside it, hence `ip netns exec NS sysctl`.
import type { CommandSpec } from '../model/command.js';
import { factsFrom, type HostFacts, type RawFacts } from '../host/facts.js';
import { SYSCTL_KEYS } from '../host/facts-sysctl.js';
import type { RouteEvidence } from '../host/diagnose-route.js';
import { inputRouteArgv, outputRouteArgv, parseRouteGet, type RouteAnswer, type RouteQuery } from '../host/route.js';
import { runCommand, type CommandResult } from './exec.js';

/** Runs one command; injectable for tests. */
export type Runner = (cmd: CommandSpec, timeoutMs: number) => Promise<CommandResult>;

/** Each question is small: a stuck one must not hold up the trace it explains. */
const TIMEOUT_MS = 3000;

export interface Gathered {
  readonly facts: HostFacts;
  /** One line per command that failed: `sysctl: ...`. */
  readonly failures: readonly string[];
}

export async function gatherFacts(netns: string | null, now: number, run: Runner = runCommand): Promise<Gathered> {
  const failures: string[] = [];
  const ask = async (argv: readonly string[], acceptFailure = false): Promise<string | null> => {
    const r = await run({ argv, netns }, TIMEOUT_MS);
    // sysctl exits non-zero when one key of the subtree cannot be read, but prints the others.
    if (r.ok || (acceptFailure && r.stdout.trim() !== '')) return r.stdout;
    failures.push(`${argv[0]}: ${r.summary || 'failed'}`);
    return null;
  };
  const [sysctl, addr, tcp, udp] = await Promise.all([
    ask(['sysctl', '-e', ...SYSCTL_KEYS], true),
    ask(['ip', '-d', '-j', 'addr', 'show']),
    ask(['ss', '-Hlnt']),
    ask(['ss', '-Hanu']),
  ]);
  const raw: RawFacts = { sysctl, addr, tcp, udp, rootBridge: await rootBridge(netns, sysctl, run) };
  return { facts: factsFrom(netns, now, raw), failures };
}

/** Kernels before 5.3 show `net.bridge.*` only in the root namespace: read them there when the netns has none. */
async function rootBridge(netns: string | null, sysctl: string | null, run: Runner): Promise<string | null> {
  if (netns === null || sysctl === null || sysctl.includes('net.bridge.')) return null;
  const keys = SYSCTL_KEYS.filter((k) => k.startsWith('net.bridge.'));
  const r = await run({ argv: ['sysctl', '-e', ...keys], netns: null }, TIMEOUT_MS);
  return r.stdout.trim() === '' ? null : r.stdout;
}

/** The kernel's answers for one packet; the extra lookups only when the first one refused it. */
export async function lookupRoute(
  netns: string | null,
  q: RouteQuery,
  run: Runner = runCommand,
): Promise<RouteEvidence> {
  const get = async (argv: readonly string[]): Promise<RouteAnswer> =>
    parseRouteGet(await run({ argv, netns }, TIMEOUT_MS));
  const input = await get(inputRouteArgv(q));
  const refused = input.kind === 'error' && (input.errno === 'EINVAL' || input.errno === 'EXDEV');
  if (!refused) return { query: q, input, reverse: null, output: null };
  const [reverse, output] = await Promise.all([
    get(outputRouteArgv(q.version, q.src, q.mark)),
    input.errno === 'EINVAL' ? get(outputRouteArgv(q.version, q.dst, q.mark)) : Promise.resolve(null),
  ]);
  return { query: q, input, reverse, output };
}
