// Property tests: the parsers and the LineParser never throw and always return well-formed outcomes, on arbitrary
// strings (unicode, huge) and on mutated real lines; IPv6 and TCP flags normalise whatever the printed form.
import { fc, test } from '@fast-check/vitest';
import ipaddr from 'ipaddr.js';
import { describe, expect } from 'vitest';
import type { FormatChoice, ParseOutcome } from '../../src/model/parse.js';
import { parseKernlogLine } from '../../src/parse/kernlog.js';
import { createLineParser } from '../../src/parse/line-parser.js';
import { parseNftLine } from '../../src/parse/nft.js';
import { parseXtablesLine, parseXtablesRecords } from '../../src/parse/xtables.js';
import { fixtureCases, fixtureLines } from './fixtures.js';

const PARSERS: readonly [string, (line: string) => ParseOutcome][] = [
  ['nft', parseNftLine],
  ['xtables', parseXtablesLine],
  ['kernlog', parseKernlogLine],
];
const FORMATS: readonly FormatChoice[] = ['auto', 'nft', 'xtables', 'kernlog'];

/** Every real line of every fixture. */
const REAL = fixtureCases()
  .flatMap(([d, n]) => fixtureLines(d, n))
  .filter((l) => !l.startsWith('# source:'));

function wellFormed(o: ParseOutcome): void {
  expect(['events', 'ignored', 'unparsed']).toContain(o.kind);
  if (o.kind === 'events') expect(o.events.length).toBeGreaterThan(0);
  else expect(typeof o.reason).toBe('string');
  JSON.stringify(o); // serialisable (no cycles, no BigInt)
}

/** Structured noise: fragments of every dialect glued together, so generation reaches deep branches. */
const fragment = fc.constantFrom(
  'trace id ',
  '12db76e2 ',
  'ip ',
  'inet ',
  'raw ',
  'PREROUTING ',
  'packet: ',
  'rule ',
  'policy ',
  'verdict ',
  '(verdict ',
  'jump X)',
  ' # handle ',
  'unknown rule handle ',
  'conntrack: ',
  'ct ',
  'tcp flags == ',
  'syn | ',
  '0x',
  'PACKET: ',
  ' TRACE: ',
  '2 ',
  '10 ',
  ':rule:0x',
  ':policy:',
  ':return:',
  'JUMP:',
  '  -4 -t raw -A ',
  'TRACE: ',
  'raw:PREROUTING:policy:',
  'IN=',
  'OUT=',
  'SRC=',
  'DST=',
  'fd66:0001:0000:0000:0000:0000:0000:0002',
  'LEN=',
  'ID=',
  'DF',
  'PROTO=',
  'ICMP',
  'TCP',
  'SPT=',
  'SEQ=',
  'SYN',
  '[SRC=',
  ' ]',
  ']',
  'OPT (',
  ')',
  'MARK=0x',
  '[  1.5] ',
  '<4>',
  '4,1,2,-;',
  '\\x',
  'Nov 22 01:37:26 ',
  '2026-11-22T01:31:39,1+00:00 ',
  '[Sun Nov 22 01:31:39 2026] ',
  '{"MESSAGE":',
  '{"oob.prefix":"TRACE: a:b:rule:1 "',
  '"',
  '}',
  '#',
  ' ',
  '=',
  ':',
  '\r',
  '\u0000',
  '€',
  '😀',
);
const structured = fc
  .array(fc.oneof(fragment, fc.string({ maxLength: 4 }), fc.nat().map(String)), { maxLength: 40 })
  .map((a) => a.join(''));

describe('never throws', () => {
  test.prop([fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 }), structured)], {
    numRuns: 500,
  })('each parser on arbitrary strings', (line) => {
    for (const [, parse] of PARSERS) wellFormed(parse(line));
    for (const o of parseXtablesRecords(line)) wellFormed(o);
  });

  test.prop(
    [
      fc.constantFrom(...REAL),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(fragment, fc.string({ maxLength: 3 }))), {
        maxLength: 4,
      }),
    ],
    { numRuns: 700 },
  )('each parser on mutated real lines (cut, delete, insert)', (line, edits) => {
    let s = line;
    for (const [at, del, ins] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      s = s.slice(0, i) + ins + s.slice(i + del);
    }
    for (const [, parse] of PARSERS) wellFormed(parse(s));
    for (const cut of [s.length >> 1, s.length - 1, 7])
      for (const [, parse] of PARSERS) wellFormed(parse(s.slice(0, cut)));
  });

  test.prop(
    [
      fc.constantFrom(...FORMATS),
      fc.array(fc.oneof(fc.constantFrom(...REAL), structured, fc.string()), { maxLength: 30 }),
    ],
    { numRuns: 200 },
  )('the LineParser on any sequence of lines, then flush', (format, lines) => {
    const p = createLineParser(format);
    for (const l of lines) for (const o of p.push(l)) wellFormed(o);
    for (const o of p.flush()) wellFormed(o);
    expect(p.flush()).toEqual([]);
  });

  test.prop([fc.constantFrom(...FORMATS), fc.constantFrom(...REAL.slice(0, 50)), fc.integer({ min: 1, max: 4 })], {
    numRuns: 8,
  })('huge lines (up to 4 MiB) are refused, not scanned', (format, line, mib) => {
    const p = createLineParser(format);
    const outs = p.push(line + ' '.repeat(mib * 1024 * 1024));
    expect(outs.at(-1)).toMatchObject({ kind: 'unparsed', reason: 'line too long' });
  });
});

/** All 8 groups, zero-padded: how the kernel's %pI6 prints an address. */
const expand = (a: string): string =>
  ipaddr.IPv6.parse(a)
    .toNormalizedString()
    .split(':')
    .map((g) => g.padStart(4, '0'))
    .join(':');

describe('normalisation', () => {
  test.prop([fc.ipV6(), fc.ipV6()])(
    'fully expanded IPv6 in a kernel line comes out compressed lower case',
    (src, dst) => {
      const o = parseKernlogLine(
        `[ 1.0] TRACE: raw:PREROUTING:policy:2 IN=a OUT= SRC=${expand(src).toUpperCase()} DST=${expand(dst)} LEN=1 `,
      );
      const want = (a: string): string => {
        const x = ipaddr.IPv6.parse(a);
        return x.isIPv4MappedAddress() ? `::ffff:${x.toIPv4Address().toString()}` : x.toRFC5952String();
      };
      expect(o).toMatchObject({
        kind: 'events',
        events: [{ family: 'ip6', packet: { ipVersion: 6, src: want(src), dst: want(dst) } }],
      });
    },
  );

  const FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'AE'];
  test.prop([fc.shuffledSubarray(FLAGS, { minLength: 1 })])(
    'TCP flag words in any order come out in canonical order',
    (flags) => {
      const o = parseKernlogLine(
        `TRACE: a:b:rule:1 SRC=1.1.1.1 DST=2.2.2.2 PROTO=TCP SPT=1 DPT=2 ${flags.join(' ')} URGP=0 `,
      );
      expect(o).toMatchObject({
        kind: 'events',
        events: [{ packet: { tcpFlags: FLAGS.filter((f) => flags.includes(f)) } }],
      });
      const x = parseXtablesLine(`PACKET: 2 00000001 SRC=1.1.1.1 DST=2.2.2.2 SPORT=1 DPORT=2 ${flags.join(' ')} `);
      expect(x).toMatchObject({
        kind: 'events',
        events: [{ packet: { proto: 'tcp', tcpFlags: FLAGS.filter((f) => flags.includes(f)) } }],
      });
    },
  );

  test.prop([fc.ipV4(), fc.nat({ max: 65535 }), fc.nat({ max: 65535 })])(
    'nft and xtables agree on the same IPv4/UDP packet',
    (src, sport, dport) => {
      const n = parseNftLine(
        `trace id 00000001 ip raw PREROUTING packet: iif "eth0" ip saddr ${src} ip daddr 10.0.0.1 ip ttl 64 ip id 7 ip length 30 udp sport ${sport} udp dport ${dport} udp length 10 `,
      );
      const x = parseXtablesLine(
        `PACKET: 2 00000001 IN=eth0 SRC=${src} DST=10.0.0.1 LEN=30 TOS=0x0 TTL=64 ID=7 SPORT=${sport} DPORT=${dport} `,
      );
      const pn = n.kind === 'events' && n.events[0]?.kind === 'packet' ? n.events[0].packet : null;
      const px = x.kind === 'events' && x.events[0]?.kind === 'packet' ? x.events[0].packet : null;
      expect(px).toEqual({ ...pn, proto: undefined });
    },
  );
});
