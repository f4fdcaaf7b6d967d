import { describe, expect, it } from 'vitest';
import type { Hook } from '../../src/model/common.js';
import type { PacketInfo } from '../../src/model/packet.js';
import type { TraceStep } from '../../src/model/trace.js';
import { flowText, interfacesText } from '../../src/ui/view-model.js';

const step = (hook: Hook): TraceStep => ({
  hook,
  family: 'ip',
  table: 'filter',
  chain: 'x',
  kind: 'policy',
  rule: null,
  verdict: 'accept',
  target: null,
});
const text = (packet: PacketInfo, ...hooks: Hook[]): string => interfacesText({ packet, steps: hooks.map(step) });

describe('interfacesText', () => {
  it('says where the packet came in and went out, (local) for this host', () => {
    expect(text({ iif: 'eth0', oif: 'eth1' }, 'prerouting', 'forward')).toBe('eth0 -> eth1');
    expect(text({ iif: 'eth0' }, 'prerouting', 'input')).toBe('eth0 -> (local)');
    expect(text({ oif: 'eth1' }, 'output')).toBe('(local) -> eth1');
  });

  it('does not call a packet dropped before routing (ingress, prerouting) local: its way out is unknown', () => {
    expect(text({ iif: 'fw-c' }, 'ingress')).toBe('fw-c -> ?');
    expect(text({ iif: 'fw-c' }, 'prerouting')).toBe('fw-c -> ?');
  });

  it('names the bridge ports behind a bridge interface (kernel-log PHYSIN/PHYSOUT)', () => {
    expect(text({ iif: 'docker0', oif: 'docker0', physin: 'vweb', physout: 'vdb' }, 'forward')).toBe(
      'docker0 (vweb) -> docker0 (vdb)',
    );
    expect(text({ iif: 'eth0', oif: 'docker0', physout: 'vdb' }, 'forward')).toBe('eth0 -> docker0 (vdb)');
  });
});

describe('flowText', () => {
  it('an IP packet by its addresses and ports', () => {
    expect(flowText({ ipVersion: 4, proto: 'tcp', src: '10.0.0.1', sport: 1, dst: '10.0.0.2', dport: 80 })).toBe(
      'tcp 10.0.0.1:1 -> 10.0.0.2:80',
    );
  });

  it('a frame with no IP header (ARP, other ether types) by its MACs, never as `ip ? -> ?`', () => {
    expect(flowText({ macSrc: '02:23:00:00:00:01', macDst: 'ff:ff:ff:ff:ff:ff' })).toBe(
      'ether 02:23:00:00:00:01 -> ff:ff:ff:ff:ff:ff',
    );
    expect(flowText({ iif: 'eth0' })).toBe('(no IP header shown)');
  });
});
