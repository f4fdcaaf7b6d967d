// A reply dropped by a chain where no rule accepts replies: the rule for established connections was forgotten
// (lab 58: the SYN-ACK dropped by the FORWARD policy, while the near misses named rules for new connections).
// Pure; no I/O.
import type { Family } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { ChainInfo, RuleIndex } from '../model/ruleset.js';
import type { FinalVerdict } from '../model/trace.js';
import { isReply } from './nat.js';

/** A rule that accepts replies (or hands the packet to a chain whose rules the dump does not hold). */
const FOR_REPLIES = /established/i;

/** Words for a reply (a SYN-ACK, an echo reply) dropped where no rule accepts replies; '' otherwise. */
export function noReplyRule(
  verdict: FinalVerdict,
  family: Family | undefined,
  packet: Pick<PacketInfo, 'tcpFlags' | 'proto' | 'icmpType'>,
  index: RuleIndex | undefined,
): string {
  if (index === undefined || family === undefined || verdict.action !== 'drop' || verdict.by !== 'policy') return '';
  if (verdict.table === null || verdict.chain === null || !isReply(packet)) return '';
  const chain = index.chain(family, verdict.table, verdict.chain);
  if (chain === undefined || acceptsReplies(chain, index, new Set())) return '';
  const what = packet.tcpFlags !== undefined ? 'a SYN-ACK' : 'an echo reply';
  return `; it is a reply (${what}) and no rule of ${verdict.table}/${verdict.chain} accepts replies: the rule for established connections (ct state established,related accept; -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT) is missing`;
}

function acceptsReplies(c: ChainInfo, index: RuleIndex, seen: Set<ChainInfo>): boolean {
  seen.add(c);
  for (const r of c.rules) {
    if (FOR_REPLIES.test(r.text) || r.action === 'unknown') return true;
    if ((r.action === 'jump' || r.action === 'goto') && r.target !== null) {
      const next = index.chain(c.family, c.table, r.target);
      if (next === undefined || (!seen.has(next) && acceptsReplies(next, index, seen))) return true;
    }
  }
  return false;
}
