// parseNftLine on `packet:` lines: statements → PacketInfo (names, -nn numbers, tcp flags forms, payload noise).
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import { parseNftLine } from '../../src/parse/nft.js';
import { onlyEvent } from './fixtures.js';

const ev = (line: string): TraceEvent => onlyEvent(parseNftLine(line));

describe('nft packet: statements', () => {
  const pkt = (stmts: string): unknown => {
    const e = ev('trace id 12db76e2 inet rshfw rsh_fwd packet: ' + stmts);
    return e.kind === 'packet' ? e.packet : e;
  };

  it('decodes a full IPv4/TCP dump (ether MACs, ttl, id, length, protocol, flags)', () => {
    expect(
      pkt(
        'iif "rshr0" oif "rshr1" ether saddr a2:3d:c4:73:41:fc ether daddr 02:f3:55:63:f1:a9 ip saddr 10.66.1.2 ip daddr 10.66.2.2 ip dscp cs0 ip ecn not-ect ip ttl 63 ip id 59838 ip protocol tcp ip length 60 tcp sport 33926 tcp dport 8080 tcp flags == syn tcp window 64240 ',
      ),
    ).toEqual({
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
      macSrc: 'a2:3d:c4:73:41:fc',
      macDst: '02:f3:55:63:f1:a9',
    });
  });

  it.each<[string, string[]]>([
    ['tcp flags == syn', ['SYN']],
    ['tcp flags syn', ['SYN']],
    ['tcp flags == syn | ack', ['SYN', 'ACK']],
    ['tcp flags syn,ack', ['SYN', 'ACK']],
    ['tcp flags == fin | psh | ack | urg', ['ACK', 'FIN', 'PSH', 'URG']],
    ['tcp flags == 0x2', ['SYN']],
    ['tcp flags == 0x12', ['SYN', 'ACK']],
    ['tcp flags 0x18', ['ACK', 'PSH']],
    ['tcp flags == 0x14', ['ACK', 'RST']],
    ['tcp flags == ecn | cwr', ['ECE', 'CWR']],
    ['tcp flags syn / fin,syn,rst,ack', ['SYN']],
    ['tcp flags == 0x0', []],
  ])('%s', (stmt, flags) => {
    expect(pkt(`ip saddr 1.2.3.4 ${stmt} tcp window 5 `)).toEqual({
      ipVersion: 4,
      proto: 'tcp',
      src: '1.2.3.4',
      tcpFlags: flags,
    });
  });

  it('reads -nn numeric forms and skips raw payload expressions', () => {
    expect(
      pkt(
        'iif 3 ip saddr 10.0.0.1 ip dscp 0x00 ip ecn 0x0 ip ttl 64 ip protocol 6 ip length 60 tcp sport 1 tcp dport 2 tcp flags == 0x2 @th,64,16 0x6869 meta mark 0x00000010 ',
      ),
    ).toEqual({
      ipVersion: 4,
      proto: 'tcp',
      src: '10.0.0.1',
      sport: 1,
      dport: 2,
      iif: '3',
      len: 60,
      ttl: 64,
      tcpFlags: ['SYN'],
      mark: 16,
    });
  });

  it('decodes ICMP names, ICMPv6 numbers, IPv6 hoplimit/flowlabel/nexthdr, and ignores odd decodings', () => {
    expect(
      pkt(
        'ip saddr 10.66.1.1 ip daddr 10.66.1.2 icmp type destination-unreachable icmp code port-unreachable icmp id 0 icmp sequence 0 @th,64,96 0x4500 ',
      ),
    ).toEqual({
      ipVersion: 4,
      proto: 'icmp',
      src: '10.66.1.1',
      dst: '10.66.1.2',
      icmpType: 3,
      icmpCode: 3,
      icmpId: 0,
      icmpSeq: 0,
    });
    expect(
      pkt(
        'ip6 saddr fd66:1::2 ip6 daddr FD66:0002:0:0:0:0:0:2 ip6 hoplimit 64 ip6 flowlabel 713330 ip6 nexthdr ipv6-icmp ip6 length 64 icmpv6 type 128 icmpv6 code no-route icmpv6 parameter-problem 1702100993 ',
      ),
    ).toEqual({
      ipVersion: 6,
      proto: 'icmpv6',
      src: 'fd66:1::2',
      dst: 'fd66:2::2',
      len: 64,
      ttl: 64,
      flowLabel: 713330,
      icmpType: 128,
      icmpCode: 0,
    });
  });

  it('ARP and bridge dumps keep what they have', () => {
    expect(
      pkt('iif "rshbx" ether saddr ae:46:d3:42:e0:45 ether daddr ff:ff:ff:ff:ff:ff arp operation request '),
    ).toEqual({
      iif: 'rshbx',
      macSrc: 'ae:46:d3:42:e0:45',
      macDst: 'ff:ff:ff:ff:ff:ff',
    });
  });

  it('udp, udplite, sctp ports', () => {
    expect(pkt('ip protocol udp udp sport 53 udp dport 5353 udp length 10 ')).toMatchObject({
      proto: 'udp',
      sport: 53,
      dport: 5353,
    });
    expect(pkt('udplite sport 1 udplite dport 2 ')).toMatchObject({ proto: 'udplite', sport: 1, dport: 2 });
    expect(pkt('sctp sport 3 sctp dport 4 ')).toMatchObject({ proto: 'sctp', sport: 3, dport: 4 });
  });

  // Seen by a chain before conntrack's reassembly (lab 41: priority -500).
  it('fragments: a UDP length beyond the IPv4 payload, an IPv6 fragment header', () => {
    const v4 = 'ip saddr 10.141.1.2 ip daddr 10.141.2.2 ip id 2721 ip protocol udp ip length 1500 udp sport 42271 ';
    expect(pkt(v4 + 'udp dport 5001 udp length 4008 ')).toMatchObject({ fragment: true, sport: 42271 });
    expect(pkt(v4 + 'udp dport 5001 udp length 1480 ')).not.toHaveProperty('fragment');
    expect(pkt(v4.replace('1500', '1068') + 'udp dport 30840 udp length 30840 @th,64,96 0x7878 ')).toMatchObject({
      fragment: true,
    });
    const v6 = 'ip6 saddr fd00:141:1::2 ip6 daddr fd00:141:2::2 ip6 nexthdr ipv6-frag ip6 length 1456 ';
    expect(pkt(v6)).toMatchObject({ ipVersion: 6, fragment: true });
    expect(pkt(v6)).not.toHaveProperty('proto');
    expect(
      pkt('ip6 saddr fd00::1 ip6 daddr fd00::2 ip6 nexthdr udp ip6 length 16 udp sport 1 udp dport 2 '),
    ).not.toHaveProperty('fragment');
  });

  // An ICMP error's raw bytes are the start of the header it quotes (lab 41: the router's frag-needed).
  it('an ICMP error quotes a packet: its length, id and protocol; ICMPv6: flow label, payload length, next header', () => {
    const err =
      'ip saddr 10.141.1.1 ip daddr 10.141.1.2 ip protocol icmp ip length 576 icmp type destination-unreachable icmp code frag-needed ';
    expect(pkt(err + '@th,64,96 0x45001c7c933d400040067321 ')).toMatchObject({
      inner: { ipVersion: 4, proto: 'tcp', len: 7292, ipId: 37693 },
    });
    const v6 =
      'ip6 saddr fd00:141:1::1 ip6 daddr fd00:141:1::2 ip6 nexthdr ipv6-icmp ip6 length 1240 icmpv6 type packet-too-big ';
    expect(pkt(v6 + '@th,64,96 0x6009138f1c040640fd000141 ')).toMatchObject({
      inner: { ipVersion: 6, proto: 'tcp', len: 7172, flowLabel: 0x9138f },
    });
    // Not an error (an echo's payload), or bytes of another shape: nothing quoted.
    const echo = 'ip saddr 10.0.0.1 ip daddr 10.0.0.2 ip protocol icmp icmp type echo-request icmp id 1 ';
    expect(pkt(echo + '@th,64,96 0x45001c7c933d400040067321 ')).not.toHaveProperty('inner');
    expect(pkt(err + '@th,64,64 0x45001c7c933d4000 ')).not.toHaveProperty('inner');
  });

  // Lab 46: the protocol behind an IPv6 extension header is not what nft names as the next header.
  it('IPv6 extension headers: no protocol (hop-by-hop prints as `ip`, routing 43, destination options 60)', () => {
    for (const next of ['ip', 'ipv6-route', 'ipv6-opts'])
      expect(pkt(`ip6 saddr fd46:1::2 ip6 daddr ff02::16 ip6 nexthdr ${next} ip6 length 36 `)).not.toHaveProperty(
        'proto',
      );
    expect(pkt('ip6 saddr fd46:1::2 ip6 daddr fd46:2::2 ip6 nexthdr udp ip6 length 16 ')).toMatchObject({
      proto: 'udp',
    });
  });
});
