// A VXLAN overlay from a twenty-second review lab (test/fixtures/unseen22/README.md): outer and inner packets.
import { expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';

const { replay } = fixtureReplay('unseen22');

it.each([
  ['kernel log', 'kernlog-dmesg.txt', 'kernlog-iptables-save-c.txt', 42],
  ['nft monitor', 'nft-monitor-trace.txt', 'nft-ruleset-a.txt', 41],
])(
  '%s: one trace per outer and inner packet; the outer packets this node sends come from no interface',
  (_, capture, rules, n) => {
    const traces = replay(capture, rules).traces;
    expect(traces).toHaveLength(n);
    const sent = traces.filter((t) => t.steps[0]?.hook === 'output');
    expect(sent).toHaveLength(9);
    // At postrouting the kernel shows the tunnel (`IN=vx0`), the inner packet's device: not this packet's.
    for (const t of sent) expect(t.packet.iif ?? '').toBe('');
    expect(sent.every((t) => t.packet.oif === 'ul0')).toBe(true);
  },
);
