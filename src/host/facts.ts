// What the host checks know about one network namespace at one moment, built from the outputs of
// `sysctl`, `ip -d -j addr` and `ss`, with the questions the checks ask of it. Pure; no I/O.
import { parseIpAddr, type HostInterface } from './addr.js';
import { parseSysctlLines, sysctlFacts, type SysctlFacts } from './facts-sysctl.js';
import { parseSs, type SsSocket } from './ss.js';

/** Command outputs (stdout), null where the command failed. */
export interface RawFacts {
  readonly sysctl: string | null;
  /** The root namespace's `net.bridge.*` lines, read when the traced netns shows none (kernels before 5.3 keep them global). */
  readonly rootBridge?: string | null;
  readonly addr: string | null;
  /** `ss -Hlnt`. */
  readonly tcp: string | null;
  /** `ss -Hanu`: unconnected and connected UDP sockets (a connected one receives from its peer). */
  readonly udp: string | null;
}

export interface HostFacts extends SysctlFacts {
  /** The traced namespace; null for the host's own. */
  readonly netns: string | null;
  /** When the facts were gathered (ms since the epoch). */
  readonly at: number;
  /** False when `sysctl` could not be read: the sysctl facts are all unknown then. */
  readonly sysctlRead: boolean;
  readonly interfaces: readonly HostInterface[] | null;
  /** Every local address, normalised. */
  readonly local: ReadonlySet<string>;
  readonly tcp: readonly SsSocket[] | null;
  readonly udp: readonly SsSocket[] | null;
  /** What could not be read, one short phrase each. */
  readonly problems: readonly string[];
}

export function factsFrom(netns: string | null, at: number, raw: RawFacts): HostFacts {
  const problems: string[] = [];
  const values = parseSysctlLines(raw.sysctl ?? '');
  if (raw.sysctl === null || values.size === 0) problems.push('sysctl values');
  let sys = sysctlFacts(values);
  if (sys.bridge === null && raw.rootBridge) {
    const root = sysctlFacts(parseSysctlLines(raw.rootBridge));
    if (root.bridge !== null) sys = { ...sys, bridge: root.bridge };
  }
  const interfaces = raw.addr === null ? null : parseIpAddr(raw.addr);
  if (interfaces === null) problems.push('interfaces and addresses (ip -j addr)');
  const tcp = raw.tcp === null ? null : parseSs(raw.tcp, 'tcp').sockets;
  const udp = raw.udp === null ? null : parseSs(raw.udp, 'udp').sockets;
  if (tcp === null || udp === null) problems.push('listening sockets (ss)');
  const local = new Set<string>();
  for (const i of interfaces ?? []) for (const a of i.addrs) local.add(a.local);
  return { ...sys, netns, at, sysctlRead: values.size > 0, interfaces, local, tcp, udp, problems };
}

/** The rp_filter the kernel applies to packets arriving on `iface`: max(all, iface); null when unknown. */
export function rpFilterOf(f: HostFacts, iface: string): { value: number; all: number; iface: number } | null {
  const all = f.ipv4Conf.get('all')?.rpFilter;
  const own = f.ipv4Conf.get(iface)?.rpFilter;
  if (all == null || own == null) return null;
  return { value: Math.max(all, own), all, iface: own };
}

/**
 * Whether IPv4 packets arriving on `iface` may be forwarded: the interface's own `forwarding` (which
 * net.ipv4.ip_forward sets on every interface); null when unknown.
 */
export function ipv4ForwardingOn(f: HostFacts, iface: string): boolean | null {
  return f.ipv4Conf.get(iface)?.forwarding ?? f.ipForward;
}

export function interfaceOf(f: HostFacts, name: string): HostInterface | undefined {
  return f.interfaces?.find((i) => i.name === name);
}

/** True for a port of a Linux bridge; false when not, or unknown. */
export function isBridgePort(f: HostFacts, name: string): boolean {
  return interfaceOf(f, name)?.bridgePort === true;
}
