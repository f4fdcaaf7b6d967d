// Does a traced packet match the user's filter? Used where the kernel reader cannot tell whose trace a
// line is (the kernel log is shared by every fwtrace run). A field the trace did not show never excludes
// the packet: the answer errs on showing it. Pure; no I/O.
import ipaddr from 'ipaddr.js';
import type { FlowExpr, FlowMatch, FlowSpec } from '../model/flow.js';
import type { PacketInfo } from '../model/packet.js';

type Tri = boolean | null;

const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === null || b === null ? null : true);
const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === null || b === null ? null : false);
const not = (a: Tri): Tri => (a === null ? null : !a);

function inCidr(address: string | undefined, m: Extract<FlowMatch, { kind: 'host' | 'net' }>): Tri {
  if (address === undefined) return null;
  try {
    const ip = ipaddr.parse(address);
    const want = m.cidr.version === 4 ? 'ipv4' : 'ipv6';
    if (ip.kind() !== want) return false;
    return ip.match(ipaddr.parse(m.cidr.address), m.cidr.prefix);
  } catch {
    return null;
  }
}

function inRange(port: number | undefined, from: number, to: number): Tri {
  return port === undefined ? null : port >= from && port <= to;
}

function primitive(m: FlowMatch, p: PacketInfo): Tri {
  switch (m.kind) {
    case 'proto': {
      if (m.proto === 'ip' || m.proto === 'ip6')
        return p.ipVersion === undefined ? null : p.ipVersion === (m.proto === 'ip' ? 4 : 6);
      if (p.proto === undefined) return null;
      return m.proto === 'icmp6' ? p.proto === 'icmpv6' : p.proto === m.proto;
    }
    case 'host':
    case 'net': {
      const src = inCidr(p.src, m);
      const dst = inCidr(p.dst, m);
      return m.dir === 'src' ? src : m.dir === 'dst' ? dst : or(src, dst);
    }
    case 'port':
    case 'portrange': {
      const protoOk: Tri =
        p.proto === undefined ? null : m.proto === null ? p.proto === 'tcp' || p.proto === 'udp' : p.proto === m.proto;
      const s = inRange(p.sport, m.range.from, m.range.to);
      const d = inRange(p.dport, m.range.from, m.range.to);
      return and(protoOk, m.dir === 'src' ? s : m.dir === 'dst' ? d : or(s, d));
    }
  }
}

function evaluate(e: FlowExpr, p: PacketInfo): Tri {
  switch (e.kind) {
    case 'and':
      return and(evaluate(e.left, p), evaluate(e.right, p));
    case 'or':
      return or(evaluate(e.left, p), evaluate(e.right, p));
    case 'not':
      return not(evaluate(e.operand, p));
    case 'primitive':
      return primitive(e.match, p);
  }
}

function ifaceMatches(want: string | null, got: string | undefined): Tri {
  if (want === null) return true;
  if (!got) return null;
  return want.endsWith('+') ? got.startsWith(want.slice(0, -1)) : got === want;
}

/** False only when the packet provably does not match the filter and interfaces. */
export function mayMatchFlow(spec: FlowSpec, p: PacketInfo): boolean {
  const result = and(
    and(ifaceMatches(spec.iif, p.iif), ifaceMatches(spec.oif, p.oif)),
    spec.expr ? evaluate(spec.expr, p) : true,
  );
  return result !== false;
}
