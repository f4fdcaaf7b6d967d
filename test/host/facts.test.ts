// Facts from the recorded sysctl / ip / ss outputs: per-interface rp_filter and forwarding, conntrack,
// br_netfilter, local addresses, and what failed to be read.
import { describe, expect, it } from 'vitest';
import { factsFrom, interfaceOf, ipv4ForwardingOn, isBridgePort, rpFilterOf } from '../../src/host/facts.js';
import { parseSysctlLines, sysctlFacts } from '../../src/host/facts-sysctl.js';
import { fixture, routerFacts } from './facts-kit.js';

describe('sysctl facts of the recorded router', () => {
  const f = routerFacts({}, 'fw');

  it('reads forwarding, conntrack and the bridge settings', () => {
    expect(f.ipForward).toBe(true);
    expect(f.ipv6Forwarding).toBe(false);
    expect(f.conntrack).toEqual({ count: 0, max: 262144 });
    expect(f.bridge).toEqual({ callIptables: true, callIp6tables: true });
    expect(f.sysctlRead).toBe(true);
    expect(f.problems).toEqual([]);
  });

  it('uses max(all, interface) for rp_filter', () => {
    expect(rpFilterOf(f, 'hc-rc')).toEqual({ value: 1, all: 1, iface: 0 });
    expect(
      rpFilterOf(routerFacts({ 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.hc-rc.rp_filter': '2' }), 'hc-rc'),
    ).toEqual({
      value: 2,
      all: 0,
      iface: 2,
    });
    expect(rpFilterOf(f, 'nosuch')).toBeNull();
  });

  it('reads per-interface forwarding, falling back to ip_forward', () => {
    expect(ipv4ForwardingOn(f, 'hc-rc')).toBe(true);
    expect(ipv4ForwardingOn(routerFacts({ 'net.ipv4.conf.hc-rc.forwarding': '0' }), 'hc-rc')).toBe(false);
    expect(ipv4ForwardingOn(routerFacts({ 'net.ipv4.ip_forward': '0' }), 'nosuch')).toBe(false);
  });

  it('knows local addresses and bridge ports', () => {
    expect([...f.local]).toEqual(expect.arrayContaining(['10.78.1.1', '10.78.2.1', 'fd78:1::1', '10.78.9.1']));
    expect(isBridgePort(f, 'hc-p1')).toBe(true);
    expect(isBridgePort(f, 'hc-br')).toBe(false);
    expect(interfaceOf(f, 'hc-br')?.kind).toBe('bridge');
  });

  it('turns the slashes of VLAN interface names back into dots', () => {
    const s = sysctlFacts(
      parseSysctlLines('net.ipv4.conf.eth0/100.rp_filter = 2\nnet.ipv4.conf.eth0/100.forwarding = 0\n'),
    );
    expect(s.ipv4Conf.get('eth0.100')).toEqual({
      forwarding: false,
      rpFilter: 2,
      acceptLocal: null,
      routeLocalnet: null,
    });
  });

  it('has no bridge facts without net.bridge keys, and no conntrack facts without its keys', () => {
    const s = routerFacts({
      'net.bridge.bridge-nf-call-iptables': null,
      'net.bridge.bridge-nf-call-ip6tables': null,
      'net.netfilter.nf_conntrack_count': null,
    });
    expect(s.bridge).toBeNull();
    expect(s.conntrack).toBeNull();
  });
});

describe('factsFrom', () => {
  it('takes the root namespace bridge keys when the netns has none (kernels before 5.3)', () => {
    const f = factsFrom('fw', 0, {
      sysctl: 'net.ipv4.ip_forward = 1\n',
      rootBridge: 'net.bridge.bridge-nf-call-iptables = 0\nnet.bridge.bridge-nf-call-ip6tables = 1\n',
      addr: '[]',
      tcp: '',
      udp: '',
    });
    expect(f.bridge).toEqual({ callIptables: false, callIp6tables: true });
  });

  it('says what it could not read', () => {
    const f = factsFrom('fw', 5, { sysctl: null, addr: 'garbage', tcp: null, udp: fixture('ss-udp-all.txt') });
    expect(f.problems).toEqual(['sysctl values', 'interfaces and addresses (ip -j addr)', 'listening sockets (ss)']);
    expect(f.sysctlRead).toBe(false);
    expect(f.ipForward).toBeNull();
    expect(f.interfaces).toBeNull();
    expect(f.at).toBe(5);
  });
});
