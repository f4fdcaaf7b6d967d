// A Docker 25+ host (DOCKER-USER, isolation stages, published ports, a port range, 127.0.0.1-only, icc off, the raw
// drop of direct access, hairpin, IPv6) from a fifty-fourth review lab (test/fixtures/unseen54/README.md), in
// iptables-nft (nft monitor and xtables-monitor at once) and iptables-legacy (kernel log).
import { describe, expect, it } from 'vitest';
import { misprintOf } from '../../src/trace/netlink-step.js';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen54');

describe('one trace per packet (README: the trace rules’ counters)', () => {
  it.each([
    ['nft.nft-monitor.txt.gz', 75, ['nft.ruleset.nft.txt']],
    // xtables-monitor died on the last one (`unsupported layer 4 protocol value`), cut mid-line: all 75 begin.
    ['nft.xtables-monitor.txt.gz', 75, ['nft.iptables-save.txt', 'nft.ip6tables-save.txt']],
    ['legacy.dmesg.txt.gz', 79, ['legacy.iptables-save.txt', 'legacy.ip6tables-save.txt']],
  ])('%s', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

describe('docker’s own drops outside its chains say why docker wrote them', () => {
  const icc =
    ': Docker writes this rule when inter-container communication is off on the network of br-app (enable_icc=false)';
  const direct =
    ': Docker writes this rule to block direct access to container 172.17.0.2 from outside docker0: reach it by a published port';

  it.each([
    ['nft.nft-monitor.txt.gz', ['nft.ruleset.nft.txt'], '1e38f306', ['48647670', '606fec34', '3706ec96']],
    [
      'nft.xtables-monitor.txt.gz',
      ['nft.iptables-save.txt', 'nft.ip6tables-save.txt'],
      '1e38f306',
      ['48647670', '606fec34', '3706ec96'],
    ],
    ['legacy.dmesg.txt.gz', ['legacy.iptables-save.txt', 'legacy.ip6tables-save.txt'], 'k40', ['k29', 'k41', 'k70']],
  ])('%s', (capture, rules, iccId, directIds) => {
    const traces = replay(capture, ...rules).traces;
    const t = byId(traces, iccId);
    expect(t.verdict).toMatchObject({ action: 'drop', table: 'filter', chain: 'FORWARD', rule: { position: 6 } });
    expect(t.explanation.endsWith(icc)).toBe(true);
    expect(t.why?.decidedBy?.owner).toBe('docker');
    for (const id of directIds) {
      const d = byId(traces, id);
      expect(d.verdict).toMatchObject({ action: 'drop', table: 'raw', chain: 'PREROUTING', rule: { position: 3 } });
      expect(d.explanation.endsWith(direct)).toBe(true);
    }
  });
});

describe('xtables-monitor 1.8.9’s misprints of IPv6 rules are matched to the dump’s rules', () => {
  it('T14: the DNAT (address printed as IPv4) and the accept (its port match left out)', () => {
    const t = byId(
      replay('nft.xtables-monitor.txt.gz', 'nft.iptables-save.txt', 'nft.ip6tables-save.txt').traces,
      'a0e511ba',
    );
    expect(t.verdict.rule).toMatchObject({
      position: 1,
      packets: 1,
      text: '-A DOCKER -d fd00:18::2/128 ! -i br-app -o br-app -p tcp -m tcp --dport 9000:9002 -j ACCEPT',
    });
    expect(t.nat[0]?.rule).toMatchObject({
      position: 1,
      text: '-A DOCKER -p tcp -m tcp --dport 9000:9002 -j DNAT --to-destination [fd00:18::2]:9000-9002',
    });
  });

  it('a misprint is the listed rule’s words in order, an IPv4-looking address for an IPv6 one with its port kept', () => {
    const listed = '-A DOCKER -p tcp -m tcp --dport 9000:9002 -j DNAT --to-destination [fd00:18::2]:9000-9002';
    expect(misprintOf('-A DOCKER -p tcp -j DNAT --to-destination 253.0.0.24:9000-9002', listed)).toBe(true);
    expect(misprintOf('-A DOCKER -p tcp -j DNAT --to-destination 253.0.0.24:5432', listed)).toBe(false);
    expect(misprintOf('-A DOCKER -p udp -j DNAT --to-destination 253.0.0.24:9000-9002', listed)).toBe(false);
    expect(misprintOf('-A DOCKER -p tcp -j ACCEPT', listed)).toBe(false);
    expect(misprintOf(listed, listed)).toBe(false);
  });
});
