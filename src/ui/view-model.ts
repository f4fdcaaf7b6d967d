// Trace → the words people read, shared by the plain and TUI renderers. Pure; no I/O.
import type { HostDiagnosis, HostFinding } from '../model/host.js';
import type { FinalAction, StepVerdict } from '../model/common.js';
import type { PacketInfo } from '../model/packet.js';
import type { CannotCompare, KubeService, NatRewrite, RuleRef, StepRule, Trace, TraceStep } from '../model/trace.js';
import { kubeText } from '../explain/describe.js';
import { chainOwner } from '../explain/owner.js';
import { endpoint } from '../trace/address.js';
import { inHook } from '../trace/explain.js';
import { mappingNote, natTargetText } from '../trace/nat.js';

/** How a verdict is coloured: accept green, drop and reject red, anything else yellow. */
export type Tone = 'good' | 'bad' | 'other' | 'plain';

export function verdictTone(v: FinalAction | StepVerdict): Tone {
  if (v === 'accept') return 'good';
  if (v === 'drop' || v === 'reject') return 'bad';
  if (v === 'continue' || v === 'jump' || v === 'goto' || v === 'return') return 'plain';
  return 'other';
}

/** `tcp 10.0.0.1:5000 -> 10.0.0.2:80 [SYN]`. */
export function flowText(p: PacketInfo): string {
  // ARP and other non-IP frames, or a reader that printed no IP header (xtables-monitor on bridge tables).
  if (p.ipVersion === undefined && p.proto === undefined && p.src === undefined && p.dst === undefined)
    return p.macSrc ? `ether ${p.macSrc} -> ${p.macDst ?? '?'}` : '(no IP header shown)';
  const proto = p.proto === undefined ? (p.ipVersion === 6 ? 'ip6' : 'ip') : String(p.proto);
  const icmp = p.icmpType !== undefined ? ` type ${p.icmpType}${p.icmpCode ? ` code ${p.icmpCode}` : ''}` : '';
  const flags = p.tcpFlags && p.tcpFlags.length > 0 ? ` [${p.tcpFlags.join(',')}]` : '';
  return `${proto} ${endpoint(p.src, p.sport)} -> ${endpoint(p.dst, p.dport)}${icmp}${flags}`;
}

/**
 * `eth0 -> eth1`, `eth0 -> (local)`, `(local) -> eth1`; `eth0 -> ?` for a packet with no out interface that never
 * reached input (dropped before routing: at ingress or prerouting).
 */
export function interfacesText(t: Pick<Trace, 'packet' | 'steps'>): string {
  const p = t.packet;
  const local = t.steps.some((s) => s.hook === 'input');
  return `${p.iif || '(local)'}${port(p.physin)} -> ${p.oif || (p.iif && local ? '(local)' : '?')}${port(p.physout)}`;
}

/** ` (veth1)`: the bridge port behind a bridge interface (kernel-log PHYSIN/PHYSOUT, br_netfilter). */
function port(name: string | undefined): string {
  return name ? ` (${name})` : '';
}

/** `rule 3`, `rule #12` (handle), or the step kind. */
export function stepLabel(s: TraceStep): string {
  if (s.kind !== 'rule') return s.kind;
  if (s.rule?.position != null) return `rule ${s.rule.position}`;
  if (s.rule?.handle != null) return `rule #${s.rule.handle}`;
  return 'rule';
}

/** `accept`, `jump KUBE-SVC-X`. */
export function stepVerdictText(s: TraceStep): string {
  return s.target !== null && (s.verdict === 'jump' || s.verdict === 'goto') ? `${s.verdict} ${s.target}` : s.verdict;
}

/** `(12 pkts, 720 bytes)` when the snapshot had counters. */
export function countersText(rule: StepRule | null): string {
  if (rule?.packets == null) return '';
  return `(${rule.packets} pkts, ${rule.bytes ?? 0} bytes)`;
}

/** `DNAT 10.96.0.10:80 -> 10.66.2.2:80 in prerouting by nat/KUBE-SEP-X rule 1`. */
export function natText(n: NatRewrite, t: Trace): string {
  const by =
    n.chain !== null
      ? ` by ${n.table}/${n.chain}${n.rule?.position != null ? ` rule ${n.rule.position}` : ''}`
      : mappingNote(n, t.steps, t) || ' by a rule of the nat table';
  return `${n.kind.toUpperCase()} ${n.from} -> ${natTargetText(n, t.packet.oif)}${inHook(n.hook)}${by}`;
}

/** Steps grouped by hook, in path order (a hook may come back after routing, e.g. loopback). */
export function stepsByHook(t: Trace): { hook: string; steps: TraceStep[] }[] {
  const groups: { hook: string; steps: TraceStep[] }[] = [];
  for (const s of t.steps) {
    const last = groups[groups.length - 1];
    if (last && last.hook === s.hook) last.steps.push(s);
    else groups.push({ hook: s.hook, steps: [s] });
  }
  return groups;
}

function refLabel(r: RuleRef): string {
  if (r.position !== null) return `rule ${r.position}`;
  return r.handle !== null ? `rule #${r.handle}` : 'a rule';
}

/** `rule 2 (via KUBE-FORWARD rule 1): -m mark --mark 0x4000/0x4000`; rules of other chains carry their chain. */
export function cannotCompareText(c: CannotCompare, decidingChain: string | null): string {
  const who = c.chain === decidingChain ? refLabel(c.rule) : `${c.chain} ${refLabel(c.rule)}`;
  const via = c.via.length === 0 ? '' : ` (via ${c.via.map((v) => `${v.chain} ${refLabel(v.rule)}`).join(' -> ')})`;
  return `${who}${via}: ${c.matches.join('; ')}`;
}

/** `service default/web:http -> endpoint 10.66.2.3:80 (1 of 2, 50 %), cluster IP 10.96.0.10, marked for masquerade`. */
export function kubeLine(k: KubeService): string {
  const parts = [kubeText(k)];
  if (k.clusterIP !== null) parts.push(`cluster IP ${k.clusterIP}`);
  if (k.masqueradeMark) parts.push('marked for masquerade');
  return parts.join(', ');
}

/**
 * `docker (user chain): filter/DOCKER-USER; kube-proxy: nat/KUBE-SERVICES, filter/KUBE-FORWARD`: the owned
 * chains on the path (the tracer's own table left out: it is on every path).
 */
export function ownersText(t: Trace): string {
  const byOwner = new Map<string, Set<string>>();
  for (const s of t.steps) {
    const owner = chainOwner(s.table, s.chain);
    if (owner === null || owner === 'fwtrace') continue;
    const set = byOwner.get(owner) ?? new Set<string>();
    set.add(`${s.table}/${s.chain}`);
    byOwner.set(owner, set);
  }
  return [...byOwner]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([owner, chains]) => `${owner}: ${[...chains].join(', ')}`)
    .join('; ');
}

/** `kernel drop: NO_SOCKET at tcp_v4_rcv+0x1ab/0x5c0 (same moment, same protocol)`, or null. */
export function kernelDropText(h: HostDiagnosis): string | null {
  const d = h.kernelDrop;
  if (d === null) return null;
  return `${d.reason}${d.location !== null ? ` at ${d.location}` : ''} (same moment, same protocol)`;
}

/** One finding: `ip_forward: net.ipv4.ip_forward is 0 ... (fix: sysctl -w ...)`; warnings say so. */
export function findingText(f: HostFinding): string {
  const fix = f.fix !== null ? ` (fix: ${f.fix})` : '';
  return `${f.severity === 'warning' ? 'maybe: ' : ''}${f.text}${fix}`;
}
