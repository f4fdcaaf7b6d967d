// kube-proxy in nftables mode, from a nineteenth review lab (test/fixtures/unseen19/README.md): a hand-built
// `table ip kube-proxy` in kube-proxy's shapes (service-ips / no-endpoint-* verdict maps, numgen, endpoint chains)
// and a node firewall, read by nft monitor trace.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen19');

const kube = (traces: readonly Trace[]): Trace[] => traces.filter((t) => t.kubernetes !== null);

describe('a ClusterIP service with two endpoints (numgen random mod 2)', () => {
  it('48 traces; the six SYNs name the service, its cluster IP and the endpoint DNAT picked', () => {
    const traces = replay('c1-clusterip.trace.txt', 'c1-clusterip.rules.txt').traces;
    expect(traces).toHaveLength(48);
    const byEndpoint = new Map<string, number>();
    for (const t of kube(traces).filter((t) => t.packet.tcpFlags?.join() === 'SYN')) {
      expect(t.kubernetes).toMatchObject({ service: 'default/web:http', clusterIP: '10.96.0.10', endpoints: 2 });
      byEndpoint.set(t.kubernetes!.endpoint!, (byEndpoint.get(t.kubernetes!.endpoint!) ?? 0) + 1);
    }
    expect(Object.fromEntries(byEndpoint)).toEqual({ '10.180.0.2:80': 2, '10.180.0.3:80': 4 }); // dnat counters
  });

  it('without a ruleset the cluster IP comes from the DNAT the services map led to', () => {
    for (const t of kube(replay('c1-clusterip.trace.txt').traces).filter((t) => t.packet.tcpFlags?.join() === 'SYN'))
      expect(t.kubernetes?.clusterIP).toBe('10.96.0.10');
  });
});

describe('services without endpoints: nftables mode’s no-endpoint maps', () => {
  it.each([
    ['text dump', 'c2-noep.rules.txt'],
    ['JSON dump', 'c2-noep.rules.json'],
    ['no dump', null],
  ])('a cluster IP rejected by no-endpoint-services (%s)', (_, rules) => {
    const r = rules === null ? replay('c2-noep.trace.txt') : replay('c2-noep.trace.txt', rules);
    const rejected = r.traces.filter((t) => t.verdict.action === 'reject');
    expect(rejected).toHaveLength(2); // reject-chain counter
    // The map element's comment names the service; without the dump only its address is known.
    const service = rules === null ? null : 'default/noep:http';
    const words = rules === null ? 'the Kubernetes service at 10.96.0.30:80' : 'service default/noep:http';
    for (const t of rejected) {
      expect(t.kubernetes).toMatchObject({ service, clusterIP: '10.96.0.30', endpoints: 0, endpoint: null });
      expect(t.explanation.endsWith(`, ${words} has no endpoints`)).toBe(true);
    }
  });

  it('a NodePort dropped by no-endpoint-nodeports', () => {
    const traces = replay('c4-nodeport.trace.txt', 'c4-nodeport.rules.txt').traces;
    expect(traces).toHaveLength(18);
    const dropped = traces.filter((t) => t.packet.dport === 30050);
    expect(dropped).toHaveLength(2);
    for (const t of dropped) {
      expect(t.verdict).toMatchObject({ action: 'drop', chain: 'nodeport-endpoints-check' });
      expect(t.kubernetes).toMatchObject({ service: 'default/locnone:http', endpoints: 0 });
      expect(t.explanation).toMatch(/, service default\/locnone:http has no endpoints this node port can use$/);
    }
    const unnamed = replay('c4-nodeport.trace.txt').traces.filter((t) => t.packet.dport === 30050);
    for (const t of unnamed)
      expect(t.explanation).toMatch(/, a Kubernetes service has no endpoints this node port can use$/);
  });
});

it('a Local NodePort straight to its endpoint: the cluster IP from the service-ips element of the same hash', () => {
  const traces = replay('c4-nodeport.trace.txt', 'c4-nodeport.rules.txt').traces;
  const local = kube(traces).find((t) => t.kubernetes?.service === 'default/loc:http' && t.nat.length > 0);
  expect(local?.kubernetes).toMatchObject({ clusterIP: '10.96.0.40', endpoint: '10.180.0.2:9090' });
});

it('a service chain with only its numgen map: the cluster IP is the DNAT’s original destination', () => {
  const traces = replay('c7-local-chain.trace.txt', 'c7-local-chain.rules.txt').traces;
  expect(traces).toHaveLength(34);
  const nolcl = kube(traces).filter((t) => t.kubernetes?.service === 'default/nolcl:http' && t.nat.length > 0);
  expect(nolcl.length).toBeGreaterThanOrEqual(3);
  for (const t of nolcl)
    expect(t.kubernetes).toMatchObject({ clusterIP: '10.96.0.70', probability: 0.5, endpoints: 2 });
});

it('hairpin: the node’s ICMP redirect that the kernel dropped between two output chains is not blamed on the reader only', () => {
  const traces = replay('c3-hairpin.trace.txt', 'c3-hairpin.rules.txt').traces;
  expect(traces).toHaveLength(9);
  const redirect = traces.find((t) => t.packet.proto === 'icmp' && t.packet.icmpType === 5);
  expect(redirect?.verdict.action).toBe('unknown');
  expect(redirect?.explanation).toMatch(
    /short of kube-proxy\/filter-output-post-dnat at output, which every packet there meets next; the kernel dropped it between them, events were lost/,
  );
});
