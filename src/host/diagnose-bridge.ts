// Bridged traffic and br_netfilter: without the module, or with bridge-nf-call-iptables / -ip6tables
// at 0, iptables and nftables ip/inet chains never see packets a bridge forwards. Pure; no I/O.
import type { Trace } from '../model/trace.js';
import type { HostFacts } from './facts.js';
import { isBridgePort } from './facts.js';
import type { Found } from './diagnose-route.js';
import { bridgedByTrace } from './diagnose-path.js';
import { inPlace, sysctlFix, warning } from './diagnose-text.js';

export function checkBridge(trace: Trace, facts: HostFacts | null, version: 4 | 6 | null): Found[] {
  if (facts === null || !facts.sysctlRead) return [];
  const p = trace.packet;
  const port = [p.iif, p.oif, p.physin, p.physout].some((i) => i !== undefined && i !== '' && isBridgePort(facts, i));
  if (!bridgedByTrace(trace) && !port) return [];
  const at = inPlace(facts.netns);
  if (facts.bridge === null) {
    const text = `br_netfilter is not loaded ${at}, so iptables and nftables ip/inet chains do not see bridged traffic`;
    return [{ finding: warning('br_netfilter', text, 'modprobe br_netfilter'), lead: null }];
  }
  const out: Found[] = [];
  const keys: [4 | 6, string, boolean | null][] = [
    [4, 'net.bridge.bridge-nf-call-iptables', facts.bridge.callIptables],
    [6, 'net.bridge.bridge-nf-call-ip6tables', facts.bridge.callIp6tables],
  ];
  for (const [v, key, on] of keys) {
    if (on !== false || (version !== null && version !== v)) continue;
    const fam = v === 4 ? 'IPv4' : 'IPv6';
    const tool = v === 4 ? 'iptables' : 'ip6tables';
    const text = `${key} is 0 ${at}, so ${tool} and nftables ip/inet chains do not see bridged ${fam} traffic`;
    out.push({ finding: warning('br_netfilter', text, sysctlFix(facts.netns, [`${key}=1`])), lead: null });
  }
  return out;
}
