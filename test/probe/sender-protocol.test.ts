// The sender's argument (validated: it runs as root) and its one-line report.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  decodeSendArgs,
  decodeSenderReport,
  encodeSendArgs,
  TCP_WAIT_MS,
  type SocketProbe,
} from '../../src/probe/sender-protocol.js';

const PROBE: SocketProbe = { proto: 'tcp', dst: '10.0.0.5', dport: 5432, src: null, sport: null, waitMs: 500 };

describe('decodeSendArgs', () => {
  it('round-trips what fwtrace encodes', () => {
    expect(decodeSendArgs(encodeSendArgs(PROBE))).toEqual({ ok: true, value: PROBE });
    const udp: SocketProbe = { proto: 'udp', dst: 'fd00::5', dport: 53, src: 'fd00::1', sport: 4000, waitMs: 0 };
    expect(decodeSendArgs(encodeSendArgs(udp))).toEqual({ ok: true, value: udp });
  });

  it('normalises addresses and defaults the wait', () => {
    const r = decodeSendArgs('{"proto":"udp","dst":"FD00:0::5","dport":53}');
    expect(r).toEqual({
      ok: true,
      value: { proto: 'udp', dst: 'fd00::5', dport: 53, src: null, sport: null, waitMs: TCP_WAIT_MS },
    });
  });

  it.each([
    [undefined, 'usage'],
    ['', 'not JSON'],
    ['[]', 'not an object'],
    ['null', 'not an object'],
    ['{"proto":"icmp","dst":"10.0.0.5","dport":1}', 'proto'],
    ['{"proto":"tcp","dst":"example.com","dport":1}', 'dst'],
    ['{"proto":"tcp","dst":"010.0.0.5","dport":1}', 'dst'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":0}', 'dport'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":65536}', 'dport'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":"22"}', 'dport'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":1,"src":"fd00::1"}', 'src'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":1,"src":"; rm -rf /"}', 'src'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":1,"sport":1.5}', 'sport'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":1,"waitMs":-1}', 'waitMs'],
    ['{"proto":"tcp","dst":"10.0.0.5","dport":1,"waitMs":100000}', 'waitMs'],
  ])('refuses %s', (text, what) => {
    const r = decodeSendArgs(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(what);
  });

  test.prop([
    fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    ),
  ])('never throws', (t) => {
    expect(() => decodeSendArgs(t)).not.toThrow();
  });
});

describe('decodeSenderReport', () => {
  it('reads the last JSON line', () => {
    const line = '{"sent":true,"src":"10.0.0.1","sport":40000,"answer":"refused","error":null}';
    expect(decodeSenderReport(`noise\n${line}\n`)).toEqual({
      sent: true,
      src: '10.0.0.1',
      sport: 40000,
      answer: 'refused',
      error: null,
    });
  });

  it('is null without a report, and keeps only known values', () => {
    expect(decodeSenderReport('')).toBeNull();
    expect(decodeSenderReport('{oops')).toBeNull();
    expect(decodeSenderReport('{"sent":"yes","sport":70000,"answer":"maybe","src":5}')).toEqual({
      sent: false,
      src: null,
      sport: null,
      answer: null,
      error: null,
    });
  });

  test.prop([fc.string()])('never throws', (t) => {
    expect(() => decodeSenderReport(t)).not.toThrow();
  });
});
