// createLineParser: per-line auto-detection, forced formats, re-joining hard-wrapped kernel records, huge lines.
import { describe, expect, it } from 'vitest';
import type { ParseOutcome } from '../../src/model/parse.js';
import { createLineParser, MAX_LINE } from '../../src/parse/line-parser.js';
import { eventsOf, fixtureLines, runLines } from './fixtures.js';

const NFT = 'trace id 12db76e2 ip raw PREROUTING policy accept ';
const XT_PACKET =
  'PACKET: 2 12db76e2 IN=rshr0 SRC=10.66.1.2 DST=10.96.0.10 LEN=60 TOS=0x0 TTL=64 ID=1 DF SPORT=1 DPORT=80 SYN ';
const XT_TRACE = ' TRACE: 2 12db76e2 raw:PREROUTING:policy:ACCEPT ';
const KERN =
  '[  618.740363] TRACE: raw:PREROUTING:policy:2 IN=rshr0 OUT= SRC=10.66.1.2 DST=10.96.0.10 LEN=60 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=80 SYN URGP=0 ';
const ULOGD = JSON.stringify({ 'oob.prefix': 'TRACE: raw:PREROUTING:policy:2 ', src_ip: '10.66.1.2' });
const JOURNAL = JSON.stringify({ MESSAGE: 'TRACE: raw:PREROUTING:policy:2 IN=a OUT= ' });

const push = (format: Parameters<typeof createLineParser>[0], line: string): ParseOutcome[] =>
  createLineParser(format).push(line);
const dialectOf = (outs: ParseOutcome[]): string =>
  outs.map((o) => (o.kind === 'events' ? o.dialect : o.kind)).join(',');

describe('auto-detection per line', () => {
  it.each<[string, string]>([
    [NFT, 'nft'],
    [XT_PACKET, 'xtables'],
    [XT_TRACE, 'xtables'],
    ['TRACE: 2 12db76e2 raw:PREROUTING:policy:ACCEPT ', 'xtables'],
    [KERN, 'kernlog'],
    ['TRACE: raw:PREROUTING:policy:2 IN=a OUT= ', 'kernlog'],
    ['Nov 22 01:37:26 vm TRACE: raw:PREROUTING:policy:2  IN=a OUT= ', 'kernlog'],
    ['4,549,618740363,-;TRACE: raw:PREROUTING:policy:2 IN=a OUT= ', 'kernlog'],
    [ULOGD, 'kernlog'],
    [JOURNAL, 'kernlog'],
    ['# ERROR: We lost some netlink events!', 'xtables'], // attributed to the last netlink reader seen (none yet: xtables)
    ['xtables-monitor v1.8.9 (nf_tables): Parsing nftables rule failed', 'xtables'],
    ['Perhaps xtables-monitor or your kernel needs to be upgraded.', 'xtables'],
    ['Error: cmp sreg undef', 'xtables'],
    ['{"add": {"rule": {}}}', 'ignored'],
    ['insert rule inet t c counter', 'ignored'],
    [' EVENT: ', 'ignored'],
    ['NEWGEN: GENID=9 PID=1 NAME=nft', 'ignored'],
    ['# source: somewhere', 'ignored'],
    ['', 'ignored'],
    ['[ 1.0] eth0: link up', 'ignored'],
    ['hello world', 'unparsed'],
  ])('%j → %s', (line, want) => {
    expect(dialectOf(push('auto', line))).toBe(want);
  });

  it('an unknown line in auto says so', () => {
    expect(push('auto', 'hello world')).toEqual([
      { kind: 'unparsed', reason: 'not a trace line of any known format', line: 'hello world' },
    ]);
  });

  it('shared diagnostics follow the last netlink dialect', () => {
    const p = createLineParser('auto');
    p.push(NFT);
    expect(dialectOf(p.push('# ERROR: We lost some netlink events!'))).toBe('nft');
    expect(dialectOf(p.push('Error: Could not process rule'))).toBe('nft');
    p.push(XT_TRACE);
    expect(dialectOf(p.push('Error: cmp sreg undef'))).toBe('xtables');
  });

  it('mixed input switches dialect line by line', () => {
    const p = createLineParser('auto');
    const outs = [NFT, XT_PACKET, KERN, XT_TRACE, NFT].flatMap((l) => p.push(l));
    expect(dialectOf(outs)).toBe('nft,xtables,kernlog,xtables,nft');
  });
});

describe('forced formats', () => {
  it.each<['nft' | 'xtables' | 'kernlog', string, RegExp]>([
    ['nft', XT_PACKET, /^nft: /],
    ['nft', KERN, /^nft: /],
    ['xtables', NFT, /^xtables: /],
    ['xtables', KERN, /^xtables: /],
    ['kernlog', NFT, /^kernlog: /],
  ])('--format %s rejects another dialect with a reason naming the format', (format, line, reason) => {
    const [o] = push(format, line);
    expect(o?.kind).toBe('unparsed');
    if (o?.kind === 'unparsed') expect(o.reason).toMatch(reason);
  });

  it('--format kernlog still reads xtables-shaped TRACE decoys as kernel lines', () => {
    expect(push('kernlog', XT_TRACE)[0]).toMatchObject({ kind: 'unparsed' });
  });

  it.each(['auto', 'nft', 'xtables', 'kernlog'] as const)('%s ignores # source: lines and blank lines', (format) => {
    expect(push(format, '# source: lab TRACE: x')).toEqual([{ kind: 'ignored', reason: 'comment' }]);
    expect(push(format, '')).toEqual([{ kind: 'ignored', reason: 'blank line' }]);
  });

  it('strips a CR of CRLF input', () => {
    expect(push('nft', NFT.trimEnd() + '\r')).toEqual(push('nft', NFT.trimEnd()));
  });
});

describe('hard-wrapped kernel records', () => {
  const wrapped = fixtureLines('kernlog', 'kern-log-wrapped-lines-real');

  it.each(['auto', 'kernlog'] as const)('re-joins the wrapped sample (%s)', (format) => {
    const out = runLines(format, wrapped);
    expect(out.map((e) => [e.at, e.outcome.kind])).toEqual([
      [1, 'ignored'],
      [6, 'events'],
      [6, 'ignored'],
      ['flush', 'events'],
    ]);
    const steps = eventsOf(out.map((e) => e.outcome));
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatchObject({
      kind: 'log-step',
      table: 'raw',
      chain: 'PREROUTING',
      entry: 'policy',
      position: 2,
      uptime: 885386.325658,
      packet: {
        iif: 'eth0',
        oif: '',
        macDst: '00:1d:7d:aa:e3:4e',
        macSrc: '00:04:4b:05:b4:dc',
        src: '192.168.32.18',
        dst: '192.168.12.152',
        len: 52,
        ttl: 128,
        ipId: 30561,
        proto: 'tcp',
        sport: 53054,
        dport: 80,
        tcpSeq: 3653700382,
        tcpFlags: ['SYN'],
      },
    });
  });

  it('a record ending with the kernel trailing space is emitted at once (no delay)', () => {
    const p = createLineParser('auto');
    expect(p.push(KERN)).toHaveLength(1);
    expect(p.flush()).toEqual([]);
  });

  it('a held record is emitted before the next record', () => {
    const p = createLineParser('kernlog');
    expect(p.push(KERN.trimEnd())).toEqual([]);
    const outs = p.push(KERN);
    expect(outs.map((o) => o.kind)).toEqual(['events', 'events']);
  });

  it('a continuation line completes the held record; its trailing space ends it', () => {
    const p = createLineParser('kernlog');
    expect(p.push('[  1.0] TRACE: raw:PREROUTING:policy:2 IN=eth0 OUT=')).toEqual([]);
    expect(p.push('SRC=10.0.0.1 DST=10.0.0.2 LEN=60')).toEqual([]);
    const [o] = p.push('PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=1 ACK=0 WINDOW=1 RES=0x00 SYN URGP=0 ');
    expect(o).toMatchObject({ kind: 'events', events: [{ packet: { src: '10.0.0.1', ttl: 64, tcpFlags: ['SYN'] } }] });
    expect(p.flush()).toEqual([]);
  });

  it('joining stops at 64 KiB (an endless run of body-like lines cannot grow a record forever)', () => {
    const p = createLineParser('kernlog');
    p.push('[  1.0] TRACE: raw:PREROUTING:policy:2 IN=eth0 OUT=');
    const outs = Array.from({ length: 5000 }, () => p.push('SYN URGP=0 ACK PSH')).flat();
    expect(outs.length).toBeGreaterThan(0);
    expect(outs[0]).toMatchObject({ kind: 'events' });
  });

  it('a continuation with no record before it is unparsed', () => {
    expect(push('auto', 'MAC=00:1d:7d:aa:e3:4e:00:04:4b:05:b4:dc:08:00 SRC=1.1.1.1')[0]?.kind).toBe('unparsed');
  });

  it('lines that only look like body words do not join (`ACKNOWLEDGED`, lower case)', () => {
    const p = createLineParser('auto');
    p.push('[  1.0] TRACE: raw:PREROUTING:policy:2 IN=eth0 OUT=');
    expect(p.push('ACKNOWLEDGED by someone').map((o) => o.kind)).toEqual(['events', 'unparsed']);
  });
});

describe('very long lines', () => {
  it('a line over 64 KiB is refused quickly without scanning it, after emitting a held record', () => {
    const p = createLineParser('auto');
    p.push(KERN.trimEnd());
    const huge = 'trace id 12db76e2 ip raw PREROUTING rule ' + 'x'.repeat(20 * 1024 * 1024);
    const t0 = performance.now();
    const outs = p.push(huge);
    expect(performance.now() - t0).toBeLessThan(250);
    expect(outs.map((o) => o.kind)).toEqual(['events', 'unparsed']);
    const last = outs[1];
    if (last?.kind === 'unparsed') {
      expect(last.reason).toBe('line too long');
      expect(last.line.length).toBeLessThan(2000);
    }
  });

  it('a line of exactly 64 KiB is still parsed', () => {
    const line = NFT.padEnd(MAX_LINE, ' ');
    expect(push('auto', line)[0]?.kind).toBe('events');
  });
});

describe('nft 1.0.6 breaks a rule line before its verdict (`XT target DNAT not found` and a newline)', () => {
  const RULE =
    'trace id 68e2d299 ip nat KUBE-SEP-Q rule meta l4proto tcp   counter packets 0 bytes 0 XT target DNAT not found';

  it('the next line, its verdict, completes it: one rule event', () => {
    const p = createLineParser('auto');
    expect(p.push(RULE)).toEqual([]);
    const [o] = p.push(' (verdict accept)');
    expect(o).toMatchObject({
      kind: 'events',
      events: [
        {
          kind: 'rule',
          chain: 'KUBE-SEP-Q',
          verdict: 'accept',
          text: expect.stringMatching(/XT target DNAT not found$/) as unknown,
        },
      ],
    });
  });

  it('any other next line: the held line comes out as it is (unparsed), then that line', () => {
    const p = createLineParser('nft');
    expect(p.push(RULE)).toEqual([]);
    expect(p.push(NFT).map((o) => o.kind)).toEqual(['unparsed', 'events']);
    const q = createLineParser('auto');
    q.push(RULE);
    expect(q.flush().map((o) => o.kind)).toEqual(['unparsed']);
  });
});

// Lab 48 and review 49: `nft monitor trace | ts`, journalctl's and other stamps before each record.
describe('a record behind a prefix', () => {
  it.each([
    ['Nov 22 22:08:02 ', NFT, 'nft'],
    ['2026-11-22T22:08:02.123456+00:00 fw nft[812]: ', NFT, 'nft'],
    ['[2026-11-22 22:08:02.123] ', NFT, 'nft'],
    ['<6>', NFT, 'nft'],
    ['Nov 22 22:08:02 ', XT_PACKET, 'xtables'],
    ['2026-11-22T22:08:02.123456+00:00 fw xtables-monitor[812]: ', XT_PACKET, 'xtables'],
    ['Nov 22 22:08:02 ', XT_TRACE, 'xtables'],
  ])('%j then a %s record', (prefix, record, dialect) => {
    expect(dialectOf(push('auto', prefix + record))).toBe(dialect);
  });

  it('a kernel message that holds none stays ignored', () => {
    expect(dialectOf(push('auto', '[  618.740363] eth0: link up, 1000 Mbps'))).toBe('ignored');
  });
});
