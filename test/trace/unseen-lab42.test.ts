// A dual-WAN router with firewall marks and policy routing, from a forty-second review lab
// (test/fixtures/unseen42/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen42');

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    ['nft-nftmon.capture.txt', 73, ['nft-nftmon.nft-list.txt']],
    ['iptnft-xtmon.capture.txt', 76, ['iptnft-xtmon.iptables-save.txt']],
    ['iptnft-nftmon.capture.txt', 75, ['iptnft-nftmon.nft-list.txt']],
    ['legacy-kernlog.capture.txt', 75, ['legacy-kernlog.iptables-legacy-save.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('native nft', () => {
  it('every deciding rule of the forward chain its counter', () => {
    const traces = replay('nft-nftmon.capture.txt', 'nft-nftmon.nft-list.txt').traces;
    const fwd = traces.filter((t) => t.verdict.chain === 'filter_fwd');
    expect(tally(fwd, (t) => decidedBy(t, (r) => r.handle))).toEqual({
      'drop rv42/filter_fwd 26': 2,
      'drop rv42/filter_fwd 27': 4,
      'accept rv42/filter_fwd 28': 52,
      'accept rv42/filter_fwd 29': 6,
    });
  });

  it('the JSON dump holds the numgen map rule as the trace prints it (marks in hex)', () => {
    const traces = replay('nft-nftmon.capture.txt', 'nft-nftmon.nft-list.json').traces;
    const pick = traces.flatMap((t) => t.steps).filter((s) => s.rule?.text?.includes('numgen') === true);
    // The rule's counter: 5 packets.
    expect(pick.map((s) => s.rule?.handle)).toEqual([21, 21, 21, 21, 21]);
  });
});

describe('MASQUERADE names the uplink whose address it takes', () => {
  it.each([
    ['nft-nftmon.capture.txt', 'nft-nftmon.nft-list.txt'],
    ['iptnft-xtmon.capture.txt', 'iptnft-xtmon.iptables-save.txt'],
    ['legacy-kernlog.capture.txt', 'legacy-kernlog.iptables-legacy-save.txt'],
  ])('%s', (capture, rules) => {
    const traces = replay(capture, rules).traces;
    const masq = traces.filter((t) => t.nat.some((n) => n.kind === 'masquerade'));
    // The MASQUERADE rules' counters: 3 connections out of wan1, 4 out of wan2 (the router's own among them).
    expect(tally(masq, (t) => /MASQUERADE \S+ -> the address of (wan\d)/.exec(t.explanation)?.[1] ?? '?')).toEqual({
      wan1: 3,
      wan2: 4,
    });
  });
});
