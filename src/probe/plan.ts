// `--probe`: the one packet a filter asks for (a TCP SYN, a UDP datagram or an ICMP echo), built from the
// first alternative of the filter that names it fully, or the reason none does. Never throws. Pure; no I/O.
//
// `host A` is the destination unless A is an address of the sending namespace (then the source, or the
// destination of a probe to itself when nothing else is); `port N` is the destination port; a port without
// a protocol means TCP; a range gives its first port; a source must be local (no spoofing).
import ipaddr from 'ipaddr.js';
import type { Result } from '../model/common.js';
import type { FlowCidr, FlowSpec, PortRange } from '../model/flow.js';
import type { ProbeProto, ProbeSpec } from '../model/probe.js';
import type { PacketInfo } from '../model/packet.js';
import { mayMatchFlow } from '../flow/match-packet.js';
import { positiveConjuncts, type Primitive } from './conjuncts.js';
import { inNet, isLinkLocal6, isLocal, type LocalAddress } from './local.js';

/** Where the probe starts. */
export interface ProbeWhere {
  /** Addresses of the sending namespace; null when they cannot be read (not root): sources go unchecked. */
  readonly locals: readonly LocalAddress[] | null;
  /** The sending namespace in words: `this host` or `netns NAME`. */
  readonly place: string;
  /** It starts in the traced namespace itself: its packet has no input interface there. */
  readonly fromTraced: boolean;
}

type L4 = 'tcp' | 'udp' | 'icmp' | 'icmp6';
type Fail = { ok: false; error: string };

const fail = (error: string): Fail => ({ ok: false, error });
const text = (p: Primitive): string => p.tokens.map((t) => t.text).join(' ');
const code = (s: string): string => `\`${s}\``;

export const NEEDS_DESTINATION = '--probe needs a destination: add `dst host ADDR` (or `host ADDR`) to the filter';

/** The probe for `spec` sent from `where`, or one line saying what the filter must add or drop. */
export function planProbe(spec: FlowSpec, where: ProbeWhere): Result<ProbeSpec, string> {
  let first: Fail | null = null;
  for (const conjunct of positiveConjuncts(spec.expr)) {
    const r = fromConjunct(conjunct, spec, where);
    if (r.ok) return r;
    first ??= r;
  }
  return first ?? fail(NEEDS_DESTINATION);
}

interface Sorted {
  readonly words: Primitive[];
  readonly hosts: Record<'src' | 'dst' | 'either', Primitive[]>;
  readonly nets: Record<'src' | 'dst' | 'either', Primitive[]>;
  readonly ports: Record<'src' | 'dst' | 'either', Primitive[]>;
}

function sort(conjunct: readonly Primitive[]): Sorted {
  const s: Sorted = {
    words: [],
    hosts: { src: [], dst: [], either: [] },
    nets: { src: [], dst: [], either: [] },
    ports: { src: [], dst: [], either: [] },
  };
  for (const p of conjunct) {
    const m = p.match;
    if (m.kind === 'proto') s.words.push(p);
    else if (m.kind === 'host' || m.kind === 'net') (isSingle(m.cidr) ? s.hosts : s.nets)[m.dir].push(p);
    else s.ports[m.dir].push(p);
  }
  return s;
}

const isSingle = (c: FlowCidr): boolean => c.prefix === (c.version === 4 ? 32 : 128);

function cidrOf(p: Primitive): FlowCidr {
  if (p.match.kind !== 'host' && p.match.kind !== 'net') throw new Error('not an address primitive');
  return p.match.cidr;
}

function rangeOf(p: Primitive): PortRange {
  if (p.match.kind !== 'port' && p.match.kind !== 'portrange') throw new Error('not a port primitive');
  return p.match.range;
}

function fromConjunct(conjunct: readonly Primitive[], spec: FlowSpec, where: ProbeWhere): Result<ProbeSpec, string> {
  const s = sort(conjunct);
  const addr = addresses(s, where);
  if (!addr.ok) return addr;
  const { dst, src, version } = addr.value;
  const family = familyWord(s, version);
  if (family) return fail(family);
  const proto = protocol(s, version);
  if (!proto.ok) return proto;
  let dport: number | null = null;
  let sport: number | null = null;
  if (proto.value === 'tcp' || proto.value === 'udp') {
    const ports = choosePorts(s);
    if (!ports.ok) return ports;
    ({ dport, sport } = ports.value);
  }
  const iif = inputInterface(spec, dst, where);
  if (iif) return fail(iif);
  let probe: ProbeSpec = { proto: proto.value, ipVersion: version, dst, dport, src, sport };
  // (Only when some source could pass: else the check below says what excludes the packet.)
  if (src === null && where.locals !== null && mayMatchFlow(spec, asPacket(probe))) {
    const chosen = sourceFor(probe, spec, where.locals, where.place);
    if (!chosen.ok) return chosen;
    probe = { ...probe, src: chosen.value };
  }
  if (!mayMatchFlow(spec, asPacket(probe))) {
    return fail(
      `the packet --probe would send (${describeProbe(probe)}) does not match the filter: a \`not\` excludes it; name the packet with positive terms (host, port, tcp/udp/icmp)`,
    );
  }
  return { ok: true, value: probe };
}

/**
 * A source for a probe the filter gives none: null (the kernel's choice) when every address the kernel
 * could pick passes the filter, else the first that does (`not src net …` rules some out).
 */
function sourceFor(
  probe: ProbeSpec,
  spec: FlowSpec,
  locals: readonly LocalAddress[],
  place: string,
): Result<string | null, string> {
  const toLoopback = ipaddr.parse(probe.dst).range() === 'loopback';
  const candidates = locals.filter(
    (l) => l.version === probe.ipVersion && !isLinkLocal6(l.address) && l.loopback === toLoopback,
  );
  const passing = candidates.filter((l) => mayMatchFlow(spec, asPacket({ ...probe, src: l.address })));
  if (passing.length === candidates.length) return { ok: true, value: null };
  const first = passing[0];
  if (first) return { ok: true, value: first.address };
  return fail(`no address of ${place} can be the source of ${describeProbe(probe)}: the filter excludes each one`);
}

/** The probe as the packet fields the filter is checked against. */
function asPacket(p: ProbeSpec): PacketInfo {
  return {
    ipVersion: p.ipVersion,
    proto: p.proto,
    dst: p.dst,
    ...(p.src !== null ? { src: p.src } : {}),
    ...(p.dport !== null ? { dport: p.dport } : {}),
    ...(p.sport !== null ? { sport: p.sport } : {}),
  };
}

/** `tcp 10.0.0.1:5432` / `icmp 10.0.0.1` / `udp 10.0.0.1:53 from 10.0.0.2:5000`, for messages. */
export function describeProbe(p: ProbeSpec): string {
  const host = (a: string, port: number | null): string =>
    port === null ? a : p.ipVersion === 6 ? `[${a}]:${port}` : `${a}:${port}`;
  const from = p.src === null && p.sport === null ? '' : ` from ${host(p.src ?? '*', p.sport)}`;
  return `${p.proto} ${host(p.dst, p.dport)}${from}`;
}

interface Addresses {
  readonly dst: string;
  readonly src: string | null;
  readonly version: 4 | 6;
}

/** Destination and source from the host and net primitives. */
function addresses(s: Sorted, where: ProbeWhere): Result<Addresses, string> {
  const local = (a: string): boolean => where.locals !== null && isLocal(a, where.locals);
  let dst: string | null = null;
  let src: string | null = null;
  for (const p of s.hosts.dst) {
    const a = cidrOf(p).address;
    if (dst !== null && dst !== a) return fail(`${code(text(p))} and \`dst host ${dst}\` ask for two destinations`);
    dst = a;
  }
  for (const p of s.hosts.src) {
    const a = cidrOf(p).address;
    if (src !== null && src !== a) return fail(`${code(text(p))} and \`src host ${src}\` ask for two sources`);
    src = a;
  }
  // Hosts without a direction: the ones elsewhere are destinations, then local ones fill what is left.
  const either = s.hosts.either.map(cidrOf).map((c) => c.address);
  const open = either.filter((a) => a !== dst && a !== src);
  for (const a of [...open.filter((x) => !local(x)), ...open.filter(local)]) {
    if (a === dst || a === src) continue;
    if (dst === null) dst = a;
    else if (src === null) src = a;
    else return fail(`${code(`host ${a}`)} leaves no side of the packet: it goes from ${src} to ${dst}`);
  }
  if (dst === null) {
    const net = s.nets.dst[0] ?? s.nets.either[0];
    return fail(
      net
        ? `--probe needs one destination address: ${code(text(net))} is a network; add \`dst host ADDR\``
        : NEEDS_DESTINATION,
    );
  }
  const bad = badDestination(dst);
  if (bad) return fail(bad);
  const version: 4 | 6 = dst.includes(':') ? 6 : 4;
  for (const p of s.nets.dst) {
    const c = cidrOf(p);
    if (!inNet(dst, c.address, c.prefix)) return fail(`${code(text(p))} does not contain the destination ${dst}`);
  }
  // A net without a direction that the destination is not in must hold the source.
  const srcNets = [...s.nets.src, ...s.nets.either.filter((p) => !inNet(dst, cidrOf(p).address, cidrOf(p).prefix))];
  if (src !== null) {
    if (src.includes(':') !== (version === 6))
      return fail(`the source ${src} and the destination ${dst} differ in IP version`);
    if (where.locals !== null && !local(src)) {
      return fail(`src host ${src} is not an address of ${where.place}; a probe cannot spoof it`);
    }
    for (const p of srcNets) {
      const c = cidrOf(p);
      if (!inNet(src, c.address, c.prefix)) return fail(`${code(text(p))} does not contain the source ${src}`);
    }
  } else if (srcNets.length > 0 && where.locals !== null) {
    const picked = where.locals.find(
      (l) =>
        l.version === version &&
        !isLinkLocal6(l.address) &&
        srcNets.every((p) => inNet(l.address, cidrOf(p).address, cidrOf(p).prefix)),
    );
    if (!picked) {
      const names = srcNets.map((p) => code(text(p))).join(' and ');
      return fail(`${names} holds no address of ${where.place}; a probe cannot spoof its source`);
    }
    src = picked.address;
  }
  return { ok: true, value: { dst, src, version } };
}

/** Why `dst` cannot be the one destination of a probe, or null. */
function badDestination(dst: string): string | null {
  let range: string;
  try {
    range = ipaddr.parse(dst).range();
  } catch {
    return `${dst} is not an address`;
  }
  if (range === 'unspecified' || range === 'multicast' || range === 'broadcast')
    return `--probe sends to one host; ${dst} is a ${range} address`;
  return null;
}

/** `ip`/`ip6` words that contradict the destination's IP version. */
function familyWord(s: Sorted, version: 4 | 6): string | null {
  for (const p of s.words) {
    if (p.match.kind !== 'proto') continue;
    const want = p.match.proto === 'ip' ? 4 : p.match.proto === 'ip6' ? 6 : null;
    if (want !== null && want !== version) return `${code(text(p))} and an IPv${version} destination contradict`;
  }
  return null;
}

/** The protocol the conjunct allows, for the destination's IP version. */
function protocol(s: Sorted, version: 4 | 6): Result<ProbeProto, string> {
  const limits: { protos: readonly L4[]; p: Primitive }[] = [];
  for (const p of s.words) {
    const m = p.match;
    if (m.kind === 'proto' && m.proto !== 'ip' && m.proto !== 'ip6') limits.push({ protos: [m.proto], p });
  }
  const ports = [...s.ports.dst, ...s.ports.src, ...s.ports.either];
  for (const p of ports) {
    const m = p.match;
    if (m.kind === 'port' || m.kind === 'portrange')
      limits.push({ protos: m.proto === null ? ['tcp', 'udp'] : [m.proto], p });
  }
  let allowed: readonly L4[] = ['tcp', 'udp', 'icmp', 'icmp6'];
  let by: Primitive | null = null;
  for (const { protos, p } of limits) {
    const next = allowed.filter((x) => protos.includes(x));
    if (next.length === 0) return fail(`${code(text(p))} and ${code(by ? text(by) : '')} ask for different protocols`);
    allowed = next;
    by = p;
  }
  const icmp: L4 = version === 4 ? 'icmp' : 'icmp6';
  const fits = allowed.filter((x) => x === 'tcp' || x === 'udp' || x === icmp);
  if (fits.length === 0) {
    const word = version === 4 ? 'icmp6' : 'icmp';
    return fail(`${code(word)} does not exist in IPv${version}; use ${code(icmp)} for an IPv${version} destination`);
  }
  const one = fits.length === 1 ? fits[0] : ports.length > 0 && fits.includes('tcp') ? 'tcp' : undefined;
  if (one === undefined)
    return fail(`--probe: the filter allows several protocols; say tcp, udp or ${icmp} (e.g. \`tcp dst port 443\`)`);
  return { ok: true, value: one === 'icmp6' ? 'icmpv6' : one };
}

/** Destination and source ports: every range of a side must overlap; a range gives its first port. */
function choosePorts(s: Sorted): Result<{ dport: number; sport: number | null }, string> {
  type Span = { from: number; to: number };
  const meet = (a: Span | null, b: Span): Span | null =>
    a === null
      ? b
      : Math.max(a.from, b.from) <= Math.min(a.to, b.to)
        ? { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) }
        : null;
  let d: Span | null = null;
  let sp: Span | null = null;
  for (const p of s.ports.dst) {
    const next = meet(d, rangeOf(p));
    if (next === null) return fail(`${code(text(p))} leaves no destination port`);
    d = next;
  }
  for (const p of s.ports.src) {
    const next = meet(sp, rangeOf(p));
    if (next === null) return fail(`${code(text(p))} leaves no source port`);
    sp = next;
  }
  // `port N`: the destination port when it fits there, else the source port.
  for (const p of s.ports.either) {
    const r = rangeOf(p);
    const toDst = meet(d, r);
    if (toDst !== null) {
      d = toDst;
      continue;
    }
    const toSrc = meet(sp, r);
    if (toSrc === null) return fail(`${code(text(p))} fits neither the destination nor the source port`);
    sp = toSrc;
  }
  if (d === null) return fail('--probe needs a destination port: add `dst port N` (or `port N`) to the filter');
  const dport = Math.max(d.from, 1);
  if (dport > d.to) return fail('--probe cannot send to port 0');
  let sport: number | null = null;
  if (sp !== null) {
    sport = Math.max(sp.from, 1);
    if (sport > sp.to) return fail('--probe cannot send from port 0');
  }
  return { ok: true, value: { dport, sport } };
}

/** With -i, a probe from the traced namespace itself is never seen: it has no input interface (except lo). */
function inputInterface(spec: FlowSpec, dst: string, where: ProbeWhere): string | null {
  if (spec.iif === null || !where.fromTraced) return null;
  const lo = spec.iif === 'lo' || (spec.iif.endsWith('+') && 'lo'.startsWith(spec.iif.slice(0, -1)));
  if (lo && where.locals !== null && isLocal(dst, where.locals)) return null;
  return `--probe sends from ${where.place} itself, so its packet has no input interface there and \`-i ${spec.iif}\` never matches it; drop -i, or send it from another namespace with --probe-from NETNS`;
}
