// --probe's packet from the filter: which alternative, which side a host or port is on, the protocol
// default, sources that must be local, negations that rule a packet out, -i from the traced namespace,
// and that planning never throws whatever the filter.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/parse-flow.js';
import { mayMatchFlow } from '../../src/flow/match-packet.js';
import type { ProbeSpec } from '../../src/model/probe.js';
import { positiveConjuncts } from '../../src/probe/conjuncts.js';
import type { LocalAddress } from '../../src/probe/local.js';
import { describeProbe, planProbe, type ProbeWhere } from '../../src/probe/plan.js';
import { show, spec } from '../flow/helpers.js';

const LOCALS: LocalAddress[] = [
  { version: 4, address: '127.0.0.1', prefix: 8, loopback: true },
  { version: 6, address: '::1', prefix: 128, loopback: true },
  { version: 4, address: '10.0.0.1', prefix: 24, loopback: false },
  { version: 4, address: '10.0.1.1', prefix: 24, loopback: false },
  { version: 6, address: 'fe80::1', prefix: 64, loopback: false },
  { version: 6, address: 'fd00::1', prefix: 64, loopback: false },
];
const FW: ProbeWhere = { locals: LOCALS, place: 'netns fw', fromTraced: true };
const UNKNOWN: ProbeWhere = { locals: null, place: 'netns fw', fromTraced: true };

function plan(filter: string, where: ProbeWhere = FW, opts: { iif?: string } = {}) {
  return planProbe(spec(filter, opts), where);
}

function ok(filter: string, where: ProbeWhere = FW, opts: { iif?: string } = {}): ProbeSpec {
  const r = plan(filter, where, opts);
  if (!r.ok) throw new Error(`${filter}: ${r.error}`);
  return r.value;
}

function error(filter: string, where: ProbeWhere = FW, opts: { iif?: string } = {}): string {
  const r = plan(filter, where, opts);
  if (r.ok) throw new Error(`${filter}: expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const tcp = (dst: string, dport: number, extra: Partial<ProbeSpec> = {}): ProbeSpec => ({
  proto: 'tcp',
  ipVersion: dst.includes(':') ? 6 : 4,
  dst,
  dport,
  src: null,
  sport: null,
  ...extra,
});

describe('positiveConjuncts', () => {
  it.each([
    ['', ['']],
    ['tcp', ['tcp']],
    ['tcp and host 10.0.0.5', ['tcp & host 10.0.0.5']],
    ['(tcp or udp) and port 53', ['tcp & port 53', 'udp & port 53']],
    ['tcp and not port 22', ['tcp']],
    ['not (tcp or udp)', ['']],
    ['host 10.0.0.5 or (icmp and host 10.0.0.6)', ['host 10.0.0.5', 'icmp & host 10.0.0.6']],
  ])('%s → %j', (filter, want) => {
    const got = positiveConjuncts(spec(filter).expr).map((c) => c.map((p) => show(p)).join(' & '));
    expect(got).toEqual(want);
  });

  it('caps the alternatives', () => {
    // 2^9 products, 2 rules once contradictions are dropped: the filter is fine, the list is capped.
    const filter = Array.from({ length: 9 }, () => '(tcp or udp)').join(' and ');
    expect(positiveConjuncts(spec(filter).expr)).toHaveLength(256);
  });
});

describe('planProbe: the packet', () => {
  it.each<[string, ProbeSpec]>([
    ['tcp dst port 5432 and dst host 10.0.0.5', tcp('10.0.0.5', 5432)],
    ['host 10.0.0.5 and tcp port 443', tcp('10.0.0.5', 443)],
    ['host 10.0.0.5 and port 53', tcp('10.0.0.5', 53)],
    ['udp port 53 and host 10.0.0.5', { ...tcp('10.0.0.5', 53), proto: 'udp' }],
    ['udp and host 10.0.0.5 and port 53', { ...tcp('10.0.0.5', 53), proto: 'udp' }],
    ['icmp and host 10.0.0.5', { ...tcp('10.0.0.5', 0), proto: 'icmp', dport: null }],
    ['icmp6 and host fd00::5', { ...tcp('fd00::5', 0), proto: 'icmpv6', dport: null }],
    ['ip6 and tcp port 80 and dst host FD00:0::5', tcp('fd00::5', 80)],
    ['dst host 10.0.0.5 and dst portrange 5000-5010', tcp('10.0.0.5', 5000)],
    ['dst host 10.0.0.5 and portrange 1000-2000 and dst port 1500', tcp('10.0.0.5', 1500)],
    ['dst host 10.0.0.5 and portrange 0-10', tcp('10.0.0.5', 1)],
    ['port 80 and port 443 and host 10.0.0.5', tcp('10.0.0.5', 80, { sport: 443 })],
    ['dst host 10.0.0.5 and tcp src port 40000 and dst port 22', tcp('10.0.0.5', 22, { sport: 40000 })],
    ['dst net 10.0.0.5/32 and port 1', tcp('10.0.0.5', 1)],
    ['dst host 10.0.0.5 and dst net 10.0.0.0/24 and port 1', tcp('10.0.0.5', 1)],
  ])('%s', (filter, want) => {
    expect(ok(filter)).toEqual(want);
  });

  it('takes the first alternative that names a packet', () => {
    expect(ok('tcp port 22 or (dst host 10.0.0.5 and udp port 53)')).toEqual({ ...tcp('10.0.0.5', 53), proto: 'udp' });
    expect(ok('(host 10.0.0.5 and tcp port 1) or (host 10.0.0.6 and tcp port 2)')).toEqual(tcp('10.0.0.5', 1));
    // The first alternative asks for two destinations (the filter drops it as matching nothing).
    expect(ok('dst host 10.0.0.5 and port 1 and (dst host 10.0.0.6 or udp)')).toEqual({
      ...tcp('10.0.0.5', 1),
      proto: 'udp',
    });
  });

  it('tells when no alternative names a packet, with the first one’s reason', () => {
    expect(error('tcp port 22 or udp port 53')).toMatch(/needs a destination/);
  });
});

describe('planProbe: sources must be local', () => {
  it('a host of this namespace is the source; one elsewhere the destination', () => {
    expect(ok('host 10.0.0.1 and host 10.0.0.5 and port 22')).toEqual(tcp('10.0.0.5', 22, { src: '10.0.0.1' }));
    expect(ok('host 10.0.0.5 and host 10.0.0.1 and port 22')).toEqual(tcp('10.0.0.5', 22, { src: '10.0.0.1' }));
    expect(ok('src host 10.0.0.1 and dst host 10.0.0.5 and port 22')).toEqual(tcp('10.0.0.5', 22, { src: '10.0.0.1' }));
  });

  it('a local host alone is a probe to this namespace itself; 127.0.0.0/8 is all local', () => {
    expect(ok('host 10.0.0.1 and tcp port 22')).toEqual(tcp('10.0.0.1', 22));
    expect(ok('host 127.0.0.5 and host 127.0.0.1 and port 1')).toEqual(tcp('127.0.0.5', 1, { src: '127.0.0.1' }));
  });

  it('refuses to spoof', () => {
    expect(error('src host 10.0.0.9 and dst host 10.0.0.5 and port 1')).toBe(
      'src host 10.0.0.9 is not an address of netns fw; a probe cannot spoof it',
    );
    expect(error('host 10.0.0.9 and host 10.0.0.5 and port 1')).toMatch(/not an address of netns fw/);
    expect(error('src net 192.168.0.0/16 and dst host 10.0.0.5 and port 1')).toMatch(
      /`src net 192.168.0.0\/16` holds no address of netns fw; a probe cannot spoof its source/,
    );
  });

  it('picks a local address inside a source net (never a link-local one)', () => {
    expect(ok('src net 10.0.1.0/24 and dst host 10.0.0.5 and port 1')).toEqual(tcp('10.0.0.5', 1, { src: '10.0.1.1' }));
    expect(ok('net 10.0.1.0/24 and dst host 10.0.0.5 and port 1')).toEqual(tcp('10.0.0.5', 1, { src: '10.0.1.1' }));
    expect(ok('net 10.0.0.0/24 and dst host 10.0.0.5 and port 1')).toEqual(tcp('10.0.0.5', 1));
    expect(ok('src net fe80::/10 or src net fd00::/64 and dst host fd00::9 and port 1')).toEqual(
      tcp('fd00::9', 1, { src: 'fd00::1' }),
    );
  });

  it('keeps a source a `not` excludes out of the kernel’s hands', () => {
    expect(ok('dst host 10.0.0.5 and port 1 and not src host 10.0.0.1')).toEqual(
      tcp('10.0.0.5', 1, { src: '10.0.1.1' }),
    );
    expect(error('dst host 10.0.0.5 and port 1 and not src net 10.0.0.0/16')).toBe(
      'no address of netns fw can be the source of tcp 10.0.0.5:1: the filter excludes each one',
    );
  });

  it('checks nothing about sources when the addresses are unknown (--dry-run without root)', () => {
    expect(ok('src host 10.0.0.9 and dst host 10.0.0.5 and port 1', UNKNOWN)).toEqual(
      tcp('10.0.0.5', 1, { src: '10.0.0.9' }),
    );
    expect(ok('host 10.0.0.1 and host 10.0.0.5 and port 22', UNKNOWN)).toEqual(
      tcp('10.0.0.1', 22, { src: '10.0.0.5' }),
    );
  });
});

describe('planProbe: what is missing or contradictory', () => {
  it.each([
    ['', '--probe needs a destination: add `dst host ADDR` (or `host ADDR`) to the filter'],
    ['tcp port 5432', '--probe needs a destination: add `dst host ADDR` (or `host ADDR`) to the filter'],
    ['src host 10.0.0.1 and tcp port 1', '--probe needs a destination'],
    ['dst net 10.0.0.0/24 and port 1', '`dst net 10.0.0.0/24` is a network; add `dst host ADDR`'],
    ['host 10.0.0.5', '--probe: the filter allows several protocols; say tcp, udp or icmp'],
    ['ip6 and host fd00::5', 'say tcp, udp or icmp6'],
    ['host 10.0.0.5 and tcp', '--probe needs a destination port: add `dst port N` (or `port N`) to the filter'],
    ['host 10.0.0.5 and tcp and not port 80', '--probe needs a destination port'],
    ['host 10.0.0.5 and port 0', '--probe cannot send to port 0'],
    ['host 10.0.0.5 and dst port 1 and src port 0', '--probe cannot send from port 0'],
    ['host 224.0.0.1 and udp port 1', '224.0.0.1 is a multicast address'],
    ['host 255.255.255.255 and udp port 1', 'is a broadcast address'],
    ['host 0.0.0.0 and udp port 1', 'is a unspecified address'],
    ['dst host 10.0.0.5 and not dst port 80 and port 80', 'does not match the filter: a `not` excludes it'],
  ])('%s', (filter, message) => {
    expect(error(filter)).toContain(message);
  });

  it('refuses -i when the probe starts where the trace runs (it has no input interface), except lo to itself', () => {
    expect(error('dst host 10.0.0.5 and port 1', FW, { iif: 'eth0' })).toMatch(
      /no input interface there and `-i eth0` never matches it; drop -i, or send it from another namespace with --probe-from NETNS/,
    );
    expect(ok('dst host 10.0.0.1 and port 1', FW, { iif: 'lo' })).toEqual(tcp('10.0.0.1', 1));
    expect(ok('dst host 10.0.0.5 and port 1', { ...FW, fromTraced: false }, { iif: 'eth0' })).toEqual(
      tcp('10.0.0.5', 1),
    );
  });
});

describe('describeProbe', () => {
  it.each<[ProbeSpec, string]>([
    [tcp('10.0.0.5', 22), 'tcp 10.0.0.5:22'],
    [tcp('fd00::5', 22, { src: 'fd00::1', sport: 4000 }), 'tcp [fd00::5]:22 from [fd00::1]:4000'],
    [{ ...tcp('10.0.0.5', 0), proto: 'icmp', dport: null, src: '10.0.0.1' }, 'icmp 10.0.0.5 from 10.0.0.1'],
    [tcp('10.0.0.5', 22, { sport: 4000 }), 'tcp 10.0.0.5:22 from *:4000'],
  ])('%j', (p, want) => expect(describeProbe(p)).toBe(want));
});

// Filters made of the language's words: most parse, many name a packet.
const WORDS = [
  'tcp',
  'udp',
  'icmp',
  'icmp6',
  'ip',
  'ip6',
  'and',
  'or',
  'not',
  '(',
  ')',
  'host 10.0.0.5',
  'host 10.0.0.1',
  'src host 10.0.0.1',
  'dst host 10.0.0.5',
  'host fd00::5',
  'dst host 127.0.0.1',
  'net 10.0.0.0/24',
  'src net 10.0.1.0/24',
  'port 22',
  'dst port 80',
  'src port 4000',
  'portrange 1-100',
  'tcp port 443',
  'udp port 53',
];

describe('planProbe never throws, and what it plans matches the filter', () => {
  test.prop([fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean()])(
    'word soup',
    (words, known, withIif) => {
      const parsed = parseFlow(words.join(' '), withIif ? { iif: 'lo' } : {});
      if (!parsed.ok) return;
      const where: ProbeWhere = known ? FW : UNKNOWN;
      const r = planProbe(parsed.value, where);
      if (!r.ok) {
        expect(r.error).not.toBe('');
        return;
      }
      const p = r.value;
      expect(['tcp', 'udp', 'icmp', 'icmpv6']).toContain(p.proto);
      expect((p.proto === 'tcp' || p.proto === 'udp') === (p.dport !== null)).toBe(true);
      expect(p.dst.includes(':')).toBe(p.ipVersion === 6);
      if (known && p.src !== null) expect(LOCALS.some((l) => l.address === p.src || l.loopback)).toBe(true);
      const packet = {
        ipVersion: p.ipVersion,
        proto: p.proto,
        dst: p.dst,
        ...(p.src !== null ? { src: p.src } : {}),
        ...(p.dport !== null ? { dport: p.dport } : {}),
        ...(p.sport !== null ? { sport: p.sport } : {}),
      };
      expect(mayMatchFlow(parsed.value, packet)).toBe(true);
    },
  );

  test.prop([fc.string({ maxLength: 80 })])('any text', (text) => {
    const parsed = parseFlow(text);
    if (parsed.ok) expect(() => planProbe(parsed.value, FW)).not.toThrow();
  });
});
