// Host checks on the real kernel: three namespaces of our own (client — router — server, veths, 10.78.x.0/24),
// a packet really sent for each case, the kernel's own counters proving what happened to it, and
// gather+diagnose (facts and route answers read for real from the namespaces) naming that cause.
// The trace given to diagnose is the real one: `nft monitor trace` in the namespace, read by the pure
// pipeline (parse → assemble) as replay does, with a tracer table like fwtrace's own and a user table with
// forward and input chains (so a packet routing drops really shows no step after prerouting).
// UPDATE_GOLDEN=1 saves those captures (and the ruleset) to test/fixtures/host/hostchecks/nft-trace-*.txt and
// nft-ruleset.json, which test/host/real-traces.test.ts reads.
//
//   fwhc<pid>-c  hc-c 10.78.1.2/24 (+10.78.2.99/32, a source the router routes the other way)
//                      fd78:1::2/64
//   fwhc<pid>-r  hc-rc 10.78.1.1/24 fd78:1::1/64    hc-rs 10.78.2.1/24 fd78:2::1/64     (lo stays down)
//   fwhc<pid>-s  hc-s  10.78.2.2/24 fd78:2::2/64    listens on tcp 5432, udp 53
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseHost, HostChecker } from '../../src/host/diagnose-host.js';
import type { Trace } from '../../src/model/trace.js';
import { replayText } from '../helpers/replay-text.js';
import { stoppedInPrerouting } from '../host/traces.js';
import { isRoot } from './kit.js';

const PREFIX = `fwhc${process.pid}`;
const CLIENT = `${PREFIX}-c`;
const ROUTER = `${PREFIX}-r`;
const SERVER = `${PREFIX}-s`;
const NET_JS = fileURLToPath(new URL('../../scripts/lab.d/net.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/host/hostchecks/', import.meta.url));

const MAC = { c: '02:78:01:00:00:02', rc: '02:78:01:00:00:01', rs: '02:78:02:00:00:01', s: '02:78:02:00:00:02' };

/** fwtrace's own kind of table (its accept decides nothing), then the user's forward and input chains. */
const RULESET = `table inet fwtrace_hc {
  chain prerouting {
    type filter hook prerouting priority -350; policy accept;
    ip saddr { 10.78.1.2, 10.78.2.99 } meta nftrace set 1
    ip6 saddr fd78:1::2 meta nftrace set 1
  }
}
table inet filter {
  chain forward { type filter hook forward priority 0; policy accept; }
  chain input { type filter hook input priority 0; policy accept; }
}
`;

function skipReason(): string | null {
  if (!isRoot()) return 'host-checks kernel tests skipped: they need root (network namespaces)';
  for (const tool of ['ip', 'ss', 'sysctl', 'nft'])
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' });
    } catch {
      return `host-checks kernel tests skipped: ${tool} is not installed`;
    }
  return null;
}
const skip = skipReason();
if (skip) console.warn(skip);

function sh(argv: readonly string[], input?: string): string {
  return execFileSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    input: input ?? '',
    timeout: 30_000,
  });
}
/** `ip -n NS <words>` (fixed words split on spaces: an argv, no shell). */
const ipn = (ns: string, words: string): string => sh(['ip', '-n', ns, ...words.split(' ')]);
const inNs = (ns: string, argv: readonly string[], input?: string): string =>
  sh(['ip', 'netns', 'exec', ns, ...argv], input);
const sysctl = (ns: string, ...settings: string[]): string => inNs(ns, ['sysctl', '-qw', ...settings]);

/** One client attempt through scripts/lab.d/net.js: what the client saw (`error ECONNREFUSED`, `no answer`...). */
function send(proto: 'tcp' | 'udp', to: string, port: number, from?: string): string {
  const argv = [process.execPath, NET_JS, proto, '--to', to, '--port', String(port), '--timeout', '400'];
  if (from) argv.push('--from', from);
  if (proto === 'udp') argv.push('--send', 'fwhc');
  return inNs(CLIENT, argv).trim();
}

/** The namespace's SNMP and netstat counters (`Ip:ForwDatagrams`, `TcpExt:IPReversePathFilter`, `Ip6InAddrErrors`). */
function counters(ns: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = inNs(ns, ['cat', '/proc/net/snmp', '/proc/net/netstat', '/proc/net/snmp6']).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = /^(\w+):\s/.exec(line);
    if (head) {
      // `Ip: Forwarding DefaultTTL ...` then `Ip: 1 64 ...`.
      const values = (lines[++i] ?? '').split(/\s+/).slice(1);
      line
        .split(/\s+/)
        .slice(1)
        .forEach((n, k) => out.set(`${head[1]}:${n}`, Number(values[k])));
    } else {
      const [name, value] = line.trim().split(/\s+/);
      if (name && value && /^\d+$/.test(value)) out.set(name, Number(value));
    }
  }
  return out;
}

/** Counter increments over `fn`. */
async function delta(ns: string, names: readonly string[], fn: () => Promise<void>): Promise<Record<string, number>> {
  const before = counters(ns);
  await fn();
  const after = counters(ns);
  return Object.fromEntries(names.map((n) => [n, (after.get(n) ?? NaN) - (before.get(n) ?? NaN)]));
}

/**
 * The real trace of the packet `act` sends: `nft monitor trace` in `ns` while it runs, read as replay reads
 * it; the one whose packet goes from `src` to `dst`:`dport`. `name`: the fixture it is saved as on UPDATE_GOLDEN=1.
 */
async function traceOf(
  ns: string,
  want: { src: string; dst: string; dport: number },
  name: string,
  act: () => void,
): Promise<Trace> {
  const child = spawn('ip', ['netns', 'exec', ns, 'nft', 'monitor', 'trace'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  try {
    await sleep(300);
    act();
    await sleep(300);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  // The live nft backend reads the ruleset too (it knows each chain's hook from it): so does this.
  const ruleset = inNs(ns, ['nft', '-j', 'list', 'ruleset']);
  const traces = replayText(text, { dumps: [ruleset] }).traces;
  const found = traces.find(
    (t) => t.packet.src === want.src && t.packet.dst === want.dst && t.packet.dport === want.dport,
  );
  if (!found) throw new Error(`no trace of ${want.src} -> ${want.dst}:${want.dport} in:\n${text}`);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    const kernel = sh(['uname', '-r']).trim();
    const source = `# source: captured live by test/kernel/host-checks.test.ts, kernel ${kernel}, ${sh(['nft', '-v']).trim()}, case ${name}: 'nft monitor trace' in the ${ns.slice(PREFIX.length + 1) === 'r' ? 'router' : 'server'} namespace`;
    const ids = new Set(
      text
        .split('\n')
        .filter(
          (l) =>
            l.includes(`ip saddr ${want.src} ip daddr ${want.dst}`) ||
            l.includes(`ip6 saddr ${want.src} ip6 daddr ${want.dst}`),
        )
        .map((l) => l.split(' ')[2]),
    );
    const lines = text.split('\n').filter((l) => ids.has(l.split(' ')[2]));
    writeFileSync(`${FIXTURES}nft-trace-${name}.txt`, [source, ...lines, ''].join('\n'));
    writeFileSync(`${FIXTURES}nft-ruleset.json`, ruleset);
  }
  return found;
}

const hooks = (t: Trace): string[] => [...new Set(t.steps.map((s) => s.hook))];

let listener: ChildProcess | null = null;

function up(): void {
  for (const ns of [CLIENT, ROUTER, SERVER]) sh(['ip', 'netns', 'add', ns]);
  // Created inside the namespaces: nothing appears in the root namespace, not even for a moment.
  ipn(CLIENT, `link add hc-c address ${MAC.c} type veth peer name hc-rc address ${MAC.rc} netns ${ROUTER}`);
  ipn(ROUTER, `link add hc-rs address ${MAC.rs} type veth peer name hc-s address ${MAC.s} netns ${SERVER}`);
  const addr = (ns: string, dev: string, ...cidrs: string[]) => {
    for (const c of cidrs) ipn(ns, `addr add ${c} dev ${dev}${c.includes(':') ? ' nodad' : ''}`);
    ipn(ns, `link set ${dev} up`);
  };
  addr(CLIENT, 'hc-c', '10.78.1.2/24', '10.78.2.99/32', 'fd78:1::2/64');
  addr(ROUTER, 'hc-rc', '10.78.1.1/24', 'fd78:1::1/64');
  addr(ROUTER, 'hc-rs', '10.78.2.1/24', 'fd78:2::1/64');
  addr(SERVER, 'hc-s', '10.78.2.2/24', 'fd78:2::2/64');
  for (const ns of [CLIENT, SERVER]) ipn(ns, 'link set lo up');
  ipn(CLIENT, 'route add default via 10.78.1.1');
  ipn(CLIENT, 'route add default via fd78:1::1');
  ipn(SERVER, 'route add default via 10.78.2.1');
  ipn(SERVER, 'route add default via fd78:2::1');
  // Permanent neighbours: the spoofed source's own ARP request would be refused by rp_filter too.
  const neigh = (ns: string, ip: string, mac: string, dev: string) =>
    ipn(ns, `neigh replace ${ip} lladdr ${mac} dev ${dev} nud permanent`);
  neigh(CLIENT, '10.78.1.1', MAC.rc, 'hc-c');
  neigh(CLIENT, 'fd78:1::1', MAC.rc, 'hc-c');
  neigh(ROUTER, '10.78.1.2', MAC.c, 'hc-rc');
  neigh(ROUTER, '10.78.2.99', MAC.c, 'hc-rc');
  neigh(ROUTER, '10.78.2.2', MAC.s, 'hc-rs');
  neigh(ROUTER, 'fd78:1::2', MAC.c, 'hc-rc');
  neigh(ROUTER, 'fd78:2::2', MAC.s, 'hc-rs');
  neigh(SERVER, '10.78.2.1', MAC.rs, 'hc-s');
  neigh(SERVER, 'fd78:2::1', MAC.rs, 'hc-s');
  sysctl(ROUTER, 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  sysctl(ROUTER, 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.hc-rc.rp_filter=0', 'net.ipv4.conf.hc-rs.rp_filter=0');
  for (const ns of [ROUTER, SERVER]) inNs(ns, ['nft', '-f', '-'], RULESET);
}

async function startListener(): Promise<void> {
  const argv = [process.execPath, NET_JS, 'listen', '--tcp', '5432', '--udp', '53', '--netns', SERVER];
  const child = spawn('ip', ['netns', 'exec', SERVER, ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
  listener = child;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server listener did not start')), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      if (!d.toString().includes('ready')) return;
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', (code) => reject(new Error(`the server listener exited (${String(code)})`)));
  });
}

function down(): void {
  if (listener?.pid !== undefined && listener.exitCode === null) listener.kill('SIGTERM');
  for (const ns of [CLIENT, ROUTER, SERVER])
    try {
      sh(['ip', 'netns', 'del', ns]);
    } catch {
      // Not created, or already gone.
    }
  const left = sh(['ip', 'netns', 'list'])
    .split('\n')
    .filter((l) => l.startsWith(PREFIX));
  if (left.length > 0) console.warn(`host-checks kernel tests: namespaces left behind: ${left.join(', ')}`);
}

const check = (t: Trace, ns: string) => new HostChecker({ netns: ns, warn: (m) => console.warn(m) }).diagnose(t, null);
const causes = (r: Awaited<ReturnType<typeof check>>) =>
  r.diagnosis.findings.filter((f) => f.severity === 'cause').map((f) => f.check);

describe.skipIf(skip !== null)('host checks on the real kernel', () => {
  beforeAll(async () => {
    try {
      up();
      await startListener();
    } catch (e) {
      down();
      throw e;
    }
  });
  afterAll(() => {
    down();
  });

  it('(d) control: everything fine, the packet arrives, and no check names a cause', async () => {
    let forwarded: Trace | null = null;
    const d = await delta(ROUTER, ['Ip:ForwDatagrams'], async () => {
      forwarded = await traceOf(ROUTER, { src: '10.78.1.2', dst: '10.78.2.2', dport: 53 }, 'forwarded', () => {
        expect(send('udp', '10.78.2.2', 53)).toContain('answer "answer:fwhc"');
      });
    });
    expect(d['Ip:ForwDatagrams']).toBeGreaterThanOrEqual(1);
    expect(hooks(forwarded!)).toEqual(['prerouting', 'forward']);
    const r = await diagnoseHost(forwarded!, ROUTER, null);
    expect(r.diagnosis.findings).toEqual([]);
    expect(r.explanation).toBe(forwarded!.explanation);
    // Had the router's trace stopped in prerouting, the real route answer says where it goes: no cause.
    const stopped = await check(stoppedInPrerouting(forwarded!.packet), ROUTER);
    expect(causes(stopped)).toEqual([]);
    expect(stopped.explanation).toContain('routing forwards it out hc-rs and no host check explains a drop');
    // On the server: the SYN reaches INPUT and is taken by the listener.
    const syn = await traceOf(SERVER, { src: '10.78.1.2', dst: '10.78.2.2', dport: 5432 }, 'syn-listened', () => {
      expect(send('tcp', '10.78.2.2', 5432)).toContain('connected');
    });
    expect(hooks(syn)).toEqual(['prerouting', 'input']);
    expect((await check(syn, SERVER)).diagnosis.findings).toEqual([]);
  });

  it('(a) ip_forward=0 on the router: the forwarded packet is dropped after prerouting, and that is named', async () => {
    sysctl(ROUTER, 'net.ipv4.ip_forward=0');
    try {
      let t: Trace | null = null;
      const d = await delta(ROUTER, ['Ip:ForwDatagrams', 'Ip:InAddrErrors'], async () => {
        t = await traceOf(ROUTER, { src: '10.78.1.2', dst: '10.78.2.2', dport: 53 }, 'ip-forward-off', () => {
          expect(send('udp', '10.78.2.2', 53)).toContain('no answer');
        });
      });
      expect(d).toEqual({ 'Ip:ForwDatagrams': 0, 'Ip:InAddrErrors': 1 });
      expect(hooks(t!)).toEqual(['prerouting']);
      const r = await check(t!, ROUTER);
      expect(r.diagnosis.findings).toEqual([
        {
          check: 'ip_forward',
          severity: 'cause',
          text: `net.ipv4.ip_forward is 0 in netns ${ROUTER}, so it does not forward this packet to 10.78.2.2`,
          fix: `ip netns exec ${ROUTER} sysctl -w net.ipv4.ip_forward=1`,
        },
      ]);
      expect(r.explanation).toMatch(
        /^accepted by netfilter in prerouting, then dropped by routing: net\.ipv4\.ip_forward is 0/,
      );
      // The fix it gives works.
      sysctl(ROUTER, 'net.ipv4.ip_forward=1');
      expect(send('udp', '10.78.2.2', 53)).toContain('answer "answer:fwhc"');
    } finally {
      sysctl(ROUTER, 'net.ipv4.ip_forward=1');
    }
  });

  it('(a, IPv6) net.ipv6.conf.all.forwarding=0: the lookup succeeds, the sysctl is named', async () => {
    sysctl(ROUTER, 'net.ipv6.conf.all.forwarding=0');
    try {
      let t: Trace | null = null;
      const d = await delta(ROUTER, ['Ip6OutForwDatagrams', 'Ip6InAddrErrors'], async () => {
        t = await traceOf(ROUTER, { src: 'fd78:1::2', dst: 'fd78:2::2', dport: 53 }, 'ipv6-forwarding-off', () => {
          expect(send('udp', 'fd78:2::2', 53)).toContain('no answer');
        });
      });
      expect(d).toEqual({ Ip6OutForwDatagrams: 0, Ip6InAddrErrors: 1 });
      expect(hooks(t!)).toEqual(['prerouting']);
      const r = await check(t!, ROUTER);
      expect(r.diagnosis.findings).toEqual([
        {
          check: 'ip_forward',
          severity: 'cause',
          text: `net.ipv6.conf.all.forwarding is 0 in netns ${ROUTER}, so it does not forward this IPv6 packet to fd78:2::2`,
          fix: `ip netns exec ${ROUTER} sysctl -w net.ipv6.conf.all.forwarding=1`,
        },
      ]);
    } finally {
      sysctl(ROUTER, 'net.ipv6.conf.all.forwarding=1');
    }
  });

  it('(b) a TCP SYN to a port nothing listens on: the server resets it, and no listener is named', async () => {
    let t: Trace | null = null;
    const d = await delta(SERVER, ['Tcp:OutRsts', 'Tcp:PassiveOpens'], async () => {
      t = await traceOf(SERVER, { src: '10.78.1.2', dst: '10.78.2.2', dport: 9999 }, 'syn-no-listener', () => {
        expect(send('tcp', '10.78.2.2', 9999)).toContain('error ECONNREFUSED');
      });
    });
    expect(d).toEqual({ 'Tcp:OutRsts': 1, 'Tcp:PassiveOpens': 0 });
    expect(hooks(t!)).toEqual(['prerouting', 'input']);
    const r = await check(t!, SERVER);
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'listener',
        severity: 'cause',
        text: `nothing listens on tcp port 9999 at 10.78.2.2 in netns ${SERVER}, so the kernel answers with a TCP reset`,
        fix: null,
      },
    ]);
    expect(r.explanation).toMatch(/^accepted by netfilter, but no socket took it: nothing listens on tcp port 9999/);
    // The same for UDP, with the kernel's UdpNoPorts as proof.
    let u: Trace | null = null;
    const du = await delta(SERVER, ['Udp:NoPorts'], async () => {
      u = await traceOf(SERVER, { src: '10.78.1.2', dst: '10.78.2.2', dport: 9 }, 'udp-no-listener', () => {
        expect(send('udp', '10.78.2.2', 9)).toContain('error ECONNREFUSED');
      });
    });
    expect(du).toEqual({ 'Udp:NoPorts': 1 });
    expect(causes(await check(u!, SERVER))).toEqual(['listener']);
  });

  it('(c) rp_filter=1 on the router drops a source that routes back another way, and that is named', async () => {
    sysctl(ROUTER, 'net.ipv4.conf.all.rp_filter=1');
    try {
      let t: Trace | null = null;
      const d = await delta(ROUTER, ['TcpExt:IPReversePathFilter', 'Ip:ForwDatagrams'], async () => {
        t = await traceOf(ROUTER, { src: '10.78.2.99', dst: '10.78.2.2', dport: 53 }, 'rp-filter', () => {
          expect(send('udp', '10.78.2.2', 53, '10.78.2.99')).toContain('no answer');
        });
      });
      expect(d).toEqual({ 'TcpExt:IPReversePathFilter': 1, 'Ip:ForwDatagrams': 0 });
      expect(hooks(t!)).toEqual(['prerouting']);
      const r = await check(t!, ROUTER);
      const fix = `ip netns exec ${ROUTER} sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.hc-rc.rp_filter=2`;
      expect(r.diagnosis.findings).toEqual([
        {
          check: 'rp_filter',
          severity: 'cause',
          text: `the reverse-path filter (rp_filter=1, strict) of netns ${ROUTER} dropped it on hc-rc, because the route back to 10.78.2.99 leaves by hc-rs, not by hc-rc where it came in`,
          fix,
        },
      ]);
      // The fix it gives (loose mode) lets the packet through.
      sysctl(ROUTER, 'net.ipv4.conf.all.rp_filter=2', 'net.ipv4.conf.hc-rc.rp_filter=2');
      const after = await delta(ROUTER, ['TcpExt:IPReversePathFilter', 'Ip:ForwDatagrams'], () => {
        send('udp', '10.78.2.2', 53, '10.78.2.99');
        return Promise.resolve();
      });
      expect(after).toEqual({ 'TcpExt:IPReversePathFilter': 0, 'Ip:ForwDatagrams': 1 });
    } finally {
      sysctl(ROUTER, 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.hc-rc.rp_filter=0');
    }
  });

  it('no route on the router: named from the kernel answer', async () => {
    let t: Trace | null = null;
    const d = await delta(ROUTER, ['IpExt:InNoRoutes', 'Ip:ForwDatagrams'], async () => {
      t = await traceOf(ROUTER, { src: '10.78.1.2', dst: '10.99.0.1', dport: 53 }, 'no-route', () => {
        expect(send('udp', '10.99.0.1', 53)).toMatch(/no answer|EHOSTUNREACH|ENETUNREACH/);
      });
    });
    expect(d).toEqual({ 'IpExt:InNoRoutes': 1, 'Ip:ForwDatagrams': 0 });
    expect(hooks(t!)).toEqual(['prerouting']);
    const r = await check(t!, ROUTER);
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'route',
        severity: 'cause',
        text: `netns ${ROUTER} has no route to 10.99.0.1 (ip route get: Network is unreachable)`,
        fix: null,
      },
    ]);
  });

  it('route lookups need no loopback: the router lo is still down; nothing of ours is in the root namespace', () => {
    expect(inNs(ROUTER, ['ip', '-j', 'link', 'show', 'lo'])).toContain('"operstate":"DOWN"');
    expect(
      sh(['ip', '-br', 'link'])
        .split('\n')
        .some((l) => l.startsWith('hc-')),
    ).toBe(false);
  });
});
