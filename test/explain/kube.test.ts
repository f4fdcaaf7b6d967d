// Kubernetes and owner labels: the kube-service captures in every dialect (service, cluster IP, the endpoint
// the DNAT picked, 50 %), the lab samples (the statistic rule's own endpoint, translated iptables-nft text),
// kube-proxy's nftables mode (chain names, numgen 1/9), and the owners of Docker's and kube-proxy's chains.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/trace.js';
import { chainOwner } from '../../src/explain/owner.js';
import { readRuleset } from '../../src/ruleset/read-ruleset.js';
import { buildRuleIndex } from '../../src/ruleset/rule-index.js';
import { Assembler } from '../../src/trace/assembler.js';
import { replayText } from '../helpers/replay-text.js';
import { pkt, policy, rule } from '../trace/events.js';
import { RUNS, traces } from './captures.js';

const RULESETS = 'test/fixtures/ruleset';
const read = (p: string): string => readFileSync(p, 'utf8');

for (const run of RUNS) {
  describe(`kube-service, ${run.dialect} read by ${run.reader}`, () => {
    const all = traces(run, 'kube-service');
    const syn = all.find((t) => t.packet.dst === '10.96.0.10' && t.packet.tcpFlags?.join() === 'SYN');

    it('names the service, its cluster IP, the endpoint the DNAT picked and its 50 % chance', () => {
      expect(syn).toBeDefined();
      const dnat = syn!.nat.find((n) => n.kind === 'dnat');
      expect(['10.66.2.2:80', '10.66.2.3:80']).toContain(dnat?.to);
      expect(syn!.kubernetes).toEqual({
        service: 'default/web:http',
        clusterIP: '10.96.0.10',
        endpoint: dnat!.to,
        probability: 0.5,
        endpoints: 2,
        masqueradeMark: true,
      });
      expect(syn!.explanation).toMatch(
        new RegExp(`, service default/web:http -> endpoint ${dnat!.to!.replace(/\./g, '\\.')} \\(1 of 2, 50 %\\)$`),
      );
    });

    it('the service chains are kube-proxy’s, DOCKER-USER is the user’s chain created by docker', () => {
      const owners = new Map(syn!.steps.map((s) => [s.chain.toUpperCase(), s.owner ?? null]));
      for (const [chain, owner] of owners) if (chain.startsWith('KUBE-')) expect(owner).toBe('kube-proxy');
      expect(owners.get('DOCKER-USER')).toBe('docker (user chain)');
      const jump = syn!.steps.find((s) => s.verdict === 'jump' && s.target?.toUpperCase() === 'DOCKER-USER');
      expect(jump?.owner).toBe('docker');
      const policyStep = syn!.steps.find((s) => s.kind === 'policy' && s.table === 'mangle');
      if (policyStep) expect(policyStep.owner).toBeNull();
    });

    it('replies and unrelated packets carry no service', () => {
      const others = all.filter((t) => t !== syn && !t.steps.some((s) => /^KUBE-SVC-/i.test(s.chain)));
      expect(others.length).toBeGreaterThan(0);
      for (const t of others) expect(t.kubernetes).toBeNull();
    });
  });
}

describe('lab samples (k8s + docker chains)', () => {
  it('kernel log: the statistic rule’s own endpoint (KUBE-SEP-AAAA…) is picked with 0.5', () => {
    const { traces: ts } = replayText(read('test/fixtures/parse/kernlog/dmesg-lab-k8s-docker-ipv4-ipv6.txt'), {
      dumps: [read(`${RULESETS}/lab-rules-v4.iptables-save.txt`), read(`${RULESETS}/lab-rules-v6.ip6tables-save.txt`)],
    });
    const t = ts.find((x) => x.kubernetes != null)!;
    expect(t.steps.some((s) => s.chain === 'KUBE-SEP-AAAAAAAAAAAAAAAA')).toBe(true);
    expect(t.kubernetes).toEqual({
      service: 'default/web:http',
      clusterIP: '10.96.0.10',
      endpoint: '10.66.2.2:8080',
      probability: 0.5,
      endpoints: 2,
      masqueradeMark: true,
    });
    const owners = new Set(ts.flatMap((x) => x.steps.map((s) => `${s.chain}=${s.owner ?? '-'}`)));
    expect(owners).toContain('DOCKER-ISOLATION-STAGE-1=docker');
    expect(owners).toContain('DOCKER=docker');
    expect(owners).toContain('DOCKER-USER=docker (user chain)');
  });

  it('nft monitor of iptables-nft rules: no comments in nft text, the share still comes from `meta random`', () => {
    const { traces: ts } = replayText(read('test/fixtures/parse/nft/trace-lab-k8s-docker-iptables-nft.txt'), {
      dumps: [read(`${RULESETS}/nft-ruleset-lab-iptables-nft-k8s-docker-translated.txt`)],
    });
    const t = ts.find((x) => x.kubernetes != null)!;
    expect(t.kubernetes).toMatchObject({
      service: null,
      endpoint: '10.66.2.2:8080',
      probability: 0.5,
      endpoints: 2,
      masqueradeMark: true,
    });
    expect(t.explanation).toContain('a Kubernetes service -> endpoint 10.66.2.2:8080 (1 of 2, 50 %)');
  });
});

describe('kube-proxy nftables mode (k3s ruleset)', () => {
  const index = buildRuleIndex(readRuleset(read(`${RULESETS}/nft-ruleset-kube-proxy-nftables-mode-k3s-real.txt`)));
  const at = (chain: string) => ({ table: 'kube-proxy', chain, family: 'ip' as const });
  const svc = 'service-P6J77WGM-riset/hellopod-np-svc/tcp/';
  const ep = 'endpoint-VGSZZXMZ-riset/hellopod-np-svc/tcp/__10.42.4.201/8080';
  const trace = (): Trace => {
    const a = new Assembler({ index, idle: 100, maxOpen: 10 });
    const syn = {
      ipVersion: 4 as const,
      proto: 'tcp' as const,
      src: '10.34.4.9',
      dst: '10.43.195.72',
      sport: 40000,
      dport: 8000,
      iif: 'eth0',
      tcpFlags: ['SYN'],
    };
    const events = [
      pkt(at('nat-prerouting'), syn),
      rule(at('nat-prerouting'), 'jump', 'jump services', 'services'),
      rule(at('services'), 'goto', 'ip daddr . meta l4proto . th dport vmap @service-ips', svc),
      rule(
        at(svc),
        'jump',
        'ip daddr 10.43.195.72 tcp dport 8000 ip saddr != 10.42.0.0/16 jump mark-for-masquerade',
        'mark-for-masquerade',
      ),
      rule(at('mark-for-masquerade'), 'continue', 'meta mark set meta mark | 0x00004000'),
      rule(
        at(svc),
        'goto',
        readRuleset(read(`${RULESETS}/nft-ruleset-kube-proxy-nftables-mode-k3s-real.txt`)).chains.find(
          (c) => c.chain === svc,
        )!.rules[1]!.text,
        ep,
      ),
      rule(at(ep), 'accept', 'meta l4proto tcp dnat to 10.42.4.201:8080'),
      pkt({ table: 'filter', chain: 'FORWARD' }, { ...syn, dst: '10.42.4.201', dport: 8080, oif: 'cni0' }),
      policy({ table: 'filter', chain: 'FORWARD' }, 'accept'),
    ];
    const out = events.flatMap((e, i) => a.push(e, i));
    return [...out, ...a.flush()][0]!;
  };

  it('service and endpoint from the chain names, 1 of 9 from numgen, cluster IP from the service chain', () => {
    const t = trace();
    expect(t.kubernetes).toEqual({
      service: 'riset/hellopod-np-svc',
      clusterIP: '10.43.195.72',
      endpoint: '10.42.4.201:8080',
      probability: 0.111111,
      endpoints: 9,
      masqueradeMark: true,
    });
    expect(t.explanation).toContain('service riset/hellopod-np-svc -> endpoint 10.42.4.201:8080 (1 of 9, 11.1 %)');
    expect(t.steps.filter((s) => s.table === 'kube-proxy').every((s) => s.owner === 'kube-proxy')).toBe(true);
  });
});

describe('chainOwner on real rulesets', () => {
  const owners = (file: string): Map<string, string | null> =>
    new Map(
      readRuleset(read(`${RULESETS}/${file}`)).chains.map((c) => [
        `${c.table}/${c.chain}`,
        chainOwner(c.table, c.chain),
      ]),
    );

  it('Docker host (iptables 1.6.1): DOCKER, DOCKER-ISOLATION-STAGE-1/2 are docker’s, DOCKER-USER the user’s', () => {
    expect(Object.fromEntries(owners('iptables-save-docker-default-host-v1.6.1-real.txt'))).toEqual({
      'nat/PREROUTING': null,
      'nat/INPUT': null,
      'nat/OUTPUT': null,
      'nat/POSTROUTING': null,
      'nat/DOCKER': 'docker',
      'filter/INPUT': null,
      'filter/FORWARD': null,
      'filter/OUTPUT': null,
      'filter/DOCKER': 'docker',
      'filter/DOCKER-ISOLATION-STAGE-1': 'docker',
      'filter/DOCKER-ISOLATION-STAGE-2': 'docker',
      'filter/DOCKER-USER': 'docker (user chain)',
    });
  });

  it('kube-proxy iptables mode: every KUBE-* chain; CNI-* chains are the CNI plugins’', () => {
    const o = owners('iptables-save-k8s-kube-proxy-issue-excerpts-real.txt');
    const want = (k: string): string | null =>
      /\/KUBE-/.test(k) ? 'kube-proxy' : /\/DOCKER$/.test(k) ? 'docker' : /\/CNI-/.test(k) ? 'cni' : null;
    for (const [k, v] of o) expect(v).toBe(want(k));
  });

  it('kube-proxy nftables mode: the whole ip kube-proxy table', () => {
    const o = owners('nft-ruleset-kube-proxy-nftables-mode-k3s-real.txt');
    expect(o.size).toBeGreaterThan(20);
    for (const v of o.values()) expect(v).toBe('kube-proxy');
  });

  it.each([
    ['firewalld', 'filter_FWD_public_allow', 'firewalld'],
    ['firewalld', 'nat_POST_public', 'firewalld'],
    ['filter', 'ufw-before-input', 'ufw'],
    ['filter', 'ufw6-user-input', 'ufw'],
    ['filter', 'DOCKER-FORWARD', 'docker'],
    ['filter', 'DOCKER-CT', 'docker'],
    ['filter', 'DOCKER-BRIDGE', 'docker'],
    ['filter', 'DOCKER-INTERNAL', 'docker'],
    ['fwtrace_1a2b', 'prerouting', 'fwtrace'],
    ['filter', 'LIBVIRT_FWO', 'libvirt'],
    ['nat', 'LIBVIRT_PRT', 'libvirt'],
    ['libvirt_network', 'guest_output', 'libvirt'],
    ['nat', 'CNI-HOSTPORT-DNAT', 'cni'],
    ['nat', 'CNI-DN-abc123def4567890', 'cni'],
    ['netavark', 'nv_2f259bab_10_27_89_0_nm24_dnat', 'podman'],
    ['netavark', 'POSTROUTING', 'podman'],
    ['nat', 'NETAVARK-HOSTPORT-DNAT', 'podman'],
    ['filter', 'cali-tw-cali0a0a0a0a0a0', 'calico'],
    ['raw', 'cali-PREROUTING', 'calico'],
    ['filter', 'DOCKERISH', null],
    ['filter', 'INPUT', null],
  ])('%s/%s → %s', (table, chain, owner) => {
    expect(chainOwner(table, chain)).toBe(owner);
  });
});

describe('owners without a ruleset (kernel log: verdicts inferred from the next line)', () => {
  it('an inferred jump to DOCKER-USER is docker’s, in every trace', () => {
    const { traces: ts } = replayText(read('test/fixtures/captures/legacy/kernlog/kube-service.txt'));
    expect(ts.length).toBeGreaterThan(1);
    for (const t of ts) {
      const jump = t.steps.find((s) => s.verdict === 'jump' && s.target === 'DOCKER-USER');
      expect(jump?.owner).toBe('docker');
      expect(t.steps.find((s) => s.chain === 'DOCKER-USER')?.owner).toBe('docker (user chain)');
    }
  });
});
