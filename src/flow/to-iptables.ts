// FlowSpec → iptables / ip6tables match argv, one list per rule, per family. Pure; no I/O.
//
// Every element is one argv entry (no shell, no quoting needed). iptables allows one `-p` per rule, so a
// conjunct excluding two protocols (`not port 22` → neither tcp nor udp) keeps only the first `! -p`: that
// rule over-approximates (also traces the other protocol), which for a trace is the safe side.
import type { FlowCidr, FlowSpec, PortRange } from '../model/flow.js';
import type { L4 } from './atoms.js';
import { cidrRangeText } from './cidr.js';
import type { Conjunct } from './conjunct.js';
import type { Narrowed } from './intervals.js';
import { assertSafe, checkedConjuncts, IPTABLES_TOKEN } from './safe-tokens.js';

const IPT_L4: Readonly<Record<L4, string>> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', icmp6: 'ipv6-icmp' };

/** multiport takes at most 15 ports per match; a range counts as two. */
const MULTIPORT_SLOTS = 15;

/**
 * Rules for `iptables` (v4) and `ip6tables` (v6); rules of one family are alternatives (OR). A conjunct
 * with no family goes to both. Throws only for a FlowSpec that parseFlow did not produce.
 */
export function flowToIptables(spec: FlowSpec): { v4: string[][]; v6: string[][] } {
  const out = { v4: [] as string[][], v6: [] as string[][] };
  const seen = { v4: new Set<string>(), v6: new Set<string>() };
  for (const c of checkedConjuncts(spec)) {
    for (const version of c.family === null ? ([4, 6] as const) : [c.family]) {
      const key = version === 4 ? 'v4' : 'v6';
      // icmp exists only in v4, icmp6 only in v6; a tcp-or-udp conjunct is one rule per protocol.
      const protos = c.l4 === null ? [null] : c.l4.filter((p) => p !== (version === 4 ? 'icmp6' : 'icmp'));
      for (const proto of protos) {
        const argv = conjunctArgv(c, version, proto, spec.iif, spec.oif);
        const id = argv.join(' ');
        if (seen[key].has(id)) continue;
        seen[key].add(id);
        out[key].push(argv);
      }
    }
  }
  // A rule with nothing but the interfaces already matches every packet the others would.
  const base = [...(spec.iif === null ? [] : ['-i', spec.iif]), ...(spec.oif === null ? [] : ['-o', spec.oif])];
  for (const key of ['v4', 'v6'] as const) if (seen[key].has(base.join(' '))) out[key] = [base];
  assertSafe([...out.v4, ...out.v6], IPTABLES_TOKEN);
  return out;
}

function conjunctArgv(c: Conjunct, version: 4 | 6, proto: L4 | null, iif: string | null, oif: string | null): string[] {
  const a: string[] = [];
  if (iif !== null) a.push('-i', iif);
  if (oif !== null) a.push('-o', oif);
  const ranges: string[] = [];
  for (const [field, opt, rangeOpt] of [
    [c.src, '-s', '--src-range'],
    [c.dst, '-d', '--dst-range'],
  ] as const) {
    const [first, ...others] = field.not;
    const rest = field.is === null ? others : field.not;
    if (field.is !== null) a.push(opt, cidrFull(field.is));
    else if (first !== undefined) a.push('!', opt, cidrFull(first));
    // Only one -s/-d per rule: further negations go through the iprange match.
    for (const n of rest) ranges.push('-m', 'iprange', '!', rangeOpt, cidrRangeText(n));
  }
  if (proto !== null) a.push('-p', IPT_L4[proto]);
  else {
    const excluded = c.notL4.filter((p) => p !== (version === 4 ? 'icmp6' : 'icmp'));
    if (excluded[0] !== undefined) a.push('!', '-p', IPT_L4[excluded[0]]);
  }
  const multi: string[] = [];
  if (proto === 'tcp' || proto === 'udp') {
    portArgs(c.sport, '--sport', '--sports', a, multi);
    portArgs(c.dport, '--dport', '--dports', a, multi);
  }
  return [...a, ...ranges, ...multi];
}

/** `--dport N[:M]`, a lone `! --dport N`, or the negations as `-m multiport ! --dports …` chunks. */
function portArgs(field: Narrowed<PortRange>, opt: string, multiOpt: string, a: string[], multi: string[]): void {
  if (field.is !== null) a.push(opt, rangeText(field.is));
  if (field.is === null && field.not.length === 1 && field.not[0] !== undefined) {
    a.push('!', opt, rangeText(field.not[0]));
    return;
  }
  let chunk: string[] = [];
  let slots = 0;
  const flush = (): void => {
    if (chunk.length > 0) multi.push('-m', 'multiport', '!', multiOpt, chunk.join(','));
    chunk = [];
    slots = 0;
  };
  for (const n of field.not) {
    const cost = n.from === n.to ? 1 : 2;
    if (slots + cost > MULTIPORT_SLOTS) flush();
    chunk.push(rangeText(n));
    slots += cost;
  }
  flush();
}

function cidrFull(c: FlowCidr): string {
  return `${c.address}/${c.prefix}`;
}

function rangeText(r: PortRange): string {
  return r.from === r.to ? `${r.from}` : `${r.from}:${r.to}`;
}
