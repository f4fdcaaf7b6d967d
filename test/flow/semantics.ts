// Independent test oracles: tcpdump's meaning of a parsed filter, and interpreters for the nft tokens and
// iptables argv we emit, all evaluated on a simple packet model.
import ipaddr from 'ipaddr.js';
import type { FlowExpr } from '../../src/model/flow.js';

export interface Packet {
  readonly v: 4 | 6;
  readonly proto: 'tcp' | 'udp' | 'icmp' | 'icmp6' | 'gre';
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
}

function inNet(addr: string, net: string, prefix: number): boolean {
  const a = ipaddr.parse(addr);
  const n = ipaddr.parse(net);
  return a.kind() === n.kind() && a.match(n, prefix);
}

function toBig(addr: string): bigint {
  return ipaddr
    .parse(addr)
    .toByteArray()
    .reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

const hasPorts = (p: Packet): boolean => p.proto === 'tcp' || p.proto === 'udp';

/** tcpdump's reading of the filter. */
export function tcpdumpMatches(e: FlowExpr | null, p: Packet): boolean {
  if (e === null) return true;
  switch (e.kind) {
    case 'and':
      return tcpdumpMatches(e.left, p) && tcpdumpMatches(e.right, p);
    case 'or':
      return tcpdumpMatches(e.left, p) || tcpdumpMatches(e.right, p);
    case 'not':
      return !tcpdumpMatches(e.operand, p);
    case 'primitive':
      break;
  }
  const m = e.match;
  const either = (d: string, f: (side: 'src' | 'dst') => boolean): boolean =>
    d === 'either' ? f('src') || f('dst') : f(d as 'src' | 'dst');
  switch (m.kind) {
    case 'proto':
      if (m.proto === 'ip') return p.v === 4;
      if (m.proto === 'ip6') return p.v === 6;
      if (m.proto === 'icmp') return p.v === 4 && p.proto === 'icmp';
      if (m.proto === 'icmp6') return p.v === 6 && p.proto === 'icmp6';
      return p.proto === m.proto;
    case 'host':
    case 'net':
      return p.v === m.cidr.version && either(m.dir, (s) => inNet(p[s], m.cidr.address, m.cidr.prefix));
    case 'port':
    case 'portrange': {
      const protoOk = m.proto === null ? hasPorts(p) : p.proto === m.proto;
      const inRange = (s: 'src' | 'dst'): boolean => {
        const port = s === 'src' ? p.sport : p.dport;
        return port >= m.range.from && port <= m.range.to;
      };
      return protoOk && either(m.dir, inRange);
    }
  }
}

const L4_NAMES: Readonly<Record<string, Packet['proto']>> = {
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  'ipv6-icmp': 'icmp6',
};

function inPortText(port: number, text: string, sep: string): boolean {
  const [from, to] = text.split(sep).map(Number);
  return port >= (from ?? NaN) && port <= (to ?? from ?? NaN);
}

/** Whether one nft match list (as flowToNft emits it) matches the packet (interfaces ignored). */
export function nftMatches(tokens: readonly string[], p: Packet): boolean {
  let i = 0;
  const next = (): string => tokens[i++] ?? '';
  const negation = (): boolean => (tokens[i] === '!=' ? (i++, true) : false);
  const values = (): string[] => {
    if (tokens[i] !== '{') return [next()];
    i++;
    const out: string[] = [];
    for (let t = next(); t !== '}'; t = next()) if (t !== ',') out.push(t);
    return out;
  };
  while (i < tokens.length) {
    const w = next();
    let ok: boolean;
    if (w === 'iifname' || w === 'oifname') {
      next();
      continue;
    } else if (w === 'meta') {
      const key = next();
      const neg = negation();
      const vs = values();
      const hit =
        key === 'nfproto' ? vs.includes(p.v === 4 ? 'ipv4' : 'ipv6') : vs.some((v) => L4_NAMES[v] === p.proto);
      ok = hit !== neg;
    } else if (w === 'ip' || w === 'ip6') {
      const side = next() === 'saddr' ? 'src' : 'dst';
      const neg = negation();
      const [net, prefix] = next().split('/');
      // `ip saddr …` carries an implicit `meta nfproto ipv4`, also when negated.
      const version = w === 'ip' ? 4 : 6;
      const full = version === 4 ? 32 : 128;
      ok = p.v === version && inNet(p[side], net ?? '', prefix === undefined ? full : Number(prefix)) !== neg;
    } else if (w === 'tcp' || w === 'udp' || w === 'th') {
      const port = next() === 'sport' ? p.sport : p.dport;
      const neg = negation();
      const text = next();
      // `tcp dport` implies `meta l4proto tcp`; our `th` always follows a tcp/udp l4proto match.
      const protoOk = w === 'th' ? hasPorts(p) : p.proto === w;
      ok = protoOk && inPortText(port, text, '-') !== neg;
    } else {
      throw new Error(`unknown nft token ${w}`);
    }
    if (!ok) return false;
  }
  return true;
}

/** Whether one iptables argv (as flowToIptables emits it) matches the packet (interfaces ignored). */
export function iptablesMatches(argv: readonly string[], p: Packet): boolean {
  let i = 0;
  let proto: string | null = null;
  const next = (): string => argv[i++] ?? '';
  while (i < argv.length) {
    let neg = false;
    let opt = next();
    if (opt === '!') {
      neg = true;
      opt = next();
    }
    let hit: boolean;
    if (opt === '-i' || opt === '-o') {
      next();
      continue;
    } else if (opt === '-m') {
      next();
      continue;
    } else if (opt === '-s' || opt === '-d') {
      const [net, prefix] = next().split('/');
      hit = inNet(opt === '-s' ? p.src : p.dst, net ?? '', Number(prefix));
    } else if (opt === '-p') {
      const name = next();
      if (!neg) proto = name;
      hit = L4_NAMES[name] === p.proto;
    } else if (opt === '--sport' || opt === '--dport') {
      if (proto === null) throw new Error('port match without -p');
      hit = L4_NAMES[proto] === p.proto && inPortText(opt === '--sport' ? p.sport : p.dport, next(), ':');
      if (neg) hit = L4_NAMES[proto] === p.proto && !hit;
      neg = false;
    } else if (opt === '--sports' || opt === '--dports') {
      const port = opt === '--sports' ? p.sport : p.dport;
      hit = next()
        .split(',')
        .some((r) => inPortText(port, r, ':'));
    } else if (opt === '--src-range' || opt === '--dst-range') {
      const [lo, hi] = next().split('-');
      const a = toBig(opt === '--src-range' ? p.src : p.dst);
      hit = a >= toBig(lo ?? '') && a <= toBig(hi ?? '');
    } else {
      throw new Error(`unknown iptables option ${opt}`);
    }
    if (hit === neg) return false;
  }
  return true;
}
