// SYNPROXY and anti-spoofing on a router, from a fortieth review lab (test/fixtures/unseen40/README.md).
import { describe, expect, it } from 'vitest';
import { fixtureReplay } from '../helpers/fixture-replay.js';
import { byId, decidedBy, tally } from '../helpers/tally.js';

const { replay } = fixtureReplay('unseen40');

describe('one trace per packet (the trace rules’ counters)', () => {
  it.each([
    ['synproxy-xtnft.xtables-monitor.txt', 22, ['synproxy-xtnft.iptables-save-c.txt']],
    ['synproxy-xtnft.nft-monitor.txt', 22, ['synproxy-xtnft.nft-list-ruleset.txt']],
    ['synproxy-nft.nft-monitor.txt', 28, ['synproxy-nft.nft-list-ruleset.txt']],
    ['synproxy-legacy.kernlog.txt', 23, ['synproxy-legacy.iptables-legacy-save-c.txt']],
    ['spoof-xtnft.xtables-monitor.txt', 12, ['spoof-xtnft.iptables-save-c.txt']],
    ['spoof-nft.nft-monitor.txt', 17, ['spoof-nft.nft-list-ruleset.txt']],
    ['spoof-legacy.kernlog.txt', 12, ['spoof-legacy.iptables-legacy-save-c.txt']],
  ])('%s: %i', (capture, n, rules) => {
    expect(replay(capture, ...rules).traces).toHaveLength(n);
    expect(replay(capture).traces).toHaveLength(n);
  });
});

describe('a base chain entered without a packet: line (SYNPROXY’s SYNs), no dump', () => {
  const traces = replay('synproxy-nft.nft-monitor.txt').traces;
  const fwd = traces.filter((t) => t.verdict.chain === 'fwd_filter');

  it('is never given the hook of the chain before it', () => {
    expect(fwd).toHaveLength(16);
    expect(fwd.filter((t) => t.verdict.hook === 'prerouting')).toEqual([]);
    // Before a packet: line places fwd_filter, its hook is not known; after, it is forward.
    expect(tally(fwd, (t) => `${t.verdict.action} ${t.verdict.hook}`)).toEqual({
      'accept forward': 12,
      'stolen forward': 2,
      'stolen unknown': 2,
    });
    expect(byId(traces, 'fce3c6ee').verdict).toMatchObject({ action: 'stolen', hook: 'unknown' });
  });

  it('with the dump, every deciding rule its counter', () => {
    const withDump = replay('synproxy-nft.nft-monitor.txt', 'synproxy-nft.nft-list-ruleset.txt').traces;
    const decided = withDump.filter((t) => t.verdict.chain === 'fwd_filter');
    expect(tally(decided, (t) => `${decidedBy(t, (r) => r.handle)} ${t.verdict.hook}`)).toEqual({
      'stolen rv40/fwd_filter 12 forward': 4,
      'accept rv40/fwd_filter 14 forward': 12,
    });
  });
});

describe('SYNPROXY in the kernel log', () => {
  const traces = replay('synproxy-legacy.kernlog.txt', 'synproxy-legacy.iptables-legacy-save-c.txt').traces;

  it('its packets end on its rule, told what it does to each kind of packet', () => {
    const proxied = traces.filter((t) => t.steps.at(-1)?.rule?.text?.includes('-j SYNPROXY'));
    // The SYNPROXY rule's counter: the 2 SYNs and 2 ACKs it took (a kernel log shows no verdict).
    expect(proxied.map((t) => t.id)).toEqual(['k1', 'k3', 'k19', 'k21']);
    for (const t of proxied) {
      expect(t.verdict.action).toBe('unknown');
      expect(t.explanation).toContain('drops an ACK whose cookie is not valid, and lets any other packet go on');
      expect(t.explanation).not.toContain('drops the rest');
    }
  });
});

describe('a packet that arrived with TTL 1 (hping3 --ttl 1), not seen after prerouting', () => {
  it('xtables-monitor (no ICMP fields at all): was not forwarded, its TTL spent', () => {
    const t = byId(replay('spoof-xtnft.xtables-monitor.txt', 'spoof-xtnft.iptables-save-c.txt').traces, 'a0965699');
    expect(t.packet.ttl).toBe(1);
    expect(t.explanation).toContain(
      'it was for this host (no chain hooks input), or the kernel did not forward it: it arrived with TTL 1 (TTL expired), or events were lost',
    );
  });

  it.each([
    ['spoof-nft.nft-monitor.txt', 'spoof-nft.nft-list-ruleset.txt', 'feea9752', '31f2710b'],
    ['spoof-xtnft.nft-monitor.txt', 'spoof-xtnft.nft-list-ruleset.txt', 'a0965699', 'd7d30830'],
    ['spoof-legacy.kernlog.txt', 'spoof-legacy.iptables-legacy-save-c.txt', 'k8', 'k9'],
  ])('%s: the time exceeded this host sent about it is named', (capture, rules, id, error) => {
    const t = byId(replay(capture, rules).traces, id);
    expect(t.explanation).toContain(`TTL expired: this host sent ICMP time exceeded (trace ${error})`);
  });
});
