// parseXtablesLine on `PACKET:` lines: fields, old (<= 1.8.8) quirks, non-IP packets, PACKET: 0.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import { parseXtablesLine } from '../../src/parse/xtables.js';
import { onlyEvent } from './fixtures.js';

const ev = (line: string): TraceEvent => onlyEvent(parseXtablesLine(line));
const packetOf = (line: string): unknown => {
  const e = ev(line);
  return e.kind === 'packet' ? e.packet : e;
};

describe('xtables PACKET lines', () => {
  it('1.8.9 IPv4/TCP: MACs without leading zeros are padded, flags imply tcp', () => {
    expect(
      ev(
        'PACKET: 2 12db76e2 IN=rshr0 OUT=rshr1 MACSRC=a2:3d:c4:73:41:fc MACDST=2:f3:55:63:f1:a9 MACPROTO=0800 SRC=10.66.1.2 DST=10.66.2.2 LEN=60 TOS=0x0 TTL=63 ID=59838 DF SPORT=33926 DPORT=8080 SYN MARK=0x4000 ',
      ),
    ).toEqual({
      kind: 'packet',
      source: 'xtables',
      traceId: '12db76e2',
      family: 'ip',
      table: '',
      chain: '',
      packet: {
        ipVersion: 4,
        proto: 'tcp',
        src: '10.66.1.2',
        dst: '10.66.2.2',
        sport: 33926,
        dport: 8080,
        iif: 'rshr0',
        oif: 'rshr1',
        len: 60,
        ttl: 63,
        ipId: 59838,
        tcpFlags: ['SYN'],
        mark: 0x4000,
        macSrc: 'a2:3d:c4:73:41:fc',
        macDst: '02:f3:55:63:f1:a9',
      },
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['ID=38349DF MARK=0x10 ', { ipId: 38349, mark: 16 }], // <= 1.8.8: no space after ID
    ['ID=7SPORT=1024 DPORT=22 ACK RST ', { ipId: 7, sport: 1024, dport: 22, tcpFlags: ['ACK', 'RST'], proto: 'tcp' }],
    ['ID=7OPT (0102)SPORT=1 DPORT=2 ', { ipId: 7, sport: 1, dport: 2 }],
    ['ID=1 DF SPORT=53 DPORT=5353 ', { ipId: 1, sport: 53, dport: 5353 }], // no flags: could be UDP, SCTP...: no proto
    ['ID=1 CE DF MF FRAG:5 ', { ipId: 1 }],
  ])('%s', (tail, want) => {
    expect(packetOf(`PACKET: 0 11223344 IN=eth1 SRC=10.0.0.1 DST=10.0.1.1 LEN=40 TOS=0x0 TTL=63 ${tail}`)).toEqual({
      ipVersion: 4,
      src: '10.0.0.1',
      dst: '10.0.1.1',
      iif: 'eth1',
      len: 40,
      ttl: 63,
      ...want,
    });
  });

  it('PACKET: 0 (xtables-monitor < 1.8.7) takes the family from the addresses', () => {
    expect(ev('PACKET: 0 11223344 SRC=fd00::1 DST=fd00::2 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=1 ')).toMatchObject({
      family: 'ip6',
    });
    expect(ev('PACKET: 0 11223344 SRC=10.0.0.1 DST=10.0.0.2 ')).toMatchObject({ family: 'ip' });
    expect(ev('PACKET: 0 11223344 IN=lo LOOPBACK ')).toMatchObject({ family: 'inet', packet: { iif: 'lo' } });
  });

  it('non-IP packets (NH= with sign-extension garbage, LL=) keep interfaces and MACs', () => {
    expect(
      packetOf(
        'PACKET: 7 eb884859 IN=rshby OUT=rshbx MACSRC=2e:3f:56:c9:0:36 MACDST=ae:46:d3:42:e0:45 MACPROTO=0806 NH=00010800060400022e3f56ffffffc9 ',
      ),
    ).toEqual({
      iif: 'rshby',
      oif: 'rshbx',
      macSrc: '2e:3f:56:c9:00:36',
      macDst: 'ae:46:d3:42:e0:45',
    });
    expect(
      packetOf('PACKET: 5 eb884859 IN=tun0 LL=0x304 0000 SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x0 TTL=64 ID=1 '),
    ).toMatchObject({ iif: 'tun0', src: '10.0.0.1' });
  });

  it('IPv6 (compressed by inet_ntop, normalised anyway)', () => {
    expect(
      packetOf('PACKET: 10 b013cc39 IN=rshr0 SRC=FD66:1::2 DST=fd66:2:0:0::2 LEN=84 TC=0 HOPLIMIT=64 FLOWLBL=713330 '),
    ).toEqual({
      ipVersion: 6,
      src: 'fd66:1::2',
      dst: 'fd66:2::2',
      iif: 'rshr0',
      len: 84,
      ttl: 64,
      flowLabel: 713330,
    });
  });
});
