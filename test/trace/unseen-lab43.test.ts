// What a LAN segment carries (ARP, neighbour discovery, broadcasts, mDNS, SSDP) to a host with INPUT policy DROP,
// from a forty-third review lab (test/fixtures/unseen43/README.md).
import { describe, expect, it } from 'vitest';
import { flowText } from '../../src/ui/view-model.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen43');
const UNJOINED = 'the kernel dropped it (a multicast group this host has not joined)';

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    ['legacy-kernlog.txt', 35, ['legacy-iptables-save.txt', 'legacy-ip6tables-save.txt']],
    ['xt-nft-monitor.txt', 36, ['xt-nft-list.txt']], // 34 after the counters were zeroed, 2 before
    ['nft-nft-monitor.txt', 42, ['nft-nft-list.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('SSDP to a group the host never joined, where no chain hooks forward', () => {
  it.each([
    ['nft-nft-monitor.txt', 'nft-nft-list.txt', 'd1d17f6b'],
    ['xt-nft-monitor.txt', 'xt-nft-list.txt', 'db16a59e'],
  ])('%s: most likely dropped, unless a multicast router took it', (capture, rules, id) => {
    const t = byId(replay(capture, rules).traces, id);
    expect(t.packet).toMatchObject({ dst: '239.255.255.250', dport: 1900 });
    expect(t.explanation).toContain(`${UNJOINED}, a multicast routing daemon forwarded it (no chain hooks forward)`);
  });

  it('the kernel log (legacy dumps count every built-in chain) says what it said', () => {
    const t = byId(replay('legacy-kernlog.txt', 'legacy-iptables-save.txt', 'legacy-ip6tables-save.txt').traces, 'k32');
    expect(t.packet.dst).toBe('239.255.255.250');
    expect(t.explanation).toContain(`${UNJOINED}, or events were lost`);
  });
});

describe('the arp table', () => {
  it('its chains are placed by the interface without a dump, as the dump places them', () => {
    for (const rules of [[], ['nft-nft-list.txt']]) {
      const arp = replay('nft-nft-monitor.txt', ...rules).traces.filter((t) => t.verdict.table === 'rv43a');
      expect(tally(arp, (t) => `${t.verdict.action} ${t.verdict.hook} ${t.verdict.chain}`)).toEqual({
        'drop input in': 3,
        'accept input in': 2,
        'accept output out': 2,
      });
    }
  });

  it('every deciding rule its counter', () => {
    const traces = replay('nft-nft-monitor.txt', 'nft-nft-list.txt').traces;
    const drops = traces.filter((t) => t.verdict.action === 'drop' && t.verdict.table === 'rv43a');
    expect(tally(drops, (t) => decidedBy(t, (r) => r.position))).toEqual({ 'drop rv43a/in 2': 3 });
  });
});

it('an IPv6 packet of no protocol the reader names reads ip6 (MLD behind a hop-by-hop header)', () => {
  const t = byId(replay('nft-nft-monitor.txt').traces, '05492d86');
  expect(flowText(t.packet)).toBe('ip6 fe80::43:ff:fe00:3 -> ff02::16');
});
