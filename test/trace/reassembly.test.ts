// A fragment and the datagram it completed (trace/reassembly): told apart from NAT, which keeps the length.
import { describe, expect, it } from 'vitest';
import type { PacketInfo } from '../../src/model/packet.js';
import { asDatagram, reassembled } from '../../src/trace/reassembly.js';

const v4 = { ipVersion: 4, proto: 'udp', src: '10.141.1.2', dst: '10.141.2.2', ipId: 2721 } as const;
const lastFragment: PacketInfo = { ...v4, iif: 'r0', sport: 30840, dport: 30840, len: 1068 };
const datagram: PacketInfo = { ...v4, iif: 'r0', oif: 'r1', sport: 42271, dport: 5001, len: 4028 };

describe('reassembled', () => {
  it('the last fragment (its payload read as ports) and the whole datagram', () => {
    expect(reassembled(lastFragment, datagram)).toBe(true);
    expect(reassembled({ ...lastFragment, fragment: true }, datagram)).toBe(true);
  });

  it('not NAT (same length), not TCPMSS (same ports), not another packet (other IP id or address)', () => {
    expect(reassembled({ ...datagram, dport: 80 }, datagram)).toBe(false);
    expect(reassembled({ ...datagram, len: 4024 }, datagram)).toBe(false);
    expect(reassembled({ ...lastFragment, ipId: 1 }, datagram)).toBe(false);
    expect(reassembled({ ...lastFragment, dst: '10.141.2.3' }, datagram)).toBe(false);
    expect(reassembled(datagram, lastFragment)).toBe(false);
  });

  it('IPv6: a packet with a fragment header', () => {
    const frag: PacketInfo = { ipVersion: 6, proto: 44, src: 'fd00::2', dst: 'fd00::3', len: 1456, fragment: true };
    const whole: PacketInfo = { ipVersion: 6, proto: 'udp', src: 'fd00::2', dst: 'fd00::3', len: 4008, sport: 1 };
    expect(reassembled(frag, whole)).toBe(true);
    const unflagged: PacketInfo = { ipVersion: 6, proto: 44, src: 'fd00::2', dst: 'fd00::3', len: 1456 };
    expect(reassembled(unflagged, whole)).toBe(false);
  });

  it('the trace takes the datagram’s headers, and the interface it came in by', () => {
    const p = asDatagram({ ...lastFragment, fragment: true }, { ...datagram, iif: '' });
    expect(p).toMatchObject({ sport: 42271, dport: 5001, len: 4028, iif: 'r0', oif: 'r1' });
    expect(p).not.toHaveProperty('fragment');
  });
});
