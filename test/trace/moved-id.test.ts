// samePacket: what tells that a new trace id continues a trace (trace/moved-id).
import { describe, expect, it } from 'vitest';
import type { PacketInfo } from '../../src/model/packet.js';
import { samePacket } from '../../src/trace/moved-id.js';

const syn: PacketInfo = {
  ipVersion: 4,
  proto: 'tcp',
  src: '10.88.3.3',
  dst: '10.88.1.10',
  sport: 57836,
  dport: 7000,
  iif: 'br-tq',
  len: 60,
  ttl: 64,
  ipId: 53382,
  tcpFlags: ['SYN'],
};

describe('samePacket', () => {
  it('forwarded (TTL, out interface) or with one side rewritten by NAT: the same packet', () => {
    expect(samePacket(syn, { ...syn, ttl: 63, oif: 'tq-lan' })).toBe(true);
    expect(samePacket(syn, { ...syn, dst: '10.88.3.2', dport: 80 })).toBe(true); // DNAT
    expect(samePacket(syn, { ...syn, src: '10.88.1.1', sport: 40000 })).toBe(true); // SNAT
  });

  it('another packet: both sides differ, another IP id, length or TCP flags, another family', () => {
    expect(samePacket(syn, { ...syn, dst: '10.88.3.2', dport: 80, src: '10.88.1.1', sport: 1 })).toBe(false);
    expect(samePacket(syn, { ...syn, ipId: 53383 })).toBe(false);
    expect(samePacket(syn, { ...syn, len: 52 })).toBe(false);
    expect(samePacket(syn, { ...syn, tcpFlags: ['SYN', 'ACK'] })).toBe(false);
    expect(samePacket(syn, { ...syn, ipVersion: 6 })).toBe(false);
  });

  it('without an IP id or flow label nothing tells two packets apart: never joined', () => {
    const { ipId: _, ...bare } = syn;
    expect(samePacket(bare, bare)).toBe(false);
  });
});
