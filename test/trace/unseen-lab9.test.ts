// kube-proxy iptables-mode captures from a ninth review lab (test/fixtures/unseen9/README.md): the Kubernetes
// summary of each packet (service, cluster IP, endpoint and how many there were) against the lab's truth.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const fixtures = fixtureReplay('unseen9');
const replay = (scenario: string): Trace[] =>
  fixtures.replay(`${scenario}.xtables-monitor.txt`, `${scenario}.iptables-save.txt`).traces;
const syns = (traces: readonly Trace[]): Trace[] =>
  traces.filter((t) => t.packet.tcpFlags?.length === 1 && t.packet.tcpFlags[0] === 'SYN');

describe('kube-proxy services, iptables mode', () => {
  it('session affinity: a recent rule and a statistic rule per endpoint are still 2 endpoints', () => {
    const first = syns(replay('s4-sticky'));
    expect(first).toHaveLength(4);
    for (const t of first) {
      expect(t.kubernetes).toMatchObject({ service: 'default/sticky:http', clusterIP: '10.96.0.20', endpoints: 2 });
      expect(t.kubernetes?.endpoint).toBe('10.244.0.11:8080');
      expect(t.explanation).toContain('service default/sticky:http -> endpoint 10.244.0.11:8080 (1 of 2)');
    }
  });

  it('a NodePort packet names the cluster IP of the service its KUBE-EXT chain leads to', () => {
    const first = syns(replay('s3-nodeport')).filter((t) => t.packet.dport === 30080);
    expect(first).toHaveLength(4);
    for (const t of first)
      expect(t.kubernetes).toMatchObject({ service: 'default/web:http', clusterIP: '10.96.0.10', endpoints: 2 });
  });

  it('nft listing iptables-nft rules shows no comments: the cluster IP comes from the KUBE-SERVICES rule', () => {
    const traces = fixtures.replay('s3-nodeport.nft-a-monitor.txt', 's3-nodeport.ruleset-a.nft').traces;
    const first = syns(traces).filter((t) => t.packet.dport === 30080);
    expect(first).toHaveLength(4);
    for (const t of first) expect(t.kubernetes).toMatchObject({ service: null, clusterIP: '10.96.0.10', endpoints: 2 });
  });

  it('a service without endpoints is named, with 0 endpoints, where kube-proxy rejects it', () => {
    const first = syns(replay('s5-noep'));
    expect(first).toHaveLength(2);
    for (const t of first) {
      expect(t.verdict).toMatchObject({ action: 'reject', chain: 'KUBE-SERVICES' });
      expect(t.kubernetes).toEqual({
        service: 'default/noep:http',
        clusterIP: '10.96.0.30',
        endpoint: null,
        probability: null,
        endpoints: 0,
        masqueradeMark: false,
      });
      expect(t.explanation).toMatch(/, service default\/noep:http has no endpoints$/);
    }
  });

  it('externalTrafficPolicy Local on a node without local endpoints: dropped, and said why', () => {
    const first = syns(replay('s6-localdrop'));
    expect(first).toHaveLength(2);
    for (const t of first) {
      expect(t.verdict).toMatchObject({ action: 'drop', chain: 'KUBE-FIREWALL' });
      expect(t.kubernetes).toMatchObject({ service: 'default/local:http', endpoints: 0, endpoint: null });
      expect(t.explanation).toMatch(/, service default\/local:http has no local endpoints$/);
    }
  });
});

it('kernel-log lines without a ruleset: the endpoint comes from the DNAT the headers show', () => {
  const first = syns(fixtures.replay('s1-podclusterip.dmesg.txt').traces).filter((t) => t.packet.dst === '10.96.0.10');
  expect(first).toHaveLength(8);
  for (const t of first) {
    const dnat = t.nat.find((n) => n.kind === 'dnat');
    expect(dnat?.to).toMatch(/^10\.244\.0\.1[01]:8080$/);
    expect(t.kubernetes?.endpoint).toBe(dnat?.to);
    // The nat table was traversed: a nat rule made it (not conntrack's existing mapping), though which one is unknown.
    expect(t.explanation).not.toContain('existing conntrack mapping');
  }
  const later = fixtures.replay('s1-podclusterip.dmesg.txt').traces.filter((t) => t.packet.tcpFlags?.includes('ACK'));
  expect(
    later.some((t) => t.explanation.includes('(existing conntrack mapping: a later packet of a DNATed connection')),
  ).toBe(true);
});
