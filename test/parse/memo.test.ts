// The parsers' caches (repeated packet bodies, rule-line templates, flow prefixes, chain positions, MACs) never
// change an answer: a line parses the same whatever was parsed before it, and what several events share is frozen.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import type { FormatChoice, ParseOutcome } from '../../src/model/parse.js';
import { parseKernlogLine } from '../../src/parse/kernlog.js';
import { createLineParser } from '../../src/parse/line-parser.js';
import { parseNftLine } from '../../src/parse/nft.js';
import { parseXtablesLine } from '../../src/parse/xtables.js';
import { fixtureCases, fixtureLines, onlyEvent } from './fixtures.js';

/** One line on its own: a fresh LineParser (the parsers' caches stay as whatever ran before left them). */
function alone(format: FormatChoice, line: string): string {
  const p = createLineParser(format);
  return JSON.stringify([...p.push(line), ...p.flush()]);
}

const CASES = fixtureCases();
const packetOf = (o: ParseOutcome): TraceEvent => onlyEvent(o);

describe('a line parses the same whatever came before', () => {
  it.each(CASES)('%s/%s: forwards, backwards, and again', (dialect, name) => {
    const lines = fixtureLines(dialect, name);
    const forward = lines.map((l) => alone(dialect, l));
    expect([...lines].reverse().map((l) => alone(dialect, l))).toEqual([...forward].reverse());
    expect(lines.map((l) => alone(dialect, l))).toEqual(forward);
  });

  // Bodies of one flow cut where packets start to differ, recombined: prefixes and tails meet in new pairs.
  const REAL = CASES.flatMap(([d, n]) => fixtureLines(d, n)).filter((l) => !l.startsWith('#'));
  const cuts = REAL.flatMap((l) => {
    const k = [' LEN=', ' ip id ', ' ip6 length ', ' tcp ', ' udp '].map((m) => l.indexOf(m)).find((i) => i > 0);
    return k === undefined ? [] : [[l.slice(0, k + 1), l.slice(k + 1)] as const];
  });
  test.prop([fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 2, maxLength: 60 })])(
    'recombined prefixes and tails, in any order',
    (pairs) => {
      const lines = pairs.map(([a, b]) => (cuts[a % cuts.length]?.[0] ?? '') + (cuts[b % cuts.length]?.[1] ?? ''));
      const first = lines.map((l) => alone('auto', l));
      expect([...lines].reverse().map((l) => alone('auto', l))).toEqual([...first].reverse());
    },
  );
});

describe('what lines share', () => {
  const body =
    'packet: iif "eth0" ether saddr 02:00:00:00:00:01 ether daddr 02:00:00:00:00:02 ip saddr 10.0.0.1 ip daddr 10.0.0.2 ip ttl 64 ip id 7 ip length 60 tcp sport 1000 tcp dport 80 tcp flags == syn ';

  it('the packet of a repeated body is one frozen object', () => {
    const a = packetOf(parseNftLine(`trace id 0000000a ip raw PREROUTING ${body}`));
    const b = packetOf(parseNftLine(`trace id 0000000a ip mangle PREROUTING ${body}`));
    if (a.kind !== 'packet' || b.kind !== 'packet') throw new Error('expected packet events');
    expect(b.packet).toBe(a.packet);
    expect(Object.isFrozen(a.packet)).toBe(true);
    expect(Object.isFrozen(a.packet.tcpFlags)).toBe(true);
    expect(() => {
      (a.packet as { ttl?: number }).ttl = 1;
    }).toThrow(TypeError);
  });

  it('a rule line seen for another packet keeps its own trace id', () => {
    const text = 'ip filter FORWARD rule ip saddr 10.0.0.1 counter packets 0 bytes 0 jump X (verdict jump X)';
    const a = packetOf(parseNftLine(`trace id 0000000a ${text}`));
    const b = packetOf(parseNftLine(`trace id 0000000b ${text}`));
    expect(b).not.toBe(a);
    expect(b).toEqual({ ...a, traceId: '0000000b' });
    expect(parseNftLine(`trace id 0000zz0b ${text}`)).toMatchObject({ kind: 'unparsed' });
  });

  it('an xtables TRACE record seen in another family is parsed for its own', () => {
    const text = 'filter:INPUT:rule:0x5:ACCEPT  -A INPUT -j ACCEPT';
    const a = packetOf(parseXtablesLine(` TRACE: 2 0000000a ${text}`));
    const b = packetOf(parseXtablesLine(` TRACE: 10 0000000b ${text}`));
    expect([a.kind === 'rule' && a.family, b.kind === 'rule' && b.family]).toEqual(['ip', 'ip6']);
  });

  it('the next packet of a flow gets its own numbers after the shared prefix', () => {
    const line = (len: number, id: number): string =>
      `[ 1.0] TRACE: raw:PREROUTING:policy:2 IN=eth0 OUT= MAC=aa:98:65:32:1f:61:d2:4e:da:a3:37:b9:08:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=${len} TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=TCP SPT=1000 DPT=80 WINDOW=1 RES=0x00 ACK URGP=0 `;
    const first = packetOf(parseKernlogLine(line(60, 1)));
    const next = packetOf(parseKernlogLine(line(52, 2)));
    if (first.kind !== 'log-step' || next.kind !== 'log-step') throw new Error('expected log steps');
    expect(next.packet).toEqual({ ...first.packet, len: 52, ipId: 2 });
    expect(next.packet.macSrc).toBe('d2:4e:da:a3:37:b9');
  });
});
