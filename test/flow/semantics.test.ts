import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { flowConjuncts, MAX_RULES } from '../../src/flow/dnf.js';
import { parseExpr } from '../../src/flow/parse-expr.js';
import { parseFlow } from '../../src/flow/parse-flow.js';
import { flowToIptables } from '../../src/flow/to-iptables.js';
import { flowToNft } from '../../src/flow/to-nft.js';
import { tokenize } from '../../src/flow/tokenize.js';
import type { FlowExpr } from '../../src/model/flow.js';
import { failure, spec } from './helpers.js';
import { iptablesMatches, nftMatches, tcpdumpMatches, type Packet } from './semantics.js';

const PRIMITIVES = [
  'ip',
  'ip6',
  'tcp',
  'udp',
  'icmp',
  'icmp6',
  'host 10.0.0.1',
  'src host 10.0.0.2',
  'dst net 10.0.0.0/30',
  'net 10.0.0.0/8',
  'ip src net 0.0.0.0/0',
  'host 2001:db8::1',
  'dst net 2001:db8::/32',
  'ip6 net ::/0',
  'port 22',
  'src port 80',
  'tcp dst port 443',
  'udp port 0',
  'portrange 20-25',
  'dst portrange 80-443',
  'udp src portrange 0-65535',
];

const filterArb = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'e' },
    fc.constantFrom(...PRIMITIVES),
    tie('e').map((x) => `not ${x}`),
    fc
      .tuple(tie('e'), fc.constantFrom(' and ', ' or ', ' && ', ' || '), tie('e'), fc.boolean())
      .map(([a, op, b, paren]) => (paren ? `(${a}${op}${b})` : `${a}${op}${b}`)),
  ),
})).e;

const port = fc.constantFrom(0, 20, 22, 23, 25, 80, 100, 443, 444, 65535);
const packetArb: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({
    v: fc.constant(4 as const),
    proto: fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const, 'gre' as const),
    src: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.200.0.1', '192.168.1.1'),
    dst: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.200.0.1', '192.168.1.1'),
    sport: port,
    dport: port,
  }),
  fc.record({
    v: fc.constant(6 as const),
    proto: fc.constantFrom('tcp' as const, 'udp' as const, 'icmp6' as const, 'gre' as const),
    src: fc.constantFrom('2001:db8::1', '2001:db8::2', '2001:db9::1', '::1'),
    dst: fc.constantFrom('2001:db8::1', '2001:db8::2', '2001:db9::1', '::1'),
    sport: port,
    dport: port,
  }),
);

function expression(filter: string): FlowExpr {
  const tokens = tokenize(filter);
  if (!tokens.ok) throw new Error(tokens.error.message);
  const expr = parseExpr(filter, tokens.value);
  if (!expr.ok) throw new Error(expr.error.message);
  return expr.value;
}

describe('rules mean what tcpdump means', () => {
  test.prop([filterArb, fc.array(packetArb, { minLength: 30, maxLength: 30 })], { numRuns: 400 })(
    'nft rules match exactly; iptables rules never miss a packet',
    (filter, packets) => {
      const expr = expression(filter);
      const r = parseFlow(filter);
      if (!r.ok) {
        if (r.error.message.includes('matches nothing')) {
          for (const p of packets) expect(tcpdumpMatches(expr, p)).toBe(false);
        } else expect(r.error.message).toContain(`more than ${MAX_RULES} rules`);
        return;
      }
      const nft = flowToNft(r.value);
      const ipt = flowToIptables(r.value);
      const conjuncts = flowConjuncts(r.value);
      if (!conjuncts.ok) throw new Error('parseFlow accepted a spec flowConjuncts refuses');
      // iptables cannot say "neither tcp nor udp" in one rule: such rules over-approximate.
      const lossy = (v: 4 | 6): boolean =>
        conjuncts.value.some(
          (c) =>
            (c.family === null || c.family === v) &&
            c.notL4.filter((p) => p !== (v === 4 ? 'icmp6' : 'icmp')).length > 1,
        );
      for (const p of packets) {
        const want = tcpdumpMatches(expr, p);
        expect(nft.some((t) => nftMatches(t, p))).toBe(want);
        const got = (p.v === 4 ? ipt.v4 : ipt.v6).some((a) => iptablesMatches(a, p));
        if (want || !lossy(p.v)) expect(got).toBe(want);
      }
    },
  );
});

describe('normal form', () => {
  it('pushes not through and/or by De Morgan', () => {
    // not (A and B) = not A or not B; not (A or B) = not A and not B.
    const demorgan = flowToNft(spec('not (tcp and dst port 22)'));
    expect(demorgan).toEqual(flowToNft(spec('not tcp or not dst port 22')));
    expect(flowToNft(spec('not (src host 10.0.0.1 or dst host 10.0.0.1)'))).toEqual(
      flowToNft(spec('not host 10.0.0.1')),
    );
    expect(flowToNft(spec('not not tcp'))).toEqual(flowToNft(spec('tcp')));
  });

  it('distributes and over or, one rule per conjunct', () => {
    expect(flowToNft(spec('(tcp or udp) and (dst port 22 or dst port 80)')).length).toBe(4);
  });

  it(`refuses a filter that needs more than ${MAX_RULES} rules, at the operator that overflows`, () => {
    const hosts = Array.from({ length: 33 }, (_, i) => `host 10.0.0.${i + 1}`);
    const filter = hosts.join(' or ');
    const err = failure(filter);
    expect(err.message).toContain(`more than ${MAX_RULES} rules`);
    expect(err).toMatchObject({ token: 'or', position: filter.lastIndexOf(' or ') + 1 });
    expect(flowToNft(spec(hosts.slice(0, 32).join(' or '))).length).toBe(64);
  });

  it('stops an exponential product early', () => {
    const pair = (i: number): string => `(not src host 10.0.0.${i} or not dst host 10.0.0.${i})`;
    const filter = Array.from({ length: 12 }, (_, i) => pair(i + 1)).join(' and ');
    expect(failure(filter).message).toContain(`more than ${MAX_RULES} rules`);
  });

  it('keeps long negated chains linear', () => {
    const filter = Array.from({ length: 60 }, (_, i) => `not port ${i + 1}`).join(' and ');
    expect(flowToNft(spec(filter)).length).toBe(2);
  });
});
