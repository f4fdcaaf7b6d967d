// diagnose() on real traces: `nft monitor trace` captured by test/kernel/host-checks.test.ts in the test
// namespaces (fixtures nft-trace-*.txt, with the ruleset the live backend would read), read by the pure
// pipeline as replay does, with the recorded facts and route answers of those namespaces.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/host/diagnose.js';
import { stageOf } from '../../src/host/diagnose-path.js';
import type { RouteQuery } from '../../src/host/route.js';
import type { Trace } from '../../src/model/trace.js';
import { replayText } from '../helpers/replay-text.js';
import { evidence, fixture, routerFacts, serverFacts } from './facts-kit.js';

function real(name: string): Trace {
  const { traces } = replayText(fixture(`nft-trace-${name}.txt`), { dumps: [fixture('nft-ruleset.json')] });
  // The first packet of the flow (a connection's later segments were captured too).
  expect(traces.length).toBeGreaterThan(0);
  return traces[0]!;
}

const q = (t: Trace): RouteQuery => ({
  version: t.packet.ipVersion ?? 4,
  src: t.packet.src!,
  dst: t.packet.dst!,
  iif: t.packet.iif!,
  mark: null,
});
const fwdOff = { 'net.ipv4.ip_forward': '0', 'net.ipv4.conf.hc-rc.forwarding': '0' };

describe('real traces of packets routing dropped on the router', () => {
  it('ip_forward=0: accepted in prerouting, nothing after, and ip_forward is named', () => {
    const t = real('ip-forward-off');
    expect(stageOf(t)).toBe('after-prerouting');
    const r = diagnose(t, {
      netns: 'fw',
      facts: routerFacts(fwdOff),
      route: evidence(q(t), 'forwarding-off'),
      kernelDrop: null,
    });
    expect(r.diagnosis.findings.map((f) => [f.severity, f.check])).toEqual([['cause', 'ip_forward']]);
    expect(r.explanation).toBe(
      'accepted by netfilter in prerouting, then dropped by routing: net.ipv4.ip_forward is 0 in netns fw, so it does not forward this packet to 10.78.2.2',
    );
  });

  it('IPv6 forwarding off', () => {
    const t = real('ipv6-forwarding-off');
    expect(stageOf(t)).toBe('after-prerouting');
    const r = diagnose(t, {
      netns: 'fw',
      facts: routerFacts(),
      route: evidence(q(t), 'ipv6-forwarding-off'),
      kernelDrop: null,
    });
    expect(r.diagnosis.findings.map((f) => f.check)).toEqual(['ip_forward']);
  });

  it('rp_filter', () => {
    const t = real('rp-filter');
    expect(t.packet.src).toBe('10.78.2.99');
    const r = diagnose(t, {
      netns: 'fw',
      facts: routerFacts(),
      route: evidence(q(t), 'rp-filter-strict', 'rp-filter-reverse', 'forwarding-on'),
      kernelDrop: { reason: 'IP_RPFILTER', location: 'ip_rcv_finish_core+0x25b/0x470', protocol: 2048, stamp: 1 },
    });
    expect(r.diagnosis.findings.map((f) => [f.severity, f.check])).toEqual([['cause', 'rp_filter']]);
  });

  it('no route', () => {
    const t = real('no-route');
    const r = diagnose(t, { netns: 'fw', facts: routerFacts(), route: evidence(q(t), 'no-route'), kernelDrop: null });
    expect(r.diagnosis.findings[0]?.text).toBe(
      'netns fw has no route to 10.99.0.1 (ip route get: Network is unreachable)',
    );
  });
});

describe('real traces on the server', () => {
  it('a SYN nothing listens for reaches INPUT, and no listener is named', () => {
    const t = real('syn-no-listener');
    expect(stageOf(t)).toBe('delivered');
    const r = diagnose(t, { netns: 'srv', facts: serverFacts(), route: null, kernelDrop: null });
    expect(r.diagnosis.findings[0]?.text).toBe(
      'nothing listens on tcp port 9999 at 10.78.2.2 in netns srv, so the kernel answers with a TCP reset',
    );
  });

  it('a UDP datagram nothing listens for', () => {
    const r = diagnose(real('udp-no-listener'), { netns: 'srv', facts: serverFacts(), route: null, kernelDrop: null });
    expect(r.diagnosis.findings.map((f) => f.check)).toEqual(['listener']);
  });

  it('a SYN that is listened for: nothing to say, the explanation stays', () => {
    const t = real('syn-listened');
    expect(t.packet.tcpFlags).toEqual(['SYN']);
    const r = diagnose(t, { netns: 'srv', facts: serverFacts(), route: null, kernelDrop: null });
    expect(r).toEqual({ diagnosis: { kernelDrop: null, findings: [] }, explanation: t.explanation });
  });
});

it('a forwarded packet: nothing to say, the explanation stays', () => {
  const t = real('forwarded');
  expect(stageOf(t)).toBe('other');
  const r = diagnose(t, { netns: 'fw', facts: routerFacts(), route: null, kernelDrop: null });
  expect(r).toEqual({ diagnosis: { kernelDrop: null, findings: [] }, explanation: t.explanation });
});
