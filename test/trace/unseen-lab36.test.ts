// A dual-stack Kubernetes node in kube-proxy's iptables mode (ClusterIP, NodePort, externalTrafficPolicy Local,
// session affinity, no endpoints, LoadBalancer source ranges, hairpin) from a thirty-sixth review lab
// (test/fixtures/unseen36/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { read, replay } = fixtureReplay('unseen36');

/** The deciding rules of all three captures (kernel counters, both families; capture 1 is IPv4 only). */
const COUNTERS = {
  'accept filter/KUBE-FORWARD 3': 180,
  'accept filter/OUTPUT policy': 13,
  'accept filter/FLANNEL-FWD 1': 11,
  'accept filter/INPUT policy': 10,
  'accept filter/KUBE-FORWARD 2': 7,
  'drop filter/KUBE-EXTERNAL-SERVICES 1': 4,
  'drop filter/KUBE-PROXY-FIREWALL 1': 4,
  'reject filter/KUBE-SERVICES 1': 3,
  'accept filter/FLANNEL-FWD 2': 2,
};

describe('every verdict its counter, every endpoint the pod that answered', () => {
  it.each([
    ['cap3-dmesg-W.txt', ['cap3-iptables-legacy-save-c.txt', 'cap3-ip6tables-legacy-save-c.txt']],
    ['cap2-nft-monitor-trace.txt', ['cap2-nft-list-ruleset.txt']],
  ])('%s: 234 traces', (capture, rules) => {
    const traces = replay(capture, ...rules).traces;
    expect(traces).toHaveLength(234);
    expect(tally(traces, (t) => decidedBy(t, (r) => r.position))).toEqual(COUNTERS);
    // Every service packet let through has its endpoint (none: no endpoints, no local one, a denied LB source).
    const lost = traces.filter((t) => t.kubernetes?.endpoint === null && t.verdict.action === 'accept');
    expect(lost.map((t) => t.id)).toEqual([]);
  });
});

describe('nft 1.0.6 breaks a rule line before its verdict: `... XT target DNAT not found` and ` (verdict accept)`', () => {
  it('the two lines are one rule, found in the listing (translated in ip, printed as nothing in ip6)', () => {
    const lines = read('cap2-nft-monitor-trace.txt').split('\n');
    expect(lines.filter((l) => / XT target [A-Z]+ not found$/.test(l))).toHaveLength(26);
    // Was: 52 unparsed lines, 8 traces with no verdict, 16 endpoints unknown, and the DNAT rules not found.
    const traces = replay('cap2-nft-monitor-trace.txt', 'cap2-nft-list-ruleset.txt').traces; // asserts 0 unparsed
    const sep = traces.flatMap((t) => t.steps).filter((s) => s.chain.startsWith('KUBE-SEP-') && s.verdict === 'accept');
    expect(sep.length).toBeGreaterThan(0);
    expect(sep.every((s) => s.rule?.position != null)).toBe(true);
  });
});

describe('the cluster IP of services reached by their other chains (they share the KUBE-SVC- chain’s hash)', () => {
  it.each([
    ['k81', 'default/local:http', '10.96.36.30', '10.36.0.11:8080'], // NodePort, externalTrafficPolicy Local: KUBE-EXT -> KUBE-SVL
    ['k91', 'default/local:http', 'fd36:96::30', '[fd36::11]:8080'],
    ['k101', 'default/remote:http', '10.96.36.31', null], // no local endpoint: dropped
    ['k191', 'default/lb:http', '10.96.36.50', null], // a load-balancer source outside its ranges: dropped
  ])('%s: %s at %s', (id, service, clusterIP, endpoint) => {
    const t = replay(
      'cap3-dmesg-W.txt',
      'cap3-iptables-legacy-save-c.txt',
      'cap3-ip6tables-legacy-save-c.txt',
    ).traces.find((x) => x.id === id)!;
    expect(t.kubernetes).toMatchObject({ service, clusterIP, endpoint });
  });
});
