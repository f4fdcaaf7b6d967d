// Was the packet dropped by a rule that matches conntrack state INVALID (and nothing else), so that the
// packet itself must have been INVALID? Read from the deciding rule's text, nft or iptables. Pure; no I/O.
import type { Trace } from '../model/trace.js';

const NFT_STATE = /\bct state\s+(!=\s*)?(\{[^}]*\}|[a-z,]+)/i;
const NFT_VMAP = /\bct state\s+vmap\s*\{([^}]*)\}/i;
const IPT_STATE = /(!\s*)?--(?:ct)?state\s+(!\s*)?([A-Z,]+)/;

/** True when the trace was dropped or rejected by a rule whose only conntrack-state condition is INVALID. */
export function droppedAsInvalid(trace: Trace): boolean {
  const v = trace.verdict;
  if ((v.action !== 'drop' && v.action !== 'reject') || v.by !== 'rule') return false;
  const text = v.rule?.text;
  return text != null && onlyInvalid(text, v.action);
}

export function onlyInvalid(text: string, action: 'drop' | 'reject'): boolean {
  const vmap = NFT_VMAP.exec(text);
  if (vmap) {
    // `ct state vmap { invalid : drop, established : accept }`: the states that lead to this verdict.
    const states = vmap[1]!
      .split(',')
      .map((e) => e.split(':').map((w) => w.trim().toLowerCase()))
      .filter(([, verdict]) => verdict === action)
      .map(([state]) => state);
    return states.length === 1 && states[0] === 'invalid';
  }
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
