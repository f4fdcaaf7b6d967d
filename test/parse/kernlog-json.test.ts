// parseKernlogLine on JSON lines: journald `-o json` and ulogd's JSON output.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import { parseKernlogLine } from '../../src/parse/kernlog.js';
import { BODY, onlyEvent, PACKET } from './fixtures.js';

const step = (line: string): TraceEvent => onlyEvent(parseKernlogLine(line));

describe('JSON records', () => {
  it('journald -o json: MESSAGE text, realtime and monotonic stamps', () => {
    const line = JSON.stringify({
      __REALTIME_TIMESTAMP: '1719505431123456',
      _SOURCE_MONOTONIC_TIMESTAMP: '294894684',
      PRIORITY: '4',
      _TRANSPORT: 'kernel',
      MESSAGE: BODY,
    });
    expect(step(line)).toEqual({
      kind: 'log-step',
      source: 'kernlog',
      family: 'ip',
      table: 'raw',
      chain: 'PREROUTING',
      entry: 'policy',
      position: 2,
      packet: PACKET,
      time: '2024-06-27T16:23:51.123456Z',
      uptime: 294.894684,
      hook: null,
    });
  });

  it('journald MESSAGE as a byte array', () => {
    const bytes = [...new TextEncoder().encode('TRACE: raw:OUTPUT:policy:2 IN= OUT=lo SRC=127.0.0.1 ')];
    expect(step(JSON.stringify({ MESSAGE: bytes }))).toMatchObject({
      chain: 'OUTPUT',
      time: null,
      packet: { oif: 'lo', src: '127.0.0.1' },
    });
  });

  it.each<[unknown, string]>([
    [{ MESSAGE: 'eth0: link up', __REALTIME_TIMESTAMP: '1' }, 'ignored'],
    [{ MESSAGE: 42 }, 'unparsed'],
    [{ MESSAGE: [300, 1] }, 'unparsed'],
    [{ hello: 1 }, 'unparsed'],
  ])('%j → %s', (obj, kind) => {
    expect(parseKernlogLine(JSON.stringify(obj)).kind).toBe(kind);
  });

  it('invalid JSON is unparsed', () => {
    expect(parseKernlogLine('{"MESSAGE": "TRACE: raw:P')).toMatchObject({
      kind: 'unparsed',
      reason: 'kernlog: invalid JSON',
    });
  });

  it('ulogd JSON: oob.prefix, decoded fields, hook and time', () => {
    const rec = {
      timestamp: '2026-11-22T01:37:34.104080',
      'oob.prefix': 'TRACE: raw:PREROUTING:policy:2 ',
      'oob.time.sec': 1795311454,
      'oob.time.usec': 104080,
      'oob.mark': 0,
      'oob.hook': 0,
      'oob.family': 2,
      'ip.protocol': 6,
      'ip.ttl': 64,
      'ip.totlen': 60,
      'ip.id': 5575,
      src_port: 44378,
      dest_port: 80,
      'tcp.seq': 2082549282,
      'tcp.syn': 1,
      'tcp.ack': 0,
      'oob.in': 'rshr0',
      'oob.out': '',
      src_ip: '10.66.1.2',
      dest_ip: '10.96.0.10',
      'mac.saddr.str': 'd2:4e:da:a3:37:b9',
      'mac.daddr.str': 'aa:98:65:32:1f:61',
    };
    expect(step(JSON.stringify(rec))).toEqual({
      kind: 'log-step',
      source: 'kernlog',
      family: 'ip',
      table: 'raw',
      chain: 'PREROUTING',
      entry: 'policy',
      position: 2,
      packet: {
        ipVersion: 4,
        proto: 'tcp',
        src: '10.66.1.2',
        dst: '10.96.0.10',
        sport: 44378,
        dport: 80,
        iif: 'rshr0',
        oif: '',
        len: 60,
        ttl: 64,
        ipId: 5575,
        tcpFlags: ['SYN'],
        tcpSeq: 2082549282,
        macSrc: 'd2:4e:da:a3:37:b9',
        macDst: 'aa:98:65:32:1f:61',
      },
      time: '2026-11-22T01:37:34.104080Z',
      uptime: null,
      hook: 'prerouting',
    });
  });

  it.each<[number, string | null]>([
    [1, 'input'],
    [2, 'forward'],
    [3, 'output'],
    [4, 'postrouting'],
    [9, null],
  ])('ulogd oob.hook %d → %s', (hook, want) => {
    expect(step(JSON.stringify({ 'oob.prefix': 'TRACE: t:c:rule:1 ', 'oob.hook': hook }))).toMatchObject({
      hook: want,
    });
  });

  it('ulogd JSON IPv6: family, LEN as the kernel prints it (payload + 40), ICMPv6 echo fields', () => {
    const rec = {
      'oob.prefix': 'TRACE: filter:FORWARD:rule:1 ',
      'oob.family': 10,
      'oob.hook': 2,
      'ip.protocol': 58,
      'ip6.payloadlen': 64,
      'ip6.flowlabel': 713330,
      'ip6.hoplimit': 63,
      'icmpv6.type': 128,
      'icmpv6.code': 0,
      'icmpv6.echoid': 29587,
      'icmpv6.echoseq': 1,
      'oob.mark': 16,
      src_ip: 'fd66:1::2',
      dest_ip: 'fd66:2::2',
      timestamp: '2026-11-22T01:37:35.123365',
    };
    expect(step(JSON.stringify(rec))).toMatchObject({
      family: 'ip6',
      hook: 'forward',
      time: '2026-11-22T01:37:35.123365Z',
      packet: {
        ipVersion: 6,
        proto: 'icmpv6',
        src: 'fd66:1::2',
        dst: 'fd66:2::2',
        len: 104,
        ttl: 63,
        flowLabel: 713330,
        icmpType: 128,
        icmpCode: 0,
        icmpId: 29587,
        icmpSeq: 1,
        mark: 16,
      },
    });
  });

  it('ulogd record whose prefix is not a TRACE record', () => {
    expect(parseKernlogLine(JSON.stringify({ 'oob.prefix': 'DROP: ' }))).toEqual({
      kind: 'ignored',
      reason: 'ulogd record without a TRACE prefix',
    });
    expect(parseKernlogLine(JSON.stringify({ 'oob.prefix': 'TRACE: eb:nat:PREROUTING ' })).kind).toBe('unparsed');
  });
});
