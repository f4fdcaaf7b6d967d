// Many flows at once through NAT (240 TCP connections, UDP bursts, pings sharing one ICMP id), from a forty-fifth
// review lab (test/fixtures/unseen45/README.md): trace ids reused fast, events of many packets interleaved.
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen45');

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    ['c1-nft.nft-monitor.txt.gz', 1693, ['c1-nft.nft-list-ruleset.txt']],
    ['c2-iptnft.nft-monitor.txt.gz', 1675, ['c2-iptnft.nft-list-ruleset.txt']],
    // xtables-monitor fell behind and exited (No buffer space available) after 233 packets.
    ['c2-iptnft.xtables-monitor.txt', 233, ['c2-iptnft.iptables-save-c.txt']],
    // The kernel log kept the lines of 1400 of the 1733 packets traced (5 more begin past raw: lines lost).
    ['c3-legacy.kernlog.txt.gz', 1405, ['c3-legacy.iptables-legacy-save-c.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
  });
});

it('native nft: every deciding rule its counter', () => {
  const traces = replay('c1-nft.nft-monitor.txt.gz', 'c1-nft.nft-list-ruleset.txt').traces;
  const filtered = traces.filter((t) => t.verdict.chain === 'forward' || t.verdict.chain === 'log_and_drop');
  expect(tally(filtered, (t) => decidedBy(t, (r) => r.handle))).toEqual({
    'accept rv45/forward 17': 1315,
    'accept rv45/forward 18': 60,
    'accept rv45/forward 19': 60,
    'accept rv45/forward 20': 30,
    'accept rv45/forward 21': 60,
    'accept rv45/forward 22': 15,
    'accept rv45/forward 23': 3,
    'drop rv45/forward policy': 45,
    'drop rv45/log_and_drop 26': 45,
  });
});

it('kernel log with lines lost: a rewrite no traced rule made, on a packet that met a nat chain, is no existing mapping', () => {
  const t = byId(replay('c3-legacy.kernlog.txt.gz', 'c3-legacy.iptables-legacy-save-c.txt').traces, 'k910');
  expect(t.explanation).toContain(
    "after DNAT 10.145.200.1:5354 -> 10.145.101.2:53 in prerouting (no rule the trace shows, though the packet met a nat chain, which only a connection's first packet does: an nftables nat chain the kernel log cannot show, or lines missing from the capture)",
  );
  expect(t.explanation).not.toContain('existing conntrack mapping');
});
