// parseKernlogLine: the LOG body (IPv4/IPv6/ICMP inner/TCP flags/ulogd text) and truncated records.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import type { PacketInfo } from '../../src/model/packet.js';
import { parseKernlogLine } from '../../src/parse/kernlog.js';
import { onlyEvent } from './fixtures.js';

const BODY =
  'TRACE: raw:PREROUTING:policy:2 IN=rshr0 OUT= MAC=aa:98:65:32:1f:61:d2:4e:da:a3:37:b9:08:00 SRC=10.66.1.2 DST=10.96.0.10 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=44875 DF PROTO=TCP SPT=49022 DPT=80 SEQ=3888308531 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A589558BD000000000103030A) ';
const step = (line: string): TraceEvent => onlyEvent(parseKernlogLine(line));
const packetOf = (line: string): PacketInfo | undefined => {
  const e = step(line);
  return e.kind === 'log-step' ? e.packet : undefined;
};

describe('LOG body', () => {
  it.each<[string, string, Partial<PacketInfo>]>([
    [
      'IPv6 %pI6 is compressed',
      'IN=eth0 OUT= SRC=fd66:0001:0000:0000:0000:0000:0000:0002 DST=FF02:0000:0000:0000:0000:0001:FF00:0001 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0 ',
      {
        ipVersion: 6,
        src: 'fd66:1::2',
        dst: 'ff02::1:ff00:1',
        len: 72,
        ttl: 255,
        flowLabel: 0,
        proto: 'icmpv6',
        icmpType: 135,
        icmpCode: 0,
      },
    ],
    [
      'v4-mapped IPv6',
      'SRC=0000:0000:0000:0000:0000:ffff:0a00:0001 DST=0000:0000:0000:0000:0000:0000:0000:0001 ',
      { ipVersion: 6, src: '::ffff:10.0.0.1', dst: '::1' },
    ],
    [
      'ICMP echo: ID/SEQ after PROTO are the echo id/seq',
      'SRC=1.1.1.1 DST=2.2.2.2 LEN=84 TTL=64 ID=56884 DF PROTO=ICMP TYPE=8 CODE=0 ID=28655 SEQ=1 ',
      { ipId: 56884, proto: 'icmp', icmpType: 8, icmpCode: 0, icmpId: 28655, icmpSeq: 1 },
    ],
    [
      'UDP: the second LEN is the UDP length',
      'SRC=1.1.1.1 DST=2.2.2.2 LEN=30 PROTO=UDP SPT=39945 DPT=9999 LEN=10 ',
      { len: 30, proto: 'udp', sport: 39945, dport: 9999 },
    ],
    [
      'UID/GID/MARK',
      'IN= OUT=rshr0 SRC=1.1.1.1 DST=2.2.2.2 LEN=84 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1 UID=0 GID=0 MARK=0x4000 ',
      { iif: '', oif: 'rshr0', mark: 0x4000 },
    ],
    [
      'bridge PHYSIN/PHYSOUT',
      'IN=docker0 OUT=docker0 PHYSIN=veth1 PHYSOUT=veth2 SRC=1.1.1.1 DST=2.2.2.2 ',
      { iif: 'docker0', oif: 'docker0', physin: 'veth1', physout: 'veth2' },
    ],
    [
      'every TCP flag, canonical order',
      'SRC=1.1.1.1 DST=2.2.2.2 PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=6 WINDOW=1 RES=0x00 AE CWR ECE URG ACK PSH RST SYN FIN URGP=0 ',
      {
        proto: 'tcp',
        sport: 1,
        dport: 2,
        tcpSeq: 5,
        tcpFlags: ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'AE'],
      },
    ],
    [
      'IP options and fragments',
      'SRC=1.1.1.1 DST=2.2.2.2 LEN=40 TTL=1 ID=9 MF FRAG:185 OPT (9404) PROTO=TCP ',
      { ipId: 9, ttl: 1, proto: 'tcp' },
    ],
    ['short TCP header', 'SRC=1.1.1.1 DST=2.2.2.2 PROTO=TCP INCOMPLETE [12 bytes] ', { proto: 'tcp' }],
    ['numeric and AH/ESP protocols', 'SRC=1.1.1.1 DST=2.2.2.2 PROTO=47 ', { proto: 'gre' }],
    ['ESP', 'SRC=1.1.1.1 DST=2.2.2.2 PROTO=ESP SPI=0x1234 ', { proto: 'esp' }],
    ['unknown protocol number', 'SRC=1.1.1.1 DST=2.2.2.2 PROTO=253 ', { proto: 253 }],
    [
      'empty MAC (tun) and loopback MAC',
      'IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.1 ',
      { macSrc: '00:00:00:00:00:00', macDst: '00:00:00:00:00:00' },
    ],
    [
      'ulogd PRINTPKT: TOS=00, MARK=0x0 omitted',
      'IN=rshr0 OUT= MAC= SRC=1.1.1.1 DST=2.2.2.2 LEN=60 TOS=00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=3 ACK=0 WINDOW=64240 SYN URGP=0 MARK=0x0 ',
      { proto: 'tcp', tcpFlags: ['SYN'], tcpSeq: 3 },
    ],
  ])('%s', (_name, body, want) => {
    const p = packetOf('[ 1.000000] TRACE: filter:INPUT:rule:1 ' + body);
    expect(p).toMatchObject(want);
    if (want.mark === undefined) expect(p?.mark).toBeUndefined();
  });

  it('an ICMP error carries the quoted packet in `[ ... ]` as inner', () => {
    expect(
      packetOf(
        '[  618.754615] TRACE: raw:OUTPUT:policy:2 IN= OUT=rshr0 SRC=10.66.1.1 DST=10.66.1.2 LEN=58 TOS=0x00 PREC=0xC0 TTL=64 ID=39846 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.66.1.2 DST=10.66.2.2 LEN=30 TOS=0x00 PREC=0x00 TTL=63 ID=12081 DF PROTO=UDP SPT=39945 DPT=9999 LEN=10 ] MTU=1400 MARK=0x1 ',
      ),
    ).toEqual({
      ipVersion: 4,
      proto: 'icmp',
      src: '10.66.1.1',
      dst: '10.66.1.2',
      iif: '',
      oif: 'rshr0',
      len: 58,
      ttl: 64,
      ipId: 39846,
      icmpType: 3,
      icmpCode: 3,
      mark: 1,
      inner: {
        ipVersion: 4,
        proto: 'udp',
        src: '10.66.1.2',
        dst: '10.66.2.2',
        sport: 39945,
        dport: 9999,
        len: 30,
        ttl: 63,
        ipId: 12081,
      },
    });
  });

  it('an inner packet closed inside a token (`LEN=10]`) and an inner TCP header', () => {
    expect(
      packetOf(
        'TRACE: a:b:rule:1 SRC=1.1.1.1 DST=2.2.2.2 PROTO=ICMP TYPE=3 CODE=3 [SRC=2.2.2.2 DST=1.1.1.1 PROTO=TCP SPT=1 DPT=2 SEQ=9 ACK=0 WINDOW=0 RES=0x00 SYN URGP=0] ',
      )?.inner,
    ).toEqual({
      ipVersion: 4,
      proto: 'tcp',
      src: '2.2.2.2',
      dst: '1.1.1.1',
      sport: 1,
      dport: 2,
      tcpFlags: ['SYN'],
      tcpSeq: 9,
    });
  });

  it('family is ip6 when SRC is IPv6', () => {
    expect(
      step(
        'TRACE: raw:PREROUTING:policy:2 IN=a OUT= SRC=fd66:0001:0000:0000:0000:0000:0000:0002 DST=fd66:0002:0000:0000:0000:0000:0000:0002 ',
      ),
    ).toMatchObject({ family: 'ip6' });
  });

  it.each([48, 120, 200, 262, 300, 330])('a record truncated at %i chars yields what was there', (cut) => {
    const line = '[  618.754630] ' + BODY;
    const e = step(line.slice(0, cut));
    expect(e).toMatchObject({ kind: 'log-step', table: 'raw', chain: 'PREROUTING', position: 2, uptime: 618.75463 });
  });

  it('a truncated address is dropped rather than kept half', () => {
    expect(packetOf('TRACE: raw:PREROUTING:policy:2 IN=a OUT= SRC=10.66.1.2 DST=10.96.0')).toEqual({
      ipVersion: 4,
      src: '10.66.1.2',
      iif: 'a',
      oif: '',
    });
  });

  it('old nf_tables TRACE lines (lower-case chains) are generic table:chain:type:num', () => {
    expect(step('[ 5.1] TRACE: filter:input:rule:1 IN=lo OUT= SRC=127.0.0.1 DST=127.0.0.1 ')).toMatchObject({
      table: 'filter',
      chain: 'input',
      entry: 'rule',
      position: 1,
    });
  });
});
