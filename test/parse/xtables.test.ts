// parseXtablesLine / parseXtablesRecords: TRACE rule/policy/return, verdict words, rule-text prefixes, glued 1.8.11
// records, fatal error lines.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import { parseXtablesLine, parseXtablesRecords } from '../../src/parse/xtables.js';
import { xtablesVerdict } from '../../src/parse/verdict.js';
import { eventsOf, onlyEvent } from './fixtures.js';

const ev = (line: string): TraceEvent => onlyEvent(parseXtablesLine(line));

describe('xtables verdict words', () => {
  it.each<[string, string, string | null]>([
    ['ACCEPT', 'accept', null],
    ['DROP', 'drop', null],
    ['QUEUE', 'queue', null],
    ['STOLEN', 'stolen', null],
    ['BREAK', 'break', null],
    ['CONTINUE', 'continue', null],
    ['JUMP:KUBE-SERVICES', 'jump', 'KUBE-SERVICES'],
    ['GOTO:rsh_sub2', 'goto', 'rsh_sub2'],
    ['JUMP', 'jump', null],
    ['0xfffffffb', 'return', null], // NFT_RETURN (-5): explicit -j RETURN
    ['0x10003', 'queue', null], // NF_QUEUE_NR(1)
    ['0x4', 'unknown', null], // NF_REPEAT
    ['0xfffffffa', 'unknown', null],
    ['0xzz', 'unknown', null],
    ['accept', 'unknown', null],
  ])('%s', (word, verdict, target) => {
    expect(xtablesVerdict(word)).toEqual({ verdict, target });
  });
});

describe('xtables TRACE records', () => {
  const base = { source: 'xtables', traceId: '12db76e2', family: 'ip', table: 'nat', chain: 'KUBE-SERVICES' } as const;

  it.each<[string, string, string | null]>([
    [
      '1.8.9 "-4 -t"',
      '-4 -t nat -A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -j KUBE-SVC-X',
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -j KUBE-SVC-X',
    ],
    ['1.8.11 "iptables -t"', 'iptables -t nat -A KUBE-SERVICES -j KUBE-SVC-X', '-A KUBE-SERVICES -j KUBE-SVC-X'],
    ['1.8.11 ip6tables', 'ip6tables -t nat -A KUBE-SERVICES -j KUBE-SVC-X', '-A KUBE-SERVICES -j KUBE-SVC-X'],
    ['-6', '-6 -t nat -A KUBE-SERVICES -j KUBE-SVC-X', '-A KUBE-SERVICES -j KUBE-SVC-X'],
    [
      '-0 (arp)',
      '-0 -t rsharp -A in -j TRACE --h-length 0/0 --h-type 0/0',
      '-A in -j TRACE --h-length 0/0 --h-type 0/0',
    ],
    ['ebtables', 'ebtables -t filter -A FORWARD -p IPv4 -j DROP', '-A FORWARD -p IPv4 -j DROP'],
    ['a line torn before the command has no text', '-4 -t nat ', null],
    ['no text (inet/netdev table)', '', null],
    ['unknown prefix kept', 'something else', 'something else'],
  ])('rule text: %s', (_n, text, want) => {
    expect(ev(` TRACE: 2 12db76e2 nat:KUBE-SERVICES:rule:0x14:JUMP:KUBE-SVC-X  ${text}`)).toEqual({
      kind: 'rule',
      ...base,
      handle: 0x14,
      text: want,
      verdict: 'jump',
      target: 'KUBE-SVC-X',
    });
  });

  it('one space before the text (pre-1.8.7) works too', () => {
    expect(
      ev(' TRACE: 2 12db76e2 nat:KUBE-SERVICES:rule:0x2:ACCEPT -4 -t nat -A KUBE-SERVICES -j ACCEPT'),
    ).toMatchObject({ text: '-A KUBE-SERVICES -j ACCEPT', verdict: 'accept' });
  });

  it('explicit RETURN prints as raw hex', () => {
    expect(
      ev(' TRACE: 2 12db76e2 filter:DOCKER-USER:rule:0x10:0xfffffffb  -4 -t filter -A DOCKER-USER -j RETURN'),
    ).toMatchObject({
      kind: 'rule',
      table: 'filter',
      chain: 'DOCKER-USER',
      handle: 16,
      verdict: 'return',
      text: '-A DOCKER-USER -j RETURN',
    });
  });

  it.each<[string, Partial<TraceEvent>]>([
    [' TRACE: 2 12db76e2 nat:KUBE-SERVICES:policy:ACCEPT ', { kind: 'policy', verdict: 'accept' }],
    [' TRACE: 2 12db76e2 nat:KUBE-SERVICES:policy:DROP ', { kind: 'policy', verdict: 'drop' }],
    [' TRACE: 2 12db76e2 nat:KUBE-SERVICES:return:', { kind: 'return', verdict: 'return', target: null }],
    [
      ' TRACE: 2 12db76e2 nat:KUBE-SERVICES:return:KUBE-SVC-X',
      { kind: 'return', verdict: 'return', target: 'KUBE-SVC-X' },
    ],
  ])('%j', (line, want) => {
    expect(ev(line)).toEqual({ ...base, ...want });
  });

  it.each<[number, string]>([
    [1, 'inet'],
    [2, 'ip'],
    [3, 'arp'],
    [5, 'netdev'],
    [7, 'bridge'],
    [10, 'ip6'],
  ])('family %d is %s', (fam, family) => {
    expect(ev(` TRACE: ${fam} 0000abcd t:c:policy:ACCEPT `)).toMatchObject({ family });
  });

  it('a chain named like a record type is found', () => {
    expect(ev(' TRACE: 2 0000abcd t:rule:rule:0x3:ACCEPT ')).toMatchObject({ table: 't', chain: 'rule', handle: 3 });
    expect(ev(' TRACE: 2 0000abcd t:policy:policy:DROP ')).toMatchObject({
      kind: 'policy',
      chain: 'policy',
      verdict: 'drop',
    });
  });

  it('a TRACE line at the very start without the leading space is accepted', () => {
    expect(ev('TRACE: 2 0000abcd raw:PREROUTING:policy:ACCEPT ')).toMatchObject({ kind: 'policy', table: 'raw' });
  });
});

describe('xtables glued records (1.8.11 prints no newline after inet-table rules)', () => {
  const line =
    ' TRACE: 1 0a1b2c3d fw:in:rule:0x4:JUMP:sub  TRACE: 1 0a1b2c3d fw:sub:rule:0x9:0xfffffffb  TRACE: 1 0a1b2c3d fw:in:rule:0x5:DROP PACKET: 10 0a1b2c3e IN=eth0 SRC=fd00::1 DST=fd00::2 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=1234 ';

  it('splits on the record markers and returns one outcome per record', () => {
    const outs = parseXtablesRecords(line);
    expect(outs.map((o) => o.kind)).toEqual(['events', 'events', 'events', 'events']);
    expect(eventsOf(outs).map((e) => [e.kind, 'chain' in e ? e.chain : '', 'verdict' in e ? e.verdict : ''])).toEqual([
      ['rule', 'in', 'jump'],
      ['rule', 'sub', 'return'],
      ['rule', 'in', 'drop'],
      ['packet', '', ''],
    ]);
    expect(eventsOf(outs).every((e) => !('text' in e) || e.text === null)).toBe(true);
  });

  it('parseXtablesLine merges them into one outcome', () => {
    const o = parseXtablesLine(line);
    expect(o.kind === 'events' && o.events.length).toBe(4);
  });

  it('does not split on markers inside rule text that lack the <fam> <id> shape', () => {
    const l =
      ' TRACE: 2 0000abcd filter:INPUT:rule:0x2:CONTINUE  -4 -t filter -A INPUT -j LOG --log-prefix "TRACE: PACKET: x"';
    expect(parseXtablesRecords(l)).toHaveLength(1);
    expect(ev(l)).toMatchObject({ text: '-A INPUT -j LOG --log-prefix "TRACE: PACKET: x"' });
  });

  it('keeps the good records when one glued record is bad', () => {
    const outs = parseXtablesRecords(' TRACE: 2 0000abcd t:c:policy:ACCEPT  TRACE: 9 0000abcd t:c:policy:ACCEPT ');
    expect(outs.map((o) => o.kind)).toEqual(['events', 'unparsed']);
    expect(parseXtablesLine(' TRACE: 2 0000abcd t:c:policy:ACCEPT  TRACE: 9 0000abcd t:c:policy:ACCEPT ').kind).toBe(
      'events',
    );
  });
});

describe('xtables non-record lines', () => {
  it.each<[string, unknown]>([
    [' EVENT: ', { kind: 'ignored', reason: 'xtables-monitor ruleset event' }],
    [' EVENT: iptables -t filter -A FORWARD -j ACCEPT', { kind: 'ignored', reason: 'xtables-monitor ruleset event' }],
    ['NEWGEN: GENID=9 PID=25899 NAME=nft', { kind: 'ignored', reason: 'xtables-monitor generation event' }],
    ['# source: x', { kind: 'ignored', reason: 'comment' }],
    ['', { kind: 'ignored', reason: 'blank line' }],
  ])('%j', (line, want) => {
    expect(parseXtablesLine(line)).toEqual(want);
  });

  it.each([
    'Error: cmp sreg undef',
    'xtables-monitor v1.8.9 (nf_tables): Parsing nftables rule failed',
    'Perhaps xtables-monitor or your kernel needs to be upgraded.',
    'error: No such file or directory',
  ])('fatal line %j is a reader-error', (line) => {
    expect(ev(line)).toEqual({ kind: 'reader-error', source: 'xtables', text: line });
  });

  it('ENOBUFS is a loss report too: the socket overflowed before the reader died', () => {
    const line = 'cannot receive from nfnetlink socket: No buffer space available';
    expect(parseXtablesLine(line)).toEqual({
      kind: 'events',
      dialect: 'xtables',
      events: [
        { kind: 'lost', source: 'xtables', count: 1, text: line },
        { kind: 'reader-error', source: 'xtables', text: line },
      ],
    });
  });

  it.each<[string, RegExp]>([
    ['trace id 12db76e2 ip raw PREROUTING policy accept ', /not a PACKET:\/TRACE: line/],
    [' TRACE: 4 0000abcd t:c:policy:ACCEPT ', /unknown family 4/],
    ['PACKET: 4 0000abcd IN=x ', /unknown family 4/],
    [' TRACE: 2 0000abcd nocolon ', /without table:chain/],
    [' TRACE: 2 0000abcd t:c:weird:1 ', /without rule\/policy\/return/],
    [' TRACE: 2 0000abcd t:c:rule:0xzz:ACCEPT ', /malformed rule handle/],
    [' TRACE: 2 12345678901234 t:c:policy:ACCEPT ', /not hex/],
  ])('unparsed: %j', (line, reason) => {
    const o = parseXtablesLine(line);
    expect(o.kind).toBe('unparsed');
    if (o.kind === 'unparsed') expect(o.reason).toMatch(reason);
  });
});
