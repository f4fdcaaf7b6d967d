// `ip -j route get` answers as measured on the kernel (test/fixtures/host/hostchecks/route-get.json), the
// argv of the lookups, and the packet the routing decision sees (after a prerouting DNAT).
import { readFileSync } from 'node:fs';
import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { inputRouteArgv, outputRouteArgv, parseRouteGet, routeKey } from '../../src/host/route.js';
import { natTarget, routedPacket, routeQueryOf } from '../../src/host/route-packet.js';
import { stoppedInPrerouting, SYN, UDP } from './traces.js';

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cases = (
  JSON.parse(readFileSync(new URL('../fixtures/host/hostchecks/route-get.json', import.meta.url), 'utf8')) as {
    cases: Case[];
  }
).cases;
const answer = (name: string) => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return parseRouteGet({ ok: c.exitCode === 0, stdout: c.stdout, stderr: c.stderr });
};

describe('parseRouteGet on the measured answers', () => {
  it.each([
    ['forwarding-off', 'EHOSTUNREACH'],
    ['forwarding-off-no-route', 'EHOSTUNREACH'],
    ['no-route', 'ENETUNREACH'],
    ['ipv6-no-route', 'ENETUNREACH'],
    ['unreachable-route', 'EHOSTUNREACH'],
    ['prohibit-route', 'EACCES'],
    ['blackhole-route', 'EINVAL'],
    ['blackhole-route-output', 'EINVAL'],
    ['rp-filter-strict', 'EINVAL'],
    ['rp-filter-loose-no-route-back', 'EINVAL'],
    ['martian-local-source', 'EINVAL'],
    ['martian-loopback-source', 'EINVAL'],
  ])('%s: %s', (name, errno) => {
    expect(answer(name)).toMatchObject({ kind: 'error', errno });
  });

  it('reads routes: forwarded, local, broadcast, IPv6 with forwarding off, the way back', () => {
    expect(answer('forwarding-on')).toEqual({ kind: 'route', type: 'unicast', dev: 'hc-rs', gateway: null });
    expect(answer('forwarding-off-local')).toEqual({ kind: 'route', type: 'local', dev: 'lo', gateway: null });
    expect(answer('broadcast')).toMatchObject({ kind: 'route', type: 'broadcast' });
    expect(answer('ipv6-forwarding-off')).toMatchObject({ kind: 'route', type: 'unicast', dev: 'hc-rs' });
    expect(answer('rp-filter-reverse')).toMatchObject({ kind: 'route', dev: 'hc-rs' });
    expect(answer('rp-filter-loose-reverse')).toMatchObject({ kind: 'error', errno: 'ENETUNREACH' });
  });

  it('says it could not ask when the interface is not there', () => {
    expect(answer('no-such-iif')).toEqual({ kind: 'unknown', message: 'Cannot find device "nosuchif"' });
  });

  it('reads older kernels EXDEV and extended-ack errors', () => {
    const exdev = { ok: false, stdout: '', stderr: 'RTNETLINK answers: Invalid cross-device link\n' };
    expect(parseRouteGet(exdev)).toEqual({ kind: 'error', errno: 'EXDEV', message: 'Invalid cross-device link' });
    const ext = { ok: false, stdout: '', stderr: 'Error: Nexthop device is not up.\n' };
    expect(parseRouteGet(ext)).toEqual({ kind: 'error', errno: 'OTHER', message: 'Nexthop device is not up' });
  });

  prop.prop([fc.boolean(), fc.string(), fc.string()])('never throws', (ok, stdout, stderr) => {
    parseRouteGet({ ok, stdout, stderr });
  });
});

describe('lookup argv', () => {
  it('is exactly what was measured', () => {
    const q = { version: 4 as const, src: '10.78.1.2', dst: '10.78.2.2', iif: 'hc-rc', mark: null };
    expect(inputRouteArgv(q)).toEqual(cases.find((c) => c.name === 'forwarding-on')!.argv);
    expect(inputRouteArgv({ ...q, mark: 5 })).toEqual(cases.find((c) => c.name === 'forwarding-on-mark')!.argv);
    expect(outputRouteArgv(4, '10.78.2.99', null)).toEqual(cases.find((c) => c.name === 'rp-filter-reverse')!.argv);
  });

  it('keys the cache by src, dst, iif and mark', () => {
    const q = { version: 4 as const, src: 'a', dst: 'b', iif: 'c', mark: null };
    expect(routeKey(q)).toBe(routeKey({ ...q, mark: 0 }));
    expect(routeKey(q)).not.toBe(routeKey({ ...q, mark: 1 }));
    expect(routeKey(q)).not.toBe(routeKey({ ...q, iif: 'd' }));
  });
});

describe('routedPacket', () => {
  it('asks about the addresses and interface of the packet', () => {
    const p = routedPacket(stoppedInPrerouting({ ...SYN, mark: 7 }))!;
    expect(routeQueryOf(p)).toEqual({ version: 4, src: '10.78.1.2', dst: '10.78.2.2', iif: 'hc-rc', mark: 7 });
  });

  it('routes the DNATed destination', () => {
    const nat = [
      {
        hook: 'prerouting' as const,
        kind: 'dnat' as const,
        from: '10.96.0.10:80',
        to: '10.78.2.2:8080',
        table: 'nat',
        chain: 'PREROUTING',
        rule: null,
      },
    ];
    const p = routedPacket(stoppedInPrerouting({ ...SYN, dst: '10.96.0.10', dport: 80 }, nat))!;
    expect(p).toMatchObject({ dst: '10.78.2.2', dport: 8080, rewritten: true });
  });

  it('asks nothing for a locally generated packet or a destination it cannot read', () => {
    expect(routeQueryOf(routedPacket(stoppedInPrerouting({ ...UDP, iif: '' }))!)).toBeNull();
    const nat = [
      {
        hook: 'prerouting' as const,
        kind: 'redirect' as const,
        from: '10.78.2.2:53',
        to: ':5353',
        table: 'nat',
        chain: 'PREROUTING',
        rule: null,
      },
    ];
    const p = routedPacket(stoppedInPrerouting(UDP, nat))!;
    expect(p).toMatchObject({ dst: null, dport: 5353 });
    expect(routeQueryOf(p)).toBeNull();
  });

  it('needs both addresses, of one family', () => {
    expect(routedPacket(stoppedInPrerouting({ ...UDP, src: undefined as unknown as string }))).toBeNull();
    expect(routedPacket(stoppedInPrerouting({ ...UDP, dst: 'fd78:2::2' }))).toBeNull();
  });

  it.each([
    ['10.0.0.1:80', false, { addr: '10.0.0.1', port: 80 }],
    ['[FD00::1]:443', false, { addr: 'fd00::1', port: 443 }],
    ['fd00::1', false, { addr: 'fd00::1', port: null }],
    ['10.0.0.1', false, { addr: '10.0.0.1', port: null }],
    [':8080', true, { addr: null, port: 8080 }],
    ['10.0.0.1-10.0.0.3', false, { addr: null, port: null }],
  ])('natTarget(%j)', (to, redirect, want) => {
    expect(natTarget(to, redirect)).toEqual(want);
  });
});
