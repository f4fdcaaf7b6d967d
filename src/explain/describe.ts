// Words for the structured answers: a near miss as one clause ("rule 4 would accept tcp dport 5432 from
// 10.0.0.5/32, but this packet comes from 10.0.0.2") and a Kubernetes service in a few words. Pure; no I/O.
import type { RuleMatch } from '../model/ruleset.js';
import type { FailedCondition, KubeService, NearMiss, RuleRef } from '../model/trace.js';
import { icmpTypeName } from '../ruleset/match-values.js';
import { NOT_TCP, PORTS } from './compare.js';

const NAT_STATUS: ReadonlySet<string> = new Set(['DNAT', 'SNAT']);

/** The order conditions read best in: `tcp dport 80 from A to B in on eth0 ct state NEW`. */
const ORDER = ['family', 'proto', 'icmp-type', 'dport', 'sport', 'src', 'dst', 'iif', 'oif', 'ctstate'];

/** `rule 3`, `rule handle 12`, or `a rule`. */
function ruleLabel(r: RuleRef): string {
  if (r.position !== null) return `rule ${r.position}`;
  return r.handle !== null ? `rule handle ${r.handle}` : 'a rule';
}

/** What a rule accepts, in words, from its comparable conditions ('' when it has none). */
export function conditionsText(matches: readonly RuleMatch[]): string {
  const v6 = matches.some(
    (m) => (m.field === 'proto' && m.values.includes('icmpv6')) || (m.field === 'family' && m.values.includes('ipv6')),
  );
  const parts = matches
    .filter((m) => m.field !== 'unknown')
    .sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field))
    .map((m) => conditionText(m, v6));
  return parts.join(' ');
}

function conditionText(m: RuleMatch, v6: boolean): string {
  const v = m.values.join(',');
  const not = m.negate ? 'not ' : '';
  switch (m.field) {
    case 'family':
      return `${not}${m.values.map((x) => (x === 'ipv6' ? 'IPv6' : 'IPv4')).join('/')}`;
    case 'proto':
      return `${not}${m.values.join('/')}`;
    case 'icmp-type':
      return `type ${not}${m.values.map((x) => icmpTypeName(x, v6)).join(',')}`;
    case 'dport':
    case 'sport':
      return `${m.field} ${not}${v}`;
    case 'src':
      return `${not}from ${v}`;
    case 'dst':
      return `${not}to ${v}`;
    case 'iif':
      return `${not}in on ${v}`;
    case 'oif':
      return `${not}out on ${v}`;
    case 'ctstate':
      // DNAT and SNAT are conntrack's status bits (iptables' --ctstate takes them too): not states.
      return m.values.every((x) => NAT_STATUS.has(x)) ? `ct status ${not}${v.toLowerCase()}` : `ct state ${not}${v}`;
    case 'unknown':
      return m.text;
    default:
      return m.field satisfies never;
  }
}

/** `comes from 10.0.0.2`, `goes to port 9999`, `is udp`. */
export function failedText(f: FailedCondition, icmp = 'icmp'): string {
  switch (f.field) {
    case 'src':
      return `comes from ${f.got}`;
    case 'dst':
      return `goes to ${f.got}`;
    case 'dport':
      return /^\d+$/.test(f.got) ? `goes to port ${f.got}` : `has no port (${f.got})`;
    case 'sport':
      return /^\d+$/.test(f.got) ? `comes from port ${f.got}` : `has no port (${f.got})`;
    case 'iif':
      return f.got === '(none)' ? 'was sent by this host' : `arrives on ${f.got}`;
    case 'oif':
      return f.got === '(none)' ? 'is for this host' : `leaves on ${f.got}`;
    case 'family':
      return `is ${f.got === 'ipv6' ? 'IPv6' : 'IPv4'}`;
    case 'icmp-type':
      return /^\d/.test(f.got) ? `is ${icmp} type ${f.got}` : `is ${f.got}`;
    case 'proto':
      return f.got === PORTS ? 'has ports' : f.got === NOT_TCP ? 'is not tcp (ports, no TCP flags)' : `is ${f.got}`;
    case 'ctstate': {
      const want = f.want.replace(/^!/, '').split(',');
      if (!want.every((x) => NAT_STATUS.has(x))) return `is ${f.got}`;
      return `was ${f.want.startsWith('!') ? '' : 'not '}${want.join(' or ')}ed`;
    }
    default:
      return `is ${f.got}`;
  }
}

/** One clause per failed condition; an address and its port read as one (`goes to 10.0.0.9 port 9999`). */
export function failedClauses(failed: readonly FailedCondition[], icmp = 'icmp'): string[] {
  const by = new Map(failed.map((f) => [f.field, f]));
  const out: string[] = [];
  for (const f of failed) {
    const port = f.field === 'dst' ? by.get('dport') : f.field === 'src' ? by.get('sport') : undefined;
    if (port !== undefined && /^\d+$/.test(port.got)) out.push(`${failedText(f, icmp)} port ${port.got}`);
    else if ((f.field === 'dport' && by.has('dst')) || (f.field === 'sport' && by.has('src'))) {
      if (!/^\d+$/.test(f.got)) out.push(failedText(f, icmp));
    } else out.push(failedText(f, icmp));
  }
  return [...new Set(out)];
}

/** `a`, `a and b`, `a, b and c`. */
function andList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Why a packet in the middle of a TCP connection is not ESTABLISHED. */
const LOST_ENTRY =
  'conntrack had no entry for its connection (flushed, timed out, or its first packets took another path)';

/**
 * The sentence of a near miss; rules outside the deciding chain are named with their chain. keptOut: the trace
 * shows the rule did not take the packet though every condition compared holds (`rule 5 accepts icmp type
 * echo-request, but did not take this packet: limit rate 2/second`).
 */
export function describeNearMiss(
  n: Omit<NearMiss, 'text'>,
  matches: readonly RuleMatch[],
  decidingChain: string,
  keptOut: boolean | 'conntrack' = false,
): string {
  const who = n.chain === decidingChain ? ruleLabel(n.rule) : `${n.chain} ${ruleLabel(n.rule)}`;
  const via = n.via.length === 0 ? '' : ` (via ${n.via.map((v) => `${v.chain} ${ruleLabel(v.rule)}`).join(' -> ')})`;
  if (keptOut === 'conntrack')
    return `${who} accepts ${conditionsText(matches)}${via}, but did not take this packet: ${LOST_ENTRY}`;
  if (keptOut)
    return `${who} accepts ${conditionsText(matches)}${via}, but did not take this packet: ${n.unknown.join('; ')}`;
  const verb = n.verdict === 'would-accept' ? 'would accept' : 'might accept';
  // A rule's ICMP type condition is of its own family: an ICMPv6 one fails only for ICMPv6 packets.
  const icmp = matches.some((m) => m.field === 'icmp-type' && /icmpv6|icmp6|ipv6-icmp/i.test(m.text))
    ? 'icmpv6'
    : 'icmp';
  const but = n.failed.length === 0 ? '' : `, but this packet ${andList(failedClauses(n.failed, icmp))}`;
  const unknown = n.unknown.length === 0 ? '' : `; cannot compare: ${n.unknown.join('; ')}`;
  const what = conditionsText(matches) || (n.unknown.length === 0 ? 'every packet' : 'it');
  return `${who} ${verb} ${what}${via}${but}${unknown}`;
}

/** `service default/web:http -> endpoint 10.66.2.3:80 (1 of 2, 50 %)`. */
export function kubeText(k: KubeService): string {
  const service = k.service === null ? 'a Kubernetes service' : `service ${k.service}`;
  if (k.endpoint === null) return service;
  const share: string[] = [];
  if (k.endpoints !== null) share.push(`1 of ${k.endpoints}`);
  if (k.probability !== null) share.push(`${percent(k.probability)} %`);
  return `${service} -> endpoint ${k.endpoint}${share.length > 0 ? ` (${share.join(', ')})` : ''}`;
}

/** 0.5 → `50`, 1/3 → `33.3`. */
export function percent(p: number): string {
  const v = Math.round(p * 1000) / 10;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
