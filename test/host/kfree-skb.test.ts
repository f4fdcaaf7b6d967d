// skb:kfree_skb as tracefs shows it: real 6.18 lines and format file (test/fixtures/host), the older
// layouts written from the kernel's include/trace/events/skb.h of their time, and never a throw.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  buildDropFilter,
  ipVersionOf,
  parseKfreeSkbFormat,
  parseKfreeSkbLine,
  parseLostEvents,
} from '../../src/host/kfree-skb.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/host/${name}`, import.meta.url)), 'utf8');

const FORMAT_618 = fixture('kfree_skb-format-6.18.txt');
const PIPE_618 = fixture('kfree_skb-trace_pipe-6.18.txt').split('\n').filter(Boolean);

/** 5.17: reason added, location still a bare pointer, NOT_SPECIFIED = 0 (TRACE_DEFINE_ENUM gives numbers). */
const FORMAT_517 = `name: kfree_skb
ID: 1419
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;
\tfield:unsigned short protocol;\toffset:24;\tsize:2;\tsigned:0;
\tfield:enum skb_drop_reason reason;\toffset:28;\tsize:4;\tsigned:0;

print fmt: "skbaddr=%p protocol=%u location=%p reason: %s", REC->skbaddr, REC->protocol, REC->location, __print_symbolic(REC->reason, { 0, "NOT_SPECIFIED" }, { 1, "NO_SOCKET" }, { 2, "PKT_TOO_SMALL" }, { 3, "TCP_CSUM" }, { 4, "SOCKET_FILTER" }, { 5, "UDP_CSUM" }, { 6, "MAX" })
`;

/** Before 5.17: no reason at all. */
const FORMAT_OLD = `name: kfree_skb
ID: 1200
format:
\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;
\tfield:unsigned short protocol;\toffset:24;\tsize:2;\tsigned:0;

print fmt: "skbaddr=%p protocol=%u location=%p", REC->skbaddr, REC->protocol, REC->location
`;

describe('parseKfreeSkbFormat', () => {
  it('6.18: reasons by number from __print_symbolic, fields present', () => {
    const f = parseKfreeSkbFormat(FORMAT_618);
    expect(f.hasReason).toBe(true);
    expect(f.hasProtocol).toBe(true);
    expect(f.reasons.byName.get('NOT_SPECIFIED')).toBe(2);
    expect(f.reasons.byName.get('NO_SOCKET')).toBe(3);
    expect(f.reasons.byName.get('NETFILTER_DROP')).toBe(12);
    expect(f.reasons.byName.get('IP_RPFILTER')).toBe(16);
    expect(f.reasons.byName.get('IP_INNOROUTES')).toBe(88);
    expect(f.reasons.byNumber.get(128)).toBe('MAX');
    expect(f.reasons.byName.size).toBe(127);
  });

  it('5.17: the same names on other numbers', () => {
    const f = parseKfreeSkbFormat(FORMAT_517);
    expect(f.hasReason).toBe(true);
    expect(f.reasons.byName.get('NOT_SPECIFIED')).toBe(0);
    expect(f.reasons.byName.get('NO_SOCKET')).toBe(1);
  });

  it('before 5.17: no reason field, no table', () => {
    const f = parseKfreeSkbFormat(FORMAT_OLD);
    expect(f.hasReason).toBe(false);
    expect(f.hasProtocol).toBe(true);
    expect(f.reasons.byName.size).toBe(0);
  });

  it('symbolic names the kernel did not turn into numbers are left out; hex numbers are read', () => {
    const f = parseKfreeSkbFormat(
      'field:enum skb_drop_reason reason;\toffset:1;\nprint fmt: "%s", __print_symbolic(REC->reason, { SKB_DROP_REASON_X, "X" }, { 0x10, "Y" })',
    );
    expect([...f.reasons.byName]).toEqual([['Y', 16]]);
  });

  it('nothing at all: an empty table', () => {
    expect(parseKfreeSkbFormat('')).toEqual({
      hasReason: false,
      hasProtocol: false,
      reasons: { byName: new Map(), byNumber: new Map() },
    });
  });
});

describe('buildDropFilter', () => {
  it('IPv4 and IPv6 only by default (accepted as is by 6.18)', () => {
    expect(buildDropFilter(parseKfreeSkbFormat(FORMAT_618))).toEqual({
      filter: '(protocol == 2048 || protocol == 34525)',
      unknown: [],
    });
  });

  it("excluded reasons by this kernel's numbers; unknown names reported, not guessed", () => {
    expect(buildDropFilter(parseKfreeSkbFormat(FORMAT_618), ['NOT_SPECIFIED', 'NOPE', 'NOT_SPECIFIED'])).toEqual({
      filter: '(protocol == 2048 || protocol == 34525) && reason != 2',
      unknown: ['NOPE'],
    });
    expect(buildDropFilter(parseKfreeSkbFormat(FORMAT_517), ['NOT_SPECIFIED']).filter).toBe(
      '(protocol == 2048 || protocol == 34525) && reason != 0',
    );
  });

  it('no reason field: nothing to exclude by', () => {
    expect(buildDropFilter(parseKfreeSkbFormat(FORMAT_OLD), ['NO_SOCKET'])).toEqual({
      filter: '(protocol == 2048 || protocol == 34525)',
      unknown: ['NO_SOCKET'],
    });
  });
});

describe('parseKfreeSkbLine', () => {
  it('a real 6.18 line', () => {
    expect(
      parseKfreeSkbLine(
        '           <...>-11720   [001] ..s1.  9712.532282: kfree_skb: skbaddr=00000000fa50a2f1 rx_sk=0000000000000000 protocol=2048 location=tcp_v4_rcv+0x91/0x13f0 reason: NO_SOCKET',
      ),
    ).toEqual({ reason: 'NO_SOCKET', location: 'tcp_v4_rcv+0x91/0x13f0', protocol: 2048, stamp: 9712.532282 });
  });

  it('every kfree_skb line of the 6.18 capture, and only those', () => {
    const drops = PIPE_618.map(parseKfreeSkbLine);
    const kfree = PIPE_618.filter((l) => l.includes(': kfree_skb: '));
    expect(drops.filter((d) => d !== null)).toHaveLength(kfree.length);
    expect(kfree.length).toBe(30);
    const reasons = new Set(drops.map((d) => d?.reason));
    for (const r of ['NO_SOCKET', 'IP_RPFILTER', 'IP_INNOROUTES', 'IP_INADDRERRORS', 'NETFILTER_DROP', 'NOT_SPECIFIED'])
      expect(reasons).toContain(r);
    for (const d of drops) if (d) expect(d.location).toMatch(/^\w+\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
    expect(drops.filter((d) => d && ipVersionOf(d.protocol) === 6).length).toBeGreaterThan(0);
  });

  it('the header comment and a trace_marker line are not drops', () => {
    expect(parseKfreeSkbLine(PIPE_618[0]!)).toBeNull();
    expect(parseKfreeSkbLine('           <...>-18247   [001] ...1.  9881.682400: tracing_mark_write: clk')).toBeNull();
  });

  it('a comm with spaces, no flags column, a module symbol, a bare pointer', () => {
    expect(
      parseKfreeSkbLine(
        '    tmux: server-812   [000]  5.000001: kfree_skb: skbaddr=000000001 protocol=34525 location=nft_do_chain+0x3e8/0x610 [nf_tables] reason: NETFILTER_DROP',
      ),
    ).toEqual({
      reason: 'NETFILTER_DROP',
      location: 'nft_do_chain+0x3e8/0x610 [nf_tables]',
      protocol: 34525,
      stamp: 5.000001,
    });
    expect(
      parseKfreeSkbLine(
        '  ksoftirqd/0-9  [000] ..s. 12.5: kfree_skb: skbaddr=0000000012 protocol=2048 location=00000000deadbeef reason: NO_SOCKET',
      ),
    ).toEqual({ reason: 'NO_SOCKET', location: null, protocol: 2048, stamp: 12.5 });
  });

  it('a reason the table did not name (printed as a number) is kept as printed', () => {
    expect(
      parseKfreeSkbLine(
        'x-1 [000] ..s. 1.0: kfree_skb: skbaddr=0 rx_sk=0 protocol=2048 location=f+0x1/0x2 reason: 0x30001',
      )?.reason,
    ).toBe('0x30001');
  });

  it('a kernel without reasons: null', () => {
    expect(
      parseKfreeSkbLine('x-1 [000] ..s. 1.0: kfree_skb: skbaddr=0000000012 protocol=2048 location=00000000deadbeef'),
    ).toBeNull();
  });
});

describe('parseLostEvents', () => {
  it("trace_pipe's overflow note", () => {
    expect(parseLostEvents('CPU:1 [LOST 23 EVENTS]')).toBe(23);
    expect(parseLostEvents(PIPE_618[1]!)).toBeNull();
  });
});

describe('never throws', () => {
  const piece = fc.constantFrom(
    ' kfree_skb: ',
    'skbaddr=0 ',
    'rx_sk=0 ',
    'protocol=2048 ',
    'protocol=99999999999999999999 ',
    'location=tcp_v4_rcv+0x91/0x13f0',
    ' reason: ',
    'NO_SOCKET',
    '12.5',
    ': ',
    '[001]',
    '__print_symbolic(REC->reason,',
    '{ 2, "X" }',
    '{ 99999999999999999999, "Y" }',
    'field:enum skb_drop_reason reason;',
    ')',
    '\n',
    'CPU:1 [LOST ',
    ' EVENTS]',
  );
  const text = fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 40 }).map((a) => a.join(''));

  test.prop([text])('line parser, lost parser', (s) => {
    const d = parseKfreeSkbLine(s);
    if (d) {
      expect(Number.isFinite(d.stamp)).toBe(true);
      expect(Number.isSafeInteger(d.protocol)).toBe(true);
    }
    parseLostEvents(s);
  });

  test.prop([text, fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 })])('format parser, filter', (s, ex) => {
    const f = parseKfreeSkbFormat(s);
    expect(buildDropFilter(f, ex).filter).toMatch(/^\(protocol == 2048 \|\| protocol == 34525\)( && reason != \d+)*$/);
  });
});
