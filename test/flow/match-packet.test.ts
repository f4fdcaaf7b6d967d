import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../src/flow/parse-flow.js';
import { mayMatchFlow } from '../../src/flow/match-packet.js';
import type { PacketInfo } from '../../src/model/packet.js';

const SYN: PacketInfo = {
  ipVersion: 4,
  proto: 'tcp',
  src: '10.0.1.2',
  dst: '10.0.2.2',
  sport: 40000,
  dport: 22,
  iif: 'eth0',
};

function m(filter: string, p: PacketInfo, opts: { iif?: string; oif?: string } = {}): boolean {
  const spec = parseFlow(filter, opts);
  if (!spec.ok) throw new Error(spec.error.message);
  return mayMatchFlow(spec.value, p);
}

describe('mayMatchFlow', () => {
  it.each([
    ['', true],
    ['tcp port 22', true],
    ['udp port 22', false],
    ['port 22', true],
    ['dst port 22', true],
    ['src port 22', false],
    ['host 10.0.2.2', true],
    ['src host 10.0.2.2', false],
    ['net 10.0.0.0/16', true],
    ['net 10.9.0.0/16', false],
    ['ip6', false],
    ['not tcp', false],
    ['tcp and not port 80', true],
    ['portrange 20-30 or udp', true],
    ['(udp or icmp) and host 10.0.2.2', false],
  ])('%s → %s', (filter, want) => {
    expect(m(filter, SYN)).toBe(want);
  });

  it('checks interfaces, with the + wildcard', () => {
    expect(m('', SYN, { iif: 'eth0' })).toBe(true);
    expect(m('', SYN, { iif: 'eth+' })).toBe(true);
    expect(m('', SYN, { iif: 'wg0' })).toBe(false);
  });

  it('never excludes on fields the trace did not show', () => {
    expect(m('udp port 53', { ipVersion: 4, src: '10.0.0.1', dst: '10.0.0.2' })).toBe(true);
    expect(m('host 10.0.0.9', { proto: 'icmp' })).toBe(true);
  });
});
