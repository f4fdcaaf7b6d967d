// IPv6 beyond the basics (NAT66, NPTv6, the router's ICMPv6 errors, extension headers), from a forty-sixth review
// lab (test/fixtures/unseen46/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen46');

describe('one trace per packet (the trace rules’ counters, and the MLD reports traced before they were zeroed)', () => {
  it.each([
    ['nft-nat/nft-monitor.txt', 45, ['nft-nat/nft-list.txt']],
    ['iptnft-nat/nft-monitor.txt', 44, ['iptnft-nat/nft-list.txt']],
    ['legacy-nat/kernlog.txt', 43, ['legacy-nat/ip6tables-legacy-save.txt']],
    ['nft-icmperr/nft-monitor.txt', 26, ['nft-icmperr/nft-list.txt']],
    ['iptnft-icmperr/nft-monitor.txt', 27, ['iptnft-icmperr/nft-list.txt']],
    ['legacy-icmperr/kernlog.txt', 27, ['legacy-icmperr/ip6tables-legacy-save.txt']],
    ['nft-exthdr/nft-monitor.txt', 14, ['nft-exthdr/nft-list.txt']],
    ['iptnft-exthdr/nft-monitor.txt', 13, ['iptnft-exthdr/nft-list.txt']],
    ['legacy-exthdr/kernlog.txt', 13, ['legacy-exthdr/ip6tables-legacy-save.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('the router’s ICMPv6 errors name the packets they answer (nft shows the header they quote)', () => {
  const traces = replay('nft-icmperr/nft-monitor.txt', 'nft-icmperr/nft-list.txt').traces;

  it.each([
    ['933e49bc', 'too big for the next hop: this host sent ICMPv6 packet too big (trace 01a3efff)'],
    ['b955e585#2', 'too big for the next hop: this host sent ICMPv6 packet too big (trace 35fda150)'],
    ['8d27d062', 'hop limit expired: this host sent ICMPv6 time exceeded (trace 18e174d8)'],
  ])('%s', (id, words) => {
    expect(byId(traces, id).verdict).toMatchObject({ action: 'drop', hook: 'prerouting', by: null });
    expect(byId(traces, id).explanation).toContain(`dropped by the kernel after prerouting, ${words}`);
  });

  it('as the kernel log of the same traffic does', () => {
    const legacy = replay('legacy-icmperr/kernlog.txt', 'legacy-icmperr/ip6tables-legacy-save.txt').traces;
    expect(byId(legacy, 'k8').explanation).toContain(
      'too big for the next hop: this host sent ICMPv6 packet too big (trace k9)',
    );
    expect(byId(legacy, 'k11').explanation).toContain(
      'hop limit expired: this host sent ICMPv6 time exceeded (trace k12)',
    );
  });

  it('an IPv6 packet’s causes say hop limit, not TTL', () => {
    for (const t of traces) expect(t.explanation).not.toContain('TTL');
  });
});

it('behind an IPv6 extension header the protocol is not shown (nft names the header as the next one)', () => {
  const traces = replay('nft-exthdr/nft-monitor.txt', 'nft-exthdr/nft-list.txt').traces;
  // A destination-options header (60) and a routing header (43) before UDP.
  for (const id of ['d3c33dcd', 'e893146b']) expect(byId(traces, id).packet.proto).toBeUndefined();
});
