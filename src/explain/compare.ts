// Compares one rule condition with what the trace shows of the packet: passes, fails (with what the rule
// wants and what the packet has), or cannot be compared (never guessed). Pure; no I/O.
import ipaddr from 'ipaddr.js';
import type { MatchField, RuleMatch } from '../model/ruleset.js';
import type { FailedCondition } from '../model/trace.js';

/** The packet as the deciding chain saw it (after any DNAT), and what is known of its conntrack state. */
export interface PacketView {
  readonly ipVersion?: 4 | 6 | undefined;
  /** Lower-case name (`tcp`, `icmpv6`) or protocol number as text. */
  readonly proto?: string | undefined;
  readonly src?: string | undefined;
  readonly dst?: string | undefined;
  readonly sport?: number | undefined;
  readonly dport?: number | undefined;
  /** '' = no interface (locally generated / delivered). */
  readonly iif?: string | undefined;
  readonly oif?: string | undefined;
  readonly icmpType?: number | undefined;
  readonly icmpCode?: number | undefined;
  /** Conntrack states the packet is in, or null when not known (only a first SYN is known: NEW). */
  readonly ctStates: ReadonlySet<string> | null;
  /** States that cannot be told even then (e.g. SNAT before the nat hooks ran). */
  readonly ctUnknown: ReadonlySet<string>;
  /**
   * The trace shows no TCP flags. With ports but no protocol (xtables-monitor prints none for UDP, and flags for
   * every TCP packet) the packet is then not TCP.
   */
  readonly flagless?: boolean;
  /** A TCP packet of a connection under way (ACK, FIN or RST; no bare SYN): conntrack should know it. */
  readonly midStream?: boolean;
}

/** What of the packet conditions on `fields` can see: two packets with the same key compare alike. */
export function viewKey(p: PacketView, fields: ReadonlySet<MatchField>): string {
  // An unknown protocol is still not a portless one when the packet shows ports (see packetValue).
  const parts: (string | number | boolean | null | undefined)[] = [
    p.ipVersion,
    p.proto ?? `${hasPorts(p)}${p.flagless === true}`,
  ];
  if (fields.has('src')) parts.push(p.src);
  if (fields.has('dst')) parts.push(p.dst);
  if (fields.has('sport')) parts.push(p.sport);
  if (fields.has('dport')) parts.push(p.dport);
  if (fields.has('iif')) parts.push(p.iif);
  if (fields.has('oif')) parts.push(p.oif);
  if (fields.has('icmp-type')) parts.push(p.icmpType, p.icmpCode);
  if (fields.has('ctstate'))
    parts.push(p.ctStates === null ? null : [...p.ctStates].join(), [...p.ctUnknown].join(), p.midStream === true);
  return parts.map((x) => (x === undefined ? '\u0002' : String(x))).join('\u0000');
}

export type Outcome =
  | { readonly kind: 'pass' }
  | {
      readonly kind: 'fail';
      readonly failed: FailedCondition;
      /** It fails only because the packet is of another protocol (ports of an ICMP packet, ICMP type of TCP). */
      readonly otherProto?: true;
    }
  | {
      readonly kind: 'unknown';
      readonly text: string;
      /** The condition could be compared, but the trace does not show the packet's value. */
      readonly absent?: true;
    };

const PASS: Outcome = { kind: 'pass' };
const PORTLESS = new Set(['icmp', 'icmpv6', 'esp', 'ah', 'gre']);
/** What a packet of unknown protocol that shows ports `got` for a portless protocol condition. */
export const PORTS = '(ports)';
/** What such a packet without TCP flags `got` for a TCP condition. */
export const NOT_TCP = '(ports, no TCP flags)';

/** The outcome of one condition for this packet. */
export function compareMatch(m: RuleMatch, p: PacketView): Outcome {
  const text = (why: string): string => (why === '' ? m.text : `${m.text} (${why})`);
  const unknown = (why = ''): Outcome => ({ kind: 'unknown', text: text(why) });
  // The packet's value is not in the trace (a field it does not show, its conntrack state): see near-miss keptOut.
  const absent = (why = ''): Outcome => ({ kind: 'unknown', text: text(why), absent: true });
  const state = m.field === 'ctstate';
  const got = packetValue(m, p);
  if (got === null) return state ? absent('conntrack state not known for this packet') : unknown();
  if (got.kind === 'absent') return absent(`the trace does not show the packet's ${m.field}`);
  let hit: boolean | null;
  if (got.kind === 'none') hit = false;
  else hit = anyValue(m, got.value, p);
  if (hit === null) return state ? absent() : unknown();
  if (hit !== m.negate) return PASS;
  const want = `${m.negate ? '!' : ''}${m.values.join(',')}`;
  if (got.kind === 'none') return { kind: 'fail', failed: { field: m.field, want, got: got.shown }, otherProto: true };
  return { kind: 'fail', failed: { field: m.field, want, got: shown(m, got.value) } };
}

type Got = { kind: 'value'; value: string } | { kind: 'none'; shown: string } | { kind: 'absent' };

/** What the packet has for the condition's field; null when the field is not comparable at all. */
function packetValue(m: RuleMatch, p: PacketView): Got | null {
  const v = (x: string | number | undefined): Got =>
    x === undefined ? { kind: 'absent' } : { kind: 'value', value: String(x) };
  switch (m.field) {
    case 'family':
      return v(p.ipVersion === undefined ? undefined : `ipv${p.ipVersion}`);
    case 'proto':
      // xtables-monitor prints no protocol for UDP, but ports: such a packet is none of the portless protocols.
      if (p.proto === undefined && hasPorts(p) && m.values.every((x) => PORTLESS.has(x)))
        return { kind: 'none', shown: PORTS };
      if (p.proto === undefined && hasPorts(p) && p.flagless === true && m.values.every((x) => x === 'tcp'))
        return { kind: 'none', shown: NOT_TCP };
      return v(p.proto);
    case 'src':
      return v(p.src);
    case 'dst':
      return v(p.dst);
    case 'sport':
    case 'dport': {
      const port = m.field === 'sport' ? p.sport : p.dport;
      if (port === undefined && p.proto !== undefined && PORTLESS.has(p.proto)) return { kind: 'none', shown: p.proto };
      return v(port);
    }
    case 'iif':
    case 'oif': {
      const name = m.field === 'iif' ? p.iif : p.oif;
      return name === '' ? { kind: 'none', shown: '(none)' } : v(name);
    }
    case 'ctstate': {
      if (p.ctStates === null) return null;
      // A SYN a helper may have expected: `NEW or RELATED` (shown only: the match reads ctStates and ctUnknown).
      const maybe = [...p.ctUnknown].filter((x) => x === 'NEW' || x === 'RELATED');
      const states = maybe.length > 0 ? [maybe.join(' or '), ...p.ctStates] : [...p.ctStates];
      return { kind: 'value', value: states.join(',') };
    }
    case 'icmp-type':
      if (p.proto !== undefined && p.proto !== 'icmp' && p.proto !== 'icmpv6') return { kind: 'none', shown: p.proto };
      if (p.icmpType === undefined) return { kind: 'absent' };
      return v(p.icmpCode === undefined ? `${p.icmpType}` : `${p.icmpType}/${p.icmpCode}`);
    case 'unknown':
      return null;
    default:
      return m.field satisfies never;
  }
}

function hasPorts(p: PacketView): boolean {
  return p.sport !== undefined || p.dport !== undefined;
}

function shown(m: RuleMatch, value: string): string {
  return m.field === 'icmp-type' ? value.replace(/\/0$/, '') : value;
}

/** Whether any of the condition's values covers the packet's; null when a value cannot be judged. */
function anyValue(m: RuleMatch, got: string, p: PacketView): boolean | null {
  let undecided = false;
  for (const want of m.values) {
    const r = oneValue(m, want, got, p);
    if (r === true) return true;
    if (r === null) undecided = true;
  }
  return undecided ? null : false;
}

function oneValue(m: RuleMatch, want: string, got: string, p: PacketView): boolean | null {
  switch (m.field) {
    case 'src':
    case 'dst':
      return inNet(want, got);
    case 'sport':
    case 'dport': {
      const [lo, hi] = want.split('-').map(Number);
      const n = Number(got);
      return lo === undefined ? null : n >= lo && n <= (hi ?? lo);
    }
    case 'iif':
    case 'oif':
      return want.endsWith('+') ? got.startsWith(want.slice(0, -1)) : got === want;
    case 'ctstate':
      if (p.ctStates?.has(want) === true) return true;
      return p.ctUnknown.has(want) ? null : false;
    case 'icmp-type': {
      if (want === 'any') return true;
      const [t, c] = want.split('/');
      const [gt, gc] = got.split('/');
      if (t !== gt) return false;
      if (c === undefined) return true;
      return gc === undefined ? null : c === gc;
    }
    case 'family':
    case 'proto':
    case 'unknown':
      return want === got;
    default:
      return m.field satisfies never;
  }
}

/** Address in `net/len` or in `first-last`; an address of the other IP version is not in it. */
function inNet(want: string, got: string): boolean | null {
  try {
    return inNetUnsafe(want, got);
  } catch {
    return null;
  }
}

function inNetUnsafe(want: string, got: string): boolean | null {
  if (!ipaddr.isValid(got)) return null;
  const addr = ipaddr.parse(got);
  const dash = want.indexOf('-');
  if (dash > 0) {
    const lo = ipaddr.parse(want.slice(0, dash));
    const hi = ipaddr.parse(want.slice(dash + 1));
    if (lo.kind() !== addr.kind()) return false;
    const n = toBig(addr);
    return n >= toBig(lo) && n <= toBig(hi);
  }
  const [net, len] = ipaddr.parseCIDR(want);
  return net.kind() === addr.kind() && addr.match([net, len] as [typeof addr, number]);
}

function toBig(a: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}
