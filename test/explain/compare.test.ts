// One condition against one packet: every field, negation, prefixes and ranges, port sets, interface
// wildcards, conntrack state only when known, and never a guess for what is not modelled.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { MatchField, RuleMatch } from '../../src/model/ruleset.js';
import type { PacketView } from '../../src/explain/compare.js';
import { compareMatch } from '../../src/explain/compare.js';
import { packetView } from '../../src/explain/packet-view.js';

const NEW: PacketView = {
  ipVersion: 4,
  proto: 'tcp',
  src: '10.0.0.2',
  dst: '10.66.2.2',
  sport: 40000,
  dport: 9999,
  iif: 'eth0',
  oif: 'eth1',
  ctStates: new Set(['NEW']),
  ctUnknown: new Set(),
};
const ICMP: PacketView = { ...NEW, proto: 'icmp', sport: undefined, dport: undefined, icmpType: 8, icmpCode: 0 };
const V6: PacketView = { ...NEW, ipVersion: 6, src: 'fd66:1::2', dst: 'fd66:2::2' };
const REPLY: PacketView = { ...NEW, ctStates: null };

const m = (field: MatchField, values: string[], negate = false): RuleMatch => ({
  field,
  negate,
  values,
  text: `<${field}>`,
});
const outcome = (match: RuleMatch, p: PacketView): string => {
  const o = compareMatch(match, p);
  if (o.kind === 'fail') return `fail ${o.failed.field} want ${o.failed.want} got ${o.failed.got}`;
  return o.kind === 'unknown' ? `unknown ${o.text}` : 'pass';
};

describe('compareMatch', () => {
  it.each([
    ['src in prefix', m('src', ['10.0.0.0/24']), NEW, 'pass'],
    ['src outside /32', m('src', ['10.0.0.5/32']), NEW, 'fail src want 10.0.0.5/32 got 10.0.0.2'],
    ['src negated, outside', m('src', ['10.244.0.0/16'], true), NEW, 'pass'],
    ['src negated, inside', m('src', ['10.0.0.0/8'], true), NEW, 'fail src want !10.0.0.0/8 got 10.0.0.2'],
    ['src one of a set', m('src', ['10.9.9.9/32', '10.0.0.2/32']), NEW, 'pass'],
    ['src range', m('src', ['10.0.0.1-10.0.0.9']), NEW, 'pass'],
    ['src range, outside', m('src', ['10.0.0.3-10.0.0.9']), NEW, 'fail src want 10.0.0.3-10.0.0.9 got 10.0.0.2'],
    ['src /0', m('src', ['0.0.0.0/0']), NEW, 'pass'],
    ['dst of the other family', m('dst', ['10.66.2.0/24']), V6, 'fail dst want 10.66.2.0/24 got fd66:2::2'],
    ['dst v6 prefix', m('dst', ['fd66:2::/64']), V6, 'pass'],
    ['dport single', m('dport', ['80']), NEW, 'fail dport want 80 got 9999'],
    ['dport range', m('dport', ['9000-9999']), NEW, 'pass'],
    ['dport set', m('dport', ['22', '80', '9999']), NEW, 'pass'],
    ['dport negated set', m('dport', ['22', '80'], true), NEW, 'pass'],
    ['sport range', m('sport', ['1024-65535']), NEW, 'pass'],
    ['dport on icmp', m('dport', ['80']), ICMP, 'fail dport want 80 got icmp'],
    ['proto', m('proto', ['udp']), NEW, 'fail proto want udp got tcp'],
    ['proto set', m('proto', ['tcp', 'udp']), NEW, 'pass'],
    ['proto negated', m('proto', ['tcp'], true), NEW, 'fail proto want !tcp got tcp'],
    ['family', m('family', ['ipv6']), NEW, 'fail family want ipv6 got ipv4'],
    ['iif exact', m('iif', ['eth0']), NEW, 'pass'],
    ['iif wildcard', m('iif', ['eth+']), NEW, 'pass'],
    ['iif wildcard, other', m('iif', ['veth+']), NEW, 'fail iif want veth+ got eth0'],
    ['oif negated', m('oif', ['docker0'], true), NEW, 'pass'],
    ['oif of a local packet', m('oif', ['eth1']), { ...NEW, oif: '' }, 'fail oif want eth1 got (none)'],
    [
      'iif not in the trace',
      m('iif', ['eth0']),
      { ...NEW, iif: undefined },
      "unknown <iif> (the trace does not show the packet's iif)",
    ],
    ['ctstate NEW', m('ctstate', ['NEW']), NEW, 'pass'],
    ['ctstate replies', m('ctstate', ['RELATED', 'ESTABLISHED']), NEW, 'fail ctstate want RELATED,ESTABLISHED got NEW'],
    ['ctstate negated', m('ctstate', ['INVALID'], true), NEW, 'pass'],
    [
      'ctstate unknown',
      m('ctstate', ['ESTABLISHED']),
      REPLY,
      'unknown <ctstate> (conntrack state not known for this packet)',
    ],
    [
      'ctstate SNAT not yet known',
      m('ctstate', ['SNAT']),
      { ...NEW, ctUnknown: new Set(['SNAT']) },
      'unknown <ctstate>',
    ],
    ['icmp type', m('icmp-type', ['8']), ICMP, 'pass'],
    ['icmp type and code', m('icmp-type', ['3/3']), ICMP, 'fail icmp-type want 3/3 got 8'],
    ['icmp any', m('icmp-type', ['any']), ICMP, 'pass'],
    ['icmp type on tcp', m('icmp-type', ['8']), NEW, 'fail icmp-type want 8 got tcp'],
    [
      'not modelled',
      { field: 'unknown', negate: false, values: [], text: '-m recent --rcheck' },
      NEW,
      'unknown -m recent --rcheck',
    ],
  ] as const)('%s', (_name, match, p, want) => {
    expect(outcome(match, p)).toBe(want);
  });
});

describe('packetView: conntrack state only for a connection’s first packet', () => {
  const first = { ipVersion: 4 as const, proto: 'tcp' as const, src: '10.0.0.2', dst: '10.0.0.9', tcpFlags: ['SYN'] };
  it.each([
    [['SYN'], 'NEW'],
    [['SYN', 'ECE', 'CWR'], 'NEW'],
    [['SYN', 'ACK'], null],
    [['ACK', 'PSH'], null],
    [['RST'], null],
  ])('%j → %s', (flags, want) => {
    const v = packetView({ ...first, tcpFlags: flags }, undefined, [], [], 'forward');
    expect(v.ctStates === null ? null : [...v.ctStates].join(',')).toBe(want);
  });

  it('a DNAT before the hook adds DNAT; UDP and ICMP stay unknown; headers at the hook win', () => {
    const nat = [
      {
        hook: 'prerouting' as const,
        kind: 'dnat' as const,
        from: '10.96.0.10:80',
        to: '10.0.0.9:80',
        table: null,
        chain: null,
        rule: null,
      },
    ];
    const v = packetView(first, { dst: '10.0.0.9', oif: 'eth1' }, [], nat, 'forward');
    expect([...(v.ctStates ?? [])]).toEqual(['NEW', 'DNAT']);
    expect([v.dst, v.oif, v.src]).toEqual(['10.0.0.9', 'eth1', '10.0.0.2']);
    expect(
      packetView({ ipVersion: 4, proto: 'udp', src: '10.0.0.2', dst: '10.0.0.9' }, undefined, [], [], 'forward')
        .ctStates,
    ).toBeNull();
    expect(packetView(first, undefined, [], [], 'postrouting').ctUnknown.has('SNAT')).toBe(true);
  });
});

describe('never throws', () => {
  const field = fc.constantFrom<MatchField>(
    'family',
    'proto',
    'src',
    'dst',
    'sport',
    'dport',
    'iif',
    'oif',
    'ctstate',
    'icmp-type',
    'unknown',
  );
  const value = fc.oneof(
    fc.string(),
    fc.constantFrom('10.0.0.0/8', '::/0', '1-2', 'a-b', '80', 'eth+', 'NEW', '3/3', '1.2.3.4-::1'),
  );
  test.prop([
    field,
    fc.boolean(),
    fc.array(value, { maxLength: 4 }),
    fc.string(),
    fc.option(fc.string(), { nil: undefined }),
  ])('compareMatch on any condition', (f, negate, values, text, src) => {
    const o = compareMatch({ field: f, negate, values, text }, { ...NEW, src });
    expect(['pass', 'fail', 'unknown']).toContain(o.kind);
  });
});
