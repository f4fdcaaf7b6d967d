// The packet as the deciding chain saw it: its headers at that hook (after DNAT), and its conntrack state
// when the trace tells it. Only the first packet of a TCP connection is known: a SYN without ACK is NEW
// (and DNAT when a DNAT rewrite ran before), unless the ruleset uses conntrack helpers and the SYN goes to a port
// a helper may expect (1024 and up: FTP data): then it may be RELATED. Anything else leaves the state unknown.
// Pure; no I/O.
import type { Hook } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { NatRewrite, TraceStep } from '../model/trace.js';
import { normProto } from '../ruleset/match-values.js';
import type { PacketView } from './compare.js';

const NOT_FIRST = new Set(['ACK', 'RST', 'FIN']);
const EMPTY: ReadonlySet<string> = new Set();
/** Hooks at which no SNAT can have happened yet to a connection's first packet. */
const BEFORE_SNAT = new Set<Hook>(['prerouting', 'input', 'forward', 'output']);

/**
 * `first` is the packet as first seen, `atHook` as seen entering the deciding hook (its fields win),
 * `steps`/`nat` the whole trace, `hook` the deciding hook.
 */
export function packetView(
  first: PacketInfo,
  atHook: PacketInfo | undefined,
  steps: readonly TraceStep[],
  nat: readonly NatRewrite[],
  hook: Hook,
  /** The ruleset uses conntrack helpers (RuleIndex.helpers). */
  helpers = false,
): PacketView {
  const at = atHook ?? first;
  const rawProto = at.proto ?? first.proto;
  const proto = rawProto === undefined ? undefined : (normProto(String(rawProto)) ?? String(rawProto));
  const expected = helpers && (at.dport ?? first.dport ?? 0) >= 1024;
  const ct = firstSyn(first, steps) ? ctOfFirst(nat, hook, expected) : { ctStates: null, ctUnknown: EMPTY };
  return {
    ipVersion: at.ipVersion ?? first.ipVersion,
    proto,
    src: at.src ?? first.src,
    dst: at.dst ?? first.dst,
    sport: at.sport ?? first.sport,
    dport: at.dport ?? first.dport,
    iif: at.iif ?? first.iif,
    oif: at.oif ?? first.oif,
    icmpType: at.icmpType ?? first.icmpType,
    icmpCode: at.icmpCode ?? first.icmpCode,
    flagless: at.tcpFlags === undefined && first.tcpFlags === undefined,
    midStream: proto === 'tcp' && first.tcpFlags?.some((f) => NOT_FIRST.has(f)) === true,
    ...ct,
  };
}

/** A TCP SYN without ACK, RST or FIN that no raw-table rule took out of conntrack. */
function firstSyn(first: PacketInfo, steps: readonly TraceStep[]): boolean {
  const flags = first.tcpFlags;
  if (first.proto !== 'tcp' || flags === undefined || !flags.includes('SYN')) return false;
  if (flags.some((f) => NOT_FIRST.has(f))) return false;
  return !steps.some((s) => s.table === 'raw' && s.rule?.text != null && /notrack/i.test(s.rule.text));
}

/** expected: the SYN may open a connection a helper expected (RELATED, not NEW). */
function ctOfFirst(
  nat: readonly NatRewrite[],
  hook: Hook,
  expected: boolean,
): Pick<PacketView, 'ctStates' | 'ctUnknown'> {
  const states = new Set(expected ? [] : ['NEW']);
  const unknown = new Set(expected ? ['NEW', 'RELATED'] : []);
  const dnatBefore = nat.some(
    (n) => (n.kind === 'dnat' || n.kind === 'redirect') && n.hook !== hook && n.hook !== 'postrouting',
  );
  if (dnatBefore) states.add('DNAT');
  if (!BEFORE_SNAT.has(hook)) unknown.add('SNAT');
  return { ctStates: states, ctUnknown: unknown.size === 0 ? EMPTY : unknown };
}
