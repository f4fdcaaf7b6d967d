// parseKernlogLine: every envelope of trace-formats.md §1.4/§1.5, decoys and non-trace kernel lines.
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/event.js';
import type { PacketInfo } from '../../src/model/packet.js';
import { parseKernlogLine } from '../../src/parse/kernlog.js';
import { BODY, onlyEvent, PACKET } from './fixtures.js';

const step = (line: string): TraceEvent => onlyEvent(parseKernlogLine(line));
const packetOf = (line: string): PacketInfo | undefined => {
  const e = step(line);
  return e.kind === 'log-step' ? e.packet : undefined;
};

describe('kernel-log envelopes', () => {
  it.each<[string, string, string | null, number | null]>([
    ['none', '', null, null],
    ['dmesg', '[   69.694408] ', null, 69.694408],
    ['dmesg, wide uptime', '[885386.325658] ', null, 885386.325658],
    ['dmesg -T (ctime, taken as UTC)', '[Sun Nov 22 01:31:39 2026] ', '2026-11-22T01:31:39Z', null],
    ['dmesg -T, padded day', '[Mon Nov  2 01:31:39 2026] ', '2026-11-02T01:31:39Z', null],
    ['dmesg -x', 'kern  :warn  : [  294.894684] ', null, 294.894684],
    ['dmesg -r', '<4>[  294.894684] ', null, 294.894684],
    ['dmesg --time-format iso', '2026-11-22T01:31:39,894684+00:00 ', '2026-11-22T01:31:39.894684Z', null],
    ['/dev/kmsg', '4,344,69694408,-;', null, 69.694408],
    ['/dev/kmsg with extra fields', '4,344,69694408,-,caller=T1;', null, 69.694408],
    ['journalctl short (no year)', 'Jun 27 16:23:51 host kernel: ', null, null],
    ['journalctl short-iso', '2024-06-27T16:23:51+0000 host kernel: ', '2024-06-27T16:23:51Z', null],
    ['journalctl short-iso, other zone', '2024-06-27T18:23:51+0200 host kernel: ', '2024-06-27T16:23:51Z', null],
    ['journalctl short-precise (no year)', 'Jun 27 16:23:51.123456 host kernel: ', null, null],
    ['journalctl short-monotonic', '[  294.894684] host kernel: ', null, 294.894684],
    ['rsyslog with imklog stamp', 'Mar 24 22:41:52 enterprise kernel: [885386.325658] ', null, 885386.325658],
    ['rsyslog without stamp, padded day', 'Dec  1 03:04:05 ip-172-27-223-103 kernel: ', null, null],
    ['rsyslog RFC 3339', '2024-06-27T16:23:51.123456+00:00 host kernel: ', '2024-06-27T16:23:51.123456Z', null],
    [
      'rsyslog RFC 3339 negative zone + stamp',
      '2024-06-27T11:23:51.5-05:00 host kernel: [ 12.5] ',
      '2024-06-27T16:23:51.5Z',
      12.5,
    ],
    ['ISO with Z', '2024-06-27T16:23:51Z host kernel: ', '2024-06-27T16:23:51Z', null],
    ['ulogd LOGEMU', 'Nov 22 01:37:26 vm ', null, null],
  ])('%s', (_name, envelope, time, uptime) => {
    expect(step(envelope + BODY)).toEqual({
      kind: 'log-step',
      source: 'kernlog',
      family: 'ip',
      table: 'raw',
      chain: 'PREROUTING',
      entry: 'policy',
      position: 2,
      packet: PACKET,
      time,
      uptime,
      hook: null,
    });
  });

  it('/dev/kmsg \\xNN escapes are decoded (UTF-8)', () => {
    expect(
      packetOf(
        '4,600,620781848,-;TRACE: raw:PREROUTING:policy:2 IN=\\xc3\\xa9th0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=1 ',
      )?.iif,
    ).toBe('éth0');
  });

  it.each([' SUBSYSTEM=net', ' DEVICE=n2'])('/dev/kmsg dictionary line %j is ignored', (line) => {
    expect(parseKernlogLine(line)).toEqual({ kind: 'ignored', reason: 'kmsg dictionary line' });
  });
});

describe('decoys and non-trace kernel lines', () => {
  it.each([
    'Mar 24 22:41:52 host kernel: [885386.3] TRACE: eb:broute:BROUTING IN=veth0594f4b OUT= MAC source = 02:42:c0:a8:00:02 proto = 0x0800',
    '[ 1.0] TRACE: eb:nat:PREROUTING IN=eth0 OUT= ',
    '[ 1.0] TRACE: dropped by my rule IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 ',
    '[ 1.0] TRACE: raw:PREROUTING:jump:1 IN=eth0 ',
    '[ 1.0] TRACE: raw:PREROUTING:rule:x IN=eth0 ',
    '[ 1.0] TRACE: raw:PREROUTING:rule:12abc IN=eth0 ',
    '[ 1.0] TRACE: raw PREROUTING:rule:1 IN=eth0 ',
    '[ 1.0] TRACE: :PREROUTING:rule:1 IN=eth0 ',
    'TRACE: raw:PREROUTING:policy:',
  ])('%j is unparsed', (line) => {
    const o = parseKernlogLine(line);
    expect(o).toMatchObject({ kind: 'unparsed', line });
    if (o.kind === 'unparsed') expect(o.reason).toMatch(/table:chain:\(rule\|return\|policy\):N/);
  });

  it('a record ending right after the number is still a step (truncated)', () => {
    expect(step('TRACE: raw:PREROUTING:policy:2')).toMatchObject({ position: 2, packet: {} });
  });

  it.each([
    'Mar 24 22:41:52 enterprise kernel: [885386.3] trace: nf_hook_slow: ftrace event',
    '[   12.345678] eth0: link up',
    '<6>[ 1.0] usb 1-1: new device',
    '4,345,69694409,-;IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready',
    'kern  :info  : [  1.0] hello',
  ])('%j is an ignored kernel line', (line) => {
    expect(parseKernlogLine(line)).toEqual({ kind: 'ignored', reason: 'kernel log line without a TRACE record' });
  });

  it.each([
    [
      '[81495.662842] nf_ct_proto_6: invalid tcp flag combination IN=r0 OUT= MAC=9a:82:fc:70:99:44:36:7d:f7:48:b1:c7:08:00 SRC=10.55.1.2 DST=10.55.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=59287 PROTO=TCP SPT=42002 DPT=80 SEQ=2063977418 ACK=1482053980 WINDOW=512 RES=0x00 FIN URGP=0 ',
      'invalid tcp flag combination',
    ],
    [
      'Nov 23 00:50:01 r kernel: nf_ct_proto_6: SEQ is over upper bound 2660187546 (over the window of the receiver) IN=r0 OUT= MAC=9a:82:fc:70:99:44:36:7d:f7:48:b1:c7:08:00 SRC=10.55.1.2 DST=10.55.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=22261 PROTO=TCP SPT=44000 DPT=8080 SEQ=12345 ACK=777 WINDOW=512 RES=0x00 ACK URGP=0 ',
      'SEQ is over upper bound 2660187546 (over the window of the receiver)',
    ],
  ])(
    'conntrack’s line about an INVALID packet (nf_conntrack_log_invalid) is an event with its why: %#',
    (line, reason) => {
      const o = parseKernlogLine(line);
      expect(o.kind).toBe('events');
      const e = o.kind === 'events' ? o.events[0] : undefined;
      expect(e).toMatchObject({
        kind: 'ct-invalid',
        source: 'kernlog',
        reason,
        packet: { src: '10.55.1.2', dst: '10.55.2.2', proto: 'tcp' },
      });
    },
  );

  it.each(['hello world', 'trace: nothing'])('%j is unparsed (not a kernel log line)', (line) => {
    expect(parseKernlogLine(line)).toMatchObject({ kind: 'unparsed', reason: 'kernlog: no "TRACE: " record' });
  });
});
