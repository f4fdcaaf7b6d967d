// The sysctls the host checks read, and `sysctl` output (`key = value` lines) turned into them. Pure; no I/O.

/** One `sysctl -e` call reads all of these (`net.ipv4.conf` is a subtree: every interface's settings). */
export const SYSCTL_KEYS: readonly string[] = [
  'net.ipv4.ip_forward',
  'net.ipv6.conf.all.forwarding',
  'net.ipv4.conf',
  'net.netfilter.nf_conntrack_count',
  'net.netfilter.nf_conntrack_max',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
];

/** Per-interface IPv4 settings (`all`, `default`, and each interface by name). */
export interface Ipv4Conf {
  readonly forwarding: boolean | null;
  /** 0 off, 1 strict, 2 loose. */
  readonly rpFilter: number | null;
  readonly acceptLocal: boolean | null;
  readonly routeLocalnet: boolean | null;
}

export interface SysctlFacts {
  readonly ipForward: boolean | null;
  readonly ipv6Forwarding: boolean | null;
  readonly ipv4Conf: ReadonlyMap<string, Ipv4Conf>;
  readonly conntrack: { readonly count: number; readonly max: number } | null;
  /** null: `net.bridge.*` absent (br_netfilter not loaded, or not visible here). */
  readonly bridge: { readonly callIptables: boolean | null; readonly callIp6tables: boolean | null } | null;
}

/** `key = value` lines into a map; other lines are ignored. */
export function parseSysctlLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf(' = ');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim(), line.slice(eq + 3).trim());
  }
  return out;
}

const CONF = 'net.ipv4.conf.';

export function sysctlFacts(values: ReadonlyMap<string, string>): SysctlFacts {
  const conf = new Map<string, { -readonly [K in keyof Ipv4Conf]: Ipv4Conf[K] }>();
  for (const [key, value] of values) {
    if (!key.startsWith(CONF)) continue;
    const rest = key.slice(CONF.length);
    const dot = rest.lastIndexOf('.');
    if (dot <= 0) continue;
    // sysctl writes the dots of an interface name (`eth0.100`) as slashes.
    const iface = rest.slice(0, dot).replaceAll('/', '.');
    const param = rest.slice(dot + 1);
    let c = conf.get(iface);
    if (c === undefined) {
      c = { forwarding: null, rpFilter: null, acceptLocal: null, routeLocalnet: null };
      conf.set(iface, c);
    }
    if (param === 'forwarding') c.forwarding = bool(value);
    else if (param === 'rp_filter') c.rpFilter = int(value);
    else if (param === 'accept_local') c.acceptLocal = bool(value);
    else if (param === 'route_localnet') c.routeLocalnet = bool(value);
  }
  const count = int(values.get('net.netfilter.nf_conntrack_count'));
  const max = int(values.get('net.netfilter.nf_conntrack_max'));
  const callIptables = bool(values.get('net.bridge.bridge-nf-call-iptables'));
  const callIp6tables = bool(values.get('net.bridge.bridge-nf-call-ip6tables'));
  return {
    ipForward: bool(values.get('net.ipv4.ip_forward')),
    ipv6Forwarding: bool(values.get('net.ipv6.conf.all.forwarding')),
    ipv4Conf: conf,
    conntrack: count === null || max === null ? null : { count, max },
    bridge: callIptables === null && callIp6tables === null ? null : { callIptables, callIp6tables },
  };
}

function int(v: string | undefined): number | null {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

function bool(v: string | undefined): boolean | null {
  const n = int(v);
  return n === null ? null : n !== 0;
}
