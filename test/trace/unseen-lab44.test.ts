// NAT of the host's own traffic (OUTPUT DNAT and REDIRECT, route_localnet), hairpin NAT and conntrack zones, from a
// forty-fourth review lab (test/fixtures/unseen44/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen44');

describe('one trace per packet (TRACE counters, less the packets sent back in over lo)', () => {
  const flavours = [
    ['legacy', 'kernlog', 'iptables-legacy-save'],
    ['iptnft', 'xtables-monitor', 'iptables-save'],
    ['iptnft', 'nft-monitor', 'nft-list'],
    ['nft', 'nft-monitor', 'nft-list'],
  ] as const;
  const packets: Record<string, Record<string, number>> = {
    localnat: { legacy: 47, iptnft: 46, nft: 48 },
    hairpin: { legacy: 25, iptnft: 25, nft: 25 },
    'hairpin-broken': { legacy: 15, iptnft: 15, nft: 15 },
    zones: { legacy: 27, iptnft: 26, nft: 26 },
  };
  it.each(
    Object.keys(packets).flatMap((scenario) =>
      flavours.map(
        ([flavour, reader, dump]) =>
          [
            `${scenario}-${flavour}.${reader}.txt`,
            `${scenario}-${flavour}.${dump}.txt`,
            packets[scenario]![flavour]!,
          ] as const,
      ),
    ),
  )('%s', (capture, rules, n) => {
    expect(replay(capture, rules).traces).toHaveLength(n);
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('native nft: the host’s connection REDIRECTed in output to a local proxy', () => {
  const traces = replay('localnat-nft.nft-monitor.txt', 'localnat-nft.nft-list.txt').traces;
  // The router's curl to 10.147.44.2:8080, which nat_out rule 2 (redirect to :3128) sends to socat.
  const sent = traces.filter((t) => t.packet.sport === 48122);

  it('each of its packets is one trace, from output back in over lo to input', () => {
    expect(sent.map((t) => t.packet.tcpFlags?.join(','))).toEqual(['SYN', 'ACK', 'ACK,PSH', 'ACK', 'ACK,FIN', 'ACK']);
    for (const t of sent) {
      expect(t.steps[0]?.hook).toBe('output');
      expect(t.steps.at(-1)?.hook).toBe('input');
      expect(t.verdict).toMatchObject({ action: 'accept', hook: 'input', chain: 'input' });
    }
  });

  it('the redirect goes to 127.0.0.1, as the way back in shows', () => {
    expect(byId(traces, '5172ceed').nat).toMatchObject([{ hook: 'output', kind: 'redirect', to: '127.0.0.1:3128' }]);
  });
});

describe('conntrack zones: the same addresses and ports behind two interfaces', () => {
  it('two SYNs alike but for the way in are two traces, each with its own SNAT', () => {
    const traces = replay('zones-legacy.kernlog.txt', 'zones-legacy.iptables-legacy-save.txt').traces;
    const syns = traces.filter((t) => t.packet.sport === 40000 && t.packet.tcpFlags?.join() === 'SYN');
    expect(syns.map((t) => `${t.id} ${t.packet.iif} ${t.verdict.rule?.position} ${t.nat.at(-1)?.to}`)).toEqual([
      'k1 lanA 2 10.147.44.101',
      'k14 lanB 3 10.147.44.102',
    ]);
  });
});
