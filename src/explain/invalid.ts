// Was the packet dropped by a rule that matches conntrack state INVALID (and nothing else), so that the
// packet itself must have been INVALID? Read from the deciding rule's text, nft or iptables, or from the verdict
// map entry that jumped to its chain (`ct state vmap { invalid : jump ctinvalid }`); and what INVALID most likely
// means for that packet. Pure; no I/O.
import type { PacketInfo } from '../model/packet.js';
import type { Trace } from '../model/trace.js';
import { vmapEntry } from './vmap.js';

const NFT_STATE = /\bct state\s+(!=\s*)?(\{[^}]*\}|[a-z,]+)/i;
const NFT_VMAP = /\bct state\s+vmap\s*\{/i;
/** What a verdict map gives for INVALID alone (see vmap.ts): its text ends in these words. */
const INVALID_ALONE = 'ct state invalid';
const IPT_STATE = /(!\s*)?--(?:ct)?state\s+(!\s*)?([A-Z,]+)/;

/** True when the trace was dropped or rejected by a rule whose only conntrack-state condition is INVALID. */
export function droppedAsInvalid(trace: Pick<Trace, 'verdict' | 'why'>): boolean {
  const v = trace.verdict;
  if ((v.action !== 'drop' && v.action !== 'reject') || v.by !== 'rule') return false;
  const text = v.rule?.text;
  if (text != null && onlyInvalid(text, v.action)) return true;
  // Reached by a verdict map's `invalid` entry alone (lab 55: `counter drop` in a chain of its own).
  const jump = trace.why?.path.at(-1);
  if (jump?.target !== v.chain || (jump.verdict !== 'jump' && jump.verdict !== 'goto')) return false;
  return vmapEntry(jump.rule?.text, `${jump.verdict} ${jump.target}`)?.endsWith(INVALID_ALONE) === true;
}

/** What INVALID most likely means for this packet (a mid-stream TCP segment, an ICMP error, anything else). */
export function invalidCause(
  proto: PacketInfo['proto'] | null,
  tcpFlags: readonly string[] | null | undefined,
  icmpError: boolean,
): string {
  if (proto === 'tcp' && tcpFlags != null && !tcpFlags.includes('SYN'))
    return 'it belongs to no connection conntrack knows (the connection began before conntrack saw it or its entry was flushed or timed out, with nf_conntrack_tcp_loose 0; its other direction takes another path; or it is outside the TCP window)';
  if (icmpError) return 'it is an ICMP error about no connection conntrack knows';
  return 'conntrack cannot follow it (no connection it knows, or a header it rejects)';
}

/** The words replay ends an INVALID drop's explanation with (live host checks say it with the namespace). */
export const INVALID_LEAD = '; conntrack marked it INVALID: ';

/** An explanation without INVALID_LEAD's words. */
export function withoutInvalidCause(explanation: string): string {
  const at = explanation.indexOf(INVALID_LEAD);
  return at < 0 ? explanation : explanation.slice(0, at);
}

export function onlyInvalid(text: string, action: 'drop' | 'reject'): boolean {
  // `ct state vmap { invalid : drop, established : accept }`: the states that lead to this verdict.
  const vmap = NFT_VMAP.exec(text);
  if (vmap)
    return vmapEntry(text.slice(0, text.indexOf('}', vmap.index) + 1), action)?.endsWith(INVALID_ALONE) === true;
  const nft = NFT_STATE.exec(text);
  if (nft) return nft[1] === undefined && states(nft[2]!) === 'invalid';
  const ipt = IPT_STATE.exec(text);
  if (ipt) return ipt[1] === undefined && ipt[2] === undefined && states(ipt[3]!) === 'invalid';
  return false;
}

function states(list: string): string {
  return list
    .replace(/[{}]/g, '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
    .join(',');
}
