// What the ruleset says an accepted packet must have met after its last traced step, and did not:
// - a later base chain of the same hook, or a chain at postrouting after forward or output, that could still drop
//   it: every packet goes through those (nat chains aside: they see a connection's first packet only), so the trace
//   was cut short (lost events, a reader that stopped, a capture that ends mid-packet);
// - input and forward both have chains but the packet, accepted in prerouting, reached neither: the kernel dropped
//   it between them (rp_filter, no route, forwarding off, TTL expired, too big for the next hop), unless events
//   were lost. Netfilter's verdict stays the accept (unless this host's routing ICMP error about it was traced:
//   trace/finish makes that the kernel's drop); the sentence says the rest. With chains at forward only, the
//   packet may also have been for this host, and the sentence says that too.
// Pure; no I/O.
import type { Family, Hook } from '../model/common.js';
import type { ChainInfo, RuleIndex } from '../model/ruleset.js';
import type { FinalVerdict, TraceStep } from '../model/trace.js';
import { chainKey } from './correlate.js';
import type { IcmpAnswer } from './icmp-answer.js';

/**
 * Chains every packet meets after the trace's last step that could stop it, never seen; [] when there are none.
 * `legacy`: the kernel log's, where iptables-legacy logs every chain a packet passes (its ACCEPT policy too), so a
 * postrouting chain its dump lists that the trace never shows was never reached, whether or not it could stop it.
 */
export function missedChains(steps: readonly TraceStep[], index: RuleIndex, legacy = false): readonly ChainInfo[] {
  const last = steps[steps.length - 1];
  const family = packetFamily(steps);
  if (last === undefined || family === null) return [];
  const hook = last.hook;
  const seen = new Set(steps.map((s) => chainKey(s.family, s.table, s.chain)));
  const unseen = (c: ChainInfo): boolean =>
    everyPacket(c) && !seen.has(chainKey(c.family, c.table, c.chain)) && mayStop(c, index);
  // The highest priority among the base chains traced at the last hook: later ones run after it.
  let top: number | null = null;
  for (const s of steps) {
    if (s.hook !== hook) continue;
    const c = index.chain(s.family, s.table, s.chain);
    if (c?.hook === hook && c.priority !== null && (top === null || c.priority > top)) top = c.priority;
  }
  if (top === null) return [];
  const after = top;
  const later = index.hooked(family, hook).filter((c) => c.priority !== null && c.priority > after && unseen(c));
  if (later.length > 0 || (hook !== 'forward' && hook !== 'output')) return later;
  if (legacy) {
    const logged = index.declared(family, 'postrouting').filter((c) => c.type === undefined && everyPacket(c));
    if (logged.some((c) => !seen.has(chainKey(c.family, c.table, c.chain)))) return logged;
  }
  return index.hooked(family, 'postrouting').filter(unseen);
}

/** The words that start the routing hint (host checks, which name the cause themselves, take it off again). */
export const UNROUTED_LEAD = '; not seen after prerouting, though ';

/** The packet may have been delivered here untraced: no chain hooks input. */
const FOR_THIS_HOST = 'it was for this host (no chain hooks input), or ';

const DROPPED_ON_THE_WAY =
  'the kernel dropped it on the way (rp_filter, no route, forwarding off, TTL expired, too big for the next hop), or events were lost';

/** The routing hint of a path: its words ('' for none), and whether the packet may have been for this host. */
export interface UnroutedHint {
  /** The words up to the causes (`; not seen after prerouting, though ... have chains (...): `); '' for no hint. */
  readonly lead: string;
  /** What may have become of the packet. */
  readonly causes: string;
  /** No chain hooks input: a packet for this host would show nothing after prerouting either. */
  readonly maybeLocal: boolean;
  /** No chain hooks forward: a forwarded packet would show nothing after prerouting either. */
  readonly maybeForwarded?: true;
}

const NO_HINT: UnroutedHint = { lead: '', causes: '', maybeLocal: false };

/** The causes for a multicast or broadcast packet (see finish: its destination says it was for this host or none). */
export function groupDropped(range: 'multicast' | 'broadcast'): string {
  const what =
    range === 'multicast' ? 'a multicast group this host has not joined' : 'a broadcast this host does not take';
  return `the kernel dropped it (${what}), or events were lost`;
}

/**
 * The causes for a packet that arrived with a TTL (hop limit) of 1 or 0: a router cannot forward it, so unless it
 * was for this host the kernel dropped it (and sent time exceeded, if its rate limit allowed).
 */
export function ttlSpent(hint: UnroutedHint, ttl: number, v6: boolean): string {
  const what = v6 ? 'hop limit' : 'TTL';
  const spent = `the kernel did not forward it: it arrived with ${what} ${ttl} (${what} expired), or events were lost`;
  return hint.maybeLocal ? FOR_THIS_HOST + spent : spent;
}

/** The hint with its causes replaced by the ICMP error this host answered the packet with (trace/icmp-answer). */
export function answeredText(hint: UnroutedHint, answer: IcmpAnswer): string {
  return `${hint.lead}the kernel dropped it on the way, ${answer.cause}: this host sent ${answer.message} (trace ${answer.id})`;
}

/**
 * `; not seen after prerouting, though input and forward have chains (...): ...`, or no words when it does not
 * apply. `legacy`: the dump is iptables-legacy's (the kernel log's), whose built-in chains all exist.
 */
export function unroutedHint(
  steps: readonly TraceStep[],
  verdict: FinalVerdict,
  index: RuleIndex | undefined,
  legacy = false,
): UnroutedHint {
  const last = steps[steps.length - 1];
  if (index === undefined || verdict.action !== 'accept' || last?.hook !== 'prerouting') return NO_HINT;
  const family = packetFamily(steps);
  if (family === null) return NO_HINT;
  const chainsAt = (hook: Hook): readonly ChainInfo[] =>
    legacy ? index.declared(family, hook) : index.hooked(family, hook);
  const input = chainsAt('input');
  const forward = chainsAt('forward');
  if (forward.length === 0) {
    if (input.length === 0) return NO_HINT;
    const lead = `${UNROUTED_LEAD}input has chains (${chainNames(input)}): `;
    const causes = `it was forwarded (no chain hooks forward), or ${DROPPED_ON_THE_WAY}`;
    return { lead, causes, maybeLocal: false, maybeForwarded: true };
  }
  if (input.length === 0) {
    const lead = `${UNROUTED_LEAD}forward has chains (${chainNames(forward)}): `;
    return { lead, causes: FOR_THIS_HOST + DROPPED_ON_THE_WAY, maybeLocal: true };
  }
  const lead = `${UNROUTED_LEAD}input and forward have chains (${chainNames(input)}, ${chainNames(forward)}): `;
  return { lead, causes: DROPPED_ON_THE_WAY, maybeLocal: false };
}

/** The explanation without unroutedHint()'s words. */
export function withoutUnroutedHint(explanation: string): string {
  const at = explanation.indexOf(UNROUTED_LEAD);
  return at < 0 ? explanation : explanation.slice(0, at);
}

/** `table/chain, table/chain`, the first three (a legacy dump lists mangle/INPUT, nat/INPUT, ...). */
function chainNames(chains: readonly ChainInfo[]): string {
  const names = chains.slice(0, 3).map((c) => `${c.table}/${c.chain}`);
  return chains.length > 3 ? `${names.join(', ')}, …` : names.join(', ');
}

/** Terminal rule actions: a chain without any (nor a DROP policy) lets every packet go on, traced or not. */
const STOPS: ReadonlySet<string> = new Set(['drop', 'reject', 'queue', 'stolen', 'unknown']);

/**
 * Whether chain c could stop a packet: a DROP policy, a rule that drops, rejects or queues (or whose action is not
 * known), or a jump to a chain that could. A trace that ends before a chain that cannot has lost nothing that matters.
 */
export function mayStop(c: ChainInfo, index: RuleIndex, visited = new Set<ChainInfo>()): boolean {
  if (c.policy === 'drop') return true;
  visited.add(c);
  for (const r of c.rules) {
    if (STOPS.has(r.action)) return true;
    if ((r.action === 'jump' || r.action === 'goto') && r.target !== null) {
      const next = index.chain(c.family, c.table, r.target);
      if (next === undefined || (!visited.has(next) && mayStop(next, index, visited))) return true;
    }
  }
  return false;
}

/** nat chains (nft type nat, the iptables nat table) see only the first packet of a connection. */
function everyPacket(c: ChainInfo): boolean {
  return c.type === undefined ? c.table !== 'nat' : c.type !== 'nat';
}

/**
 * The IP family the steps' tables tell: ip or ip6 when a table of that family saw the packet, inet when only inet
 * tables did (then only inet chains count: an ip table's chain would not see an IPv6 packet). null for bridge,
 * netdev and arp paths, which are not routed here.
 */
function packetFamily(steps: readonly TraceStep[]): Family | null {
  let family: Family | null = null;
  for (const s of steps) {
    if (s.family === 'ip' || s.family === 'ip6') {
      if (family !== null && family !== 'inet' && family !== s.family) return null;
      family = s.family;
    } else if (s.family === 'inet') family ??= 'inet';
    else return null;
  }
  return family;
}

/** For the sentence: `b/fwd_b at forward`. */
export function missedText(chains: readonly ChainInfo[]): string {
  const hook: Hook | null = chains[0]?.hook ?? null;
  return `${chainNames(chains)}${hook === null ? '' : ` at ${hook}`}`;
}
