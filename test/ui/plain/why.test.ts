// The plain renderer's lines under the verdict: near misses, what could not be compared, the Kubernetes
// service, and who owns the chains on the path; nothing extra for a plain accept without owned chains.
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { formatTrace } from '../../../src/ui/plain/plain-renderer.js';
import { traces } from '../../explain/captures.js';

const c = pc.createColors(false);
const after = (text: string, marker: RegExp): string[] => {
  const lines = text.trimEnd().split('\n');
  return lines.slice(lines.findIndex((l) => marker.test(l)) + 1);
};

describe('plain: why lines', () => {
  it('a policy drop lists the near misses and what could not be compared, indented under the verdict', () => {
    const [t] = traces({ dialect: 'legacy', reader: 'kernlog' }, 'default-drop');
    expect(after(formatTrace(t!, c), /^ {2}verdict: DROP: dropped by the DROP policy/)).toEqual([
      '    near misses:',
      '      rule 9 would accept tcp dport 80 to 10.66.2.0/24, but this packet goes to port 9999',
      '      rule 7 would accept tcp dport 5432 from 10.66.1.5/32 to 10.66.2.0/24 (via DB-ALLOW rule 1), but this packet goes to port 9999 and comes from 10.66.1.2',
      '      rule 8 would accept tcp dport 80 to 10.66.2.2/32 ct status dnat, but this packet goes to port 9999 and was not DNATed',
      '    cannot compare:',
      '      rule 2 (via KUBE-FORWARD rule 1): -m mark --mark 0x4000/0x4000',
      '    owners: docker (user chain): filter/DOCKER-USER; kube-proxy: nat/KUBE-SERVICES, filter/KUBE-FORWARD',
    ]);
  });

  it('a kube-proxy packet gets its service line', () => {
    const t = traces({ dialect: 'nft', reader: 'nft-monitor' }, 'kube-service').find((x) => x.kubernetes != null)!;
    const lines = after(formatTrace(t, c), /^ {2}verdict: ACCEPT/);
    expect(lines[0]).toMatch(
      /^ {4}kubernetes: service default\/web:http -> endpoint 10\.66\.2\.[23]:80 \(1 of 2, 50 %\), cluster IP 10\.96\.0\.10, marked for masquerade$/,
    );
    expect(lines[1]).toMatch(/^ {4}owners: .*kube-proxy: .*nat\/kube-svc-labweb4k7q2zx3mn/);
  });
});

describe('plain: host lines', () => {
  it('the kernel drop reason and each host finding, with its fix, under the verdict', () => {
    const [t] = traces({ dialect: 'nft', reader: 'nft-monitor' }, 'web-allowed');
    const withHost = {
      ...t!,
      host: {
        kernelDrop: { reason: 'NO_SOCKET', location: 'tcp_v4_rcv+0x1ab/0x5c0', protocol: 2048, stamp: 12.5 },
        findings: [
          {
            check: 'listener' as const,
            severity: 'cause' as const,
            text: 'nothing listens on tcp port 80 in netns lab-server',
            fix: null,
          },
          {
            check: 'conntrack-full' as const,
            severity: 'warning' as const,
            text: 'the conntrack table is 97 % full (970 of 1000)',
            fix: 'sysctl -w net.netfilter.nf_conntrack_max=2000',
          },
        ],
      },
    };
    expect(after(formatTrace(withHost, c), /^ {2}verdict: ACCEPT/)).toEqual([
      '    kernel drop: NO_SOCKET at tcp_v4_rcv+0x1ab/0x5c0 (same moment, same protocol)',
      '    host listener: nothing listens on tcp port 80 in netns lab-server',
      '    host conntrack-full: maybe: the conntrack table is 97 % full (970 of 1000) (fix: sysctl -w net.netfilter.nf_conntrack_max=2000)',
    ]);
    expect(after(formatTrace(t!, c), /^ {2}verdict: ACCEPT/)).toEqual([]);
  });
});
