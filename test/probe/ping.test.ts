// ICMP probes through iputils ping: the argv, and what its exit code and output say.
import { describe, expect, it } from 'vitest';
import { pingArgv, pingOutcome } from '../../src/probe/ping.js';

const REPLY = `PING 10.66.2.2 (10.66.2.2) 56(84) bytes of data.
64 bytes from 10.66.2.2: icmp_seq=1 ttl=63 time=0.084 ms

--- 10.66.2.2 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
`;
const SILENT = `PING 10.66.2.9 (10.66.2.9) from 10.66.1.2 : 56(84) bytes of data.

--- 10.66.2.9 ping statistics ---
1 packets transmitted, 0 received, 100% packet loss, time 0ms
`;
const UNREACHABLE = `PING 10.66.9.9 (10.66.9.9) 56(84) bytes of data.
From 10.66.1.1 icmp_seq=1 Destination Host Unreachable

--- 10.66.9.9 ping statistics ---
1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms
`;

describe('pingArgv', () => {
  it('one echo request, numeric, with the IP version and the source when there is one', () => {
    expect(pingArgv(4, '10.0.0.5', null)).toEqual(['ping', '-4', '-c', '1', '-W', '1', '-n', '10.0.0.5']);
    expect(pingArgv(6, 'fd00::5', 'fd00::1')).toEqual([
      'ping',
      '-6',
      '-c',
      '1',
      '-W',
      '1',
      '-n',
      '-I',
      'fd00::1',
      'fd00::5',
    ]);
  });
});

describe('pingOutcome', () => {
  it('exit 0: sent, a reply came', () => {
    expect(pingOutcome(0, REPLY, '')).toEqual({ sent: true, answer: 'echo-reply', error: null, src: null });
  });

  it('exit 1: sent, nothing came back (the source as ping says it)', () => {
    expect(pingOutcome(1, SILENT, '')).toEqual({ sent: true, answer: 'none', error: null, src: '10.66.1.2' });
  });

  it('exit 1 with an ICMP error: unreachable', () => {
    expect(pingOutcome(1, UNREACHABLE, '').answer).toBe('unreachable');
  });

  it('refused on the way out by the local firewall: sent (the trace saw it)', () => {
    const r = pingOutcome(1, SILENT.replace('0 received', '0 received'), 'ping: sendmsg: Operation not permitted\n');
    expect(r).toMatchObject({ sent: true, answer: 'none' });
    expect(r.error).toMatch(/refused on the way out/);
  });

  it('exit 2 or no statistics: not sent, with ping’s own words', () => {
    expect(pingOutcome(2, '', 'ping: connect: Network is unreachable\n')).toEqual({
      sent: false,
      answer: null,
      error: 'ping: connect: Network is unreachable',
      src: null,
    });
    expect(pingOutcome(null, '', '')).toMatchObject({ sent: false, error: 'ping exited with a signal' });
  });
});
