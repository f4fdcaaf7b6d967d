// diagnose(): hand-built traces (as a real nft trace of the packet shows them), the recorded facts and route
// answers of the test namespaces, and kernel drop reasons. The true cause is named, with the namespace and
// a fix; when the checks and the kernel disagree, or nothing explains a drop, it says it cannot tell.
import { describe, expect, it } from 'vitest';
import { diagnose, type DiagnoseInput } from '../../src/host/diagnose.js';
import type { KernelDrop } from '../../src/model/host.js';
import type { PacketInfo } from '../../src/model/packet.js';
import type { RouteQuery } from '../../src/host/route.js';
import { UNROUTED_LEAD } from '../../src/trace/expected-chains.js';
import { evidence, fixture, routerFacts, serverFacts } from './facts-kit.js';
import { deliveredToInput, step, stoppedInPrerouting, SYN, trace, TRACER, UDP } from './traces.js';

const Q: RouteQuery = { version: 4, src: '10.78.1.2', dst: '10.78.2.2', iif: 'hc-rc', mark: null };
const drop = (reason: string, location: string | null = null): KernelDrop => ({
  reason,
  location,
  protocol: 2048,
  stamp: 1,
});
const router = (over: Partial<DiagnoseInput> = {}): DiagnoseInput => ({
  netns: 'fw',
  facts: routerFacts(),
  route: evidence(Q, 'forwarding-on'),
  kernelDrop: null,
  ...over,
});
const checks = (r: ReturnType<typeof diagnose>) => r.diagnosis.findings.map((f) => `${f.severity} ${f.check}`);

describe('forwarding off', () => {
  const facts = routerFacts({ 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.hc-rc.forwarding': '0' });

  it('names net.ipv4.ip_forward, the netns, and the fix', () => {
    const r = diagnose(stoppedInPrerouting(UDP), router({ facts, route: evidence(Q, 'forwarding-off') }));
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'ip_forward',
        severity: 'cause',
        text: 'net.ipv4.ip_forward is 0 in netns fw, so it does not forward this packet to 10.78.2.2',
        fix: 'ip netns exec fw sysctl -w net.ipv4.ip_forward=1',
      },
    ]);
    expect(r.explanation).toBe(
      'accepted by netfilter in prerouting, then dropped by routing: net.ipv4.ip_forward is 0 in netns fw, so it does not forward this packet to 10.78.2.2',
    );
  });

  it('agrees with the kernel drop reason IP_INADDRERRORS', () => {
    const r = diagnose(
      stoppedInPrerouting(UDP),
      router({ facts, route: evidence(Q, 'forwarding-off'), kernelDrop: drop('IP_INADDRERRORS') }),
    );
    expect(checks(r)).toEqual(['cause ip_forward']);
    expect(r.diagnosis.kernelDrop?.reason).toBe('IP_INADDRERRORS');
  });

  it('names the interface key when only that interface has forwarding off', () => {
    const one = routerFacts({ 'net.ipv4.conf.hc-rc.forwarding': '0' });
    const r = diagnose(stoppedInPrerouting(UDP), router({ facts: one, route: evidence(Q, 'forwarding-off') }));
    expect(r.diagnosis.findings[0]).toMatchObject({
      check: 'ip_forward',
      text: 'net.ipv4.conf.hc-rc.forwarding is 0 in netns fw, so it does not forward this packet from hc-rc to 10.78.2.2',
      fix: 'ip netns exec fw sysctl -w net.ipv4.conf.hc-rc.forwarding=1',
    });
  });

  it('reads the sysctl alone when the route lookup could not be made', () => {
    const r = diagnose(stoppedInPrerouting(UDP), router({ facts, route: null }));
    expect(checks(r)).toEqual(['cause ip_forward']);
    // ... but never for a packet to one of its own addresses (nothing listens on the router).
    expect(checks(diagnose(stoppedInPrerouting({ ...UDP, dst: '10.78.1.1' }), router({ facts, route: null })))).toEqual(
      ['cause listener'],
    );
  });

  it('IPv6: the lookup succeeds, net.ipv6.conf.all.forwarding=0 decides', () => {
    const v6: PacketInfo = { ...UDP, ipVersion: 6, src: 'fd78:1::2', dst: 'fd78:2::2' };
    const q6: RouteQuery = { ...Q, version: 6, src: 'fd78:1::2', dst: 'fd78:2::2' };
    const r = diagnose(stoppedInPrerouting(v6), router({ route: evidence(q6, 'ipv6-forwarding-off') }));
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'ip_forward',
        severity: 'cause',
        text: 'net.ipv6.conf.all.forwarding is 0 in netns fw, so it does not forward this IPv6 packet to fd78:2::2',
        fix: 'ip netns exec fw sysctl -w net.ipv6.conf.all.forwarding=1',
      },
    ]);
  });

  it('says "this host" and gives a plain sysctl for the root namespace', () => {
    const root = routerFacts({ 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.hc-rc.forwarding': '0' }, null);
    const r = diagnose(
      stoppedInPrerouting(UDP),
      router({ netns: null, facts: root, route: evidence(Q, 'forwarding-off') }),
    );
    expect(r.diagnosis.findings[0]).toMatchObject({
      text: 'net.ipv4.ip_forward is 0 on this host, so it does not forward this packet to 10.78.2.2',
      fix: 'sysctl -w net.ipv4.ip_forward=1',
    });
  });
});

describe('reverse-path filter', () => {
  const spoofed = { ...UDP, src: '10.78.2.99' };
  const q = { ...Q, src: '10.78.2.99' };

  it('strict: names the interface the way back leaves by, and the loose-mode fix', () => {
    const r = diagnose(
      stoppedInPrerouting(spoofed),
      router({ route: evidence(q, 'rp-filter-strict', 'rp-filter-reverse', 'forwarding-on') }),
    );
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'rp_filter',
        severity: 'cause',
        text: 'the reverse-path filter (rp_filter=1, strict) of netns fw dropped it on hc-rc, because the route back to 10.78.2.99 leaves by hc-rs, not by hc-rc where it came in',
        fix: 'ip netns exec fw sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.hc-rc.rp_filter=2',
      },
    ]);
    expect(r.explanation).toMatch(
      /^accepted by netfilter in prerouting, then dropped by routing: the reverse-path filter/,
    );
  });

  it('older kernels answer EXDEV (Invalid cross-device link): the same finding', () => {
    const exdev = {
      ...evidence(q, 'rp-filter-strict', 'rp-filter-reverse'),
      input: { kind: 'error' as const, errno: 'EXDEV' as const, message: 'Invalid cross-device link' },
    };
    const r = diagnose(stoppedInPrerouting(spoofed), router({ route: exdev }));
    expect(checks(r)).toEqual(['cause rp_filter']);
  });

  it('loose: no route back at all, and no fix to offer', () => {
    const loose = routerFacts({ 'net.ipv4.conf.all.rp_filter': '2' });
    const r = diagnose(
      stoppedInPrerouting({ ...UDP, src: '10.55.0.1' }),
      router({
        facts: loose,
        route: evidence(
          { ...Q, src: '10.55.0.1' },
          'rp-filter-loose-no-route-back',
          'rp-filter-loose-reverse',
          'forwarding-on',
        ),
      }),
    );
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'rp_filter',
        severity: 'cause',
        text: 'the reverse-path filter (rp_filter=2, loose) of netns fw dropped it on hc-rc, because there is no route back to 10.55.0.1',
        fix: null,
      },
    ]);
  });

  it('the kernel drop reason IP_RPFILTER alone names it when the lookup could not be made', () => {
    const r = diagnose(
      stoppedInPrerouting(spoofed),
      router({ route: null, kernelDrop: drop('IP_RPFILTER', 'ip_rcv_finish_core+0x25b/0x470') }),
    );
    expect(checks(r)).toEqual(['cause rp_filter']);
    expect(r.diagnosis.findings[0]!.text).toContain('IP_RPFILTER');
  });

  it('EINVAL with rp_filter off and nothing martian: says it cannot tell', () => {
    const off = routerFacts({ 'net.ipv4.conf.all.rp_filter': '0' });
    const r = diagnose(
      stoppedInPrerouting(spoofed),
      router({ facts: off, route: evidence(q, 'rp-filter-strict', 'rp-filter-reverse', 'forwarding-on') }),
    );
    expect(checks(r)).toEqual(['warning route']);
    expect(r.explanation).toBe(
      'accepted by netfilter in prerouting, then dropped by routing: the route lookup in netns fw refuses it (ip route get: Invalid argument) and rp_filter is off, so fwtrace cannot tell why',
    );
  });
});

describe('no route, and routes that refuse', () => {
  const far = { ...UDP, dst: '10.99.0.1' };
  const q = { ...Q, dst: '10.99.0.1' };

  it.each([
    ['no-route', null, 'netns fw has no route to 10.99.0.1 (ip route get: Network is unreachable)'],
    [
      'unreachable-route',
      null,
      'an unreachable route for 10.99.0.1 in netns fw refuses it (ip route get: No route to host)',
    ],
    ['prohibit-route', null, 'a prohibit route for 10.99.0.1 in netns fw refuses it (ip route get: Permission denied)'],
    [
      'blackhole-route',
      'blackhole-route-output',
      'a blackhole route for 10.99.0.1 in netns fw drops it (ip route get: Invalid argument)',
    ],
  ])('%s', (input, output, text) => {
    const r = diagnose(
      stoppedInPrerouting(far),
      router({ route: evidence(q, input, output === null ? null : 'forwarding-on', output) }),
    );
    expect(r.diagnosis.findings).toEqual([{ check: 'route', severity: 'cause', text, fix: null }]);
    expect(r.explanation).toBe(`accepted by netfilter in prerouting, then dropped by routing: ${text}`);
  });

  it('a martian source: one of its own addresses, or loopback', () => {
    const own = diagnose(
      stoppedInPrerouting({ ...UDP, src: '10.78.1.1' }),
      router({
        route: evidence({ ...Q, src: '10.78.1.1' }, 'martian-local-source', 'forwarding-off-local', 'forwarding-on'),
      }),
    );
    expect(own.diagnosis.findings[0]!.text).toBe(
      'netns fw drops it as a martian, because its source 10.78.1.1 is one of its own addresses (ip route get: Invalid argument)',
    );
    const lo = diagnose(
      stoppedInPrerouting({ ...UDP, src: '127.0.0.1' }),
      router({
        route: evidence({ ...Q, src: '127.0.0.1' }, 'martian-loopback-source', 'forwarding-on', 'forwarding-on'),
      }),
    );
    expect(lo.diagnosis.findings[0]).toMatchObject({ check: 'route', severity: 'cause' });
    expect(lo.diagnosis.findings[0]!.text).toContain('is a loopback address');
  });
});

describe('nothing explains it', () => {
  it('routing forwards it and no kernel drop: it says it cannot tell whether it arrived', () => {
    const r = diagnose(stoppedInPrerouting(UDP), router());
    expect(r.diagnosis.findings).toEqual([]);
    expect(r.explanation).toBe(
      'accepted by the ACCEPT policy of fwtrace_1_a/pre; not seen after prerouting: routing forwards it out hc-rs and no host check explains a drop, so fwtrace cannot tell whether it arrived',
    );
  });

  it("the trace's own guess at a routing drop (replay's words) gives way to what the host checks found", () => {
    const guessed = {
      ...stoppedInPrerouting(UDP),
      explanation: `accepted by the ACCEPT policy of fwtrace_1_a/pre${UNROUTED_LEAD}input and forward have chains (filter/INPUT, filter/FORWARD): the kernel dropped it on the way (rp_filter, no route, forwarding off, TTL expired, too big for the next hop), or events were lost`,
    };
    expect(diagnose(guessed, router()).explanation).toBe(
      'accepted by the ACCEPT policy of fwtrace_1_a/pre; not seen after prerouting: routing forwards it out hc-rs and no host check explains a drop, so fwtrace cannot tell whether it arrived',
    );
  });

  it('a kernel drop no check explains: it names the reason and says it cannot tell', () => {
    const r = diagnose(
      stoppedInPrerouting(UDP),
      router({ kernelDrop: drop('NEIGH_FAILED', 'neigh_invalidate+0x10/0x80') }),
    );
    expect(r.explanation).toBe(
      'accepted by netfilter in prerouting: the kernel dropped it (NEIGH_FAILED in neigh_invalidate) and no host check explains why, so fwtrace cannot tell',
    );
  });

  it('the kernel and the checks disagree: the cause becomes a warning and it says it cannot tell which', () => {
    const facts = routerFacts({ 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.hc-rc.forwarding': '0' });
    const r = diagnose(
      stoppedInPrerouting(UDP),
      router({ facts, route: evidence(Q, 'forwarding-off'), kernelDrop: drop('IP_RPFILTER') }),
    );
    expect(checks(r)).toEqual(['warning ip_forward']);
    expect(r.explanation).toBe(
      'accepted by netfilter in prerouting: the kernel dropped it (IP_RPFILTER) but the host checks point to ip_forward, so fwtrace cannot tell which is right',
    );
  });

  it('NETFILTER_DROP after an accept: a chain the trace did not show, or conntrack', () => {
    const r = diagnose(
      stoppedInPrerouting(SYN),
      router({ kernelDrop: drop('NETFILTER_DROP', 'nf_hook_slow+0x9b/0x130') }),
    );
    expect(r.explanation).toBe(
      'accepted by netfilter in prerouting: the kernel dropped it in a netfilter hook (NETFILTER_DROP in nf_hook_slow), by a chain fwtrace did not trace or by conntrack itself, so fwtrace cannot tell which',
    );
  });

  it('a NOT_SPECIFIED kernel drop says nothing either way', () => {
    const r = diagnose(
      stoppedInPrerouting({ ...UDP, dst: '10.99.0.1' }),
      router({ route: evidence({ ...Q, dst: '10.99.0.1' }, 'unreachable-route'), kernelDrop: drop('NOT_SPECIFIED') }),
    );
    expect(checks(r)).toEqual(['cause route']);
  });

  it('without facts and route answers it finds nothing and still says it cannot tell', () => {
    const r = diagnose(stoppedInPrerouting(UDP), { netns: 'fw', facts: null, route: null, kernelDrop: null });
    expect(r.diagnosis).toEqual({ kernelDrop: null, findings: [] });
    expect(r.explanation).toContain('fwtrace cannot tell whether it arrived');
  });

  it('keeps the trace explanation of a forwarded packet, a policy drop, and a locally sent packet', () => {
    const forwarded = trace({
      packet: UDP,
      steps: [...TRACER, step('forward', 'forward', 'accept', null), step('postrouting', 'post', 'accept', null)],
      explanation: 'kept',
    });
    expect(diagnose(forwarded, router())).toEqual({
      diagnosis: { kernelDrop: null, findings: [] },
      explanation: 'kept',
    });
    const dropped = trace({
      packet: UDP,
      steps: [...TRACER, step('forward', 'forward', 'drop', null)],
      explanation: 'kept',
    });
    expect(diagnose(dropped, router({ kernelDrop: drop('NETFILTER_DROP') })).explanation).toBe('kept');
    const local = trace({ packet: { ...UDP, iif: '' }, steps: TRACER, explanation: 'kept' });
    expect(diagnose(local, router()).explanation).toBe('kept');
  });
});

describe('no local listener', () => {
  const srv = (packet: PacketInfo, kernelDrop: KernelDrop | null = null, facts = serverFacts()) =>
    diagnose(deliveredToInput(packet), { netns: 'srv', facts, route: null, kernelDrop });
  const toServer = (over: Partial<PacketInfo>): PacketInfo => ({ ...SYN, ...over });

  it('a SYN to a port nothing listens on: a TCP reset; NO_SOCKET agrees', () => {
    const r = srv(toServer({ dport: 9999 }), drop('NO_SOCKET', 'tcp_v4_rcv+0x91/0x13f0'));
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'listener',
        severity: 'cause',
        text: 'nothing listens on tcp port 9999 at 10.78.2.2 in netns srv, so the kernel answers with a TCP reset',
        fix: null,
      },
    ]);
    expect(r.explanation).toBe(
      'accepted by netfilter, but no socket took it: nothing listens on tcp port 9999 at 10.78.2.2 in netns srv, so the kernel answers with a TCP reset',
    );
  });

  it('names the sockets bound elsewhere on that port', () => {
    expect(srv(toServer({ dport: 631 })).diagnosis.findings[0]!.text).toBe(
      'nothing listens on tcp port 631 at 10.78.2.2 in netns srv (only 127.0.0.1:631, [::1]:631), so the kernel answers with a TCP reset',
    );
    // 0.0.0.0:53 bound to lo takes nothing that arrives on hc-s.
    expect(srv(toServer({ dport: 53 })).diagnosis.findings[0]!.text).toContain('(only 0.0.0.0%lo:53)');
  });

  it.each([
    ['0.0.0.0:22', { dport: 22 }],
    ['10.78.2.2:5432', { dport: 5432 }],
    ['dual-stack *:80, IPv4', { dport: 80 }],
    ['dual-stack *:80, IPv6', { ipVersion: 6 as const, src: 'fd78:1::2', dst: 'fd78:2::2', dport: 80 }],
    ['[::]:22 (v6only), IPv6', { ipVersion: 6 as const, src: 'fd78:1::2', dst: 'fd78:2::2', dport: 22 }],
    ['v4-mapped [::ffff:10.78.2.2]:8080, IPv4', { dport: 8080 }],
  ])('finds the listener: %s', (_, over) => {
    expect(srv(toServer(over)).diagnosis.findings).toEqual([]);
  });

  it('a v4-mapped bind takes no IPv6 packet', () => {
    const r = srv(toServer({ ipVersion: 6, src: 'fd78:1::2', dst: 'fd78:2::2', dport: 8080 }));
    expect(r.diagnosis.findings[0]!.text).toContain('nothing listens on tcp port 8080 at fd78:2::2');
  });

  it('UDP: unconnected binds, device binds, and a connected socket for its peer only', () => {
    expect(srv({ ...UDP, dport: 53 }).diagnosis.findings).toEqual([]);
    expect(srv({ ...UDP, dport: 161 }).diagnosis.findings).toEqual([]);
    const estab = /10\.78\.2\.2:(\d+)\s+10\.78\.2\.1:9/.exec(fixture('ss-udp-all.txt'))!;
    const port = Number(estab[1]);
    expect(srv({ ...UDP, src: '10.78.2.1', sport: 9, dport: port }).diagnosis.findings).toEqual([]);
    const stranger = srv({ ...UDP, dport: port });
    expect(stranger.diagnosis.findings[0]!.text).toBe(
      `nothing listens on udp port ${port} at 10.78.2.2 in netns srv, so the kernel answers with ICMP port unreachable`,
    );
  });

  it('looks only at packets that open a TCP connection', () => {
    expect(srv(toServer({ dport: 9999, tcpFlags: ['ACK'] })).diagnosis.findings).toEqual([]);
    expect(srv(toServer({ dport: 9999, tcpFlags: ['SYN', 'ACK'] })).diagnosis.findings).toEqual([]);
  });

  it('leaves broadcast datagrams alone', () => {
    expect(srv({ ...UDP, dst: '10.78.2.255', dport: 9 }).diagnosis.findings).toEqual([]);
  });

  it('the port after DNAT is the one that must be listened on', () => {
    const nat = [
      {
        hook: 'prerouting' as const,
        kind: 'dnat' as const,
        from: '10.78.2.2:80',
        to: '10.78.2.2:9999',
        table: 'nat',
        chain: 'PREROUTING',
        rule: null,
      },
    ];
    const t = { ...deliveredToInput({ ...SYN, dport: 80 }), nat };
    const r = diagnose(t, { netns: 'srv', facts: serverFacts(), route: null, kernelDrop: null });
    expect(r.diagnosis.findings[0]!.text).toContain('tcp port 9999');
  });

  it('routed local but not seen in INPUT: the same check', () => {
    const t = stoppedInPrerouting({ ...SYN, dst: '10.78.1.1', dport: 9999 });
    const r = diagnose(t, router({ route: evidence({ ...Q, dst: '10.78.1.1' }, 'forwarding-off-local') }));
    expect(r.diagnosis.findings[0]).toMatchObject({ check: 'listener', severity: 'cause' });
  });

  it('NO_SOCKET alone names it when the sockets could not be read', () => {
    const facts = { ...serverFacts(), tcp: null };
    const r = srv(toServer({ dport: 9999 }), drop('NO_SOCKET'), facts);
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'listener',
        severity: 'cause',
        text: "no socket in netns srv took it on tcp port 9999 (the kernel's drop reason is NO_SOCKET)",
        fix: null,
      },
    ]);
  });

  it('a kernel drop of another kind while the checks see no listener: cannot tell', () => {
    const r = srv(toServer({ dport: 9999 }), drop('TCP_INVALID_SEQUENCE'));
    expect(checks(r)).toEqual(['warning listener']);
    expect(r.explanation).toContain('fwtrace cannot tell which is right');
  });

  it('a listener exists but the kernel says NO_SOCKET: cannot tell', () => {
    const r = srv(toServer({ dport: 22 }), drop('NO_SOCKET'));
    expect(r.diagnosis.findings).toEqual([]);
    expect(r.explanation).toBe(
      'accepted by netfilter: the kernel dropped it (NO_SOCKET) and no host check explains why, so fwtrace cannot tell',
    );
  });
});

describe('conntrack', () => {
  const full = routerFacts({ 'net.netfilter.nf_conntrack_count': '262144' });

  it('a full table drops a new connection after the rules accepted it', () => {
    const r = diagnose(stoppedInPrerouting(SYN), router({ facts: full }));
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'conntrack-full',
        severity: 'cause',
        text: 'the conntrack table of netns fw is full (262144 of 262144 entries), so it drops packets of new connections',
        fix: 'sysctl -w net.netfilter.nf_conntrack_max=524288',
      },
    ]);
    expect(r.explanation).toBe(
      "accepted by netfilter's rules, then dropped by conntrack: the conntrack table of netns fw is full (262144 of 262144 entries), so it drops packets of new connections",
    );
    expect(
      checks(diagnose(stoppedInPrerouting(SYN), router({ facts: full, kernelDrop: drop('NETFILTER_DROP') }))),
    ).toEqual(['cause conntrack-full']);
  });

  it('full is only a warning for a mid-stream segment, a forwarded packet, or next to a routing cause', () => {
    expect(checks(diagnose(stoppedInPrerouting({ ...SYN, tcpFlags: ['ACK'] }), router({ facts: full })))).toEqual([
      'warning conntrack-full',
    ]);
    const forwarded = trace({ packet: SYN, steps: [...TRACER, step('forward', 'forward', 'accept', null)] });
    expect(checks(diagnose(forwarded, router({ facts: full })))).toEqual(['warning conntrack-full']);
    const noRoute = diagnose(
      stoppedInPrerouting({ ...SYN, dst: '10.99.0.1' }),
      router({ facts: full, route: evidence({ ...Q, dst: '10.99.0.1' }, 'no-route') }),
    );
    expect(checks(noRoute)).toEqual(['cause route', 'warning conntrack-full']);
  });

  it('almost full is a warning', () => {
    const near = routerFacts({ 'net.netfilter.nf_conntrack_count': '240000' });
    const r = diagnose(stoppedInPrerouting(SYN), router({ facts: near }));
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'conntrack-full',
        severity: 'warning',
        text: 'the conntrack table of netns fw is 91 % full (240000 of 262144 entries): once full, it drops packets of new connections',
        fix: 'sysctl -w net.netfilter.nf_conntrack_max=524288',
      },
    ]);
    expect(
      checks(
        diagnose(
          stoppedInPrerouting(SYN),
          router({ facts: routerFacts({ 'net.netfilter.nf_conntrack_count': '1000' }) }),
        ),
      ),
    ).toEqual([]);
  });

  const NEW_WHY =
    'it belongs to no connection conntrack knows (the connection began before conntrack saw it or its entry was flushed or timed out, with nf_conntrack_tcp_loose 0; its other direction takes another path; or it is outside the TCP window)';
  const invalidDrop = (text: string, packet: PacketInfo = { ...SYN, tcpFlags: ['ACK'] }) =>
    trace({
      packet,
      steps: [...TRACER, step('input', 'input', 'drop', text)],
      explanation: `dropped by rule 2 of filter/input (${text})`,
    });

  it('a drop by `ct state invalid`: says INVALID and what it means for this packet', () => {
    const r = diagnose(invalidDrop('ct state invalid counter packets 3 bytes 120 drop'), router());
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'conntrack-invalid',
        severity: 'cause',
        text: 'conntrack in netns fw marked this tcp [ACK] INVALID: it belongs to no connection conntrack knows (the connection began before conntrack saw it or its entry was flushed or timed out, with nf_conntrack_tcp_loose 0; its other direction takes another path; or it is outside the TCP window)',
        fix: null,
      },
    ]);
    expect(r.explanation).toBe(
      'dropped by rule 2 of filter/input (ct state invalid counter packets 3 bytes 120 drop); conntrack in netns fw marked this tcp [ACK] INVALID: it belongs to no connection conntrack knows (the connection began before conntrack saw it or its entry was flushed or timed out, with nf_conntrack_tcp_loose 0; its other direction takes another path; or it is outside the TCP window)',
    );
  });

  it('the live sentence replaces replay’s words on INVALID with its own, naming the namespace (said once)', () => {
    const text = 'ct state invalid counter packets 3 bytes 120 drop';
    const t = invalidDrop(text);
    const replayed = { ...t, explanation: `${t.explanation}; conntrack marked it INVALID: ${'it belongs to ...'}` };
    expect(diagnose(replayed, router()).explanation).toBe(
      `dropped by rule 2 of filter/input (${text}); conntrack in netns fw marked this tcp [ACK] INVALID: ${NEW_WHY}`,
    );
  });

  it.each([
    ['-A INPUT -m conntrack --ctstate INVALID -j DROP', true],
    ['-A INPUT -m state --state INVALID -j DROP', true],
    ['ct state { invalid } drop', true],
    ['ct state vmap { invalid : drop, established : accept, related : accept }', true],
    ['ct state vmap { invalid : drop, new : drop }', false],
    ['ct state { invalid, new } drop', false],
    ['ct state != invalid drop', false],
    ['-A INPUT -m conntrack ! --ctstate INVALID -j DROP', false],
    ['-A INPUT -m conntrack --ctstate NEW,INVALID -j DROP', false],
    ['tcp dport 22 drop', false],
  ])('%s -> INVALID: %s', (text, yes) => {
    expect(checks(diagnose(invalidDrop(text), router()))).toEqual(yes ? ['cause conntrack-invalid'] : []);
  });

  it('an ICMP error and a UDP datagram get their own words', () => {
    const icmp = diagnose(
      invalidDrop('ct state invalid drop', { ...UDP, proto: 'icmp', inner: { proto: 'udp' } }),
      router(),
    );
    expect(icmp.diagnosis.findings[0]!.text).toContain('an ICMP error about no connection conntrack knows');
    const udp = diagnose(invalidDrop('ct state invalid drop', UDP), router());
    expect(udp.diagnosis.findings[0]!.text).toContain('marked this udp INVALID: conntrack cannot follow it');
  });
});

describe('bridged traffic and br_netfilter', () => {
  const bridged = { ...UDP, physin: 'hc-p1', physout: 'hc-p2' };

  it('bridge-nf-call-iptables=0: a warning for IPv4, with the fix', () => {
    const r = diagnose(
      stoppedInPrerouting(bridged),
      router({ facts: routerFacts({ 'net.bridge.bridge-nf-call-iptables': '0' }) }),
    );
    expect(r.diagnosis.findings).toEqual([
      {
        check: 'br_netfilter',
        severity: 'warning',
        text: 'net.bridge.bridge-nf-call-iptables is 0 in netns fw, so iptables and nftables ip/inet chains do not see bridged IPv4 traffic',
        fix: 'ip netns exec fw sysctl -w net.bridge.bridge-nf-call-iptables=1',
      },
    ]);
  });

  it('br_netfilter not loaded; a packet that arrived on a bridge port counts as bridged', () => {
    const none = routerFacts({
      'net.bridge.bridge-nf-call-iptables': null,
      'net.bridge.bridge-nf-call-ip6tables': null,
    });
    const r = diagnose(stoppedInPrerouting({ ...UDP, iif: 'hc-p1' }), router({ facts: none, route: null }));
    expect(r.diagnosis.findings).toContainEqual({
      check: 'br_netfilter',
      severity: 'warning',
      text: 'br_netfilter is not loaded in netns fw, so iptables and nftables ip/inet chains do not see bridged traffic',
      fix: 'modprobe br_netfilter',
    });
  });

  it('a bridged packet is not routed: no forwarding or route finding for it', () => {
    const facts = routerFacts({ 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.hc-rc.forwarding': '0' });
    const r = diagnose(stoppedInPrerouting(bridged), router({ facts, route: evidence(Q, 'forwarding-off') }));
    expect(r.diagnosis.findings).toEqual([]);
    expect(r.explanation).toContain('fwtrace cannot tell whether it arrived');
  });

  it('nothing for IPv6 when only the IPv4 switch is off, nor for traffic that is not bridged', () => {
    const off4 = routerFacts({ 'net.bridge.bridge-nf-call-iptables': '0' });
    const v6 = { ...bridged, ipVersion: 6 as const, src: 'fd78:1::2', dst: 'fd78:2::2' };
    expect(diagnose(stoppedInPrerouting(v6), router({ facts: off4, route: null })).diagnosis.findings).toEqual([]);
    expect(diagnose(stoppedInPrerouting(UDP), router({ facts: off4 })).diagnosis.findings).toEqual([]);
  });
});

describe('broadcast', () => {
  it('a datagram routed as broadcast gets no listener finding', () => {
    const t = stoppedInPrerouting({ ...UDP, dst: '10.78.1.255', dport: 9 });
    const r = diagnose(t, router({ route: evidence({ ...Q, dst: '10.78.1.255' }, 'broadcast') }));
    expect(r.diagnosis.findings).toEqual([]);
    expect(r.explanation).toContain('routing takes it as broadcast and no host check explains a drop');
  });
});

describe('martian destinations', () => {
  const toLoopback = stoppedInPrerouting({ ...UDP, dst: '127.0.0.5' });
  const einval = evidence({ ...Q, dst: '127.0.0.5' }, 'martian-loopback-source', 'forwarding-on', 'forwarding-on');

  it('127.0.0.0/8 from outside is a martian', () => {
    const r = diagnose(toLoopback, router({ route: einval }));
    expect(r.diagnosis.findings[0]!.text).toBe(
      'netns fw drops it as a martian, because its destination 127.0.0.5 cannot come from outside (ip route get: Invalid argument)',
    );
  });

  it('... unless route_localnet is on: then fwtrace does not blame the address', () => {
    const facts = routerFacts({ 'net.ipv4.conf.hc-rc.route_localnet': '1' });
    const r = diagnose(toLoopback, router({ facts, route: einval }));
    expect(r.diagnosis.findings[0]!.text).not.toContain('martian');
  });
});
